#include "ui/pages/datasetpage.h"

#include "core/project/projectfile.h"
#include "ui/models/classcountmodel.h"
#include "ui/pages/featuresettingsform.h"
#include "ui/pages/textpreviewpanel.h"
#include "ui/pages/textsettingswidget.h"
#include "ui/plots/samplepreview.h"

#include <qcustomplot.h>

#include <QDir>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace graft::ui {

namespace {

// The sample list is for picking something to preview, not for browsing a whole corpus.
constexpr int maxListedSamples = 2000;

} // namespace

DatasetPage::DatasetPage(QWidget *parent)
    : QWidget(parent), m_summary(new QLabel(this)), m_chooseFolder(new QPushButton(tr("Choose &folder…"), this)),
      m_chooseArrays(new QPushButton(tr("Open &arrays…"), this)),
      m_chooseTable(new QPushButton(tr("Open &text table…"), this)), m_progress(new QProgressBar(this)),
      m_cancel(new QPushButton(tr("Cancel"), this)), m_classes(new ClassCountModel(this)),
      m_classView(new QTableView(this)), m_chart(new QCustomPlot(this)), m_issues(new QTableWidget(0, 2, this)),
      m_samples(new QListWidget(this)), m_preview(new SamplePreview(this)), m_textPreview(new TextPreviewPanel(this)),
      m_textSettings(new TextSettingsWidget(this)), m_settings(new FeatureSettingsForm(this)),
      m_validationFraction(new QDoubleSpinBox(this)), m_seed(new QSpinBox(this)), m_previewTimer(new QTimer(this)),
      m_textTimer(new QTimer(this))
{
    setAcceptDrops(true);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setText(
        tr("Choose a folder with one subfolder per class (or drop it here), X/y arrays or a text table."));
    m_chooseFolder->setToolTip(tr("A folder with one subfolder per class (audio, images or .npy files), "
                                  "or one holding train/ and val/ class folders."));
    m_chooseArrays->setToolTip(
        tr("Features already computed: X.npy + y.npy, an .npz, or an HDF5 file with two datasets."));
    m_chooseTable->setToolTip(tr("A text classification table: a .csv or .tsv file with a text and a label column. "
                                 "(A folder of class folders of .txt files opens with Choose folder.)"));
    m_progress->setRange(0, 0); // the scanner reports no fraction done: a busy indicator
    m_progress->setMaximumWidth(160);
    m_progress->hide();
    m_cancel->setToolTip(tr("Stop waiting for the scan; the dataset shown before stays."));
    m_cancel->hide();
    connect(m_chooseFolder, &QPushButton::clicked, this, &DatasetPage::chooseFolder);
    connect(m_chooseArrays, &QPushButton::clicked, this, &DatasetPage::chooseArrays);
    connect(m_chooseTable, &QPushButton::clicked, this, &DatasetPage::chooseTable);
    m_textSettings->loadDefaults();
    // The preview follows every edit; the (possibly large) dataset is made again once edits pause.
    m_textTimer->setSingleShot(true);
    m_textTimer->setInterval(400);
    connect(m_textTimer, &QTimer::timeout, this, &DatasetPage::textSettingsChanged);
    connect(m_textSettings, &TextSettingsWidget::settingsChanged, this, [this] {
        updateTextWidgets();
        m_textTimer->start();
    });
    // Other columns give other samples and classes: read the table again.
    connect(m_textSettings, &TextSettingsWidget::columnsChanged, this, [this] {
        if (m_dataset && m_dataset->isText() && m_dataset->text->isTable)
            openPath(m_dataset->path);
    });
    connect(m_cancel, &QPushButton::clicked, this, &DatasetPage::cancelScan);

    m_classView->setModel(m_classes);
    m_classView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_classView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_classView->verticalHeader()->hide();
    m_classView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_classView->horizontalHeader()->setStretchLastSection(true);
    connect(m_classView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &DatasetPage::updateSampleList);

    m_trainBars = new QCPBars(m_chart->xAxis, m_chart->yAxis);
    m_trainBars->setName(tr("training"));
    m_trainBars->setBrush(QColor(70, 130, 180));
    m_trainBars->setPen(Qt::NoPen);
    m_validationBars = new QCPBars(m_chart->xAxis, m_chart->yAxis);
    m_validationBars->setName(tr("validation"));
    m_validationBars->setBrush(QColor(230, 150, 60));
    m_validationBars->setPen(Qt::NoPen);
    auto *group = new QCPBarsGroup(m_chart);
    m_trainBars->setBarsGroup(group);
    m_validationBars->setBarsGroup(group);
    m_chart->xAxis->setTickLabelRotation(45);
    m_chart->yAxis->setLabel(tr("samples"));
    m_chart->legend->setVisible(true);
    m_chart->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    QFont legendFont = m_chart->font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.85);
    m_chart->legend->setFont(legendFont);
    m_chart->setMinimumHeight(240);

    m_issues->setHorizontalHeaderLabels({tr("File"), tr("Reason")});
    m_issues->horizontalHeader()->setStretchLastSection(true);
    m_issues->verticalHeader()->hide();
    m_issues->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_issues->setToolTip(tr("Files left out of the dataset and why, and warnings about the classes."));

    m_samples->setToolTip(tr("Samples of the selected class; select one to preview it."));
    connect(m_samples, &QListWidget::currentRowChanged, this, &DatasetPage::previewCurrentSample);

    m_validationFraction->setRange(0.0, 0.9);
    m_validationFraction->setSingleStep(0.05);
    m_validationFraction->setValue(0.2);
    m_validationFraction->setToolTip(tr("Without a validation folder: the share of each class held out for validation "
                                        "(stratified, seeded)."));
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setToolTip(tr("Seed of the validation split: the same seed gives the same split."));
    connect(m_validationFraction, &QDoubleSpinBox::valueChanged, this, &DatasetPage::featureSettingsChanged);
    connect(m_seed, &QSpinBox::valueChanged, this, &DatasetPage::featureSettingsChanged);

    // Re-previewing on every spin-box step would queue one decode per click.
    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(250);
    connect(m_previewTimer, &QTimer::timeout, this, &DatasetPage::previewCurrentSample);
    connect(m_settings, &FeatureSettingsForm::settingsChanged, this, [this] {
        m_previewTimer->start();
        Q_EMIT featureSettingsChanged();
    });

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

    auto *columns = new QSplitter(Qt::Horizontal, this);
    columns->addWidget(left);
    columns->addWidget(middle);
    columns->addWidget(scroll);
    columns->setStretchFactor(0, 2);
    columns->setStretchFactor(1, 3);
    columns->setStretchFactor(2, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(columns, 1);
    updateChart();
    updateTextWidgets();
}

