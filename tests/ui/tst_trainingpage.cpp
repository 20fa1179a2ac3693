// TrainingPage: progress signals become plot points and progress; a real short training runs on
// its worker thread and ends on the Results page's inputs; Stop ends a long run promptly; Pause
// stops the batches, Resume restarts them, Stop while paused ends the run.

#include "core/model/modelspec.h"
#include "core/training/trainingdata.h"
#include "tests/ui/smallfinetune.h"
#include "ui/document/datasetsource.h"
#include "ui/document/trainingcontroller.h"
#include "ui/document/workbench.h"
#include "ui/models/headplanmodel.h"
#include "ui/plots/trainingplots.h"
#include "ui/pages/trainingpage.h"

#include <QCheckBox>
#include <QElapsedTimer>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace graft;
using namespace graft::ui;

namespace {

FineTuneInputs smallInputs(int perClass = 24)
{
    return FineTuneInputs{uitest::oldClassifier(), uitest::newSamples(perClass)};
}

/** A workbench holding `inputs`: its plan is the one proposed for them. */
void openInputs(Workbench &workbench, const FineTuneInputs &inputs)
{
    workbench.setModel(std::const_pointer_cast<LoadedModel>(inputs.model));
    workbench.dataset()->setSamples(inputs.data, QStringLiteral("synthetic"));
}

} // namespace

