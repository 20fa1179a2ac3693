// HeadPlanModel: the mapping table under QAbstractItemModelTester, every edit undoable and redoable.

#include "ui/models/headplanmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

using namespace graft;
using namespace graft::ui;

namespace {

HeadPlan samplePlan()
{
    // Old head: 4 classes. New: two of them kept, three new.
    HeadPlan plan = HeadPlan::automatic(
        {QStringLiteral("cat"), QStringLiteral("Dog"), QStringLiteral("owl"), QStringLiteral("fox"),
         QStringLiteral("eel")},
        {QStringLiteral("ant"), QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("bee")}, 4);
    plan.outputLayer = QStringLiteral("dense_1");
    return plan;
}

} // namespace

class TestHeadPlanModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void automaticPlanIsShown()
    {
        HeadPlanModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.resetPlan(samplePlan());
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.columnCount(), int(HeadPlanModel::ColumnCount));
        QCOMPARE(model.index(0, HeadPlanModel::ClassColumn).data().toString(), QStringLiteral("cat"));
        QCOMPARE(model.index(0, HeadPlanModel::StrategyColumn).data(HeadPlanModel::StrategyRole).toInt(),
                 int(HeadStrategy::Copy));
        QCOMPARE(model.index(0, HeadPlanModel::SourceColumn).data().toString(), QStringLiteral("1 · cat"));
        // Case-insensitive match: "Dog" copies old "dog".
        QCOMPARE(model.index(1, HeadPlanModel::SourceColumn).data(HeadPlanModel::SourceRole).toInt(), 2);
        QCOMPARE(model.index(2, HeadPlanModel::StrategyColumn).data(HeadPlanModel::StrategyRole).toInt(),
                 int(HeadStrategy::Imprint));
        QVERIFY(!(model.flags(model.index(0, HeadPlanModel::ClassColumn)) & Qt::ItemIsEditable));
        QVERIFY(model.flags(model.index(0, HeadPlanModel::StrategyColumn)) & Qt::ItemIsEditable);
        QVERIFY(!(model.flags(model.index(0, HeadPlanModel::NormColumn)) & Qt::ItemIsEditable));
        QCOMPARE(model.undoStack()->count(), 0);
    }

    void editUndoRedo()
    {
        HeadPlanModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const HeadPlan original = samplePlan();
        model.resetPlan(original);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy planChanged(&model, &HeadPlanModel::planChanged);

        QVERIFY(model.setData(model.index(3, HeadPlanModel::StrategyColumn), int(HeadStrategy::Zero)));
        QCOMPARE(model.plan().rows[3].strategy, HeadStrategy::Zero);
        QCOMPARE(model.undoStack()->count(), 1);
        QCOMPARE(planChanged.count(), 1);
        // Only the edited row is announced.
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.front().at(0).toModelIndex().row(), 3);
        QCOMPARE(changed.front().at(1).toModelIndex().row(), 3);

        // Choosing a source old class makes the row a copy of it.
        QVERIFY(model.setData(model.index(2, HeadPlanModel::SourceColumn), 3));
        QCOMPARE(model.plan().rows[2].strategy, HeadStrategy::Copy);
        QCOMPARE(model.plan().rows[2].source, 3);
        QCOMPARE(model.index(2, HeadPlanModel::SourceColumn).data().toString(), QStringLiteral("3 · bee"));
        QCOMPARE(model.undoStack()->count(), 2);

        model.undoStack()->undo();
        QCOMPARE(model.plan().rows[2], original.rows[2]);
        QCOMPARE(model.plan().rows[3].strategy, HeadStrategy::Zero);
        model.undoStack()->undo();
        QCOMPARE(model.plan(), original);
        model.undoStack()->redo();
        model.undoStack()->redo();
        QCOMPARE(model.plan().rows[2].source, 3);
        QCOMPARE(model.plan().rows[3].strategy, HeadStrategy::Zero);
        QVERIFY(model.plan().validate());
    }

    void rejectedEditsPushNothing()
    {
        HeadPlanModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.resetPlan(samplePlan());
        QVERIFY(!model.setData(model.index(0, HeadPlanModel::SourceColumn), 4)); // only 4 old classes
        QVERIFY(!model.setData(model.index(0, HeadPlanModel::ClassColumn), 1));
        QVERIFY(!model.setData(model.index(0, HeadPlanModel::StrategyColumn), 99));
        QVERIFY(!model.setData(model.index(0, HeadPlanModel::StrategyColumn), QStringLiteral("nonsense")));
        // Same value: nothing to undo.
        QVERIFY(model.setData(model.index(0, HeadPlanModel::StrategyColumn), int(HeadStrategy::Copy)));
        QCOMPARE(model.undoStack()->count(), 0);
    }

    void bulkEditsAreOneUndoStep()
    {
        HeadPlanModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const HeadPlan original = samplePlan();
        model.resetPlan(original);
        model.setStrategy({0, 1, 2}, HeadStrategy::Mean);
        QCOMPARE(model.undoStack()->count(), 1);
        for (int r : {0, 1, 2})
            QCOMPARE(model.plan().rows[r].strategy, HeadStrategy::Mean);
        QCOMPARE(model.index(0, HeadPlanModel::SourceColumn).data().toString(), QStringLiteral("all 4"));
        // Copy for a row without a source picks the old class of the same name, else the same position.
        model.setStrategy({3}, HeadStrategy::Copy);
        QCOMPARE(model.plan().rows[3].source, 3);
        model.autoMatch();
        QCOMPARE(model.plan().rows, original.rows);
        QCOMPARE(model.undoStack()->count(), 3);
        model.undoStack()->undo();
        QCOMPARE(model.plan().rows[0].strategy, HeadStrategy::Mean);
        model.setMode(HeadMode::Stack);
        QCOMPARE(model.plan().mode, HeadMode::Stack);
        model.undoStack()->undo();
        QCOMPARE(model.plan().mode, HeadMode::PerRow);
        while (model.undoStack()->canUndo())
            model.undoStack()->undo();
        QCOMPARE(model.plan(), original);
    }

    void normsAreDisplayedAndGoStaleOnEdit()
    {
        HeadPlanModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.resetPlan(samplePlan());
        QCOMPARE(model.index(0, HeadPlanModel::NormColumn).data().toString(), QStringLiteral("…"));
        model.setRowNorms({1.0, 2.5, 0.0, 3.25, 1.125});
        QCOMPARE(model.index(1, HeadPlanModel::NormColumn).data().toString(), QStringLiteral("2.500"));
        QVERIFY(model.setData(model.index(4, HeadPlanModel::StrategyColumn), int(HeadStrategy::Zero)));
        QCOMPARE(model.index(1, HeadPlanModel::NormColumn).data().toString(), QStringLiteral("…"));
    }
};

QTEST_MAIN(TestHeadPlanModel)
#include "tst_headplanmodel.moc"
