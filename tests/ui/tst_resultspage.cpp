// ResultsPage: metrics, per-class accuracy, the confusion heat map and the scratch comparison from an outcome;
// the Workbench's training result shows, and new inputs clear it.

#include "core/training/trainingdata.h"
#include "tests/core/training/trainingtestmodels.h"
#include "ui/document/datasetsource.h"
#include "ui/document/workbench.h"
#include "ui/pages/resultspage.h"
#include "ui/plots/confusionmapplot.h"

#include <QTableWidget>
#include <QTest>

#include <cmath>

using namespace graft;
using namespace graft::ui;

namespace {

TrainingResult result(double valAccuracy)
{
    TrainingResult r;
    for (int e = 0; e < 2; ++e) {
        EpochRecord rec;
        rec.epoch = e;
        rec.loss = 1.0 - 0.2 * e;
        rec.accuracy = 0.5 + 0.1 * e;
        rec.hasValidation = true;
        rec.valLoss = 1.1 - 0.2 * e;
        rec.valAccuracy = valAccuracy - 0.1 * (1 - e);
        r.history << rec;
    }
    // 3 classes; class 2 has no samples.
    const QVector<int> labels{0, 0, 0, 1, 1};
    const std::vector<float> scores{0.9f, 0.05f, 0.05f, 0.8f, 0.1f, 0.1f, 0.2f, 0.7f,
                                    0.1f, 0.1f,  0.8f,  0.1f, 0.1f, 0.2f, 0.7f};
    r.finalValidation = ClassificationReport::fromScores(scores, 3, labels);
    r.finalValidation.accuracy = valAccuracy;
    r.finalValidation.keptOldClassAccuracy = 2.0 / 3.0;
    r.seconds = 1.5;
    return r;
}

} // namespace

class TestResultsPage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsOutcome()
    {
        Workbench workbench;
        ResultsPage page(&workbench);
        QVERIFY(!page.hasResults());
        FineTuneOutcome outcome{result(0.8), result(0.6)};
        const QStringList names{QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol")};
        page.setOutcome(outcome, names);
        QVERIFY(page.hasResults());
        QVERIFY2(page.metricsText().contains(QStringLiteral("80.0 %")), qPrintable(page.metricsText()));
        QVERIFY2(page.metricsText().contains(QStringLiteral("66.7 %")), qPrintable(page.metricsText()));

        QTableWidget *table = page.perClassTable();
        QCOMPARE(table->rowCount(), 3);
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("alice"));
        QCOMPARE(table->item(0, 1)->text(), QStringLiteral("66.7 %"));
        QCOMPARE(table->item(0, 2)->text(), QStringLiteral("3"));
        QCOMPARE(table->item(1, 1)->text(), QStringLiteral("50.0 %"));
        QCOMPARE(table->item(2, 1)->text(), QStringLiteral("—"));

        ConfusionMapPlot *map = page.confusionPlot();
        QCOMPARE(map->classCount(), 3);
        QCOMPARE(map->cellValue(0, 0), 2.0 / 3.0);
        QCOMPARE(map->cellValue(0, 1), 1.0 / 3.0);
        QCOMPARE(map->cellValue(1, 2), 0.5);
        QCOMPARE(map->cellValue(2, 2), 0.0);

        QVERIFY2(!page.comparisonText().isEmpty(), "comparison text");
        QVERIFY2(page.comparisonText().contains(QStringLiteral("scratch"), Qt::CaseInsensitive),
                 qPrintable(page.comparisonText()));
        page.clear();
        QVERIFY(!page.hasResults());
        QCOMPARE(page.perClassTable()->rowCount(), 0);
        QCOMPARE(page.confusionPlot()->classCount(), 0);
    }

    void followsTheWorkbenchResult()
    {
        Workbench workbench;
        ResultsPage page(&workbench);
        auto model = std::make_shared<LoadedModel>();
        model->sourcePath = QStringLiteral("/nonexistent/old.h5");
        model->model = testmodels::mlp(8, 16, 6, 7);
        workbench.setModel(model);
        const QStringList names{QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol")};
        workbench.setTrainingResult(FineTuneOutcome{result(0.8), std::nullopt}, names);
        QVERIFY(page.hasResults());
        QCOMPARE(page.perClassTable()->item(1, 0)->text(), QStringLiteral("bob"));
        // Other samples: the result no longer describes them.
        auto data = std::make_shared<TrainingData>();
        data->classNames = names;
        workbench.dataset()->setSamples(data, QStringLiteral("synthetic"));
        QVERIFY(!page.hasResults());
        QVERIFY(workbench.trainedModel()); // what Export writes stays until the next run
        workbench.setTrainingResult(FineTuneOutcome{result(0.6), std::nullopt}, names);
        QVERIFY(page.hasResults());
        workbench.clearTrainingResult();
        QVERIFY(!page.hasResults());
    }
};

QTEST_MAIN(TestResultsPage)
#include "tst_resultspage.moc"
