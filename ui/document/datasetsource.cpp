#include "ui/document/datasetsource.h"

#include "core/model/modelspec.h"
#include "core/model/modelsummary.h"
#include "core/project/projectfile.h"
#include "core/training/trainingdata.h"
#include "ui/common/timings.h"
#include "ui/document/trainingdatajob.h"

#include <QFileInfo>
#include <QTimer>

namespace graft::ui {

DatasetSource::DatasetSource(QObject *parent)
    : QObject(parent), m_samplesJob(new TrainingDataJob(this)), m_textSettled(new QTimer(this))
{
    // Text settings change with every keystroke; the (possibly large) dataset is made again once they pause.
    m_textSettled->setSingleShot(true);
    m_textSettled->setInterval(timing::datasetReloadDebounce);
    connect(m_textSettled, &QTimer::timeout, this, &DatasetSource::reloadTextSamples);
    connect(m_samplesJob, &TrainingDataJob::progress, this, &DatasetSource::samplesProgress);
    connect(m_samplesJob, &TrainingDataJob::loaded, this, [this](std::shared_ptr<const TrainingData> data) {
        setSamples(std::move(data), m_loadingPath);
        Q_EMIT samplesLoaded();
    });
    connect(m_samplesJob, &TrainingDataJob::failed, this, &DatasetSource::samplesFailed);
}

DatasetSource::~DatasetSource() = default;

void DatasetSource::open(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    m_textSettled->stop(); // the scan makes the samples when it ends
    m_scanJob.start([absolute, text = m_settings.text.textColumn, label = m_settings.text.labelColumn](
                        const CancelToken &token) { return OpenedDataset::scan(absolute, text, label, token.flag()); },
                    [this](const OpenedDataset::ScanOutcome &outcome) { finishScan(outcome); });
    Q_EMIT scanStarted(absolute);
}

void DatasetSource::finishScan(const OpenedDataset::ScanOutcome &outcome)
{
    if (!outcome.dataset) {
        Q_EMIT scanFailed(outcome.error);
        return;
    }
    m_scanned = outcome.dataset;
    Q_EMIT scanned(); // the page shows it, and its settings for it arrive before the samples are made
    m_textSettled->stop();
    if (m_model)
        loadSamples();
}

void DatasetSource::cancelScan()
{
    if (m_scanJob.cancel())
        Q_EMIT scanCancelled();
}

QString DatasetSource::path() const
{
    return m_scanned ? m_scanned->path : QString();
}

void DatasetSource::setSettings(const DatasetSettings &settings)
{
    const bool textChanged = !(settings.text == m_settings.text);
    m_settings = settings;
    Q_EMIT settingsChanged();
    if (textChanged && m_scanned && m_scanned->isText())
        m_textSettled->start();
}

void DatasetSource::replaceSettings(const DatasetSettings &settings)
{
    m_settings = settings;
    Q_EMIT settingsReplaced();
    Q_EMIT settingsChanged();
}

void DatasetSource::reloadTextSamples()
{
    if (m_model && m_scanned && m_scanned->isText() && !isScanning() && problem().isEmpty())
        loadSamples();
}

QString DatasetSource::problem() const
{
    if (!m_scanned || !m_scanned->isText())
        return {};
    if (!m_scanned->text->error.isEmpty())
        return m_scanned->text->error;
    return m_settings.textProblem();
}

TrainingDataSource DatasetSource::trainingDataSource() const
{
    TrainingDataSource source;
    source.seed = m_settings.splitSeed;
    source.validationSplit = m_settings.validationFraction;
    if (!m_scanned)
        return source;
    source.dataPath = m_scanned->path;
    if (const auto &text = m_scanned->text) {
        source.dataPath = text->trainPath;
        source.validationPath = text->validationPath;
        source.text = m_settings.textSource();
        if (text->isTable) { // the columns the table was read with
            source.text.textColumn = text->textColumn;
            source.text.labelColumn = text->labelColumn;
        }
        return source;
    }
    // The page's settings are core's proposal for the model, corrected by the user: train on exactly
    // those when they are valid. Without a model shape, core proposes the same values itself.
    if (!m_scanned->train || !m_model || ModelSummary::inputShape(*m_model).empty())
        return source;
    if (m_scanned->kind() == SampleKind::Audio && m_settings.audio.params.validate())
        source.audioSettings = m_settings.audio;
    else if (m_scanned->kind() == SampleKind::Image)
        source.imageSettings = m_settings.image;
    return source;
}

void DatasetSource::setModel(std::shared_ptr<const LoadedModel> model)
{
    if (model == m_model)
        return;
    m_model = std::move(model);
    const QString path = isLoadingSamples() ? m_loadingPath : m_samplesPath;
    if (path.isEmpty())
        return;
    // Samples are shaped for the previous model's input; they may not fit this one.
    m_samplesJob->cancel();
    setSamples(nullptr);
    if (m_model && m_scanned && path == m_scanned->path)
        loadSamples();
}

void DatasetSource::loadSamples()
{
    if (!m_scanned) {
        Q_EMIT samplesRefused(tr("Choose a dataset first."));
        return;
    }
    if (const QString problem = this->problem(); !problem.isEmpty()) {
        cancelSamples();
        Q_EMIT samplesRefused(problem);
        return;
    }
    loadSamples(trainingDataSource(), m_scanned->path);
}

void DatasetSource::loadSamples(const TrainingDataSource &source, const QString &path)
{
    if (!m_model) {
        Q_EMIT samplesRefused(tr("Open the model first: the samples are shaped to the model's input."));
        return;
    }
    m_loadingPath = path;
    m_samplesJob->start(source, *m_model);
    Q_EMIT samplesLoading(path);
}

bool DatasetSource::cancelSamples()
{
    if (!m_samplesJob->cancel())
        return false;
    Q_EMIT samplesCancelled();
    return true;
}

bool DatasetSource::isLoadingSamples() const
{
    return m_samplesJob->isRunning();
}

void DatasetSource::setSamples(std::shared_ptr<const TrainingData> samples, const QString &path)
{
    m_samplesJob->cancel(); // samples from elsewhere replace those being made
    m_samples = std::move(samples);
    m_samplesPath = m_samples ? path : QString();
    Q_EMIT samplesChanged();
}

void DatasetSource::saveTo(Project &project) const
{
    project.dataset.path = path();
    project.dataset.validationPath.clear(); // a val/ folder beside train/ is found again by the scan
    project.dataset.validationSplit = m_settings.validationFraction;
    project.training.seed = m_settings.splitSeed;
    project.audio = m_settings.audio;
    project.image = m_settings.image;
    project.text.reset();
    if (m_scanned && m_scanned->isText())
        project.text = m_settings.text;
}

void DatasetSource::loadFrom(const Project &project)
{
    DatasetSettings settings = m_settings;
    settings.validationFraction = project.dataset.validationSplit;
    settings.splitSeed = project.training.seed;
    settings.audio = project.audio;
    settings.image = project.image;
    if (project.text)
        settings.text = *project.text; // before the scan: a table is read with these columns
    replaceSettings(settings);
    if (!project.dataset.path.isEmpty())
        open(project.dataset.path);
}

} // namespace graft::ui
