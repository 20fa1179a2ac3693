#include "ui/pages/datasetpage.h"

#include "core/model/modelspec.h"
#include "core/model/modelsummary.h"
#include "ui/common/timings.h"
#include "ui/document/datasetsource.h"
#include "ui/document/workbench.h"
#include "ui/models/classcountmodel.h"
#include "ui/pages/featuresettingsform.h"
#include "ui/pages/samplespanel.h"
#include "ui/pages/textpreviewpanel.h"
#include "ui/pages/textsettingswidget.h"
#include "ui/plots/classcountchart.h"
#include "ui/plots/samplepreview.h"

#include <QDir>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <limits>

namespace graft::ui {

namespace {

// The sample list is for picking something to preview, not for browsing a whole corpus.
constexpr int maxListedSamples = 2000;

/** A text classifier: its first layer after the inputs turns token ids into vectors. */
bool takesTokenIds(const LoadedModel &model)
{
    for (const Layer &layer : model.model.layers)
        if (!layer.isInput())
            return layer.className == QLatin1String("Embedding");
    return false;
}

} // namespace

DatasetPage::DatasetPage(Workbench *workbench, QWidget *parent)
    : QWidget(parent), m_workbench(workbench), m_source(workbench->dataset()), m_summary(new QLabel(this)),
      m_chooseFolder(new QPushButton(tr("Choose &folder…"), this)),
      m_chooseArrays(new QPushButton(tr("Open &arrays…"), this)),
      m_chooseTable(new QPushButton(tr("Open &text table…"), this)), m_progress(new QProgressBar(this)),
      m_cancel(new QPushButton(tr("Cancel"), this)), m_classes(new ClassCountModel(this)),
      m_classView(new QTableView(this)), m_chart(new ClassCountChart(this)), m_issues(new QTableWidget(0, 2, this)),
      m_samples(new QListWidget(this)), m_preview(new SamplePreview(this)), m_textPreview(new TextPreviewPanel(this)),
      m_textSettings(new TextSettingsWidget(this)), m_settings(new FeatureSettingsForm(this)),
      m_validationFraction(new QDoubleSpinBox(this)), m_seed(new QSpinBox(this)),
      m_samplesPanel(new SamplesPanel(m_source, this)), m_previewTimer(new QTimer(this))
{
    setAcceptDrops(true);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_chooseFolder->setToolTip(tr("A folder with one subfolder per class (audio, images or .npy files), "
                                  "or one holding train/ and val/ class folders."));
    m_chooseArrays->setToolTip(
        tr("Features already computed: X.npy + y.npy, an .npz, or an HDF5 file with two datasets."));
    m_chooseTable->setToolTip(tr("A text classification table: a .csv or .tsv file with a text and a label column. "
                                 "(A folder of class folders of .txt files opens with Choose folder.)"));
    m_progress->setRange(0, 0); // the scanner reports no fraction done: a busy indicator
    m_progress->setMaximumWidth(160);
    m_cancel->setToolTip(tr("Stop the scan; the dataset shown before stays."));
    setScanning(false);

    m_classView->setModel(m_classes);
    m_classView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_classView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_classView->verticalHeader()->hide();
    m_classView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_classView->horizontalHeader()->setStretchLastSection(true);
    m_issues->setHorizontalHeaderLabels({tr("File"), tr("Reason")});
    m_issues->horizontalHeader()->setStretchLastSection(true);
    m_issues->verticalHeader()->hide();
    m_issues->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_issues->setToolTip(tr("Files left out of the dataset and why, and warnings about the classes."));
    m_samples->setToolTip(tr("Samples of the selected class; select one to preview it."));
    // Re-previewing on every spin-box step would queue one decode per click.
    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(timing::previewDebounce);

    auto *top = new QHBoxLayout;
    top->addWidget(m_chooseFolder);
    top->addWidget(m_chooseArrays);
    top->addWidget(m_chooseTable);
    top->addWidget(m_summary, 1);
    top->addWidget(m_progress);
    top->addWidget(m_cancel);
    auto *left = new QSplitter(Qt::Vertical, this);
    left->addWidget(m_classView);
    left->addWidget(m_chart);
    left->addWidget(m_issues);
    left->setStretchFactor(0, 2);
    left->setStretchFactor(1, 3);
    left->setStretchFactor(2, 1);
    auto *middle = new QSplitter(Qt::Vertical, this);
    middle->addWidget(m_samples);
    middle->addWidget(m_preview);
    middle->addWidget(m_textPreview);
    middle->setStretchFactor(1, 3);
    middle->setStretchFactor(2, 3);
    auto *columns = new QSplitter(Qt::Horizontal, this);
    columns->addWidget(left);
    columns->addWidget(middle);
    columns->addWidget(buildSettingsColumn());
    columns->setStretchFactor(0, 2);
    columns->setStretchFactor(1, 3);
    columns->setStretchFactor(2, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(columns, 1);
    layout->addWidget(m_samplesPanel);

    m_textSettings->loadDefaults();
    connectSettings();
    modelChanged();
    publishSettings(); // the page's starting values (the last text settings used) become the source's
}

DatasetPage::~DatasetPage() = default;

QWidget *DatasetPage::buildSettingsColumn()
{
    m_validationFraction->setRange(0.0, 0.9);
    m_validationFraction->setSingleStep(0.05);
    m_validationFraction->setValue(DatasetSettings().validationFraction);
    m_validationFraction->setToolTip(tr("Without a validation folder: the share of each class held out for validation "
                                        "(stratified, seeded)."));
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setToolTip(tr("Seed of the validation split: the same seed gives the same split."));
    auto *right = new QWidget(this);
    auto *splitForm = new QFormLayout;
    splitForm->addRow(tr("Validation fraction"), m_validationFraction);
    splitForm->addRow(tr("Split seed"), m_seed);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->addLayout(splitForm);
    rightLayout->addWidget(m_textSettings);
    rightLayout->addWidget(m_settings);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(right);
    scroll->setWidgetResizable(true);
    scroll->setMinimumWidth(320);
    return scroll;
}

void DatasetPage::connectSettings()
{
    connect(m_chooseFolder, &QPushButton::clicked, this, &DatasetPage::chooseFolder);
    connect(m_chooseArrays, &QPushButton::clicked, this, &DatasetPage::chooseArrays);
    connect(m_chooseTable, &QPushButton::clicked, this, &DatasetPage::chooseTable);
    connect(m_cancel, &QPushButton::clicked, m_source, &DatasetSource::cancelScan);
    connect(m_classView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &DatasetPage::updateSampleList);
    connect(m_samples, &QListWidget::currentRowChanged, this, &DatasetPage::previewCurrentSample);
    connect(m_previewTimer, &QTimer::timeout, this, &DatasetPage::previewCurrentSample);

    // Every edit becomes the source's; the preview follows at once, the samples once text edits pause.
    connect(m_validationFraction, &QDoubleSpinBox::valueChanged, this, &DatasetPage::publishSettings);
    connect(m_seed, &QSpinBox::valueChanged, this, &DatasetPage::publishSettings);
    connect(m_settings, &FeatureSettingsForm::settingsChanged, this, [this] {
        m_previewTimer->start();
        publishSettings();
    });
    connect(m_textSettings, &TextSettingsWidget::settingsChanged, this, [this] {
        updateTextWidgets();
        publishSettings();
    });
    // Other columns give other samples and classes: read the table again.
    connect(m_textSettings, &TextSettingsWidget::columnsChanged, this, [this] {
        publishSettings();
        if (dataset() && dataset()->isText() && dataset()->text->isTable)
            m_source->open(dataset()->path);
    });

    connect(m_source, &DatasetSource::settingsReplaced, this, &DatasetPage::showSettings);
    connect(m_source, &DatasetSource::scanStarted, this, [this](const QString &path) { setScanning(true, path); });
    connect(m_source, &DatasetSource::scanned, this, &DatasetPage::showDataset);
    connect(m_source, &DatasetSource::scanFailed, this, &DatasetPage::showScanFailure);
    connect(m_source, &DatasetSource::scanCancelled, this, [this] { setScanning(false); });
    connect(m_workbench, &Workbench::modelChanged, this, &DatasetPage::modelChanged);
}

void DatasetPage::modelChanged()
{
    const auto model = m_workbench->model();
    setModelInputShape(model ? ModelSummary::inputShape(*model) : Shape());
    setModelTakesTokens(model && takesTokenIds(*model));
}

void DatasetPage::publishSettings()
{
    if (m_showingSettings)
        return;
    DatasetSettings settings = m_source->settings();
    settings.validationFraction = validationFraction();
    settings.splitSeed = splitSeed();
    settings.audio = m_settings->audioSettings();
    settings.image = m_settings->imageSettings();
    settings.text = m_textSettings->projectText();
    m_source->setSettings(settings);
}

void DatasetPage::showSettings()
{
    {
        const QScopedValueRollback<bool> showing(m_showingSettings, true);
        const DatasetSettings &settings = m_source->settings();
        setValidationFraction(settings.validationFraction);
        setSplitSeed(settings.splitSeed);
        m_settings->setAudioSettings(settings.audio);
        m_settings->setImageSettings(settings.image);
        if (!(settings.text == m_textSettings->projectText()))
            m_textSettings->setProjectText(settings.text);
    }
    updateTextWidgets();
    publishSettings(); // as the widgets hold them (rounded, normalized)
}

QCustomPlot *DatasetPage::countsChart() const
{
    return m_chart;
}

std::shared_ptr<const OpenedDataset> DatasetPage::dataset() const
{
    return m_source->opened();
}

void DatasetPage::setScanning(bool scanning, const QString &path)
{
    m_progress->setVisible(scanning);
    m_cancel->setVisible(scanning);
    if (scanning)
        m_summary->setText(tr("Scanning %1…").arg(QDir::toNativeSeparators(path)));
    else if (dataset())
        m_summary->setText(summaryOf(*dataset()));
    else
        m_summary->setText(
            tr("Choose a folder with one subfolder per class (or drop it here), X/y arrays or a text table."));
}

void DatasetPage::setModelInputShape(const std::vector<std::int64_t> &shape)
{
    m_settings->setModelInputShape(shape); // core's proposals for this input
    // An Embedding's input is (input_length,): that is the length sequences are padded to.
    m_textSettings->setModelInputLength(shape.size() == 1 && shape.front() > 0 ? int(shape.front()) : 0);
    updateTextWidgets();
    publishSettings();
}

void DatasetPage::setModelTakesTokens(bool takesTokens)
{
    m_modelTakesTokens = takesTokens;
    updateTextWidgets();
}

void DatasetPage::updateTextWidgets()
{
    const bool text = dataset() && dataset()->isText();
    m_textSettings->setVisible(text || m_modelTakesTokens);
    // Audio and image settings mean nothing for texts (nor for a text model before any dataset).
    m_settings->setVisible(!text && !(m_modelTakesTokens && !dataset()));
    m_textPreview->setVisible(text);
    m_preview->setVisible(!text);
    m_textPreview->setSettings(m_textSettings->settings(), m_textSettings->effectiveMaxLength(),
                               m_textSettings->problem());
}

QStringList DatasetPage::classNames() const
{
    return dataset() ? dataset()->classNames() : QStringList();
}

QVector<int> DatasetPage::classCounts() const
{
    return dataset() ? dataset()->trainCounts() : QVector<int>();
}

double DatasetPage::validationFraction() const
{
    return m_validationFraction->value();
}

void DatasetPage::setValidationFraction(double fraction)
{
    m_validationFraction->setValue(fraction);
}

std::uint64_t DatasetPage::splitSeed() const
{
    return std::uint64_t(m_seed->value());
}

void DatasetPage::setSplitSeed(std::uint64_t seed)
{
    m_seed->setValue(int(std::min<std::uint64_t>(seed, std::uint64_t(std::numeric_limits<int>::max()))));
}

void DatasetPage::chooseFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Dataset folder"), m_source->path());
    if (!dir.isEmpty())
        m_source->open(dir);
}

void DatasetPage::chooseTable()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Text dataset table"), m_source->path(),
                                                      tr("Text tables (*.csv *.tsv *.tab);;All files (*)"));
    if (!file.isEmpty())
        m_source->open(file);
}

