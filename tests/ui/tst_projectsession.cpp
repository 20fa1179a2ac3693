// File → Save Project / Open Project: a session round trip through a .graft file, and a project naming a missing file.

#include "core/project/projectfile.h"
#include "core/training/headplan.h"
#include "core/training/trainingdata.h"
#include "ui/document/projectsession.h"
#include "ui/document/trainingcontroller.h"
#include "ui/mainwindow.h"
#include "ui/models/headplanmodel.h"
#include "ui/pages/headpage.h"
#include "ui/pages/trainingpage.h"

#include <QAction>
#include <QFileInfo>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

using namespace graft;
using namespace graft::ui;

class TestProjectSession : public QObject
{
    Q_OBJECT

private:
    /** Opens `path` in `window` and waits until the session reports it opened. */
    static QStringList openAndWait(MainWindow &window, const QString &path)
    {
        QSignalSpy opened(window.projectSession(), &ProjectSession::opened);
        QSignalSpy failed(window.projectSession(), &ProjectSession::failed);
        window.projectSession()->open(path);
        if (!QTest::qWaitFor([&] { return !opened.isEmpty() || !failed.isEmpty(); }, 120000))
            return {QStringLiteral("timed out")};
        if (!failed.isEmpty())
            return {failed.front().at(1).toString()};
        return opened.front().at(1).toStringList();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
    }

    void menuHasProjectActions()
    {
        MainWindow window;
        for (const char *name :
             {"openProjectAction", "saveProjectAction", "saveProjectAsAction", "pauseTrainingAction"})
            QVERIFY2(window.findChild<QAction *>(QLatin1String(name)), name);
        QCOMPARE(window.findChild<QAction *>(QStringLiteral("saveProjectAction"))->shortcut(),
                 QKeySequence(QKeySequence::Save));
        QVERIFY(
            !window.findChild<QAction *>(QStringLiteral("pauseTrainingAction"))->isEnabled()); // nothing is training
    }

    void saveAndReopenRestoresSession()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString projectPath = dir.filePath(QStringLiteral("speakers.graft"));

