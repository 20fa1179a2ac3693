#include "ui/mainwindow.h"

#include "core/formats/kerasfileloader.h"
#include "core/model/modelsummary.h"
#include "core/text/textdataset.h"
#include "core/training/demo.h"
#include "core/training/historyrows.h"
#include "core/training/trainingdata.h"
#include "ui/document/projectsession.h"
#include "ui/document/trainingcontroller.h"
#include "ui/document/trainingdatajob.h"
#include "ui/models/headplanmodel.h"
#include "ui/dialogs/exportdialog.h"
#include "ui/models/layertablemodel.h"
#include "ui/pages/datasetpage.h"
#include "ui/pages/headpage.h"
#include "ui/pages/modelpage.h"
#include "ui/pages/resultspage.h"
#include "ui/pages/trainingpage.h"
#include "ui/plots/trainingplots.h"
#include "ui/wizard/finetunewizard.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace graft::ui {

namespace {

constexpr int maxRecentFiles = 10;
const char recentFilesKey[] = "recentFiles";

bool isModelFileName(const QString &path)
{
    const QString lower = path.toLower();
    return lower.endsWith(QLatin1String(".h5")) || lower.endsWith(QLatin1String(".hdf5"))
           || lower.endsWith(QLatin1String(".keras"));
}

/** A text classifier: its first layer after the inputs turns token ids into vectors. */
bool takesTokenIds(const LoadedModel &model)
{
    for (const Layer &layer : model.model.layers)
        if (!layer.isInput())
            return layer.className == QLatin1String("Embedding");
    return false;
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_modelPage(new ModelPage(this)), m_headPage(new HeadPage(this)),
      m_trainingPage(new TrainingPage(this)), m_resultsPage(new ResultsPage(this)), m_pageList(new QListWidget(this)),
      m_pages(new QStackedWidget(this)), m_statusFormat(new QLabel(this)), m_statusParams(new QLabel(this)),
      m_statusData(new QLabel(this)), m_statusTraining(new QLabel(this)), m_datasetJob(new TrainingDataJob(this))
{
    setAcceptDrops(true);
    setObjectName(QStringLiteral("graftMainWindow"));
    connect(m_datasetJob, &TrainingDataJob::loaded, this, &MainWindow::finishDatasetLoad);
    connect(m_datasetJob, &TrainingDataJob::failed, this, &MainWindow::failDatasetLoad);
    m_trainingPage->setPlanModel(m_headPage->planModel());

    const QList<QPair<QString, QWidget *>> pages{{tr("Model"), m_modelPage},
                                                 {tr("Dataset"), createDatasetPlaceholder()},
                                                 {tr("Head"), m_headPage},
                                                 {tr("Training"), m_trainingPage},
                                                 {tr("Results"), m_resultsPage}};
    for (const auto &page : pages) {
        m_pageList->addItem(page.first);
        m_pages->addWidget(page.second);
    }
    m_pageList->setFixedWidth(m_pageList->fontMetrics().horizontalAdvance(tr("Training")) * 2 + 24);
    m_pageList->setToolTip(tr("Pages (Ctrl+1 … Ctrl+5)"));
    connect(m_pageList, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    m_pageList->setCurrentRow(ModelPageIndex);

    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_pageList);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);
    for (QLabel *label : {m_statusTraining, m_statusData, m_statusFormat, m_statusParams})
        statusBar()->addPermanentWidget(label);
    m_session = new ProjectSession(this);
    connect(m_session, &ProjectSession::stateChanged, this, &MainWindow::updateTitle);
    connect(m_session, &ProjectSession::failed, this, &MainWindow::showError);
    connect(m_session, &ProjectSession::saved, this, [this](const QString &path) {
        statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
    });
    connect(m_session, &ProjectSession::opened, this, [this](const QString &path, const QStringList &problems) {
        statusBar()->showMessage(tr("Opened project %1").arg(QFileInfo(path).fileName()), 5000);
        if (!problems.isEmpty())
            showError(tr("Project opened with problems"), problems.join(QLatin1Char('\n')));
    });
    createActions();

    connect(m_modelPage, &ModelPage::chooseArchitectureRequested, this, &MainWindow::chooseArchitecture);
    connect(m_modelPage->layerModel(), &LayerTableModel::totalsChanged, this, &MainWindow::updateStatus);
    connect(m_headPage->planModel(), &HeadPlanModel::planChanged, this, &MainWindow::updateActions);
    connect(m_trainingPage, &TrainingPage::runningChanged, this, [this](bool running) {
        m_statusTraining->setText(running ? tr("Training…") : QString());
        updateActions();
    });
    connect(m_trainingPage, &TrainingPage::trainingFinished, this,
            [this](const FineTuneOutcome &outcome, const QStringList &names) {
                m_resultsPage->setOutcome(outcome, names);
                if (m_model) {
                    auto trained = std::make_shared<LoadedModel>(*m_model);
                    trained->model = outcome.fineTuned.model;
                    trained->classNames = names;
                    m_trainedModel = trained;
                    m_trainedHistory = outcome.fineTuned.history;
                }
                statusBar()->showMessage(tr("Training finished: %1").arg(stopReasonText(outcome.fineTuned.stopReason)),
                                         8000);
            });
    connect(m_trainingPage, &TrainingPage::trainingFailed, this, [this](const QString &message) {
        statusBar()->showMessage(tr("Training failed"), 8000);
        showError(tr("Training failed"), message);
    });

    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1200, 800);
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    inputsChanged();
    m_session->resetBaseline(); // an empty window has nothing to save; the title follows
}