DatasetPage::~DatasetPage() = default;

void DatasetPage::openPath(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const quint64 request = ++m_scanRequest;
    setScanning(true, absolute);
    Q_EMIT scanStarted(absolute);
    auto *watcher = new QFutureWatcher<OpenedDataset::ScanOutcome>(this);
    connect(watcher, &QFutureWatcher<OpenedDataset::ScanOutcome>::finished, this, [this, watcher, request] {
        watcher->deleteLater();
        if (request != m_scanRequest)
            return; // cancelled or superseded
        setScanning(false);
        const OpenedDataset::ScanOutcome outcome = watcher->result();
        if (outcome.dataset)
            showDataset(outcome.dataset);
        else
            showScanFailure(outcome.error);
    });
    // The scanner takes no cancel flag; a cancelled scan finishes in the pool and its result is dropped.
    watcher->setFuture(QtConcurrent::run(&OpenedDataset::scan, absolute, m_textSettings->preferredTextColumn(),
                                         m_textSettings->preferredLabelColumn()));
}

void DatasetPage::cancelScan()
{
    if (!m_scanning)
        return;
    ++m_scanRequest;
    setScanning(false);
    Q_EMIT scanCancelled();
}

void DatasetPage::setScanning(bool scanning, const QString &path)
{
    m_scanning = scanning;
    m_progress->setVisible(scanning);
    m_cancel->setVisible(scanning);
    if (scanning)
        m_summary->setText(tr("Scanning %1…").arg(QDir::toNativeSeparators(path)));
    else if (!m_dataset)
        m_summary->setText(
            tr("Choose a folder with one subfolder per class (or drop it here), X/y arrays or a text table."));
}

