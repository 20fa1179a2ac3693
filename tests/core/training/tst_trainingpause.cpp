// Pausing a training run: no batch while paused, the same numbers as a run never paused
// (same seed), paused time left out of the epoch's seconds, and cancel while paused
// ending the run at once with the history so far.

#include "core/training/pausegate.h"
#include "core/training/trainer.h"
#include "trainingtestmodels.h"

#include <QElapsedTimer>
#include <QTest>

#include <atomic>
#include <cmath>
#include <thread>

using namespace graft;
using namespace graft::testmodels;

namespace {

/** Input(8) → Dense(16, relu) → Dropout(0.3) → Dense(classes, softmax): dropout makes the seed matter. */
TrainingParams dropoutParams(int perClass, int epochs)
{
    TrainingParams p;
    p.model = buildModel(
        chainModelJson(
            {8}, {{QStringLiteral("Dense"), denseConfig(QStringLiteral("dense"), 16, QStringLiteral("relu"))},
                  {QStringLiteral("Dropout"), dropoutConfig(QStringLiteral("dropout"), 0.3)},
                  {QStringLiteral("Dense"), denseConfig(QStringLiteral("dense_1"), 4, QStringLiteral("softmax"))}}),
        3);
    p.classNames = names(QStringLiteral("c"), 4);
    p.train = blobs(4, perClass, 8, 1);
    p.validation = blobs(4, 8, 8, 2);
    p.trainable.preset = TrainPreset::All;
    p.batchSize = 16;
    p.epochs = epochs;
    p.seed = 5;
    return p;
}

struct BatchCounter final : TrainingObserver
{
    std::function<void(const BatchProgress &)> onBatch;
    std::atomic_int batches{0};
    void batchFinished(const BatchProgress &p) override
    {
        ++batches;
        if (onBatch)
            onBatch(p);
    }
};

} // namespace

class TestTrainingPause final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pausedRunContinuesToTheSameResult()
    {
        const TrainingParams p = dropoutParams(24, 3); // 96 samples: 6 batches per epoch
        QVERIFY(!p.model.layers.isEmpty());
        const auto reference = Trainer::run(p);
        QVERIFY2(reference, qPrintable(reference.errorString()));

        PauseGate gate;
        std::atomic_int pausedAt{-1};
        BatchCounter counter;
        gate.setOnPaused([&] { pausedAt.store(counter.batches.load()); });
        // Paused after batch 2 of epoch 2, as a click would do it: the loop stops before batch 3.
        counter.onBatch = [&](const BatchProgress &progress) {
            if (progress.epoch == 1 && progress.batch == 2)
                gate.pause();
        };
        Expected<TrainingResult> paused = makeError(QString());
        std::thread worker([&] { paused = Trainer::run(p, &counter, nullptr, &gate); });
        QTRY_VERIFY_WITH_TIMEOUT(pausedAt.load() >= 0, 20000);
        QCOMPARE(pausedAt.load(), 6 + 2);
        QTest::qSleep(400);
        QCOMPARE(counter.batches.load(), 6 + 2); // no progress while paused
        QVERIFY(gate.isPaused());
        gate.resume();
        worker.join();
        QVERIFY2(paused, qPrintable(paused.errorString()));
        QCOMPARE(counter.batches.load(), 3 * 6);
        QCOMPARE(paused->stopReason, reference->stopReason);
        QCOMPARE(paused->history.size(), 3);
        for (int e = 0; e < 3; ++e) {
            QCOMPARE(paused->history[e].loss, reference->history[e].loss);
            QCOMPARE(paused->history[e].valLoss, reference->history[e].valLoss);
            QCOMPARE(paused->history[e].valAccuracy, reference->history[e].valAccuracy);
        }
        QCOMPARE(weightsOf(paused->model, QStringLiteral("dense")),
                 weightsOf(reference->model, QStringLiteral("dense")));
        QCOMPARE(weightsOf(paused->model, QStringLiteral("dense_1")),
                 weightsOf(reference->model, QStringLiteral("dense_1")));
        // The 400 ms paused are not the epoch's time (six batches of this model take a few ms).
        QVERIFY2(paused->history[1].seconds < 0.3, qPrintable(QString::number(paused->history[1].seconds)));
        QVERIFY2(paused->seconds < reference->seconds + 0.3, qPrintable(QString::number(paused->seconds)));
    }

    void cancelWhilePausedEndsAtOnce()
    {
        TrainingParams p = dropoutParams(2000, 100000);
        std::atomic_bool cancel{false};
        PauseGate gate;
        std::atomic_bool waiting{false};
        gate.setOnPaused([&] { waiting.store(true); });
        BatchCounter counter;
        std::atomic<qint64> finishedAt{0};
        QElapsedTimer clock;
        clock.start();
        Expected<TrainingResult> result = makeError(QString());
        std::thread worker([&] {
            result = Trainer::run(p, &counter, &cancel, &gate);
            finishedAt.store(clock.nsecsElapsed());
        });
        QTRY_VERIFY_WITH_TIMEOUT(counter.batches.load() >= 3, 20000);
        gate.pause(); // from another thread, as the GUI does
        QTRY_VERIFY_WITH_TIMEOUT(waiting.load(), 5000);
        const int batchesWhenPaused = counter.batches.load();
        QTest::qSleep(300);
        QCOMPARE(counter.batches.load(), batchesWhenPaused);
        QVERIFY(finishedAt.load() == 0);
        const qint64 cancelledAt = clock.nsecsElapsed();
        cancel.store(true);
        gate.wake();
        worker.join();
        const double latencyMs = double(finishedAt.load() - cancelledAt) / 1e6;
        qInfo("cancel latency while paused: %.1f ms", latencyMs);
        QVERIFY2(result, qPrintable(result.errorString()));
        QCOMPARE(result->stopReason, StopReason::Cancelled);
        QCOMPARE(counter.batches.load(), batchesWhenPaused);
        QVERIFY2(latencyMs < 200.0, qPrintable(QString::number(latencyMs)));
        for (float w : weightsOf(result->model, QStringLiteral("dense_1")))
            QVERIFY(std::isfinite(w));
    }

    void gateWithoutPauseDoesNotWait()
    {
        PauseGate gate;
        std::atomic_bool cancel{false};
        QCOMPARE(gate.waitWhilePaused(&cancel), std::int64_t(0));
        gate.pause();
        cancel.store(true);
        QCOMPARE(gate.waitWhilePaused(&cancel), std::int64_t(0)); // cancelled: never waits
        cancel.store(false);
        std::thread resumer([&] {
            QTest::qSleep(100);
            gate.resume();
        });
        const std::int64_t waited = gate.waitWhilePaused(&cancel);
        resumer.join();
        QVERIFY2(waited >= 90'000'000, qPrintable(QString::number(waited)));
        QVERIFY(!gate.isPaused());
    }
};

QTEST_APPLESS_MAIN(TestTrainingPause)
#include "tst_trainingpause.moc"