MainWindow::~MainWindow()
{
    cancelDatasetLoad();
    // The pages die before the session: their last signals (an undo stack's cleanChanged)
    // must not reach a session that reads them.
    m_session->disconnect();
}

QWidget *MainWindow::createDatasetPlaceholder()
{
    auto *page = new QWidget(this);
    m_datasetPage = new DatasetPage(page);
    // The Dataset page scans and previews; the samples for training are made from its folder and split.
    connect(m_datasetPage, &DatasetPage::datasetChanged, this, [this] {
        if (m_model && !m_datasetPage->datasetPath().isEmpty())
            openDataset(m_datasetPage->datasetPath());
    });
    // A text dataset's samples depend on the tokenizer and padding: make them again once they are usable.
    connect(m_datasetPage, &DatasetPage::textSettingsChanged, this, [this] {
        if (m_model && m_datasetPage->dataset() && m_datasetPage->dataset()->isText()
            && m_datasetPage->loadProblem().isEmpty())
            openDataset(m_datasetPage->datasetPath());
    });
    auto *choose = new QPushButton(tr("Load for &Training"), page);
    choose->setToolTip(tr("Turn the dataset into model-ready samples again with the settings shown (after changing the "
                          "feature settings, the split or the seed)"));
    m_datasetSummary = new QLabel(tr("No dataset. Open a model first: the samples are shaped to its input."), page);
    m_datasetSummary->setWordWrap(true);
    m_datasetSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_datasetProgress = new QProgressBar(page);
    m_datasetProgress->hide();
    m_datasetCancel = new QPushButton(tr("Cancel"), page);
    m_datasetCancel->hide();
    connect(choose, &QPushButton::clicked, this, [this] {
        if (!m_datasetPage->datasetPath().isEmpty())
            openDataset(m_datasetPage->datasetPath());
    });
    connect(m_datasetCancel, &QPushButton::clicked, this, &MainWindow::cancelDatasetLoad);
    auto *row = new QHBoxLayout;
    row->addWidget(choose);
    row->addWidget(m_datasetProgress, 1);
    row->addWidget(m_datasetCancel);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_datasetPage, 1);
    layout->addLayout(row);
    layout->addWidget(m_datasetSummary);
    return page;
}

