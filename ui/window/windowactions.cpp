#include "ui/window/windowactions.h"

#include "core/model/modelspec.h"
#include "core/training/historyrows.h"
#include "ui/common/settingskeys.h"
#include "ui/common/timings.h"
#include "ui/dialogs/exportdialog.h"
#include "ui/document/datasetsource.h"
#include "ui/document/projectsession.h"
#include "ui/document/recentfiles.h"
#include "ui/document/trainingcontroller.h"
#include "ui/document/workbench.h"
#include "ui/mainwindow.h"
#include "ui/models/headplanmodel.h"
#include "ui/pages/headpage.h"
#include "ui/pages/modelpage.h"
#include "ui/pages/trainingpage.h"
#include "ui/plots/trainingplots.h"
#include "ui/widgets/exportpanel.h"
#include "ui/window/statusreporter.h"
#include "ui/wizard/finetunewizard.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QToolBar>
#include <QUndoStack>

namespace graft::ui {

WindowActions::WindowActions(MainWindow *window, StatusReporter *status)
    : QObject(window), m_window(window), m_workbench(window->workbench()), m_status(status)
{
    QToolBar *toolbar = window->addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolBar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    createFileMenu(toolbar);
    createEditMenu(toolbar);
    QMenu *view = window->menuBar()->addMenu(tr("&View"));
    const QStringList pages = MainWindow::pageTitles();
    for (int p = 0; p < pages.size(); ++p)
        view->addAction(pages[p], window, [window, p] { window->showPage(p); })
            ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + p)));
    createTrainingMenu(toolbar);
    window->menuBar()->addMenu(tr("&Help"))->addAction(tr("&About Graft"), this, &WindowActions::showAbout);

    // Every model read successfully is a recent file (a project's too); so is every project saved or opened.
    connect(m_workbench, &Workbench::modelLoaded, this, [](const QString &path) { RecentFiles::add(path); });
    connect(window->modelPage(), &ModelPage::chooseArchitectureRequested, this, &WindowActions::chooseArchitecture);
}

void WindowActions::createFileMenu(QToolBar *toolbar)
{
    QMenu *file = m_window->menuBar()->addMenu(tr("&File"));
    QAction *wizard = file->addAction(tr("&New Fine-tune…"), this, &WindowActions::newFineTune);
    wizard->setObjectName(QStringLiteral("newFineTuneAction"));
    wizard->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    wizard->setToolTip(tr("A wizard from old weights and a new dataset to an exported fine-tuned model"));
    QAction *open = file->addAction(tr("&Open Model…"), this, &WindowActions::chooseModelFile);
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Open Keras weights or a model: .h5, .hdf5, .weights.h5, .keras"));
    QMenu *recent = file->addMenu(tr("Open &Recent"));
    recent->setObjectName(QStringLiteral("recentFilesMenu"));
    connect(recent, &QMenu::aboutToShow, this, [this, recent] { fillRecentMenu(recent); });
    fillRecentMenu(recent);
    file->addAction(tr("Open &Architecture JSON…"), this, &WindowActions::chooseArchitecture);
    QAction *openData = file->addAction(tr("Open &Dataset Folder…"), this, &WindowActions::chooseDatasetFolder);
    openData->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    openData->setToolTip(tr("A class-folder dataset for the new classes"));
    QAction *demo = file->addAction(tr("Open D&emo"), m_workbench, &Workbench::openDemo);
    demo->setObjectName(QStringLiteral("openDemoAction"));
    demo->setToolTip(tr("The bundled speaker-identification model and a dataset of new speakers"));
    file->addSeparator();
    QAction *openProject = file->addAction(tr("Open &Project…"), this, &WindowActions::chooseProject);
    openProject->setObjectName(QStringLiteral("openProjectAction"));
    openProject->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_O));
    openProject->setToolTip(tr("Reopen a saved session (.graft): model, dataset, head plan and training settings"));
    QAction *saveProject = file->addAction(tr("&Save Project"), this, &WindowActions::saveProject);
    saveProject->setObjectName(QStringLiteral("saveProjectAction"));
    saveProject->setShortcut(QKeySequence::Save);
    file->addAction(tr("Save Project &As…"), this, &WindowActions::saveProjectAs)
        ->setObjectName(QStringLiteral("saveProjectAsAction"));
    file->addSeparator();
    QAction *exportAction = file->addAction(tr("&Export…"), this, &WindowActions::exportModel);
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    exportAction->setToolTip(
        tr("Write the fine-tuned model (or the opened one) with its class names, history and plots"));
    file->addSeparator();
    file->addAction(tr("&Quit"), m_window, &QWidget::close)->setShortcut(QKeySequence::Quit);
    toolbar->addAction(open);
    toolbar->addAction(openData);
    toolbar->addSeparator();
}