        MainWindow first;
        first.setShowErrorDialogs(false);
        QSignalSpy ready(&first, &MainWindow::demoReady);
        QSignalSpy failedData(&first, &MainWindow::datasetFailed);
        QSignalSpy failedModel(&first, &MainWindow::loadFailed);
        first.openDemo();
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() || !failedData.isEmpty() || !failedModel.isEmpty(), 120000);
        QVERIFY2(failedModel.isEmpty() && failedData.isEmpty(), "the demo did not load");
        HeadPlanModel *plan = first.headPage()->planModel();
        QVERIFY(plan->rowCount() > 1);

        // Row 1 gets a strategy the automatic plan never proposes; epochs change from the demo's.
        const HeadStrategy before = plan->plan().rows.at(1).strategy;
        const HeadStrategy changed = before == HeadStrategy::Zero ? HeadStrategy::RandomScaled : HeadStrategy::Zero;
        plan->setStrategy({1}, changed);
        QCOMPARE(plan->plan().rows.at(1).strategy, changed);
        QVERIFY(first.isWindowModified());
        TrainingParams settings = first.trainingPage()->settings();
        const int epochs = settings.epochs == 7 ? 9 : 7;
        settings.epochs = epochs;
        first.trainingPage()->setSettings(settings, first.trainingPage()->compareScratch());

        const Expected<void> saved = first.projectSession()->save(projectPath);
        QVERIFY2(saved, qPrintable(saved.errorString()));
        QVERIFY(QFileInfo::exists(projectPath));
        QVERIFY(!first.isWindowModified());
        QVERIFY2(first.windowTitle().contains(QLatin1String("speakers")), qPrintable(first.windowTitle()));
        QCOMPARE(ProjectSession::recentProjects().value(0), QFileInfo(projectPath).absoluteFilePath());

        MainWindow second;
        second.setShowErrorDialogs(false);
        const QStringList problems = openAndWait(second, projectPath);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        QVERIFY(second.currentModel());
        QVERIFY(second.currentDataset());
        QCOMPARE(QFileInfo(second.currentModel()->sourcePath).canonicalFilePath(),
                 QFileInfo(first.currentModel()->sourcePath).canonicalFilePath());
        QCOMPARE(second.currentDataset()->classNames, first.currentDataset()->classNames);
        const HeadPlan &reopened = second.headPage()->planModel()->plan();
        QCOMPARE(reopened.rows.size(), plan->plan().rows.size());
        QCOMPARE(reopened.rows.at(1).strategy, changed);
        QCOMPARE(reopened.rows.at(1).className, plan->plan().rows.at(1).className);
        QCOMPARE(second.trainingPage()->settings().epochs, epochs);
        QCOMPARE(second.projectSession()->path(), QFileInfo(projectPath).absoluteFilePath());
        QVERIFY(!second.isWindowModified());
        // A training setting edited after opening marks the window, and editing it back clears it.
        QSignalSpy edited(second.trainingPage(), &TrainingPage::settingsEdited);
        TrainingParams edit = second.trainingPage()->settings();
        const int savedEpochs = edit.epochs;
        edit.epochs = savedEpochs + 1;
        second.trainingPage()->setSettings(edit, second.trainingPage()->compareScratch());
        QVERIFY(!edited.isEmpty());
        QVERIFY(second.isWindowModified());
        edit.epochs = savedEpochs;
        second.trainingPage()->setSettings(edit, second.trainingPage()->compareScratch());
        QVERIFY(!second.isWindowModified());
    }

    void trainingMenuPausesAndResumes()
    {
        MainWindow window;
        window.setShowErrorDialogs(false);
        QSignalSpy ready(&window, &MainWindow::demoReady);
        window.openDemo();
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), 120000);
        TrainingParams settings = window.trainingPage()->settings();
        settings.epochs = 100000;
        window.trainingPage()->setSettings(settings, false);
        auto *pause = window.findChild<QAction *>(QStringLiteral("pauseTrainingAction"));
        TrainingController *controller = window.trainingPage()->controller();
        QSignalSpy batches(controller, &TrainingController::batchFinished);
        window.trainingPage()->start();
        QTRY_VERIFY_WITH_TIMEOUT(batches.count() >= 2, 60000);
        QVERIFY(pause->isEnabled());
        pause->trigger();
        QCOMPARE(controller->state(), TrainingController::State::Paused);
        QCOMPARE(pause->text(), QStringLiteral("&Resume"));
        pause->trigger();
        QCOMPARE(controller->state(), TrainingController::State::Training);
        QCOMPARE(pause->text(), QStringLiteral("&Pause"));
        window.trainingPage()->stop();
        controller->waitForFinished();
        QTRY_VERIFY_WITH_TIMEOUT(!controller->isRunning(), 10000);
        QVERIFY(!pause->isEnabled());
    }

    void missingWeightsAreNamed()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Project project;
        project.model.path = dir.filePath(QStringLiteral("gone.weights.h5"));
        const QString projectPath = dir.filePath(QStringLiteral("broken.graft"));
        const Expected<void> written = ProjectFile::write(project, projectPath);
        QVERIFY2(written, qPrintable(written.errorString()));

        MainWindow window;
        window.setShowErrorDialogs(false);
        const QStringList problems = openAndWait(window, projectPath);
        QVERIFY2(problems.join(QLatin1Char('\n')).contains(QLatin1String("gone.weights.h5")),
                 qPrintable(problems.join(QLatin1Char('\n'))));
        QVERIFY(!window.currentModel());
    }

    /** A dataset folder that cannot be scanned ends the opening with a problem, not a wait. */
    void unreadableDatasetIsNamed()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString empty = dir.filePath(QStringLiteral("no-classes-here"));
        QVERIFY(QDir().mkpath(empty));
        Project project;
        project.model.path = QStringLiteral(GRAFT_SOURCE_DIR "/resources/demo/base-speakers.h5");
        project.model.architecturePath = QStringLiteral(GRAFT_SOURCE_DIR "/resources/demo/base-speakers.json");
        project.dataset.path = empty;
        const QString projectPath = dir.filePath(QStringLiteral("emptydata.graft"));
        const Expected<void> written = ProjectFile::write(project, projectPath);
        QVERIFY2(written, qPrintable(written.errorString()));

        MainWindow window;
        window.setShowErrorDialogs(false);
        const QStringList problems = openAndWait(window, projectPath);
        QVERIFY2(!problems.contains(QStringLiteral("timed out")), "the project waited for a dataset that never came");
        QVERIFY2(problems.join(QLatin1Char('\n')).contains(QLatin1String("no-classes-here")),
                 qPrintable(problems.join(QLatin1Char('\n'))));
        QVERIFY(window.currentModel()); // the model the project names is still opened
    }
};

QTEST_MAIN(TestProjectSession)
#include "tst_projectsession.moc"