void MainWindow::createActions()
{
    QToolBar *toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolBar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *wizard = file->addAction(tr("&New Fine-tune…"), this, &MainWindow::newFineTune);
    wizard->setObjectName(QStringLiteral("newFineTuneAction"));
    wizard->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    wizard->setToolTip(tr("A wizard from old weights and a new dataset to an exported fine-tuned model"));
    QAction *open = file->addAction(tr("&Open Model…"), this, &MainWindow::chooseModelFile);
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Open Keras weights or a model: .h5, .hdf5, .weights.h5, .keras"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addAction(tr("Open &Architecture JSON…"), this, &MainWindow::chooseArchitecture);
    QAction *openData = file->addAction(tr("Open &Dataset Folder…"), this, &MainWindow::chooseDatasetFolder);
    openData->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    openData->setToolTip(tr("A class-folder dataset for the new classes"));
    file->addAction(tr("Open D&emo"), this, &MainWindow::openDemo)
        ->setToolTip(tr("The bundled speaker-identification model and a dataset of new speakers"));
    file->addSeparator();
    QAction *openProject = file->addAction(tr("Open &Project…"), m_session, &ProjectSession::chooseAndOpen);
    openProject->setObjectName(QStringLiteral("openProjectAction"));
    openProject->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_O));
    openProject->setToolTip(tr("Reopen a saved session (.graft): model, dataset, head plan and training settings"));
    QMenu *recentProjects = file->addMenu(tr("Recent Pro&jects"));
    connect(recentProjects, &QMenu::aboutToShow, this,
            [this, recentProjects] { m_session->fillRecentMenu(recentProjects); });
    m_session->fillRecentMenu(recentProjects);
    QAction *saveProject = file->addAction(tr("&Save Project"), m_session, &ProjectSession::saveCurrent);
    saveProject->setObjectName(QStringLiteral("saveProjectAction"));
    saveProject->setShortcut(QKeySequence::Save);
    file->addAction(tr("Save Project &As…"), m_session, &ProjectSession::saveAs)
        ->setObjectName(QStringLiteral("saveProjectAsAction"));
    file->addSeparator();
    QAction *exportAction = file->addAction(tr("&Export…"), this, &MainWindow::exportModel);
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    exportAction->setToolTip(
        tr("Write the fine-tuned model (or the opened one) with its class names, history and plots"));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QUndoStack *undo = m_headPage->planModel()->undoStack();
    QAction *undoAction = undo->createUndoAction(this, tr("&Undo"));
    undoAction->setShortcut(QKeySequence::Undo);
    QAction *redoAction = undo->createRedoAction(this, tr("&Redo"));
    redoAction->setShortcut(QKeySequence::Redo);
    edit->addAction(undoAction);
    edit->addAction(redoAction);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int p = 0; p < PageCount; ++p) {
        QAction *a = view->addAction(m_pageList->item(p)->text(), this, [this, p] { showPage(p); });
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + p)));
    }

    QMenu *training = menuBar()->addMenu(tr("&Training"));
    QAction *zeroShot = training->addAction(tr("&Zero-shot Accuracy"), m_headPage, &HeadPage::computeZeroShot);
    zeroShot->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_startAction = training->addAction(tr("&Start"), this, [this] {
        showPage(TrainingPageIndex);
        m_trainingPage->start();
    });
    m_startAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_startAction->setToolTip(tr("Start training with the Training page's settings (Ctrl+Enter)"));
    m_stopAction = training->addAction(tr("S&top"), m_trainingPage, &TrainingPage::stop);
    m_stopAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_stopAction->setToolTip(tr("Stop training after the current batch (Ctrl+.)"));
    // Ctrl+Shift+P is the Training page's own shortcut; a second binding here would be ambiguous.
    m_pauseAction = training->addAction(tr("&Pause"), m_trainingPage, &TrainingPage::togglePause);
    m_pauseAction->setObjectName(QStringLiteral("pauseTrainingAction"));
    m_pauseAction->setToolTip(tr("Pause after the current batch, or resume a paused run (Ctrl+Shift+P)"));
    connect(m_trainingPage->controller(), &TrainingController::stateChanged, this, &MainWindow::updateActions);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Graft"), this, &MainWindow::showAbout);

    toolbar->addAction(open);
    toolbar->addAction(openData);
    toolbar->addSeparator();
    toolbar->addAction(undoAction);
    toolbar->addAction(redoAction);
    toolbar->addSeparator();
    toolbar->addAction(m_startAction);
    toolbar->addAction(m_stopAction);
    rebuildRecentMenu();
}