void DatasetPage::setModelInputShape(const std::vector<std::int64_t> &shape)
{
    m_settings->setModelInputShape(shape);
    // An Embedding's input is (input_length,): that is the length sequences are padded to.
    m_textSettings->setModelInputLength(shape.size() == 1 && shape.front() > 0 ? int(shape.front()) : 0);
    updateTextWidgets();
}

void DatasetPage::setModelTakesTokens(bool takesTokens)
{
    m_modelTakesTokens = takesTokens;
    updateTextWidgets();
}

TextSourceSettings DatasetPage::textSettings() const
{
    return m_dataset && m_dataset->isText() ? m_textSettings->settings() : TextSourceSettings{};
}

QString DatasetPage::loadProblem() const
{
    if (!m_dataset || !m_dataset->isText())
        return {};
    if (!m_dataset->text->error.isEmpty())
        return m_dataset->text->error;
    return m_textSettings->problem();
}

TrainingDataSource DatasetPage::trainingDataSource(const QString &path) const
{
    TrainingDataSource source;
    source.dataPath = path;
    source.seed = splitSeed();
    source.validationSplit = validationFraction();
    if (m_dataset && m_dataset->isText() && QFileInfo(path) == QFileInfo(m_dataset->path)) {
        source.dataPath = m_dataset->text->trainPath;
        source.validationPath = m_dataset->text->validationPath;
        source.text = textSettings();
    } else if (m_settings->sampleKind() && !m_settings->modelInputShape().empty()
               && m_settings->validationMessage().isEmpty()) {
        // The form shows core's proposal for the model, corrected by the user: train on exactly that.
        // Before the folder was scanned (no kind yet) core proposes the same values itself.
        if (*m_settings->sampleKind() == SampleKind::Audio)
            source.audioSettings = m_settings->audioSettings();
        else if (*m_settings->sampleKind() == SampleKind::Image)
            source.imageSettings = m_settings->imageSettings();
    }
    return source;
}

void DatasetPage::updateTextWidgets()
{
    const bool text = m_dataset && m_dataset->isText();
    m_textSettings->setVisible(text || m_modelTakesTokens);
    // Audio and image settings mean nothing for texts (nor for a text model before any dataset).
    m_settings->setVisible(!text && !(m_modelTakesTokens && !m_dataset));
    m_textPreview->setVisible(text);
    m_preview->setVisible(!text);
    m_textPreview->setSettings(m_textSettings->settings(), m_textSettings->effectiveMaxLength(),
                               m_textSettings->problem());
}

QString DatasetPage::datasetPath() const
{
    return m_dataset ? m_dataset->path : QString();
}

QStringList DatasetPage::classNames() const
{
    return m_dataset ? m_dataset->classNames() : QStringList();
}