void DatasetPage::chooseArrays()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Dataset arrays"), m_source->path(),
                                                      tr("Arrays (*.npy *.npz *.h5 *.hdf5);;All files (*)"));
    if (!file.isEmpty())
        m_source->open(file);
}

void DatasetPage::showDataset()
{
    const OpenedDataset &d = *dataset();
    m_classes->setCounts(d.classNames(), d.trainCounts(), d.validationCounts());
    const bool hasValidation = d.validation || (d.text && d.text->validation);
    m_settings->setSampleKind(d.isText() ? std::nullopt : std::optional<SampleKind>(d.kind()));
    m_validationFraction->setEnabled(!hasValidation);
    m_seed->setEnabled(!hasValidation);
    if (d.text) {
        m_textSettings->setColumns(d.text->header, d.text->textColumn, d.text->labelColumn);
        m_textPreview->setDataset(std::shared_ptr<const TextDataset>(dataset(), &d.text->train));
    } else {
        m_textPreview->setDataset(nullptr);
    }
    updateTextWidgets();
    publishSettings(); // the table's columns are now the text settings' columns
    setScanning(false);
    m_chart->setCounts(m_classes->classNames(), m_classes->trainCounts(), m_classes->validationCounts());
    updateIssues();
    if (m_classes->rowCount() > 0)
        m_classView->setCurrentIndex(m_classes->index(0, 0));
    else
        updateSampleList();
    Q_EMIT datasetChanged();
}

