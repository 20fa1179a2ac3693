#include "ui/widgets/exportpanel.h"

#include "core/model/modelspec.h"
#include "ui/common/settingskeys.h"
#include "ui/widgets/pathfield.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace graft::ui {

namespace {

const QList<ExportFormat> allFormats{ExportFormat::Keras2Weights, ExportFormat::Keras2Full, ExportFormat::Keras3Weights,
                                     ExportFormat::KerasArchive, ExportFormat::TorchScript};

} // namespace

/** What the worker hands back. */
struct ExportPanel::Outcome
{
    QString error;
    QString path;
    QStringList written;
    QStringList warnings;
    QStringList protectedInputs; ///< what the plots must not overwrite either
};

ExportPanel::ExportPanel(QWidget *parent)
    : QWidget(parent), m_format(new QComboBox(this)),
      m_target(new PathField(PathField::Kind::SaveFile, tr("Export Model"), this)),
      m_labels(new QCheckBox(tr("Class names (<stem>.labels.txt)"), this)),
      m_architecture(new QCheckBox(tr("Architecture JSON beside weights-only files (<stem>.json)"), this)),
      m_historyBox(new QCheckBox(tr("Training history (<stem>.history.csv)"), this)),
      m_plotsBox(new QCheckBox(tr("Plots"), this)), m_plotFormat(new QComboBox(this)),
      m_progress(new QProgressBar(this)), m_log(new QPlainTextEdit(this)),
      m_export(new QPushButton(tr("&Export"), this))
{
    QStringList filters;
    for (ExportFormat f : allFormats) {
        m_format->addItem(tr("%1 (%2)").arg(ModelExporter::formatName(f), suffixFor(f)), int(f));
        filters << tr("%1 (*%2)").arg(ModelExporter::formatName(f), suffixFor(f));
    }
    m_format->setToolTip(
        tr("Keras 2 weights: model.load_weights() in tf.keras 2. Keras 2 full: keras.models.load_model() "
           "with architecture. .weights.h5 and .keras: Keras 3. TorchScript: torch.jit.load() in PyTorch."));
    m_target->setNameFilter(filters.join(QStringLiteral(";;")));
    m_target->setRememberedFolderKey(QString::fromLatin1(settingskeys::lastExportFolder));
    m_target->lineEdit()->setToolTip(tr("The model file to write; the files beside it are named after its stem. "
                                        "The files the model was read from are never overwritten."));
    m_labels->setToolTip(tr("One class name per line in output order; Graft and most scripts read it back."));
    m_architecture->setToolTip(tr("model.to_json() beside a weights-only file, so it can be loaded without code."));
    m_historyBox->setToolTip(tr("Keras CSVLogger columns: epoch, loss, accuracy, val_loss, val_accuracy, lr."));
    m_plotsBox->setToolTip(tr("The training plots, one file each: <stem>.<plot>.png or .pdf."));
    m_plotFormat->addItem(QStringLiteral("PNG"), int(PlotFileFormat::Png));
    m_plotFormat->addItem(QStringLiteral("PDF"), int(PlotFileFormat::Pdf));
    for (QCheckBox *box : {m_labels, m_architecture, m_historyBox, m_plotsBox})
        box->setChecked(true);
    m_progress->setRange(0, 0);
    m_progress->hide();
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(500);
    m_log->setPlaceholderText(tr("Written files and warnings appear here."));

    auto *plotRow = new QHBoxLayout;
    plotRow->addWidget(m_plotsBox);
    plotRow->addWidget(m_plotFormat);
    plotRow->addStretch(1);
    auto *form = new QFormLayout;
    form->addRow(tr("F&ormat:"), m_format);
    auto *fileLabel = new QLabel(tr("&File:"), this);
    fileLabel->setBuddy(m_target);
    form->addRow(fileLabel, m_target);
    form->addRow(QString(), m_labels);
    form->addRow(QString(), m_architecture);
    form->addRow(QString(), m_historyBox);
    form->addRow(QString(), plotRow);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_progress, 1);
    buttons->addStretch();
    buttons->addWidget(m_export);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(form);
    layout->addWidget(m_log, 1);
    layout->addLayout(buttons);

    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportPanel::formatChosen);
    connect(m_target->lineEdit(), &QLineEdit::textEdited, this, &ExportPanel::formatFollowsName);
    connect(m_target, &PathField::browsed, this, &ExportPanel::targetBrowsed);
    connect(m_target, &PathField::edited, this, [this] {
        updateAvailability();
        Q_EMIT edited();
    });
    connect(m_export, &QPushButton::clicked, this, &ExportPanel::startExport);
    updateAvailability();
}