QVector<int> DatasetPage::classCounts() const
{
    return m_dataset ? m_dataset->trainCounts() : QVector<int>();
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

void DatasetPage::saveTo(Project &project) const
{
    project.dataset.path = datasetPath();
    project.dataset.validationPath.clear(); // a val/ folder beside train/ is found again by the scan
    project.dataset.validationSplit = validationFraction();
    project.training.seed = splitSeed();
    project.audio = m_settings->audioSettings();
    project.image = m_settings->imageSettings();
    project.text.reset();
    if (m_dataset && m_dataset->isText()) {
        const TextSourceSettings settings = m_textSettings->settings();
        ProjectText text;
        switch (m_textSettings->tokenizerKind()) {
        case TextSettingsWidget::TokenizerKind::WordPiece: text.tokenizer = QStringLiteral("wordpiece"); break;
        case TextSettingsWidget::TokenizerKind::TextVectorization:
            text.tokenizer = QStringLiteral("textvectorization");
            break;
        case TextSettingsWidget::TokenizerKind::PreTokenized: text.tokenizer = QStringLiteral("none"); break;
        }
        if (m_textSettings->tokenizerKind() != TextSettingsWidget::TokenizerKind::PreTokenized)
            text.vocabularyPath = m_textSettings->vocabularyPath();
        text.textColumn = settings.textColumn;
        text.labelColumn = settings.labelColumn;
        text.maxLength = settings.maxLength;
        text.padding = settings.padding;
        project.text = text;
    }
}

void DatasetPage::loadFrom(const Project &project)
{
    setValidationFraction(project.dataset.validationSplit);
    setSplitSeed(project.training.seed);
    m_settings->setAudioSettings(project.audio);
    m_settings->setImageSettings(project.image);
    if (project.text) {
        const ProjectText &text = *project.text;
        TextSourceSettings settings;
        if (text.tokenizer != QLatin1String("none"))
            settings.tokenizer = text.tokenizer + QLatin1Char(':') + text.vocabularyPath;
        settings.maxLength = text.maxLength;
        settings.padding = text.padding;
        m_textSettings->setSettings(settings);
        // Before openPath: the table is read with these columns.
        m_textSettings->setPreferredColumns(text.textColumn, text.labelColumn);
    }
    if (!project.dataset.path.isEmpty())
        openPath(project.dataset.path);
}

void DatasetPage::chooseFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Dataset folder"), datasetPath());
    if (!dir.isEmpty())
        openPath(dir);
}

void DatasetPage::chooseTable()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Text dataset table"), datasetPath(),
                                                      tr("Text tables (*.csv *.tsv *.tab);;All files (*)"));
    if (!file.isEmpty())
        openPath(file);
}

void DatasetPage::chooseArrays()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Dataset arrays"), datasetPath(),
                                                      tr("Arrays (*.npy *.npz *.h5 *.hdf5);;All files (*)"));
    if (!file.isEmpty())
        openPath(file);
}

void DatasetPage::showDataset(std::shared_ptr<const OpenedDataset> dataset)
{
    m_dataset = std::move(dataset);
    const OpenedDataset &d = *m_dataset;
    m_classes->setCounts(d.classNames(), d.trainCounts(), d.validationCounts());
    const bool hasValidation = d.validation || (d.text && d.text->validation);
    m_settings->setSampleKind(d.isText() ? std::nullopt : std::optional<SampleKind>(d.kind()));
    m_validationFraction->setEnabled(!hasValidation);
    m_seed->setEnabled(!hasValidation);
    if (d.text) {
        m_textSettings->setColumns(d.text->header, d.text->textColumn, d.text->labelColumn);
        m_textPreview->setDataset(std::shared_ptr<const TextDataset>(m_dataset, &d.text->train));
    } else {
        m_textPreview->setDataset(nullptr);
    }
    updateTextWidgets();

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
    m_summary->setText(text);

    updateChart();
    updateIssues();
    if (m_classes->rowCount() > 0)
        m_classView->setCurrentIndex(m_classes->index(0, 0));
    else
        updateSampleList();
    Q_EMIT datasetChanged();
}

void DatasetPage::showScanFailure(const QString &message)
{
    if (m_dataset)
        showDataset(m_dataset); // restore the summary of what is still shown
    else
        m_summary->setText(tr("<span style='color:#b00020'>%1</span>").arg(message.toHtmlEscaped()));
    Q_EMIT scanFailed(message);
    if (m_showErrorDialogs)
        QMessageBox::warning(this, tr("Cannot open the dataset"), message);
}