int MainWindow::currentPage() const
{
    return m_pages->currentIndex();
}

void MainWindow::showPage(int page)
{
    if (page >= 0 && page < PageCount)
        m_pageList->setCurrentRow(page);
}

FineTuneInputs MainWindow::inputs() const
{
    return FineTuneInputs{m_model, m_data};
}

void MainWindow::chooseModelFile()
{
    QSettings settings;
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Keras Model or Weights"),
                                                      settings.value(QStringLiteral("lastModelFolder")).toString(),
                                                      tr("Keras files (*.h5 *.hdf5 *.keras);;All files (*)"));
    if (path.isEmpty())
        return;
    settings.setValue(QStringLiteral("lastModelFolder"), QFileInfo(path).absolutePath());
    openModelFile(path);
}

void MainWindow::chooseDatasetFolder()
{
    QSettings settings;
    const QString path = QFileDialog::getExistingDirectory(
        this, tr("Choose Dataset Folder"), settings.value(QStringLiteral("lastDatasetFolder")).toString());
    if (path.isEmpty())
        return;
    settings.setValue(QStringLiteral("lastDatasetFolder"), path);
    showPage(DatasetPageIndex);
    m_datasetPage->openPath(path);
}

void MainWindow::chooseArchitecture()
{
    if (!m_model) {
        showError(tr("No model"),
                  tr("Open a weights file first, then choose the architecture JSON that describes it."));
        return;
    }
    const QString json = QFileDialog::getOpenFileName(this, tr("Choose Architecture JSON"),
                                                      QFileInfo(m_model->sourcePath).absolutePath(),
                                                      tr("Keras model JSON (*.json);;All files (*)"));
    if (!json.isEmpty())
        openModelFile(m_model->sourcePath, json);
}

void MainWindow::newFineTune()
{
    auto *wizard = new FineTuneWizard(this);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    connect(wizard, &QDialog::accepted, this, [this, wizard] { applyFineTune(*wizard); });
    wizard->open();
}

void MainWindow::applyFineTune(const FineTuneWizard &wizard)
{
    if (!wizard.model() || !wizard.data())
        return;
    // The wizard's model, samples, plan and run, through the same setters as a load (cheap: no reload).
    cancelDatasetLoad();
    setDataset(nullptr); // else the new model would reload the old dataset
    setLoadedModel(std::make_shared<LoadedModel>(*wizard.model()));
    setDataset(wizard.data(), wizard.dataPath());
    m_headPage->planModel()->resetPlan(wizard.plan());
    m_trainingPage->setSettings(wizard.settings(), wizard.compareScratch());
    if (wizard.outcome() && wizard.trainedModel()) {
        m_resultsPage->setOutcome(*wizard.outcome(), wizard.trainedClassNames());
        m_trainedModel = wizard.trainedModel();
        m_trainedHistory = wizard.outcome()->fineTuned.history;
        showPage(ResultsPageIndex);
    }
    addRecentFile(wizard.model()->sourcePath);
    const QStringList written = wizard.writtenFiles();
    statusBar()->showMessage(written.isEmpty()
                                 ? tr("Fine-tune finished")
                                 : tr("Fine-tune finished: wrote %1").arg(QDir::toNativeSeparators(written.front())),
                             10000);
}