ExportPanel::~ExportPanel() = default;

QString ExportPanel::suffixFor(ExportFormat format)
{
    switch (format) {
    case ExportFormat::Keras2Weights:
    case ExportFormat::Keras2Full: return QStringLiteral(".h5");
    case ExportFormat::Keras3Weights: return QStringLiteral(".weights.h5");
    case ExportFormat::KerasArchive: return QStringLiteral(".keras");
    case ExportFormat::TorchScript: return QStringLiteral(".pt");
    }
    return {};
}

void ExportPanel::setModel(std::shared_ptr<const LoadedModel> model)
{
    m_model = std::move(model);
    proposeTarget();
    updateAvailability();
}

void ExportPanel::proposeTarget()
{
    if (!m_model || !targetPath().isEmpty())
        return;
    const QFileInfo source(m_model->sourcePath);
    const QString folder = QSettings().value(settingskeys::lastExportFolder, source.absolutePath()).toString();
    const QString name = QFileInfo(CompanionFiles::stem(source.fileName())).fileName() + QStringLiteral("-finetuned")
                         + suffixFor(format());
    setTargetPath(QDir::toNativeSeparators(QDir(folder).filePath(name)));
}

void ExportPanel::setClassNames(const QStringList &names)
{
    m_classNames = names;
    m_classNamesSet = true;
    updateAvailability();
}

void ExportPanel::setHistory(const QVector<HistoryEpoch> &history)
{
    m_history = history;
    updateAvailability();
}

void ExportPanel::setPlots(const QList<NamedPlot> &plots)
{
    m_plots = plots;
    updateAvailability();
}

void ExportPanel::setProtectedInputs(const QStringList &paths)
{
    m_protected = paths;
}

void ExportPanel::setTargetPath(const QString &path)
{
    m_target->setPath(path);
}

QString ExportPanel::targetPath() const
{
    return QDir::fromNativeSeparators(m_target->path());
}

void ExportPanel::setFormat(ExportFormat format)
{
    m_format->setCurrentIndex(m_format->findData(int(format)));
}

ExportFormat ExportPanel::format() const
{
    return ExportFormat(m_format->currentData().toInt());
}

void ExportPanel::setPlotFormat(PlotFileFormat format)
{
    m_plotFormat->setCurrentIndex(m_plotFormat->findData(int(format)));
}

QString ExportPanel::logText() const
{
    return m_log->toPlainText();
}

QStringList ExportPanel::classNames() const
{
    return m_classNamesSet ? m_classNames : (m_model ? m_model->classNames : QStringList());
}

void ExportPanel::formatChosen()
{
    const QString target = targetPath();
    if (!target.isEmpty())
        setTargetPath(QDir::toNativeSeparators(CompanionFiles::stem(target) + suffixFor(format())));
    updateAvailability();
    Q_EMIT edited();
}

bool ExportPanel::formatFollowsName(const QString &path)
{
    // A name the user typed or chose says which format it is (.h5 stays a full model when one was chosen).
    const auto named = ModelExporter::formatFor(QDir::fromNativeSeparators(path), format() == ExportFormat::Keras2Full);
    if (!named)
        return false;
    if (*named != format()) {
        const QSignalBlocker blocker(m_format); // the name stays as it is
        setFormat(*named);
        updateAvailability();
    }
    return true;
}

void ExportPanel::targetBrowsed(const QString &path)
{
    if (!formatFollowsName(path)) // a name without a known suffix gets the format's
        setTargetPath(QDir::toNativeSeparators(CompanionFiles::stem(path) + suffixFor(format())));
}

