// TrainingProgressView, the one progress view of the Training page and the wizard: a run that
// starts after epoch 0 (Keras's initial_epoch, or a resumed state checkpoint) fills the bar over
// the epochs it trains, not over all of them. Real short runs on their worker thread.

#include "core/model/modelspec.h"
#include "core/training/trainingdata.h"
#include "tests/ui/smallfinetune.h"
#include "ui/document/trainingcontroller.h"
#include "ui/widgets/trainingprogressview.h"

#include <QProgressBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace graft;
using namespace graft::ui;

namespace {

FineTuneInputs smallInputs()
{
    return FineTuneInputs{uitest::oldClassifier(), uitest::newSamples(16, 4)}; // 80 samples: 5 batches of 16
}

HeadPlan planFor(const FineTuneInputs &inputs)
{
    HeadPlan plan = HeadPlan::automatic(inputs.data->classNames, inputs.model->classNames, 6);
    plan.outputLayer = QStringLiteral("dense_1");
    return plan;
}

/** Runs `settings` to its end; the outcome, or a failure message as the test's failure. */
bool runToEnd(TrainingController &controller, const FineTuneInputs &inputs, const TrainingParams &settings,
              QString *error)
{
    QSignalSpy succeeded(&controller, &TrainingController::succeeded);
    QSignalSpy failed(&controller, &TrainingController::failed);
    if (!controller.start(inputs, planFor(inputs), settings, false)) {
        *error = QStringLiteral("the controller refused to start");
        return false;
    }
    if (!QTest::qWaitFor([&] { return !succeeded.isEmpty() || !failed.isEmpty(); }, 60000)) {
        *error = QStringLiteral("timed out");
        return false;
    }
    if (!failed.isEmpty()) {
        *error = failed.front().front().toString();
        return false;
    }
    return true;
}

} // namespace

class TestTrainingProgressView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void barCountsOnlyTheEpochsTrained_data()
    {
        QTest::addColumn<bool>("resume");
        QTest::newRow("initial epoch 3 of 5") << false;
        QTest::newRow("resumed after epoch 3 of 5") << true;
    }

    void barCountsOnlyTheEpochsTrained()
    {
        QFETCH(bool, resume);
        const FineTuneInputs inputs = smallInputs();
        TrainingController controller;
        TrainingProgressView view(&controller);
        TrainingParams settings;
        settings.batchSize = 16;
        settings.epochs = 5;
        settings.trainable.preset = TrainPreset::All;
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QString error;
        if (resume) {
            // Three epochs saved to a state checkpoint; the run below continues from it.
            TrainingParams first = settings;
            first.epochs = 3;
            first.stateCheckpointPath = dir.filePath(QStringLiteral("run.state"));
            view.reset(false);
            QVERIFY2(runToEnd(controller, inputs, first, &error), qPrintable(error));
            settings.resumeFrom = first.stateCheckpointPath;
        } else {
            settings.initialEpoch = 3;
        }

        // The bar as each epoch ends (the view has seen that epoch's last batch by then).
        QList<QPair<int, int>> atEpochEnd;
        QStringList statusAtEpochEnd;
        connect(&controller, &TrainingController::epochFinished, &view, [&] {
            atEpochEnd.append({view.progressBar()->value(), view.progressBar()->maximum()});
            statusAtEpochEnd << view.statusText();
        });
        view.reset(false);
        QVERIFY2(runToEnd(controller, inputs, settings, &error), qPrintable(error));

        // Epochs 4 and 5 of 5 were trained, 5 batches each: half the bar after the first of them.
        QCOMPARE(atEpochEnd.size(), 2);
        QCOMPARE(atEpochEnd[0], qMakePair(5, 10));
        QCOMPARE(atEpochEnd[1], qMakePair(10, 10));
        QVERIFY2(statusAtEpochEnd[0].startsWith(QStringLiteral("epoch 4/5 · batch 5/5")),
                 qPrintable(statusAtEpochEnd[0]));
        QCOMPARE(view.progressBar()->value(), view.progressBar()->maximum());
        QVERIFY2(view.logText().contains(QStringLiteral("Epoch 5/5")), qPrintable(view.logText()));
    }
};

QTEST_MAIN(TestTrainingProgressView)
#include "tst_trainingprogressview.moc"