void MainWindow::openModelFile(const QString &path, const QString &architectureJson)
{
    if (m_loading)
        return;
    m_loading = true;
    statusBar()->showMessage(tr("Loading %1…").arg(QFileInfo(path).fileName()));
    QApplication::setOverrideCursor(Qt::BusyCursor);
    LoadOptions options;
    options.architectureJsonPath = architectureJson;
    // Reading and matching a large file takes seconds: keep the window responsive.
    auto *watcher = new QFutureWatcher<Expected<LoadedModel>>(this);
    connect(watcher, &QFutureWatcher<Expected<LoadedModel>>::finished, this, [this, watcher, path] {
        watcher->deleteLater();
        m_loading = false;
        QApplication::restoreOverrideCursor();
        Expected<LoadedModel> result = watcher->result();
        if (!result) {
            statusBar()->showMessage(tr("Could not open %1").arg(QFileInfo(path).fileName()), 5000);
            showError(tr("Cannot open model"), result.errorString());
            m_pendingDataset.clear();
            m_openingDemo = false;
            Q_EMIT loadFailed(result.errorString());
            return;
        }
        addRecentFile(path);
        showModel(std::make_shared<LoadedModel>(std::move(result).value()));
        statusBar()->showMessage(tr("Opened %1").arg(QFileInfo(path).fileName()), 5000);
        Q_EMIT modelLoaded();
        if (!m_pendingDataset.isEmpty())
            m_datasetPage->openPath(std::exchange(m_pendingDataset, QString())); // datasetChanged loads it
    });
    watcher->setFuture(QtConcurrent::run([path, options] { return KerasFileLoader::load(path, options); }));
}

void MainWindow::setLoadedModel(std::shared_ptr<LoadedModel> model)
{
    showModel(std::move(model));
}

void MainWindow::showModel(std::shared_ptr<LoadedModel> model)
{
    m_model = std::move(model);
    m_modelPage->setModel(m_model);
    m_datasetPage->setModelInputShape(ModelSummary::inputShape(*m_model));
    m_datasetPage->setModelTakesTokens(takesTokenIds(*m_model));
    setWindowFilePath(m_model->sourcePath);
    updateTitle();
    // Samples were shaped for the previous model's input; they may not fit this one.
    if (m_data && !m_dataPath.isEmpty()) {
        const QString path = m_dataPath;
        m_data.reset();
        openDataset(path);
    }
    inputsChanged();
}

void MainWindow::openDataset(const QString &path)
{
    if (!m_model) {
        showError(tr("No model"), tr("Open the model first: the dataset's samples are shaped to the model's input."));
        Q_EMIT datasetFailed(tr("no model is open"));
        return;
    }
    const bool pageDataset = QFileInfo(path) == QFileInfo(m_datasetPage->datasetPath());
    if (const QString problem = pageDataset ? m_datasetPage->loadProblem() : QString(); !problem.isEmpty()) {
        cancelDatasetLoad();
        m_datasetSummary->setText(tr("%1: %2").arg(QDir::toNativeSeparators(path), problem));
        Q_EMIT datasetFailed(problem);
        return;
    }
    cancelDatasetLoad();
    m_datasetLoadingPath = path;
    m_datasetSummary->setText(tr("Reading %1…").arg(QDir::toNativeSeparators(path)));
    m_datasetProgress->setRange(0, 0);
    m_datasetProgress->show();
    m_datasetCancel->show();
    statusBar()->showMessage(tr("Loading dataset %1…").arg(QFileInfo(path).fileName()));

    m_datasetJob->start(m_datasetPage->trainingDataSource(path), *m_model, m_datasetProgress); // text settings too
}

void MainWindow::failDatasetLoad(const QString &error)
{
    m_datasetProgress->hide();
    m_datasetCancel->hide();
    m_datasetSummary->setText(tr("Could not use %1:\n%2").arg(QDir::toNativeSeparators(m_datasetLoadingPath), error));
    statusBar()->showMessage(tr("Could not load the dataset"), 5000);
    showError(tr("Cannot use dataset"), error);
    m_openingDemo = false;
    Q_EMIT datasetFailed(error);
}

