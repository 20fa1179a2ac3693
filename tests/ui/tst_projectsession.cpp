// File → Save Project / Open Project: a session round trip through a .graft file, and a project naming a missing file.

#include "core/project/projectfile.h"
#include "core/training/headplan.h"
#include "core/training/trainingdata.h"
#include "ui/document/datasetsource.h"
#include "ui/document/projectsession.h"
#include "ui/document/recentfiles.h"
#include "ui/document/trainingcontroller.h"
#include "ui/document/workbench.h"
#include "ui/mainwindow.h"
#include "ui/models/headplanmodel.h"
#include "ui/pages/headpage.h"
#include "ui/pages/trainingpage.h"

#include <QAction>
#include <QMenu>
#include <QSettings>
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
        Workbench workbench;
        MainWindow window(&workbench);
        for (const char *name :
             {"openProjectAction", "saveProjectAction", "saveProjectAsAction", "pauseTrainingAction"})
            QVERIFY2(window.findChild<QAction *>(QLatin1String(name)), name);
        QCOMPARE(window.findChild<QAction *>(QStringLiteral("saveProjectAction"))->shortcut(),
                 QKeySequence(QKeySequence::Save));
        QVERIFY(
            !window.findChild<QAction *>(QStringLiteral("pauseTrainingAction"))->isEnabled()); // nothing is training
    }

    void recentFilesAreOneList()
    {
        QSettings settings;
        settings.setValue(QStringLiteral("recentFiles"), QStringList{QStringLiteral("/m/a.h5")});
        // Projects had a list of their own: it is merged in once, after the files.
        settings.setValue(QStringLiteral("recentProjects"),
                          QStringList{QStringLiteral("/p/x.graft"), QStringLiteral("/m/a.h5")});
        QCOMPARE(RecentFiles::paths(), (QStringList{QStringLiteral("/m/a.h5"), QStringLiteral("/p/x.graft")}));
        QVERIFY(!settings.contains(QStringLiteral("recentProjects")));
        RecentFiles::add(QStringLiteral("/p/x.graft"));
        QCOMPARE(RecentFiles::paths(), (QStringList{QStringLiteral("/p/x.graft"), QStringLiteral("/m/a.h5")}));
        QVERIFY(RecentFiles::isProject(QStringLiteral("/p/x.graft")));
        QVERIFY(!RecentFiles::isProject(QStringLiteral("/m/a.h5")));

        // File → Open Recent lists both.
        Workbench workbench;
        MainWindow window(&workbench);
        auto *menu = window.findChild<QMenu *>(QStringLiteral("recentFilesMenu"));
        QVERIFY(menu);
        Q_EMIT menu->aboutToShow();
        QStringList listed;
        for (const QAction *action : menu->actions())
            listed << action->text();
        QCOMPARE(listed, (QStringList{QStringLiteral("x.graft"), QStringLiteral("a.h5")}));
    }

    void saveAndReopenRestoresSession()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString projectPath = dir.filePath(QStringLiteral("speakers.graft"));

        Workbench firstWorkbench;
        MainWindow first(&firstWorkbench);
        first.setShowErrorDialogs(false);
        QSignalSpy ready(&firstWorkbench, &Workbench::demoReady);
        QSignalSpy failedData(firstWorkbench.dataset(), &DatasetSource::samplesFailed);
        QSignalSpy failedModel(&firstWorkbench, &Workbench::modelLoadFailed);
        firstWorkbench.openDemo();
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
        TrainingParams settings = firstWorkbench.trainingSettings();
        const int epochs = settings.epochs == 7 ? 9 : 7;
        settings.epochs = epochs;
        firstWorkbench.setTrainingSettings(settings, firstWorkbench.compareScratch());

        const Expected<void> saved = first.projectSession()->save(projectPath);
        QVERIFY2(saved, qPrintable(saved.errorString()));
        QVERIFY(QFileInfo::exists(projectPath));
        QVERIFY(!first.isWindowModified());
        QVERIFY2(first.windowTitle().contains(QLatin1String("speakers")), qPrintable(first.windowTitle()));
        QCOMPARE(RecentFiles::paths().value(0), QFileInfo(projectPath).absoluteFilePath());

        Workbench secondWorkbench;
        MainWindow second(&secondWorkbench);
        second.setShowErrorDialogs(false);
        const QStringList problems = openAndWait(second, projectPath);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        QVERIFY(secondWorkbench.model());
        QVERIFY(secondWorkbench.dataset()->samples());
        QCOMPARE(QFileInfo(secondWorkbench.model()->sourcePath).canonicalFilePath(),
                 QFileInfo(firstWorkbench.model()->sourcePath).canonicalFilePath());
        QCOMPARE(secondWorkbench.dataset()->samples()->classNames, firstWorkbench.dataset()->samples()->classNames);
        const HeadPlan &reopened = second.headPage()->planModel()->plan();
        QCOMPARE(reopened.rows.size(), plan->plan().rows.size());
        QCOMPARE(reopened.rows.at(1).strategy, changed);
        QCOMPARE(reopened.rows.at(1).className, plan->plan().rows.at(1).className);
        QCOMPARE(secondWorkbench.trainingSettings().epochs, epochs);
        QCOMPARE(second.projectSession()->path(), QFileInfo(projectPath).absoluteFilePath());
        QVERIFY(!second.isWindowModified());
        // A training setting edited after opening marks the window, and editing it back clears it.
        QSignalSpy edited(&secondWorkbench, &Workbench::trainingSettingsChanged);
        TrainingParams edit = secondWorkbench.trainingSettings();
        const int savedEpochs = edit.epochs;
        edit.epochs = savedEpochs + 1;
        secondWorkbench.setTrainingSettings(edit, secondWorkbench.compareScratch());
        QVERIFY(!edited.isEmpty());
        QVERIFY(second.isWindowModified());
        edit.epochs = savedEpochs;
        secondWorkbench.setTrainingSettings(edit, secondWorkbench.compareScratch());
        QVERIFY(!second.isWindowModified());
    }

    void trainingMenuPausesAndResumes()
    {
        Workbench workbench;
        MainWindow window(&workbench);
        window.setShowErrorDialogs(false);
        QSignalSpy ready(&workbench, &Workbench::demoReady);
        workbench.openDemo();
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), 120000);
        TrainingParams settings = workbench.trainingSettings();
        settings.epochs = 100000;
        workbench.setTrainingSettings(settings, false);
        auto *pause = window.findChild<QAction *>(QStringLiteral("pauseTrainingAction"));
        TrainingController *controller = workbench.training();
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

        Workbench workbench;
        MainWindow window(&workbench);
        window.setShowErrorDialogs(false);
        const QStringList problems = openAndWait(window, projectPath);
        QVERIFY2(problems.join(QLatin1Char('\n')).contains(QLatin1String("gone.weights.h5")),
                 qPrintable(problems.join(QLatin1Char('\n'))));
        QVERIFY(!workbench.model());
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

        Workbench workbench;
        MainWindow window(&workbench);
        window.setShowErrorDialogs(false);
        const QStringList problems = openAndWait(window, projectPath);
        QVERIFY2(!problems.contains(QStringLiteral("timed out")), "the project waited for a dataset that never came");
        QVERIFY2(problems.join(QLatin1Char('\n')).contains(QLatin1String("no-classes-here")),
                 qPrintable(problems.join(QLatin1Char('\n'))));
        QVERIFY(workbench.model()); // the model the project names is still opened
    }
};

QTEST_MAIN(TestProjectSession)
#include "tst_projectsession.moc"