QString DatasetPage::summaryOf(const OpenedDataset &d) const
{
    int samples = 0;
    for (int count : d.trainCounts())
        samples += count;
    QString text = tr("<b>%1</b>: %2 classes, %3 samples")
                       .arg(QDir::toNativeSeparators(d.path).toHtmlEscaped())
                       .arg(d.classNames().size())
                       .arg(samples);
    if (d.train) {
        text += tr(" (%1").arg(sampleKindName(d.train->kind));
        if (d.train->kind == SampleKind::Audio)
            text += tr(", %1 s").arg(d.train->totalSeconds, 0, 'f', 1);
        text += QLatin1Char(')');
    } else if (d.arrays) {
        text += tr(" (%1 arrays, samples %2)").arg(d.arrays->format, shapeText(d.arrays->sampleShape()));
    } else if (d.text) {
        text += d.text->isTable ? tr(" (text table; text column %1, label column %2)")
                                      .arg(d.text->textColumn.toHtmlEscaped(), d.text->labelColumn.toHtmlEscaped())
                                : tr(" (text files)");
        if (d.text->validation)
            text += tr("; validation folder: %1 samples").arg(d.text->validation->texts.size());
        if (!d.text->error.isEmpty())
            text += tr("<br><span style='color:#b00020'>%1 Choose the text and label columns.</span>")
                        .arg(d.text->error.toHtmlEscaped());
    }
    if (d.validation)
        text += tr("; validation folder: %1 samples").arg(d.validation->samples.size());
    const double imbalance = imbalanceRatio(d.trainCounts());
    if (imbalance > 1.5)
        text += tr("; imbalance %1 : 1 (class weights shown)").arg(imbalance, 0, 'f', 1);
    const int issues = d.issues().size();
    if (issues > 0)
        text += tr("; %n issue(s) listed below", nullptr, issues);
    return text;
}