void MainWindow::finishDatasetLoad(std::shared_ptr<const TrainingData> data)
{
    m_datasetProgress->hide();
    m_datasetCancel->hide();
    setDataset(std::move(data), m_datasetLoadingPath);
    statusBar()->showMessage(tr("Dataset loaded"), 5000);
    Q_EMIT datasetLoaded();
    if (m_openingDemo) {
        m_openingDemo = false;
        showPage(TrainingPageIndex);
        statusBar()->showMessage(tr("Demo ready: review the head plan, then press Start (Ctrl+Enter)"), 10000);
        if (!m_session->isOpening())
            m_session->resetBaseline(); // the demo as it comes is nothing to save yet
        Q_EMIT demoReady();
    }
}

void MainWindow::openDemo()
{
    const auto demo = demoFiles();
    if (!demo) {
        showError(tr("No demo"), demo.errorString());
        Q_EMIT loadFailed(demo.errorString());
        return;
    }
    m_openingDemo = true;
    m_pendingDataset = demo->dataset;
    showPage(DatasetPageIndex);
    openModelFile(demo->weights, demo->architecture);
}

bool MainWindow::isLoadingDataset() const
{
    return m_datasetJob->isRunning();
}

void MainWindow::cancelDatasetLoad()
{
    if (!m_datasetJob->cancel())
        return;
    if (m_datasetProgress) {
        m_datasetProgress->hide();
        m_datasetCancel->hide();
        m_datasetSummary->setText(tr("Dataset loading cancelled."));
    }
}

void MainWindow::setDataset(std::shared_ptr<const TrainingData> data, const QString &path)
{
    m_data = std::move(data);
    m_dataPath = path;
    if (m_data) {
        QString text = tr("%1\n%2 classes: %3\n%4 training and %5 validation samples. %6")
                           .arg(QDir::toNativeSeparators(path))
                           .arg(m_data->classNames.size())
                           .arg(m_data->classNames.join(QStringLiteral(", ")))
                           .arg(m_data->train.count())
                           .arg(m_data->validation.count())
                           .arg(m_data->description);
        if (!m_data->skipped.isEmpty())
            text += tr("\n%n file(s) skipped.", nullptr, int(m_data->skipped.size()));
        m_datasetSummary->setText(text);
    }
    inputsChanged();
}

void MainWindow::inputsChanged()
{
    const FineTuneInputs current = inputs();
    m_headPage->setInputs(current);
    m_trainingPage->setInputs(current);
    m_resultsPage->clear();
    updateStatus();
    updateActions();
}

void MainWindow::updateActions()
{
    if (m_startAction) {
        m_startAction->setEnabled(m_trainingPage->canStart());
        m_stopAction->setEnabled(m_trainingPage->controller()->isRunning());
        const TrainingController::State state = m_trainingPage->controller()->state();
        m_pauseAction->setEnabled(state == TrainingController::State::Training
                                  || state == TrainingController::State::Paused);
        m_pauseAction->setText(state == TrainingController::State::Paused ? tr("&Resume") : tr("&Pause"));
    }
}

void MainWindow::updateStatus()
{
    m_statusData->setText(m_data ? tr("%1 classes · %2 samples")
                                       .arg(m_data->classNames.size())
                                       .arg(m_data->train.count() + m_data->validation.count())
                                 : tr("No dataset"));
    if (!m_model) {
        m_statusFormat->setText(tr("No model"));
        m_statusParams->clear();
        return;
    }
    m_statusFormat->setText(
        tr("%1 · Keras %2").arg(m_model->format, m_model->kerasVersion.isEmpty() ? tr("?") : m_model->kerasVersion));
    const ParamCount p = m_model->params();
    const QLocale locale;
    m_statusParams->setText(tr("%1 params (%2 trainable)")
                                .arg(locale.toString(qlonglong(p.total)), locale.toString(qlonglong(p.trainable))));
}