void WindowActions::createEditMenu(QToolBar *toolbar)
{
    QMenu *edit = m_window->menuBar()->addMenu(tr("&Edit"));
    QUndoStack *undo = m_workbench->plan()->undoStack();
    QAction *undoAction = undo->createUndoAction(this, tr("&Undo"));
    undoAction->setShortcut(QKeySequence::Undo);
    QAction *redoAction = undo->createRedoAction(this, tr("&Redo"));
    redoAction->setShortcut(QKeySequence::Redo);
    edit->addAction(undoAction);
    edit->addAction(redoAction);
    toolbar->addAction(undoAction);
    toolbar->addAction(redoAction);
    toolbar->addSeparator();
}

void WindowActions::createTrainingMenu(QToolBar *toolbar)
{
    QMenu *training = m_window->menuBar()->addMenu(tr("&Training"));
    TrainingPage *page = m_window->trainingPage();
    training->addAction(tr("&Zero-shot Accuracy"), m_window->headPage(), &HeadPage::computeZeroShot)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_startAction = training->addAction(tr("&Start"), this, [this, page] {
        m_window->showPage(MainWindow::TrainingPageIndex);
        page->start();
    });
    m_startAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_startAction->setToolTip(tr("Start training with the Training page's settings (Ctrl+Enter)"));
    m_stopAction = training->addAction(tr("S&top"), page, &TrainingPage::stop);
    m_stopAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_stopAction->setToolTip(tr("Stop training after the current batch (Ctrl+.)"));
    // Ctrl+Shift+P is the Training page's own shortcut; a second binding here would be ambiguous.
    m_pauseAction = training->addAction(tr("&Pause"), page, &TrainingPage::togglePause);
    m_pauseAction->setObjectName(QStringLiteral("pauseTrainingAction"));
    m_pauseAction->setToolTip(tr("Pause after the current batch, or resume a paused run (Ctrl+Shift+P)"));
    toolbar->addAction(m_startAction);
    toolbar->addAction(m_stopAction);
    connect(m_workbench->training(), &TrainingController::stateChanged, this, &WindowActions::updateTrainingActions);
    connect(m_workbench, &Workbench::inputsChanged, this, &WindowActions::updateTrainingActions);
    connect(m_workbench->plan(), &HeadPlanModel::planChanged, this, &WindowActions::updateTrainingActions);
    updateTrainingActions();
}

void WindowActions::updateTrainingActions()
{
    const TrainingController *controller = m_workbench->training();
    const TrainingController::State state = controller->state();
    m_startAction->setEnabled(m_workbench->canStartTraining());
    m_stopAction->setEnabled(controller->isRunning());
    m_pauseAction->setEnabled(state == TrainingController::State::Training
                              || state == TrainingController::State::Paused);
    m_pauseAction->setText(state == TrainingController::State::Paused ? tr("&Resume") : tr("&Pause"));
}

void WindowActions::fillRecentMenu(QMenu *menu)
{
    menu->clear();
    const QStringList recent = RecentFiles::paths();
    for (const QString &path : recent)
        menu->addAction(QFileInfo(path).fileName(), this, [this, path] { openRecent(path); })->setToolTip(path);
    if (recent.isEmpty())
        menu->addAction(tr("No recent files"))->setEnabled(false);
}

void WindowActions::openRecent(const QString &path)
{
    if (RecentFiles::isProject(path))
        m_window->projectSession()->open(path);
    else
        m_workbench->openModel(path);
}

void WindowActions::chooseModelFile()
{
    QSettings settings;
    const QString path = QFileDialog::getOpenFileName(m_window, tr("Open Keras Model or Weights"),
                                                      settings.value(settingskeys::lastModelFolder).toString(),
                                                      tr("Keras files (*.h5 *.hdf5 *.keras);;All files (*)"));
    if (path.isEmpty())
        return;
    settings.setValue(settingskeys::lastModelFolder, QFileInfo(path).absolutePath());
    m_workbench->openModel(path);
}