void DatasetPage::updateChart()
{
    const QStringList names = m_classes->classNames();
    const QVector<int> train = m_classes->trainCounts();
    const QVector<int> validation = m_classes->validationCounts();
    QVector<double> keys;
    QVector<double> trainValues;
    QVector<double> validationValues;
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int i = 0; i < names.size(); ++i) {
        keys << i + 1;
        trainValues << train.value(i);
        if (!validation.isEmpty())
            validationValues << validation.value(i);
        ticker->addTick(i + 1, names.at(i));
    }
    m_trainBars->setData(keys, trainValues, true);
    m_validationBars->setData(validation.isEmpty() ? QVector<double>() : keys, validationValues, true);
    m_validationBars->setVisible(!validation.isEmpty());
    m_validationBars->removeFromLegend();
    if (!validation.isEmpty())
        m_validationBars->addToLegend();
    m_chart->xAxis->setTicker(ticker);
    m_chart->xAxis->setRange(0.3, names.size() + 0.7);
    int highest = 1;
    for (int count : train + validation)
        highest = std::max(highest, count);
    m_chart->yAxis->setRange(0, highest * 1.1);
    m_chart->replot();
}

void DatasetPage::updateIssues()
{
    const QVector<DatasetIssue> issues = m_dataset ? m_dataset->issues() : QVector<DatasetIssue>();
    // Paths below the opened folder are shown relative to it; the tooltip keeps the full path.
    const QFileInfo opened(m_dataset ? m_dataset->path : QString());
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
    const int label = m_classView->currentIndex().row();
    if (!m_dataset || label < 0) {
        m_preview->clear();
        return;
    }
    if (m_dataset->train) {
        const auto &samples = m_dataset->train->samples;
        const QDir root(m_dataset->train->rootPath);
        for (int i = 0; i < samples.size() && m_listedSamples.size() < maxListedSamples; ++i) {
            if (samples[i].label != label)
                continue;
            m_listedSamples << i;
            m_samples->addItem(QDir::toNativeSeparators(root.relativeFilePath(samples[i].path)));
        }
    } else if (m_dataset->text) {
        const TextDataset &texts = m_dataset->text->train;
        for (int i = 0; i < texts.texts.size() && m_listedSamples.size() < maxListedSamples; ++i) {
            if (texts.labels.value(i) != label)
                continue;
            m_listedSamples << i;
            m_samples->addItem(tr("%1: %2").arg(i).arg(texts.texts.at(i).simplified().left(100)));
        }
    } else if (m_dataset->arrays) {
        const auto &labels = m_dataset->arrays->labels;
        for (int i = 0; i < labels.size() && m_listedSamples.size() < maxListedSamples; ++i) {
            if (labels[i] != label)
                continue;
            m_listedSamples << i;
            m_samples->addItem(tr("sample %1").arg(i));
        }
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
    if (!m_dataset)
        return;
    if (m_dataset->text) {
        if (index >= 0 && index < m_dataset->text->train.texts.size())
            m_textPreview->showSample(index);
    } else if (m_dataset->train) {
        const auto &samples = m_dataset->train->samples;
        if (index < 0 || index >= samples.size())
            return;
        const QString path = samples[index].path;
        switch (m_dataset->train->kind) {
        case SampleKind::Audio: m_preview->showAudioFile(path, m_settings->audioSettings().params); break;
        case SampleKind::Image: m_preview->showImageFile(path); break;
        case SampleKind::FeatureArray: m_preview->showNpyFile(path); break;
        }
    } else if (m_dataset->arrays) {
        const ArrayDataset &a = *m_dataset->arrays;
        if (index < 0 || index >= a.count())
            return;
        std::int64_t size = 1;
        for (std::int64_t d : a.sampleShape())
            size *= d;
        const auto first = a.features.begin() + index * size;
        m_preview->showArray(
            a.sampleShape(), std::vector<float>(first, first + size),
            tr("sample %1, class %2").arg(index).arg(m_dataset->classNames().value(a.labels.value(index))));
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
    openPath(urls.front().toLocalFile());
}

} // namespace graft::ui
