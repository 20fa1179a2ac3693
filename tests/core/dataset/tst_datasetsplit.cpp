#include "core/dataset/classfolderscanner.h"
#include "core/dataset/datasetsplit.h"
#include "core/dataset/datasettypes.h"

#include <QSet>
#include <QTest>

#include <cmath>

using namespace graft;

namespace {

QVector<int> makeLabels(const QVector<int> &counts)
{
    // Interleaved, as a shuffled file list would be.
    QVector<int> labels;
    QVector<int> left = counts;
    bool any = true;
    while (any) {
        any = false;
        for (int k = 0; k < left.size(); ++k) {
            if (left[k] > 0) {
                labels.append(k);
                --left[k];
                any = true;
            }
        }
    }
    return labels;
}

} // namespace

class TestDatasetSplit final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stratified_data();
    void stratified();
    void sameSeedSameSplit();
    void differentSeedDifferentSplit();
    void splitsSampleSpeakers();
    void balancedWeights();
    void seededRandomIsUniform();
};

void TestDatasetSplit::stratified_data()
{
    QTest::addColumn<QVector<int>>("counts");
    QTest::addColumn<double>("fraction");
    QTest::newRow("balanced 20%") << QVector<int>{10, 10, 10} << 0.2;
    QTest::newRow("imbalanced 25%") << QVector<int>{40, 8, 100, 3} << 0.25;
    QTest::newRow("tiny classes") << QVector<int>{1, 2, 5} << 0.1;
    QTest::newRow("half") << QVector<int>{7, 9} << 0.5;
}

void TestDatasetSplit::stratified()
{
    QFETCH(QVector<int>, counts);
    QFETCH(double, fraction);
    const QVector<int> labels = makeLabels(counts);
    const DatasetSplit split = stratifiedSplit(labels, fraction, 1234);

    QSet<int> seen;
    for (int i : split.train)
        QVERIFY(!seen.contains(i) && (seen.insert(i), true));
    for (int i : split.validation)
        QVERIFY2(!seen.contains(i) && (seen.insert(i), true), "a sample is in both splits");
    QCOMPARE(seen.size(), labels.size());

    QVector<int> validationPerClass(counts.size(), 0);
    for (int i : split.validation)
        ++validationPerClass[labels[i]];
    for (int k = 0; k < counts.size(); ++k) {
        int expected = int(std::lround(counts[k] * fraction));
        if (counts[k] >= 2)
            expected = std::clamp(expected, 1, counts[k] - 1);
        else
            expected = 0; // a single sample stays in training
        QCOMPARE(validationPerClass[k], expected);
    }
    QVERIFY(std::is_sorted(split.train.begin(), split.train.end()));
    QVERIFY(std::is_sorted(split.validation.begin(), split.validation.end()));
}

void TestDatasetSplit::sameSeedSameSplit()
{
    const QVector<int> labels = makeLabels({30, 20, 50});
    const DatasetSplit a = stratifiedSplit(labels, 0.2, 42);
    const DatasetSplit b = stratifiedSplit(labels, 0.2, 42);
    QCOMPARE(a.train, b.train);
    QCOMPARE(a.validation, b.validation);
}

void TestDatasetSplit::differentSeedDifferentSplit()
{
    const QVector<int> labels = makeLabels({30, 20, 50});
    const DatasetSplit a = stratifiedSplit(labels, 0.2, 42);
    const DatasetSplit b = stratifiedSplit(labels, 0.2, 43);
    QCOMPARE(a.validation.size(), b.validation.size());
    QVERIFY(a.validation != b.validation);
    // Not just the first samples of each class: the shuffle picks from everywhere.
    QVERIFY(*std::max_element(a.validation.begin(), a.validation.end()) > labels.size() / 2);
}

void TestDatasetSplit::splitsSampleSpeakers()
{
    const auto scanned =
        ClassFolderScanner::scan(QStringLiteral(GRAFT_SOURCE_DIR "/resources/sample-speakers/base/train"));
    QVERIFY2(scanned.hasValue(), qPrintable(scanned.errorString()));
    const DatasetSplit split = stratifiedSplit(scanned->labels(), 0.2, 7);
    QVector<int> perClass(scanned->classNames.size(), 0);
    for (int i : split.validation)
        ++perClass[scanned->samples[i].label];
    for (int count : perClass)
        QCOMPARE(count, 1); // round(5 × 0.2)
    QCOMPARE(split.train.size() + split.validation.size(), scanned->samples.size());
}

void TestDatasetSplit::balancedWeights()
{
    // sklearn/Keras 'balanced': n_samples / (n_classes × count), empty classes weigh nothing.
    const QVector<double> weights = balancedClassWeights({10, 30, 0, 20});
    QCOMPARE(weights.size(), 4);
    QCOMPARE(weights[0], 60.0 / (3 * 10));
    QCOMPARE(weights[1], 60.0 / (3 * 30));
    QCOMPARE(weights[2], 0.0);
    QCOMPARE(weights[3], 60.0 / (3 * 20));
    QCOMPARE(imbalanceRatio({10, 30, 0, 20}), 3.0);
    QCOMPARE(imbalanceRatio({5, 5}), 1.0);
}

void TestDatasetSplit::seededRandomIsUniform()
{
    SeededRandom random(99);
    QVector<int> buckets(7, 0);
    const int draws = 70000;
    for (int i = 0; i < draws; ++i)
        ++buckets[int(random.below(7))];
    for (int count : buckets)
        QVERIFY2(std::abs(count - draws / 7) < 500, qPrintable(QString::number(count)));
    double sum = 0.0, squares = 0.0;
    for (int i = 0; i < draws; ++i) {
        const double v = random.normal();
        sum += v;
        squares += v * v;
    }
    QVERIFY(std::abs(sum / draws) < 0.02);
    QVERIFY(std::abs(squares / draws - 1.0) < 0.03);
}

QTEST_APPLESS_MAIN(TestDatasetSplit)
#include "tst_datasetsplit.moc"
