// While a real training runs on its worker thread, the GUI thread's event loop never stalls:
// a 5 ms probe timer measures the longest gap between its ticks in the main window, both in
// wall-clock time and in CPU time the GUI thread itself spent between ticks. The assertion is on
// the CPU time: on a shared machine (load far above the core count) the wall-clock gap also
// counts time the scheduler gave to other processes, which no GUI code can prevent; it is printed.
//
// The bound is the issue's: never more than 50 ms of GUI-thread work between two ticks. CI once
// measured 51 ms: the three plots replot in one batch of posted events, and a replot that drew an
// antialiased dot per epoch point cost 15-35 ms once a run had a few hundred epochs. Past 60
// points a series is now a plain line (TrainingPlots), which halved the worst slice here (26-35 ms
// under load). The run's many epoch signals must also coalesce into few replots (ProgressThrottle).

#include "core/model/modelspec.h"
#include "core/training/trainingdata.h"
#include "tests/ui/smallfinetune.h"
#include "ui/document/datasetsource.h"
#include "ui/document/trainingcontroller.h"
#include "ui/document/workbench.h"
#include "ui/mainwindow.h"
#include "ui/models/headplanmodel.h"
#include "ui/pages/headpage.h"
#include "ui/pages/trainingpage.h"
#include "ui/plots/trainingplots.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>

#include <ctime>

using namespace graft;
using namespace graft::ui;

namespace {
qint64 threadCpuMs()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return qint64(t.tv_sec) * 1000 + t.tv_nsec / 1000000;
}
} // namespace

class TestGuiResponsiveness final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void noStallWhileTraining()
    {
        const auto model = uitest::oldClassifier(32);
        QVERIFY(!model->model.layers.isEmpty());
        const auto data = uitest::newSamples(80, 40);

        Workbench workbench;
        MainWindow window(&workbench);
        window.setShowErrorDialogs(false);
        window.show();
        workbench.setModel(model);
        workbench.dataset()->setSamples(data, QStringLiteral("synthetic"));
        QCOMPARE(window.headPage()->planModel()->rowCount(), 5);
        window.showPage(MainWindow::TrainingPageIndex);
        TrainingPage *page = window.trainingPage();
        TrainingParams p;
        p.epochs = 100000;
        p.batchSize = 8;
        p.trainable.preset = TrainPreset::All;
        workbench.setTrainingSettings(p, false);

        QSignalSpy epochs(page->controller(), &TrainingController::epochFinished);
        QSignalSpy batches(page->controller(), &TrainingController::batchFinished);
        QSignalSpy finished(page->controller(), &TrainingController::succeeded);
        page->start();
        QTRY_VERIFY_WITH_TIMEOUT(page->controller()->state() == TrainingController::State::Training, 20000);

        QElapsedTimer clock, sinceTick;
        qint64 worst = 0, worstCpu = 0, lastCpu = -1;
        int ticks = 0;
        QTimer probe;
        probe.setTimerType(Qt::PreciseTimer);
        probe.setInterval(5);
        connect(&probe, &QTimer::timeout, this, [&] {
            const qint64 cpu = threadCpuMs();
            if (sinceTick.isValid()) {
                worst = std::max(worst, sinceTick.elapsed());
                worstCpu = std::max(worstCpu, cpu - lastCpu);
            }
            sinceTick.start();
            lastCpu = cpu;
            ++ticks;
        });
        const int replotsBefore = page->plots()->replotCount();
        clock.start();
        probe.start();
        while (clock.elapsed() < 3000)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        probe.stop();
        const int replots = page->plots()->replotCount() - replotsBefore;
        page->stop();
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 10000);
        qInfo("%d probe ticks in 3 s; longest gap %lld ms wall clock, %lld ms of GUI-thread CPU; %lld batch signals, "
              "%lld epochs, %d replots",
              ticks, worst, worstCpu, qlonglong(batches.count()), qlonglong(epochs.count()), replots);
        QVERIFY2(batches.count() >= 5, "training made progress while probed");
        // One replot per delivery of the run's ProgressThrottle (every 100 ms), however many epochs end meanwhile.
        QVERIFY2(replots <= 3000 / 100 + 2, qPrintable(QStringLiteral("%1 replots in 3 s").arg(replots)));
        QVERIFY2(ticks >= 20, qPrintable(QStringLiteral("the GUI event loop ran only %1 times in 3 s").arg(ticks)));
        QVERIFY2(worstCpu <= 50, qPrintable(QStringLiteral("GUI thread busy %1 ms between probe ticks").arg(worstCpu)));
    }
};

QTEST_MAIN(TestGuiResponsiveness)
#include "tst_guiresponsiveness.moc"