class TestTrainingPage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(!smallInputs().model->model.layers.isEmpty());
    }

    void progressSignalsAddPlotPoints()
    {
        Workbench workbench;
        TrainingPage page(&workbench);
        TrainingController *controller = page.controller();
        TrainingPlots *plots = page.plots();
        Q_EMIT controller->prepared(PreparedRun{{QStringLiteral("a"), QStringLiteral("b")}, 3, 0, 40, 10, true});
        QCOMPARE(page.progressBar()->maximum(), 2 * 3 * 4);
        for (int epoch = 0; epoch < 3; ++epoch) {
            for (int batch = 1; batch <= 4; ++batch) {
                BatchProgress p{epoch, 3, batch, 4, 1.0 / (epoch + batch), 0.5};
                Q_EMIT controller->batchFinished(0, p);
            }
            EpochRecord r;
            r.epoch = epoch;
            r.loss = 1.0 / (epoch + 1);
            r.accuracy = 0.5 + 0.1 * epoch;
            r.hasValidation = true;
            r.valLoss = 1.2 / (epoch + 1);
            r.valAccuracy = 0.4 + 0.1 * epoch;
            r.learningRate = 1e-3;
            Q_EMIT controller->epochFinished(0, r);
            r.loss *= 2.0;
            Q_EMIT controller->epochFinished(1, r);
        }
        QCOMPARE(page.progressBar()->value(), 12); // the fine-tuning run's 12 of 24 batches
        QVERIFY2(page.progressText().contains(QStringLiteral("epoch 3/3")), qPrintable(page.progressText()));
        // Points are added as they come; the plots redraw once per delivery of the run's throttle.
        const int replots = plots->replotCount();
        QCOMPARE(plots->pointCount(TrainingPlots::TrainLoss), 3);
        QCOMPARE(plots->pointCount(TrainingPlots::ValAccuracy), 3);
        QCOMPARE(plots->pointCount(TrainingPlots::LearningRate), 3);
        QCOMPARE(plots->pointCount(TrainingPlots::BatchLoss), 12);
        QCOMPARE(plots->pointCount(TrainingPlots::ScratchTrainLoss), 3);
        QCOMPARE(plots->pointCount(TrainingPlots::ScratchValAccuracy), 3);
        QCOMPARE(plots->replotCount(), replots);
        Q_EMIT controller->progressFlushed();
        QCOMPARE(plots->replotCount(), replots + 1);
        plots->clear();
        QCOMPARE(plots->pointCount(TrainingPlots::TrainLoss), 0);
    }

    void settingsRoundTrip()
    {
        Workbench workbench;
        TrainingPage page(&workbench);
        TrainingParams p;
        p.optimizer.kind = OptimizerKind::Sgd;
        p.optimizer.learningRate = 0.05;
        p.optimizer.momentum = 0.9;
        p.optimizer.nesterov = true;
        p.batchSize = 12;
        p.epochs = 7;
        p.trainable.preset = TrainPreset::All;
        p.phase1Epochs = 2;
        p.unfreezeLrMultiplier = 0.1;
        p.seed = 42;
        EarlyStoppingSettings es;
        es.patience = 3;
        es.monitor = QStringLiteral("val_accuracy");
        p.earlyStopping = es;
        workbench.setTrainingSettings(p, true);
        // The form shows them and hands back what it shows.
        const TrainingParams back = workbench.trainingSettings();
        QCOMPARE(back.optimizer.kind, OptimizerKind::Sgd);
        QCOMPARE(back.optimizer.learningRate, 0.05);
        QVERIFY(back.optimizer.nesterov);
        QCOMPARE(back.batchSize, 12);
        QCOMPARE(back.epochs, 7);
        QCOMPARE(back.trainable.preset, TrainPreset::All);
        QCOMPARE(back.phase1Epochs, 2);
        QCOMPARE(back.seed, std::uint64_t(42));
        QVERIFY(back.earlyStopping);
        QCOMPARE(back.earlyStopping->monitor, QStringLiteral("val_accuracy"));
        QVERIFY(back.earlyStopping->restoreBestWeights);
        QVERIFY(!back.reduceLr);
        QVERIFY(workbench.compareScratch());
        // An edit in the form is the workbench's at once.
        QCheckBox *compare = nullptr;
        for (QCheckBox *box : page.findChildren<QCheckBox *>())
            if (box->text().contains(QStringLiteral("scratch")))
                compare = box;
        QVERIFY(compare);
        QSignalSpy edited(&workbench, &Workbench::trainingSettingsChanged);
        compare->setChecked(false);
        QCOMPARE(edited.count(), 1);
        QVERIFY(!workbench.compareScratch());
        QCOMPARE(workbench.trainingSettings().epochs, 7);
    }

    void shortTrainingFinishes()
    {
        const FineTuneInputs inputs = smallInputs();
        Workbench workbench;
        TrainingPage page(&workbench);
        QVERIFY(!page.canStart());
        openInputs(workbench, inputs);
        QVERIFY(page.canStart());
        TrainingParams p;
        p.epochs = 3;
        p.batchSize = 16;
        p.trainable.preset = TrainPreset::All;
        p.optimizer.learningRate = 0.01;
        workbench.setTrainingSettings(p, true);
        QSignalSpy finished(page.controller(), &TrainingController::succeeded);
        QSignalSpy failed(page.controller(), &TrainingController::failed);
        page.start();
        QVERIFY(page.controller()->isRunning());
        QVERIFY(!page.startButton()->isEnabled());
        QVERIFY(finished.wait(60000) || !failed.isEmpty());
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
        const auto outcome = finished.front().at(0).value<FineTuneOutcome>();
        QCOMPARE(outcome.fineTuned.history.size(), 3);
        QVERIFY(outcome.scratch);
        QCOMPARE(outcome.fineTuned.finalValidation.perClassAccuracy.size(), 5);
        QCOMPARE(workbench.trainedClassNames(), inputs.data->classNames);
        QCOMPARE(workbench.trainedModel()->classNames, inputs.data->classNames);
        // Copied rows: old-class accuracy is reported.
        QVERIFY(outcome.fineTuned.finalValidation.keptOldClassAccuracy.has_value());
        QTRY_COMPARE_WITH_TIMEOUT(page.plots()->pointCount(TrainingPlots::TrainLoss), 3, 2000);
        QCOMPARE(page.plots()->pointCount(TrainingPlots::ScratchTrainLoss), 3);
        QVERIFY(page.plots()->pointCount(TrainingPlots::BatchLoss) >= 3);
        QCOMPARE(page.progressBar()->value(), page.progressBar()->maximum());
        QVERIFY(!page.controller()->isRunning());
        QVERIFY(page.startButton()->isEnabled());
    }

    void stopDuringTraining()
    {
        const FineTuneInputs inputs = smallInputs(200);
        Workbench workbench;
        TrainingPage page(&workbench);
        openInputs(workbench, inputs);
        TrainingParams p;
        p.epochs = 100000; // would run for a very long time
        p.batchSize = 4;
        p.trainable.preset = TrainPreset::All;
        workbench.setTrainingSettings(p, false);
        QSignalSpy batches(page.controller(), &TrainingController::batchFinished);
        QSignalSpy finished(page.controller(), &TrainingController::succeeded);
        QSignalSpy failed(page.controller(), &TrainingController::failed);
        page.start();
        QTRY_VERIFY_WITH_TIMEOUT(batches.count() >= 3, 30000);
        QVERIFY(page.stopButton()->isEnabled());
        QElapsedTimer clock;
        clock.start();
        page.stop();
        QVERIFY(!page.stopButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 5000);
        qInfo("stopped %lld ms after Stop", clock.elapsed());
        QVERIFY(clock.elapsed() < 2000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
        const auto outcome = finished.front().at(0).value<FineTuneOutcome>();
        QCOMPARE(outcome.fineTuned.stopReason, StopReason::Cancelled);
        QVERIFY(!page.controller()->isRunning());
        QVERIFY(page.startButton()->isEnabled());
    }

    void pauseResumeAndStopWhilePaused()
    {
        const FineTuneInputs inputs = smallInputs(200);
        Workbench workbench;
        TrainingPage page(&workbench);
        openInputs(workbench, inputs);
        TrainingParams p;
        p.epochs = 100000;
        p.batchSize = 4;
        p.trainable.preset = TrainPreset::All;
        workbench.setTrainingSettings(p, false);
        TrainingController *controller = page.controller();
        QSignalSpy batches(controller, &TrainingController::batchFinished);
        QSignalSpy paused(controller, &TrainingController::paused);
        QSignalSpy finished(page.controller(), &TrainingController::succeeded);
        QSignalSpy failed(page.controller(), &TrainingController::failed);
        QVERIFY(!page.pauseButton()->isEnabled());
        page.start();
        QTRY_VERIFY_WITH_TIMEOUT(batches.count() >= 3, 30000);
        QVERIFY(page.pauseButton()->isEnabled());

        page.pauseButton()->click();
        QCOMPARE(controller->state(), TrainingController::State::Paused);
        QCOMPARE(page.pauseButton()->text(), QStringLiteral("Resume"));
        QTRY_COMPARE_WITH_TIMEOUT(paused.count(), 1, 5000);
        const auto after = paused.front().at(1).value<BatchProgress>();
        QVERIFY(after.batch > 0);
        QTest::qWait(100); // signals queued before the pause arrive
        QCOMPARE(page.progressText(),
                 QStringLiteral("Paused after batch %1 of epoch %2").arg(after.batch).arg(after.epoch + 1));
        const int batchesWhenPaused = batches.count();
        const qint64 elapsedWhenPaused = controller->elapsed();
        QTest::qWait(500);
        QCOMPARE(batches.count(), batchesWhenPaused);
        QVERIFY2(controller->elapsed() - elapsedWhenPaused < 100,
                 qPrintable(QString::number(controller->elapsed() - elapsedWhenPaused)));

        page.pauseButton()->click();
        QCOMPARE(controller->state(), TrainingController::State::Training);
        QCOMPARE(page.pauseButton()->text(), QStringLiteral("Pause"));
        QTRY_VERIFY_WITH_TIMEOUT(batches.count() > batchesWhenPaused + 2, 5000);

        page.show();
        QVERIFY(QTest::qWaitForWindowActive(&page));
        QTest::keySequence(&page, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P)); // the Pause shortcut
        QCOMPARE(controller->state(), TrainingController::State::Paused);
        QTRY_COMPARE_WITH_TIMEOUT(paused.count(), 2, 5000);
        QTest::qWait(100);
        const int batchesWhenPausedAgain = batches.count();
        QElapsedTimer clock;
        clock.start();
        page.stop();
        QCOMPARE(controller->state(), TrainingController::State::Stopping);
        QVERIFY(!page.pauseButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 5000);
        qInfo("stopped %lld ms after Stop while paused", clock.elapsed());
        QVERIFY(clock.elapsed() < 1000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
        QCOMPARE(batches.count(), batchesWhenPausedAgain);
        const auto outcome = finished.front().at(0).value<FineTuneOutcome>();
        QCOMPARE(outcome.fineTuned.stopReason, StopReason::Cancelled);
        QVERIFY(!controller->isRunning());
        QVERIFY(!page.pauseButton()->isEnabled());
        QVERIFY(page.startButton()->isEnabled());
    }
};

QTEST_MAIN(TestTrainingPage)
#include "tst_trainingpage.moc"
