#include "ui/pages/textpreviewpanel.h"

#include "core/text/textdataset.h"
#include "core/text/texttokenizer.h"
#include "ui/models/tokenpreviewmodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace graft::ui {

TextPreviewPanel::TextPreviewPanel(QWidget *parent)
    : QWidget(parent), m_status(new QLabel(this)), m_model(new TokenPreviewModel(this)), m_view(new QTableView(this)),
      m_detail(new QTextBrowser(this))
{
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setToolTip(tr("The first samples (and the one selected in the list) as the tokenizer and pad_sequences "
                          "turn them into the model's input. Check that the tokens look like the model's."));
    m_detail->setOpenLinks(false);
    m_detail->setToolTip(tr("The selected row: every token with its id (unknown tokens in red), then the ids the "
                            "model receives (padding zeros in grey)."));
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { showDetail(current.row()); });

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_view);
    split->addWidget(m_detail);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);
}

TextPreviewPanel::~TextPreviewPanel() = default;

void TextPreviewPanel::setDataset(std::shared_ptr<const TextDataset> dataset)
{
    m_dataset = std::move(dataset);
    m_selected = -1;
    refresh();
}

void TextPreviewPanel::setSettings(const TextSourceSettings &settings, int maxLength, const QString &problem)
{
    m_settings = settings;
    m_maxLength = maxLength;
    m_problem = problem;
    refresh();
}

void TextPreviewPanel::showSample(int index)
{
    m_selected = index;
    const int row = m_model->rowOfSample(index);
    if (row >= 0 && !m_tokenize.isRunning())
        m_view->selectRow(row); // already tokenized: no job needed
    else
        refresh();
}

QString TextPreviewPanel::statusText() const
{
    return m_status->text();
}

void TextPreviewPanel::refresh()
{
    if (!m_dataset || m_dataset->texts.isEmpty() || !m_problem.isEmpty() || !m_settings.isActive()) {
        m_tokenize.cancel();
        m_model->clear();
        m_detail->clear();
        m_status->setText(m_problem.isEmpty() ? tr("No texts to preview.") : m_problem);
        return;
    }
    TokenPreviewRequest job;
    job.tokenizerSpec = m_settings.tokenizer;
    job.maxLength = m_maxLength;
    job.padding = m_settings.padding;
    const auto addSample = [&](int index) {
        job.samples.append(
            {index, m_dataset->classNames.value(m_dataset->labels.value(index)), m_dataset->texts.at(index)});
    };
    for (int i = 0; i < std::min<int>(firstSamples, int(m_dataset->texts.size())); ++i)
        addSample(i);
    if (m_selected >= firstSamples && m_selected < m_dataset->texts.size())
        addSample(m_selected);

    m_status->setText(tr("Tokenizing…"));
    // Loading a large vocabulary takes a moment: never on the GUI thread. The tokenizer is
    // shared read-only with the job (tokenize() is const). Newer settings or another sample
    // supersede a preview still being computed.
    m_tokenize.start([job, tokenizer = m_tokenizer, spec = m_tokenizerSpec](
                         const CancelToken &) { return computeTokenPreview(job, tokenizer, spec); },
                     [this](const Expected<TokenPreview> &result) { showPreview(result); });
}

void TextPreviewPanel::showPreview(const Expected<TokenPreview> &result)
{
    if (!result) {
        m_model->clear();
        m_detail->clear();
        m_status->setText(tr("<span style='color:#b00020'>%1</span>").arg(result.errorString().toHtmlEscaped()));
        Q_EMIT previewFailed(result.errorString());
        return;
    }
    m_tokenizer = result->tokenizer;
    m_tokenizerSpec = result->tokenizerSpec;
    m_model->setRows(result->rows);
    int unknown = 0;
    int tokens = 0;
    for (const TokenPreviewRow &row : result->rows) {
        unknown += row.unknownCount;
        tokens += int(row.tokens.size());
    }
    QString text = m_maxLength > 0 ? tr("Vocabulary of %1 ids; sequences padded/truncated to %2.")
                                         .arg(m_tokenizer->vocabularySize())
                                         .arg(m_maxLength)
                                   : tr("Vocabulary of %1 ids; no max length yet (open the model or set one), "
                                        "so ids are shown unpadded.")
                                         .arg(m_tokenizer->vocabularySize());
    if (tokens > 0 && unknown * 5 > tokens)
        text += tr(" <span style='color:#b00020'>%1 of %2 tokens are unknown: is this the model's vocabulary?</span>")
                    .arg(unknown)
                    .arg(tokens);
    m_status->setText(text);
    const int row = m_model->rowOfSample(m_selected);
    m_view->selectRow(row >= 0 ? row : 0);
    showDetail(row >= 0 ? row : 0);
    Q_EMIT previewReady();
}

void TextPreviewPanel::showDetail(int row)
{
    if (row < 0 || row >= m_model->rowCount()) {
        m_detail->clear();
        return;
    }
    m_detail->setHtml(detailHtml(m_model->rows().at(row), m_maxLength));
}

QString TextPreviewPanel::detailHtml(const TokenPreviewRow &row, int maxLength)
{
    QString html = tr("<p><b>Sample %1</b> (%2): %3</p>")
                       .arg(row.index)
                       .arg(row.className.toHtmlEscaped(), row.text.toHtmlEscaped());
    html += tr("<p><b>%n token(s)</b>", nullptr, int(row.tokens.size()));
    if (row.unknownCount > 0)
        html += tr(", <span style='color:#b00020'>%n unknown</span>", nullptr, row.unknownCount);
    html += QStringLiteral(":<br>");
    for (int i = 0; i < row.tokens.size(); ++i) {
        const QString cell =
            QStringLiteral("%1&nbsp;<sub>%2</sub>").arg(row.tokens.at(i).toHtmlEscaped()).arg(row.ids.value(i));
        html += row.unknown.value(i)
                    ? QStringLiteral("<span style='background:#ffd6d6;color:#b00020'>[%1]</span> ").arg(cell)
                    : QStringLiteral("[%1] ").arg(cell);
    }
    html += QStringLiteral("</p>");
    if (maxLength > 0) {
        html += tr("<p><b>Model input</b> (%1 ids):<br><tt>").arg(row.modelInput.size());
        // Padding is where the padded sequence holds 0 beyond what the ids give: show it grey.
        QStringList ids;
        for (int id : row.modelInput)
            ids << (id == 0 ? QStringLiteral("<span style='color:#999'>0</span>") : QString::number(id));
        html += ids.join(QLatin1Char(' ')) + QStringLiteral("</tt></p>");
    }
    return html;
}

} // namespace graft::ui