void DatasetPage::showScanFailure(const QString &message)
{
    setScanning(false); // the summary of what is still shown
    if (!dataset())
        m_summary->setText(tr("<span style='color:#b00020'>%1</span>").arg(message.toHtmlEscaped()));
    if (m_showErrorDialogs)
        QMessageBox::warning(this, tr("Cannot open the dataset"), message);
}

void DatasetPage::updateIssues()
{
    const QVector<DatasetIssue> issues = dataset() ? dataset()->issues() : QVector<DatasetIssue>();
    // Paths below the opened folder are shown relative to it; the tooltip keeps the full path.
    const QFileInfo opened(dataset() ? dataset()->path : QString());
    const QDir root(opened.isDir() ? opened.absoluteFilePath() : opened.absolutePath());
    m_issues->setRowCount(issues.size());
    for (int row = 0; row < issues.size(); ++row) {
        const QString relative = root.relativeFilePath(issues[row].path);
        auto *file = new QTableWidgetItem(
            QDir::toNativeSeparators(relative.startsWith(QLatin1String("..")) ? issues[row].path : relative));
        file->setToolTip(issues[row].path);
        auto *reason = new QTableWidgetItem(issues[row].reason);
        reason->setToolTip(issues[row].reason);
        m_issues->setItem(row, 0, file);
        m_issues->setItem(row, 1, reason);
    }
    m_issues->resizeColumnToContents(0);
}