void ExportPanel::updateAvailability()
{
    m_labels->setEnabled(!classNames().isEmpty());
    const ExportFormat f = format();
    m_architecture->setEnabled(f == ExportFormat::Keras2Weights || f == ExportFormat::Keras3Weights);
    m_historyBox->setEnabled(!m_history.isEmpty());
    m_plotsBox->setEnabled(!m_plots.isEmpty());
    m_plotFormat->setEnabled(!m_plots.isEmpty());
    m_export->setEnabled(!isExporting() && m_model && !targetPath().isEmpty());
}

void ExportPanel::setBusy(bool busy)
{
    m_progress->setVisible(busy);
    m_format->setEnabled(!busy);
    m_target->setEnabled(!busy);
    updateAvailability();
    Q_EMIT busyChanged(busy);
}

void ExportPanel::startExport()
{
    if (isExporting())
        return;
    if (!m_model) {
        fail(tr("there is no model to export: open one, or train first."));
        return;
    }
    const QString target = targetPath();
    if (target.isEmpty()) {
        fail(tr("choose the file to write."));
        return;
    }
    const ExportFormat chosen = format();
    const auto named = ModelExporter::formatFor(target, chosen == ExportFormat::Keras2Full);
    if (!named) {
        fail(named.errorString());
        return;
    }
    if (*named != chosen) {
        fail(tr("%1 names a %2 file, not %3: end the name with %4.")
                 .arg(target, ModelExporter::formatName(*named), ModelExporter::formatName(chosen), suffixFor(chosen)));
        return;
    }
    LoadedModel model = *m_model; // the worker gets its own copy: nothing is shared across threads
    model.classNames = classNames();
    ExportOptions options;
    options.fullModel = chosen == ExportFormat::Keras2Full;
    options.protectedInputs = m_protected;
    options.writeLabels = m_labels->isEnabled() && m_labels->isChecked();
    options.writeArchitecture = m_architecture->isChecked();
    const QVector<HistoryEpoch> history =
        m_historyBox->isEnabled() && m_historyBox->isChecked() ? m_history : QVector<HistoryEpoch>();
    const QStringList protectedInputs = m_protected + QStringList{model.sourcePath};

    m_written.clear();
    m_warnings.clear();
    m_log->appendPlainText(
        tr("Writing %1 as %2…").arg(QDir::toNativeSeparators(target), ModelExporter::formatName(chosen)));
    m_write.start(
        [model = std::move(model), target, options, history, protectedInputs](const CancelToken &) {
            Outcome outcome;
            outcome.protectedInputs = protectedInputs;
            auto result = ModelExporter::exportModel(model, target, options);
            if (!result) {
                outcome.error = result.errorString();
                return outcome;
            }
            outcome.path = result->path;
            outcome.written = result->writtenFiles;
            outcome.warnings = result->warnings;
            if (!history.isEmpty()) {
                auto written = CompanionFiles::writeHistory(target, history, protectedInputs);
                if (!written)
                    outcome.error = written.errorString();
                else
                    outcome.written << *written;
            }
            return outcome;
        },
        [this](const Outcome &outcome) { finishExport(outcome); });
    setBusy(true);
}

void ExportPanel::finishExport(const Outcome &outcome)
{
    setBusy(false);
    m_written = outcome.written;
    m_warnings = outcome.warnings;
    for (const QString &warning : m_warnings)
        m_log->appendPlainText(tr("Warning: %1").arg(warning));
    QString error = outcome.error;
    if (error.isEmpty() && m_plotsBox->isEnabled() && m_plotsBox->isChecked()) {
        const auto format = PlotFileFormat(m_plotFormat->currentData().toInt());
        const auto plots = savePlots(m_plots, outcome.path, format, outcome.protectedInputs);
        if (plots)
            m_written << *plots;
        else
            error = plots.errorString();
    }
    for (const QString &file : m_written)
        m_log->appendPlainText(tr("Wrote %1").arg(QDir::toNativeSeparators(file)));
    if (!error.isEmpty()) {
        fail(error);
        return;
    }
    QSettings().setValue(settingskeys::lastExportFolder, QFileInfo(outcome.path).absolutePath());
    Q_EMIT exportFinished(m_written);
}

void ExportPanel::fail(const QString &message)
{
    m_log->appendPlainText(tr("Not exported: %1").arg(message));
    Q_EMIT exportFailed(message);
}

} // namespace graft::ui
