#include "ui/document/projectsession.h"

#include "core/formats/kerasfileloader.h"
#include "core/training/headplan.h"
#include "core/training/trainingdata.h"
#include "core/training/trainingtypes.h"
#include "ui/mainwindow.h"
#include "ui/models/headplanmodel.h"
#include "ui/pages/datasetpage.h"
#include "ui/pages/headpage.h"
#include "ui/pages/trainingpage.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>
#include <QUndoStack>

namespace graft::ui {

namespace {

constexpr int maxRecentProjects = 8;
const char recentProjectsKey[] = "recentProjects";
const char lastProjectFolderKey[] = "lastProjectFolder";

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

ProjectSession::ProjectSession(MainWindow *window) : QObject(window), m_window(window)
{
    connect(window->headPage()->planModel()->undoStack(), &QUndoStack::cleanChanged, this,
            &ProjectSession::stateChanged);
    // Settings edits have no undo stack: they count against the last saved state instead.
    connect(window->trainingPage(), &TrainingPage::settingsEdited, this, &ProjectSession::stateChanged);
    for (auto signal :
         {&DatasetPage::datasetChanged, &DatasetPage::featureSettingsChanged, &DatasetPage::textSettingsChanged})
        connect(window->datasetPage(), signal, this, &ProjectSession::stateChanged);
}

bool ProjectSession::isModified() const
{
    if (!m_window->headPage()->planModel()->undoStack()->isClean())
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
    if (const auto model = m_window->currentModel()) {
        project.model.path = model->sourcePath;
        if (model->architectureSource != QLatin1String("file"))
            project.model.architecturePath = model->architectureSource;
    }
    project.training = toProject(m_window->trainingPage()->settings(), m_window->trainingPage()->compareScratch());
    m_window->datasetPage()->saveTo(project); // its split seed is the project's seed
    const HeadPlan &plan = m_window->headPage()->planModel()->plan();
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
    m_window->headPage()->planModel()->undoStack()->setClean();
    m_baseline = snapshot();
    addRecent(path);
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
    if (m_window->isLoading()) {
        Q_EMIT failed(tr("Cannot open project"),
                      tr("A model is still loading; open the project when it has finished."));
        return;
    }
    m_opening = true;
    m_openingPath = QFileInfo(path).absoluteFilePath();
    m_pending = std::move(project).value();
    m_problems.clear();
    // The previous dataset must not be reloaded for the new model (nor finish in place of the project's).
    m_window->cancelDatasetLoad();
    m_window->setDataset(nullptr);

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
    m_connections << connect(m_window, &MainWindow::modelLoaded, this, [this] { modelDone(true); });
    m_connections << connect(m_window, &MainWindow::loadFailed, this, [this](const QString &message) {
        m_problems
            << tr("The model %1 could not be loaded: %2").arg(QDir::toNativeSeparators(m_pending.model.path), message);
        modelDone(false);
    });
    m_window->openModelFile(model.path, architecture);
}

void ProjectSession::modelDone(bool loaded)
{
    disconnectPending();
    const QString dataset = m_pending.dataset.path;
    if (!dataset.isEmpty() && !QFileInfo::exists(dataset)) {
        m_problems << tr("The dataset %1 named in the project does not exist.").arg(QDir::toNativeSeparators(dataset));
        finishOpen();
        return;
    }
    if (dataset.isEmpty() || !loaded) {
        if (!dataset.isEmpty())
            m_window->datasetPage()->loadFrom(m_pending); // scanned and shown; samples need the model
        finishOpen();
        return;
    }
    // The page scans, then MainWindow makes the samples (datasetChanged → openDataset): wait for those.
    m_connections << connect(m_window, &MainWindow::datasetLoaded, this, &ProjectSession::finishOpen);
    m_connections << connect(m_window, &MainWindow::datasetFailed, this, [this](const QString &message) {
        m_problems << tr("The dataset %1 could not be loaded: %2")
                          .arg(QDir::toNativeSeparators(m_pending.dataset.path), message);
        finishOpen();
    });
    // A scan that fails or is cancelled never reaches MainWindow's signals: without these
    // the project would wait for a dataset that is not coming.
    m_connections << connect(m_window->datasetPage(), &DatasetPage::scanFailed, this, [this](const QString &message) {
        m_problems << tr("The dataset %1 could not be read: %2")
                          .arg(QDir::toNativeSeparators(m_pending.dataset.path), message);
        finishOpen();
    });
    m_connections << connect(m_window->datasetPage(), &DatasetPage::scanCancelled, this, [this] {
        m_problems << tr("Reading the dataset %1 was cancelled.").arg(QDir::toNativeSeparators(m_pending.dataset.path));
        finishOpen();
    });
    m_window->datasetPage()->loadFrom(m_pending);
}

void ProjectSession::finishOpen()
{
    disconnectPending();
    HeadPlanModel *planModel = m_window->headPage()->planModel();
    if (m_pending.headPlan) {
        const auto data = m_window->currentDataset();
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
    m_window->trainingPage()->setSettings(fromProject(m_pending.training), m_pending.training.compareScratch);
    planModel->undoStack()->setClean();
    m_baseline = snapshot();
    m_path = m_openingPath;
    m_opening = false;
    addRecent(m_path);
    Q_EMIT stateChanged();
    Q_EMIT opened(m_path, m_problems);
}

void ProjectSession::disconnectPending()
{
    for (const QMetaObject::Connection &c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
}

void ProjectSession::chooseAndOpen()
{
    QSettings settings;
    const QString path = QFileDialog::getOpenFileName(m_window, tr("Open Project"),
                                                      settings.value(QLatin1String(lastProjectFolderKey)).toString(),
                                                      tr("Graft projects (*.graft);;All files (*)"));
    if (!path.isEmpty())
        open(path);
}

void ProjectSession::saveCurrent()
{
    if (m_path.isEmpty()) {
        saveAs();
        return;
    }
    if (auto result = save(m_path); !result)
        Q_EMIT failed(tr("Cannot save project"), result.errorString());
}

void ProjectSession::saveAs()
{
    QString start = m_path;
    if (start.isEmpty()) {
        const QString folder = QSettings().value(QLatin1String(lastProjectFolderKey)).toString();
        const auto model = m_window->currentModel();
        const QString name = model ? QFileInfo(model->sourcePath).completeBaseName() : tr("untitled");
        start = QDir(folder).filePath(name + QLatin1Char('.') + ProjectFile::suffix());
    }
    const QString path =
        QFileDialog::getSaveFileName(m_window, tr("Save Project As"), start, tr("Graft projects (*.graft)"));
    if (path.isEmpty())
        return;
    if (auto result = save(path); !result)
        Q_EMIT failed(tr("Cannot save project"), result.errorString());
}

QStringList ProjectSession::recentProjects()
{
    return QSettings().value(QLatin1String(recentProjectsKey)).toStringList();
}

void ProjectSession::fillRecentMenu(QMenu *menu)
{
    menu->clear();
    const QStringList recent = recentProjects();
    for (const QString &path : recent)
        menu->addAction(QFileInfo(path).fileName(), this, [this, path] { open(path); })->setToolTip(path);
    menu->setEnabled(!recent.isEmpty());
}

void ProjectSession::addRecent(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value(QLatin1String(recentProjectsKey)).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > maxRecentProjects)
        recent.removeLast();
    settings.setValue(QLatin1String(recentProjectsKey), recent);
    settings.setValue(QLatin1String(lastProjectFolderKey), QFileInfo(path).absolutePath());
}

} // namespace graft::ui
