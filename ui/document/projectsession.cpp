#include "ui/document/projectsession.h"

#include "core/formats/kerasfileloader.h"
#include "core/training/headplan.h"
#include "core/training/trainingdata.h"
#include "core/training/trainingtypes.h"
#include "ui/common/settingskeys.h"
#include "ui/document/datasetsource.h"
#include "ui/document/recentfiles.h"
#include "ui/document/workbench.h"
#include "ui/models/headplanmodel.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QUndoStack>

namespace graft::ui {

namespace {

ProjectTrainingSettings toProject(const TrainingParams &p, bool compareScratch)
{
    ProjectTrainingSettings t;
    t.optimizer = optimizerName(p.optimizer.kind);
    t.learningRate = p.optimizer.learningRate;
    t.momentum = p.optimizer.momentum;
    t.nesterov = p.optimizer.nesterov;
    t.batchSize = p.batchSize;
    t.epochs = p.epochs;
    switch (p.trainable.preset) {
    case TrainPreset::All: t.train = QStringLiteral("all"); break;
    case TrainPreset::FromLayer: t.train = QStringLiteral("from:") + p.trainable.fromLayer; break;
    default: t.train = QStringLiteral("head"); break;
    }
    t.phase1Epochs = p.phase1Epochs;
    t.unfreezeLrMultiplier = p.unfreezeLrMultiplier;
    t.labelSmoothing = p.labelSmoothing;
    t.shuffle = p.shuffle;
    t.seed = p.seed;
    if (p.earlyStopping) {
        t.monitor = p.earlyStopping->monitor;
        t.earlyStoppingPatience = p.earlyStopping->patience;
        t.minDelta = p.earlyStopping->minDelta;
    }
    if (p.reduceLr) {
        t.monitor = p.reduceLr->monitor;
        t.reduceLrPatience = p.reduceLr->patience;
        t.reduceLrFactor = p.reduceLr->factor;
        t.minLr = p.reduceLr->minLr;
    }
    t.compareScratch = compareScratch;
    return t;
}

TrainingParams fromProject(const ProjectTrainingSettings &t)
{
    TrainingParams p;
    p.optimizer.kind = optimizerFromName(t.optimizer).value_or(OptimizerKind::Adam);
    p.optimizer.learningRate = t.learningRate.value_or(OptimizerSettings::defaultLearningRate(p.optimizer.kind));
    p.optimizer.momentum = t.momentum;
    p.optimizer.nesterov = t.nesterov;
    p.batchSize = t.batchSize;
    p.epochs = t.epochs;
    if (auto trainable = TrainableSelection::parse(t.train))
        p.trainable = *trainable;
    p.phase1Epochs = t.phase1Epochs;
    p.unfreezeLrMultiplier = t.unfreezeLrMultiplier;
    p.labelSmoothing = t.labelSmoothing;
    p.shuffle = t.shuffle;
    p.seed = t.seed;
    if (t.earlyStoppingPatience) {
        EarlyStoppingSettings es;
        es.monitor = t.monitor;
        es.patience = *t.earlyStoppingPatience;
        es.minDelta = t.minDelta;
        es.restoreBestWeights = true;
        p.earlyStopping = es;
    }
    if (t.reduceLrPatience) {
        ReduceLrSettings rl;
        rl.monitor = t.monitor;
        rl.patience = *t.reduceLrPatience;
        rl.factor = t.reduceLrFactor;
        rl.minLr = t.minLr;
        p.reduceLr = rl;
    }
    return p;
}

} // namespace

ProjectSession::ProjectSession(Workbench *workbench, QObject *parent) : QObject(parent), m_workbench(workbench)
{
    connect(workbench->plan()->undoStack(), &QUndoStack::cleanChanged, this, &ProjectSession::stateChanged);
    // Settings edits have no undo stack: they count against the last saved state instead.
    connect(workbench, &Workbench::trainingSettingsChanged, this, &ProjectSession::stateChanged);
    connect(workbench, &Workbench::modelChanged, this, &ProjectSession::stateChanged);
    for (auto signal : {&DatasetSource::scanned, &DatasetSource::settingsChanged})
        connect(workbench->dataset(), signal, this, &ProjectSession::stateChanged);
}

bool ProjectSession::isModified() const
{
    if (!m_workbench->plan()->undoStack()->isClean())
        return true;
    return !m_baseline.isEmpty() && !m_opening && snapshot() != m_baseline;
}

void ProjectSession::resetBaseline()
{
    m_baseline = snapshot();
    Q_EMIT stateChanged();
}

QByteArray ProjectSession::snapshot() const
{
    return ProjectFile::serialize(currentProject(), QString());
}

Project ProjectSession::currentProject() const
{
    Project project;
    if (const auto model = m_workbench->model()) {
        project.model.path = model->sourcePath;
        if (model->architectureSource != QLatin1String("file"))
            project.model.architecturePath = model->architectureSource;
    }
    project.training = toProject(m_workbench->trainingSettings(), m_workbench->compareScratch());
    m_workbench->dataset()->saveTo(project); // its split seed is the project's seed
    const HeadPlan &plan = m_workbench->plan()->plan();
    if (!plan.rows.isEmpty())
        project.headPlan = plan.toJson();
    return project;
}

Expected<void> ProjectSession::save(const QString &requested)
{
    QString path = QFileInfo(requested).absoluteFilePath();
    if (!path.endsWith(QLatin1Char('.') + ProjectFile::suffix(), Qt::CaseInsensitive))
        path += QLatin1Char('.') + ProjectFile::suffix();
    const Project project = currentProject();
    // A project is a few lines of JSON: never let it replace the files it names.
    const QStringList inputs{project.model.path, project.model.architecturePath, project.dataset.path,
                             project.text ? project.text->vocabularyPath : QString()};
    for (const QString &input : inputs) {
        if (!input.isEmpty() && QFileInfo(input) == QFileInfo(path))
            return Error{tr("Refusing to overwrite %1: the project uses it. Choose another file name.")
                             .arg(QDir::toNativeSeparators(path))};
    }
    if (auto written = ProjectFile::write(project, path); !written)
        return written;
    m_path = path;
    m_workbench->plan()->undoStack()->setClean();
    m_baseline = snapshot();
    remember(path);
    Q_EMIT saved(path);
    Q_EMIT stateChanged();
    return {};
}

void ProjectSession::open(const QString &path)
{
    disconnectPending();
    Expected<Project> project = ProjectFile::read(path);
    if (!project) {
        m_opening = false;
        Q_EMIT failed(tr("Cannot open project"), project.errorString());
        return;
    }
    if (m_workbench->isLoadingModel()) {
        Q_EMIT failed(tr("Cannot open project"),
                      tr("A model is still loading; open the project when it has finished."));
        return;
    }
    m_opening = true;
    m_openingPath = QFileInfo(path).absoluteFilePath();
    m_pending = std::move(project).value();
    m_problems.clear();
    // The previous samples must not be made again for the new model (nor finish in place of the project's).
    m_workbench->dataset()->setSamples(nullptr);

    const ProjectModel &model = m_pending.model;
    if (model.path.isEmpty()) {
        modelDone(false);
        return;
    }
    if (!QFileInfo::exists(model.path)) {
        m_problems
            << tr("The model file %1 named in the project does not exist.").arg(QDir::toNativeSeparators(model.path));
        modelDone(false);
        return;
    }
    QString architecture = model.architecturePath;
    if (!architecture.isEmpty() && !QFileInfo::exists(architecture)) {
        m_problems << tr("The architecture file %1 named in the project does not exist.")
                          .arg(QDir::toNativeSeparators(architecture));
        architecture.clear();
    }
    m_connections << connect(m_workbench, &Workbench::modelLoaded, this, [this] { modelDone(true); });
    m_connections << connect(m_workbench, &Workbench::modelLoadFailed, this,
                             [this](const QString &, const QString &message) {
                                 m_problems << tr("The model %1 could not be loaded: %2")
                                                   .arg(QDir::toNativeSeparators(m_pending.model.path), message);
                                 modelDone(false);
                             });
    m_workbench->openModel(model.path, architecture);
}

void ProjectSession::modelDone(bool loaded)
{
    disconnectPending();
    DatasetSource *dataset = m_workbench->dataset();
    const QString path = m_pending.dataset.path;
    if (!path.isEmpty() && !QFileInfo::exists(path)) {
        m_problems << tr("The dataset %1 named in the project does not exist.").arg(QDir::toNativeSeparators(path));
        finishOpen();
        return;
    }
    if (path.isEmpty() || !loaded) {
        if (!path.isEmpty())
            dataset->loadFrom(m_pending); // scanned and shown; samples need the model
        finishOpen();
        return;
    }
    // The source scans, then makes the samples for the model: wait for those. A scan that fails or
    // is cancelled makes none: without those signals the project would wait for samples not coming.
    const auto problem = [this](const QString &what) {
        return [this, what](const QString &message) {
            m_problems << what.arg(QDir::toNativeSeparators(m_pending.dataset.path), message);
            finishOpen();
        };
    };
    m_connections << connect(dataset, &DatasetSource::samplesLoaded, this, &ProjectSession::finishOpen);
    m_connections << connect(dataset, &DatasetSource::samplesFailed, this,
                             problem(tr("The dataset %1 could not be loaded: %2")));
    m_connections << connect(dataset, &DatasetSource::samplesRefused, this,
                             problem(tr("The dataset %1 could not be loaded: %2")));
    m_connections << connect(dataset, &DatasetSource::scanFailed, this,
                             problem(tr("The dataset %1 could not be read: %2")));
    m_connections << connect(dataset, &DatasetSource::scanCancelled, this, [this] {
        m_problems << tr("Reading the dataset %1 was cancelled.").arg(QDir::toNativeSeparators(m_pending.dataset.path));
        finishOpen();
    });
    dataset->loadFrom(m_pending);
}

void ProjectSession::finishOpen()
{
    disconnectPending();
    HeadPlanModel *planModel = m_workbench->plan();
    if (m_pending.headPlan) {
        const auto data = m_workbench->dataset()->samples();
        Expected<HeadPlan> plan = HeadPlan::fromJson(*m_pending.headPlan);
        if (!plan)
            m_problems << tr("The saved head plan is not usable: %1").arg(plan.errorString());
        else if (!data)
            m_problems << tr("The saved head plan was not applied: no dataset is loaded.");
        else if (Expected<HeadPlan> ordered = plan->orderedFor(data->classNames); !ordered)
            m_problems << tr("The saved head plan does not fit the dataset: %1").arg(ordered.errorString());
        else
            planModel->resetPlan(*ordered);
    }
    m_workbench->setTrainingSettings(fromProject(m_pending.training), m_pending.training.compareScratch);
    planModel->undoStack()->setClean();
    m_baseline = snapshot();
    m_path = m_openingPath;
    m_opening = false;
    remember(m_path);
    Q_EMIT stateChanged();
    Q_EMIT opened(m_path, m_problems);
}

void ProjectSession::disconnectPending()
{
    for (const QMetaObject::Connection &c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
}

QString ProjectSession::proposedPath() const
{
    if (!m_path.isEmpty())
        return m_path;
    const QString folder = QSettings().value(settingskeys::lastProjectFolder).toString();
    const auto model = m_workbench->model();
    const QString name = model ? QFileInfo(model->sourcePath).completeBaseName() : tr("untitled");
    return QDir(folder).filePath(name + QLatin1Char('.') + ProjectFile::suffix());
}

void ProjectSession::remember(const QString &path)
{
    RecentFiles::add(path);
    QSettings().setValue(settingskeys::lastProjectFolder, QFileInfo(path).absolutePath());
}

} // namespace graft::ui