void DatasetPage::updateSampleList()
{
    m_samples->clear();
    m_listedSamples.clear();
    const auto shown = dataset();
    const int label = m_classView->currentIndex().row();
    if (!shown || label < 0) {
        m_preview->clear();
        return;
    }
    const auto list = [&](int count, auto labelOf, auto text) {
        for (int i = 0; i < count && m_listedSamples.size() < maxListedSamples; ++i) {
            if (labelOf(i) != label)
                continue;
            m_listedSamples << i;
            m_samples->addItem(text(i));
        }
    };
    if (shown->train) {
        const auto &samples = shown->train->samples;
        const QDir root(shown->train->rootPath);
        list(
            int(samples.size()), [&](int i) { return samples[i].label; },
            [&](int i) { return QDir::toNativeSeparators(root.relativeFilePath(samples[i].path)); });
    } else if (shown->text) {
        const TextDataset &texts = shown->text->train;
        list(
            int(texts.texts.size()), [&](int i) { return texts.labels.value(i); },
            [&](int i) { return tr("%1: %2").arg(i).arg(texts.texts.at(i).simplified().left(100)); });
    } else if (shown->arrays) {
        const auto &labels = shown->arrays->labels;
        list(
            int(labels.size()), [&](int i) { return labels[i]; }, [&](int i) { return tr("sample %1").arg(i); });
    }
    if (!m_listedSamples.isEmpty())
        m_samples->setCurrentRow(0);
    else
        m_preview->clear(tr("This class has no samples."));
}

void DatasetPage::previewCurrentSample()
{
    const int row = m_samples->currentRow();
    if (row < 0 || row >= m_listedSamples.size())
        return;
    previewSample(m_listedSamples[row]);
}

void DatasetPage::previewSample(int index)
{
    const auto shown = dataset();
    if (!shown)
        return;
    if (shown->text) {
        if (index >= 0 && index < shown->text->train.texts.size())
            m_textPreview->showSample(index);
    } else if (shown->train) {
        const auto &samples = shown->train->samples;
        if (index < 0 || index >= samples.size())
            return;
        const QString path = samples[index].path;
        switch (shown->train->kind) {
        case SampleKind::Audio: m_preview->showAudioFile(path, m_settings->audioSettings().params); break;
        case SampleKind::Image: m_preview->showImageFile(path); break;
        case SampleKind::FeatureArray: m_preview->showNpyFile(path); break;
        }
    } else if (shown->arrays) {
        const ArrayDataset &a = *shown->arrays;
        if (index < 0 || index >= a.count())
            return;
        std::int64_t size = 1;
        for (std::int64_t d : a.sampleShape())
            size *= d;
        const auto first = a.features.begin() + index * size;
        m_preview->showArray(
            a.sampleShape(), std::vector<float>(first, first + size),
            tr("sample %1, class %2").arg(index).arg(shown->classNames().value(a.labels.value(index))));
    }
}

void DatasetPage::dragEnterEvent(QDragEnterEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.front().isLocalFile()) {
        const QFileInfo info(urls.front().toLocalFile());
        if (info.isDir() || OpenedDataset::isArrayFileName(info.fileName())
            || TextDatasetLoader::looksLikeTextDataset(info.filePath())) {
            event->acceptProposedAction();
            return;
        }
    }
    event->ignore();
}

void DatasetPage::dropEvent(QDropEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() != 1 || !urls.front().isLocalFile()) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    m_source->open(urls.front().toLocalFile());
}

} // namespace graft::ui