void MainWindow::updateTitle()
{
    // "[*]": the head plan changed since the project was saved or opened.
    const QString project = m_session->path();
    if (!project.isEmpty())
        setWindowTitle(tr("%1[*] — Graft").arg(QFileInfo(project).completeBaseName()));
    else if (m_model)
        setWindowTitle(tr("%1[*] — Graft").arg(QFileInfo(m_model->sourcePath).fileName()));
    else
        setWindowTitle(tr("Graft[*]"));
    setWindowModified(m_session->isModified());
}

void MainWindow::setShowErrorDialogs(bool show)
{
    m_showErrorDialogs = show;
    m_datasetPage->setShowErrorDialogs(show);
}

void MainWindow::showError(const QString &title, const QString &message)
{
    if (!m_showErrorDialogs)
        return;
    auto *box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QLatin1String(recentFilesKey)).toStringList();
    for (const QString &path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openModelFile(path); })
            ->setToolTip(path);
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::addRecentFile(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value(QLatin1String(recentFilesKey)).toStringList();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > maxRecentFiles)
        recent.removeLast();
    settings.setValue(QLatin1String(recentFilesKey), recent);
    rebuildRecentMenu();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (!event->mimeData()->hasUrls())
        return;
    for (const QUrl &url : event->mimeData()->urls()) {
        if (url.isLocalFile()) {
            event->acceptProposedAction();
            return;
        }
    }
}

void MainWindow::dropEvent(QDropEvent *event)
{
    QString modelPath, jsonPath, folderPath;
    for (const QUrl &url : event->mimeData()->urls()) {
        const QString path = url.toLocalFile();
        if (path.isEmpty())
            continue;
        if (QFileInfo(path).isDir() || (QFileInfo(path).isFile() && TextDatasetLoader::looksLikeTextDataset(path)))
            folderPath = path;
        else if (path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
            jsonPath = path;
        else if (isModelFileName(path) || modelPath.isEmpty())
            modelPath = path;
    }
    if (!modelPath.isEmpty()) {
        openModelFile(modelPath, jsonPath);
        event->acceptProposedAction();
    } else if (!jsonPath.isEmpty() && m_model) {
        openModelFile(m_model->sourcePath, jsonPath);
        event->acceptProposedAction();
    } else if (!folderPath.isEmpty()) {
        showPage(DatasetPageIndex);
        m_datasetPage->openPath(folderPath);
        event->acceptProposedAction();
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_trainingPage->controller()->isRunning()) {
        m_trainingPage->stop();
        m_trainingPage->controller()->waitForFinished();
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    QMainWindow::closeEvent(event);
}

void MainWindow::exportModel()
{
    const std::shared_ptr<const LoadedModel> model =
        m_trainedModel ? m_trainedModel : std::shared_ptr<const LoadedModel>(m_model);
    if (!model) {
        showError(tr("Nothing to export"), tr("Open a model (and fine-tune it on the Training page) first."));
        return;
    }
    auto *dialog = new ExportDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setModel(model);
    dialog->setClassNames(model->classNames);
    dialog->setHistory(historyRows(m_trainedHistory));
    TrainingPlots *plots = m_trainingPage->plots();
    dialog->setPlots({{QStringLiteral("loss"), plots->lossPlot()},
                      {QStringLiteral("accuracy"), plots->accuracyPlot()},
                      {QStringLiteral("lr"), plots->learningRatePlot()}});
    QStringList protectedInputs{m_model ? m_model->sourcePath : QString()};
    if (m_model && m_model->architectureSource != QLatin1String("file"))
        protectedInputs << m_model->architectureSource;
    dialog->setProtectedInputs(protectedInputs);
    dialog->open();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Graft"),
                       tr("<h3>Graft %1</h3><p>A workbench for transfer learning of Keras classifiers.</p>"
                          "<p>Qt %2</p>")
                           .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion())));
}

} // namespace graft::ui
