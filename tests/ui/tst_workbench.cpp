// Workbench, the document the pages, the wizard and the project file share: a model and samples
// propose a head plan (and a sound item model of it), a new model drops the samples made for the
// old one, training keeps its result, a draft is adopted whole, and a bad file is named.

#include "core/model/modelspec.h"
#include "core/training/trainingdata.h"
#include "tests/common/testdata.h"
#include "tests/ui/smallfinetune.h"
#include "ui/document/datasetsource.h"
#include "ui/document/trainingcontroller.h"
#include "ui/document/workbench.h"
#include "ui/models/headplanmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QUndoStack>

using namespace graft;
using namespace graft::ui;
using namespace graft::testmodels;

namespace {

std::shared_ptr<LoadedModel> oldModel()
{
    return uitest::oldClassifier();
}

std::shared_ptr<const TrainingData> newSamples()
{
    return uitest::newSamples(12, 4);
}

} // namespace

class TestWorkbench final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void modelAndSamplesProposeThePlan()
    {
        Workbench workbench;
        QAbstractItemModelTester tester(workbench.plan(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy modelChanged(&workbench, &Workbench::modelChanged);
        QSignalSpy inputsChanged(&workbench, &Workbench::inputsChanged);
        const auto model = oldModel();
        workbench.setModel(model);
        QCOMPARE(modelChanged.count(), 1);
        QCOMPARE(inputsChanged.count(), 1);
        QCOMPARE(workbench.plan()->plan().oldUnits, 6); // the old head, no rows until there are new classes
        QCOMPARE(workbench.plan()->rowCount(), 0);
        workbench.setModel(model); // the same model: nothing changes
        QCOMPARE(modelChanged.count(), 1);

        workbench.dataset()->setSamples(newSamples(), QStringLiteral("synthetic"));
        QCOMPARE(inputsChanged.count(), 2);
        QVERIFY(workbench.inputs().ready());
        const HeadPlan &plan = workbench.plan()->plan();
        QCOMPARE(plan.rows.size(), 5);
        for (int r = 0; r < 3; ++r)
            QCOMPARE(plan.rows[r].strategy, HeadStrategy::Copy); // the names of old classes
        for (int r = 3; r < 5; ++r)
            QCOMPARE(plan.rows[r].strategy, HeadStrategy::Imprint);
        QVERIFY(workbench.plan()->undoStack()->isClean());
        QVERIFY(workbench.canStartTraining());

        // An edit is undoable; a new proposal (new samples) starts a new undo history.
        QVERIFY(workbench.plan()->setData(workbench.plan()->index(0, HeadPlanModel::StrategyColumn),
                                          int(HeadStrategy::Zero)));
        QVERIFY(workbench.plan()->undoStack()->canUndo());
        workbench.dataset()->setSamples(newSamples(), QStringLiteral("synthetic"));
        QCOMPARE(workbench.plan()->plan().rows[0].strategy, HeadStrategy::Copy);
        QVERIFY(!workbench.plan()->undoStack()->canUndo());
    }

    void aNewModelDropsTheSamplesOfTheOld()
    {
        Workbench workbench;
        workbench.setModel(oldModel());
        workbench.dataset()->setSamples(newSamples(), QStringLiteral("synthetic"));
        QSignalSpy samplesChanged(workbench.dataset(), &DatasetSource::samplesChanged);
        QSignalSpy inputsChanged(&workbench, &Workbench::inputsChanged);
        workbench.setModel(oldModel());
        // They were shaped for the previous model's input; these were not made from a scan, so none follow.
        QVERIFY(!workbench.dataset()->samples());
        QCOMPARE(samplesChanged.count(), 1);
        QCOMPARE(inputsChanged.count(), 1); // once for model and samples together
        QVERIFY(!workbench.dataset()->isLoadingSamples());
        QCOMPARE(workbench.plan()->rowCount(), 0);
    }

    void settingsAndResult()
    {
        Workbench workbench;
        QSignalSpy settingsChanged(&workbench, &Workbench::trainingSettingsChanged);
        TrainingParams settings;
        settings.epochs = 2;
        settings.batchSize = 16;
        workbench.setTrainingSettings(settings, true);
        QCOMPARE(settingsChanged.count(), 1);
        QCOMPARE(workbench.trainingSettings().epochs, 2);
        QVERIFY(workbench.compareScratch());
        QVERIFY(!workbench.startTraining()); // no model, no samples

        const auto model = oldModel();
        workbench.setModel(model);
        workbench.dataset()->setSamples(newSamples(), QStringLiteral("synthetic"));
        workbench.setTrainingSettings(settings, false);
        QSignalSpy result(&workbench, &Workbench::trainingResultChanged);
        QSignalSpy failed(workbench.training(), &TrainingController::failed);
        QVERIFY(workbench.startTraining());
        QVERIFY(!workbench.canStartTraining()); // one run at a time
        QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty() || !failed.isEmpty(), 60000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
        QVERIFY(workbench.outcome());
        QCOMPARE(workbench.outcome()->fineTuned.history.size(), 2);
        // What Export writes: the source model with the trained head and the new class names.
        const auto trained = workbench.trainedModel();
        QVERIFY(trained && trained != std::shared_ptr<const LoadedModel>(model));
        QCOMPARE(trained->sourcePath, model->sourcePath);
        QCOMPARE(trained->classNames, newSamples()->classNames);
        QCOMPARE(workbench.trainedClassNames(), newSamples()->classNames);
        QCOMPARE(model->classNames, names(QStringLiteral("c"), 6)); // the opened model is unchanged
        workbench.clearTrainingResult();
        QVERIFY(!workbench.trainedModel());
        QCOMPARE(result.count(), 2);
    }

    void adoptTakesTheDraftWhole()
    {
        Workbench draft;
        draft.setModel(oldModel());
        const auto samples = newSamples();
        draft.dataset()->setSamples(samples, QStringLiteral("/data/new"));
        draft.plan()->setStrategy({4}, HeadStrategy::Zero);
        TrainingParams settings;
        settings.epochs = 3;
        draft.setTrainingSettings(settings, true);
        TrainingResult run;
        run.model = draft.model()->model;
        draft.setTrainingResult(FineTuneOutcome{run, std::nullopt}, samples->classNames);

        Workbench workbench;
        workbench.setModel(oldModel());
        QSignalSpy inputsChanged(&workbench, &Workbench::inputsChanged);
        QSignalSpy result(&workbench, &Workbench::trainingResultChanged);
        workbench.adopt(draft);
        QCOMPARE(inputsChanged.count(), 1);
        QCOMPARE(result.count(), 1);
        // The model is a copy (the Model page edits its flags), the samples are shared values.
        QVERIFY(workbench.model() != draft.model());
        QCOMPARE(workbench.model()->sourcePath, draft.model()->sourcePath);
        QCOMPARE(workbench.dataset()->samples(), samples);
        QCOMPARE(workbench.dataset()->samplesPath(), QStringLiteral("/data/new"));
        QCOMPARE(workbench.plan()->plan().rows[4].strategy, HeadStrategy::Zero); // the draft's edit, not a proposal
        QCOMPARE(workbench.trainingSettings().epochs, 3);
        QVERIFY(workbench.compareScratch());
        QCOMPARE(workbench.trainedModel(), draft.trainedModel());
        QCOMPARE(workbench.trainedClassNames(), samples->classNames);
    }

    void unreadableModelIsNamed()
    {
        Workbench workbench;
        QSignalSpy loading(&workbench, &Workbench::modelLoading);
        QSignalSpy failed(&workbench, &Workbench::modelLoadFailed);
        const QString path = graft::testing::dataPath(QStringLiteral("keras/PROVENANCE.md"));
        GRAFT_REQUIRE_PATH(path);
        workbench.openModel(path);
        QCOMPARE(loading.count(), 1);
        QVERIFY(workbench.isLoadingModel());
        QVERIFY(failed.wait(20000));
        QCOMPARE(failed.front().at(0).toString(), path);
        QVERIFY2(failed.front().at(1).toString().contains(path), qPrintable(failed.front().at(1).toString()));
        QVERIFY(!workbench.isLoadingModel());
        QVERIFY(!workbench.model());
    }
};

GRAFT_TEST_MAIN(TestWorkbench)
#include "tst_workbench.moc"