void WindowActions::chooseDatasetFolder()
{
    QSettings settings;
    const QString path = QFileDialog::getExistingDirectory(m_window, tr("Choose Dataset Folder"),
                                                           settings.value(settingskeys::lastDatasetFolder).toString());
    if (path.isEmpty())
        return;
    settings.setValue(settingskeys::lastDatasetFolder, path);
    m_window->showPage(MainWindow::DatasetPageIndex);
    m_workbench->dataset()->open(path);
}

void WindowActions::chooseArchitecture()
{
    const auto model = m_workbench->model();
    if (!model) {
        m_status->showError(tr("No model"),
                            tr("Open a weights file first, then choose the architecture JSON that describes it."));
        return;
    }
    const QString json = QFileDialog::getOpenFileName(m_window, tr("Choose Architecture JSON"),
                                                      QFileInfo(model->sourcePath).absolutePath(),
                                                      tr("Keras model JSON (*.json);;All files (*)"));
    if (!json.isEmpty())
        m_workbench->openModel(model->sourcePath, json);
}

void WindowActions::chooseProject()
{
    const QString path = QFileDialog::getOpenFileName(m_window, tr("Open Project"),
                                                      QSettings().value(settingskeys::lastProjectFolder).toString(),
                                                      tr("Graft projects (*.graft);;All files (*)"));
    if (!path.isEmpty())
        m_window->projectSession()->open(path);
}

void WindowActions::saveProject()
{
    ProjectSession *session = m_window->projectSession();
    if (session->path().isEmpty()) {
        saveProjectAs();
        return;
    }
    if (auto result = session->save(session->path()); !result)
        m_status->showError(tr("Cannot save project"), result.errorString());
}

void WindowActions::saveProjectAs()
{
    ProjectSession *session = m_window->projectSession();
    const QString path = QFileDialog::getSaveFileName(m_window, tr("Save Project As"), session->proposedPath(),
                                                      tr("Graft projects (*.graft)"));
    if (path.isEmpty())
        return;
    if (auto result = session->save(path); !result)
        m_status->showError(tr("Cannot save project"), result.errorString());
}

void WindowActions::newFineTune()
{
    auto *wizard = new FineTuneWizard(m_workbench, m_window);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    // On Finish the workbench has adopted the wizard's model, samples, plan, settings and result.
    connect(wizard, &QDialog::accepted, this, [this, wizard] {
        if (const auto model = m_workbench->model())
            RecentFiles::add(model->sourcePath);
        if (m_workbench->outcome())
            m_window->showPage(MainWindow::ResultsPageIndex);
        const QStringList written = wizard->writtenFiles();
        m_status->showMessage(written.isEmpty()
                                  ? tr("Fine-tune finished")
                                  : tr("Fine-tune finished: wrote %1").arg(QDir::toNativeSeparators(written.front())),
                              timing::statusNextStepMs);
    });
    wizard->open();
}

void WindowActions::exportModel()
{
    const auto opened = m_workbench->model();
    const std::shared_ptr<const LoadedModel> model =
        m_workbench->trainedModel() ? m_workbench->trainedModel() : std::shared_ptr<const LoadedModel>(opened);
    if (!model) {
        m_status->showError(tr("Nothing to export"), tr("Open a model (and fine-tune it on the Training page) first."));
        return;
    }
    auto *dialog = new ExportDialog(m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    ExportPanel *panel = dialog->panel();
    panel->setModel(model);
    if (m_workbench->outcome() && m_workbench->trainedModel())
        panel->setHistory(historyRows(m_workbench->outcome()->fineTuned.history));
    const TrainingPlots *plots = m_window->trainingPage()->plots();
    panel->setPlots({{QStringLiteral("loss"), plots->lossPlot()},
                     {QStringLiteral("accuracy"), plots->accuracyPlot()},
                     {QStringLiteral("lr"), plots->learningRatePlot()}});
    QStringList protectedInputs{opened ? opened->sourcePath : QString()};
    if (opened && opened->architectureSource != QLatin1String("file"))
        protectedInputs << opened->architectureSource;
    panel->setProtectedInputs(protectedInputs);
    dialog->open();
}

void WindowActions::showAbout()
{
    QMessageBox::about(m_window, tr("About Graft"),
                       tr("<h3>Graft %1</h3><p>A workbench for transfer learning of Keras classifiers.</p>"
                          "<p>Qt %2</p>")
                           .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion())));
}

} // namespace graft::ui
