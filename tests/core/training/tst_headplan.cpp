// HeadPlan and HeadRemapper: matching, JSON, and the documented values of every strategy.

#include "core/training/headplan.h"
#include "core/training/headremapper.h"
#include "trainingtestmodels.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>

using namespace graft;

namespace {

struct Dense
{
    int in = 0, units = 0;
    std::vector<float> kernel, bias;
    float k(int i, int j) const { return kernel[std::size_t(i * units + j)]; }
    std::vector<float> column(int j) const
    {
        std::vector<float> c;
        for (int i = 0; i < in; ++i)
            c.push_back(k(i, j));
        return c;
    }
};

Dense denseOf(const ModelSpec &model, const QString &name)
{
    const Layer *layer = model.layer(name);
    Dense d;
    if (!layer || !layer->weight(QStringLiteral("kernel")))
        return d;
    const TensorData &k = layer->weight(QStringLiteral("kernel"))->tensor;
    d.in = int(k.shape[0]);
    d.units = int(k.shape[1]);
    d.kernel = k.values;
    d.bias = layer->weight(QStringLiteral("bias"))->tensor.values;
    return d;
}

double norm(const std::vector<float> &v)
{
    double s = 0;
    for (float x : v)
        s += double(x) * x;
    return std::sqrt(s);
}

bool bitEqual(float a, float b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

} // namespace

class TestHeadPlan final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void automaticMatchesByName()
    {
        const QStringList oldNames{QStringLiteral("alice"), QStringLiteral("Bob Smith"), QStringLiteral("carol")};
        const HeadPlan plan = HeadPlan::automatic(
            {QStringLiteral("carol"), QStringLiteral("bob_smith"), QStringLiteral("dave")}, oldNames, 3);
        QCOMPARE(plan.rows.size(), 3);
        QCOMPARE(plan.rows[0].strategy, HeadStrategy::Copy);
        QCOMPARE(plan.rows[0].source, 2);
        QCOMPARE(plan.rows[1].strategy, HeadStrategy::Copy);
        QCOMPARE(plan.rows[1].source, 1);
        QCOMPARE(plan.rows[2].strategy, HeadStrategy::Imprint);
        // Without old names nothing can be matched.
        const HeadPlan unnamed = HeadPlan::automatic({QStringLiteral("alice")}, {}, 3, HeadStrategy::Zero);
        QCOMPARE(unnamed.rows[0].strategy, HeadStrategy::Zero);
        // Names that do not count the old outputs are not trusted.
        const HeadPlan wrongCount = HeadPlan::automatic({QStringLiteral("alice")}, oldNames, 5, HeadStrategy::Random);
        QCOMPARE(wrongCount.rows[0].strategy, HeadStrategy::Random);
    }

    void jsonRoundTrip()
    {
        HeadPlan plan =
            HeadPlan::automatic({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("x"), QStringLiteral("y")},
                                {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}, 3);
        plan.rows[2].strategy = HeadStrategy::Mean;
        plan.rows[2].meanSources = {0, 2};
        plan.rows[3].strategy = HeadStrategy::RandomScaled;
        plan.seed = 18446744073709551557ull; // beyond a double's exact integers
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("plan.json"));
        QVERIFY(plan.save(path));
        const auto loaded = HeadPlan::load(path);
        QVERIFY2(loaded, qPrintable(loaded.errorString()));
        QVERIFY(*loaded == plan);
    }

    void jsonErrors_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        const QByteArray head =
            R"({"format":"graft-head-plan","version":1,"old_units":3,"old_class_names":["a","b","c"],"rows":)";
        QTest::newRow("unknown strategy") << head + R"([{"class":"a","strategy":"clone","source":0}]})"
                                          << "unknown strategy 'clone'";
        QTest::newRow("source out of range") << head + R"([{"class":"a","strategy":"copy","source":7}]})"
                                             << "between 0 and 2, got 7";
        QTest::newRow("unknown old class") << head + R"([{"class":"a","strategy":"copy","source_class":"zed"}]})"
                                           << "old class 'zed'";
        QTest::newRow("duplicate") << head + R"([{"class":"a","strategy":"zero"},{"class":"a","strategy":"zero"}]})"
                                   << "appears twice";
        QTest::newRow("mean source") << head + R"([{"class":"a","strategy":"mean","sources":[0,9]}]})"
                                     << "mean source 9";
        QTest::newRow("no rows") << head + R"([]})"
                                 << "no rows";
        QTest::newRow("not a plan") << QByteArray(R"({"rows":[]})") << "not a Graft head plan";
    }

    void jsonErrors()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        const auto plan = HeadPlan::fromJson(QJsonDocument::fromJson(json).object());
        QVERIFY(!plan);
        QVERIFY2(plan.errorString().contains(expected), qPrintable(plan.errorString()));
    }

    void orderedForNamesUnknownClasses()
    {
        const HeadPlan plan =
            HeadPlan::automatic({QStringLiteral("b"), QStringLiteral("a")}, {}, 3, HeadStrategy::Zero);
        const auto ordered = plan.orderedFor({QStringLiteral("a"), QStringLiteral("b")});
        QVERIFY(ordered);
        QCOMPARE(ordered->classNames(), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        const auto bad = plan.orderedFor({QStringLiteral("a"), QStringLiteral("c")});
        QVERIFY(!bad);
        QVERIFY2(bad.errorString().contains(QLatin1String("does not have: b")), qPrintable(bad.errorString()));
        QVERIFY2(bad.errorString().contains(QLatin1String("without a plan row: c")), qPrintable(bad.errorString()));
    }

    void shrinkCopiesBitForBit()
    {
        QString error;
        const ModelSpec model = testmodels::mlp(12, 16, 40, 7, &error);
        QVERIFY2(!model.layers.isEmpty(), qPrintable(error));
        const QStringList oldNames = testmodels::names(QStringLiteral("spk"), 40);
        QStringList newNames;
        for (int j = 0; j < 40; j += 3)
            newNames << oldNames[j]; // 14 classes
        newNames << QStringLiteral("newcomer");
        HeadPlan plan = HeadPlan::automatic(newNames, oldNames, 40, HeadStrategy::Zero);
        const auto remapped = HeadRemapper::apply(model, plan);
        QVERIFY2(remapped, qPrintable(remapped.errorString()));
        const Dense before = denseOf(model, QStringLiteral("dense_1"));
        const Dense after = denseOf(remapped->model, QStringLiteral("dense_1"));
        QCOMPARE(after.units, 15);
        QCOMPARE(remapped->model.layer(QStringLiteral("dense_1"))->config.value(QStringLiteral("units")).toInt(), 15);
        QCOMPARE(remapped->model.layer(QStringLiteral("dense_1"))->outputShapes.front(), (Shape{15}));
        for (int r = 0; r < 14; ++r) {
            const int j = r * 3;
            QCOMPARE(remapped->copiedFrom[r], j);
            for (int i = 0; i < before.in; ++i)
                QVERIFY(bitEqual(after.k(i, r), before.k(i, j)));
            QVERIFY(bitEqual(after.bias[std::size_t(r)], before.bias[std::size_t(j)]));
        }
        QCOMPARE(norm(after.column(14)), 0.0);
        QCOMPARE(remapped->summary.copiedRows, 14);
        QCOMPARE(remapped->summary.droppedOldClasses.size(), 26);
        QCOMPARE(remapped->summary.headParamsBefore, std::int64_t(16 * 40 + 40));
        QCOMPARE(remapped->summary.headParamsAfter, std::int64_t(16 * 15 + 15));
        QVERIFY(remapped->summary.text().contains(QStringLiteral("40 → 15")));
        // The model config that export writes says 15 units too.
        const QJsonArray layers = remapped->model.sourceConfig.value(QStringLiteral("config"))
                                      .toObject()
                                      .value(QStringLiteral("layers"))
                                      .toArray();
        QCOMPARE(
            layers.last().toObject().value(QStringLiteral("config")).toObject().value(QStringLiteral("units")).toInt(),
            15);
        // The source model is untouched.
        QCOMPARE(denseOf(model, QStringLiteral("dense_1")).units, 40);
    }

    void growKeepsEveryOldRow()
    {
        const ModelSpec model = testmodels::mlp(10, 16, 40, 11);
        const QStringList oldNames = testmodels::names(QStringLiteral("c"), 40);
        const QStringList newNames = oldNames + testmodels::names(QStringLiteral("n"), 5);
        const HeadPlan plan = HeadPlan::automatic(newNames, oldNames, 40, HeadStrategy::Random);
        const auto remapped = HeadRemapper::apply(model, plan);
        QVERIFY2(remapped, qPrintable(remapped.errorString()));
        const Dense before = denseOf(model, QStringLiteral("dense_1"));
        const Dense after = denseOf(remapped->model, QStringLiteral("dense_1"));
        QCOMPARE(after.units, 45);
        for (int j = 0; j < 40; ++j) {
            for (int i = 0; i < before.in; ++i)
                QVERIFY(bitEqual(after.k(i, j), before.k(i, j)));
            QVERIFY(bitEqual(after.bias[std::size_t(j)], before.bias[std::size_t(j)]));
        }
        QVERIFY(norm(after.column(44)) > 0.0);
    }

    void strategyValues()
    {
        const int in = 16, oldUnits = 6, m = 6;
        const ModelSpec model = testmodels::mlp(8, in, oldUnits, 3);
        Dense old = denseOf(model, QStringLiteral("dense_1"));
        // Give the old biases distinct values so bias rules are visible.
        ModelSpec biased = model;
        for (int j = 0; j < oldUnits; ++j)
            biased.layer(QStringLiteral("dense_1"))->weight(QStringLiteral("bias"))->tensor.values[std::size_t(j)] =
                0.1f * float(j + 1);
        old = denseOf(biased, QStringLiteral("dense_1"));
        double meanNorm = 0, meanBias = 0;
        for (int j = 0; j < oldUnits; ++j) {
            meanNorm += norm(old.column(j)) / oldUnits;
            meanBias += double(old.bias[std::size_t(j)]) / oldUnits;
        }

        HeadPlan plan;
        plan.oldUnits = oldUnits;
        plan.seed = 42;
        const HeadStrategy strategies[m] = {HeadStrategy::Zero, HeadStrategy::Random, HeadStrategy::RandomScaled,
                                            HeadStrategy::Mean, HeadStrategy::Mean,   HeadStrategy::Imprint};
        for (int r = 0; r < m; ++r) {
            HeadRow row;
            row.className = QStringLiteral("k%1").arg(r);
            row.strategy = strategies[r];
            plan.rows.append(row);
        }
        plan.rows[4].meanSources = {1, 4};
        ImprintEmbeddings embeddings;
        embeddings.classMeans.resize(m);
        std::vector<float> mean(static_cast<std::size_t>(in));
        for (int i = 0; i < in; ++i)
            mean[std::size_t(i)] = float(i % 3) + 0.5f;
        embeddings.classMeans[5] = mean;

        QVERIFY(!HeadRemapper::apply(biased, plan)); // imprint without embeddings fails
        const auto remapped = HeadRemapper::apply(biased, plan, embeddings);
        QVERIFY2(remapped, qPrintable(remapped.errorString()));
        const Dense d = denseOf(remapped->model, QStringLiteral("dense_1"));

        // zero
        QCOMPARE(norm(d.column(0)), 0.0);
        QCOMPARE(d.bias[0], 0.0f);
        // random: Glorot uniform over (in, m), zero bias
        const double limit = std::sqrt(6.0 / (in + m));
        for (float v : d.column(1))
            QVERIFY(std::abs(v) <= limit);
        QVERIFY(norm(d.column(1)) > 0.1 * limit);
        QCOMPARE(d.bias[1], 0.0f);
        // random-scaled: mean old norm
        QVERIFY(std::abs(norm(d.column(2)) - meanNorm) < 1e-5 * meanNorm);
        QCOMPARE(d.bias[2], 0.0f);
        // mean of all / of chosen
        for (int i = 0; i < in; ++i) {
            double all = 0;
            for (int j = 0; j < oldUnits; ++j)
                all += old.k(i, j);
            QVERIFY(std::abs(d.k(i, 3) - all / oldUnits) < 1e-6);
            QVERIFY(std::abs(d.k(i, 4) - (old.k(i, 1) + old.k(i, 4)) / 2.0) < 1e-6);
        }
        QVERIFY(std::abs(d.bias[3] - meanBias) < 1e-6);
        QVERIFY(std::abs(d.bias[4] - (old.bias[1] + old.bias[4]) / 2.0) < 1e-6);
        // imprint: direction of the class mean, mean old norm, mean old bias
        const double meanLength = norm(mean);
        for (int i = 0; i < in; ++i)
            QVERIFY(std::abs(d.k(i, 5) - mean[std::size_t(i)] / meanLength * meanNorm) < 1e-5);
        QVERIFY(std::abs(d.bias[5] - meanBias) < 1e-6);

        // Same seed, same random rows; another seed, others.
        const auto again = HeadRemapper::apply(biased, plan, embeddings);
        QVERIFY(denseOf(again->model, QStringLiteral("dense_1")).kernel == d.kernel);
        plan.seed = 43;
        const auto reseeded = HeadRemapper::apply(biased, plan, embeddings);
        QVERIFY(denseOf(reseeded->model, QStringLiteral("dense_1")).column(1) != d.column(1));
    }

    void stackKeepsOldHeadAsHiddenLayer()
    {
        const ModelSpec model = testmodels::mlp(8, 16, 40, 5);
        HeadPlan plan = HeadPlan::automatic(testmodels::names(QStringLiteral("s"), 15), {}, 40, HeadStrategy::Random);
        plan.mode = HeadMode::Stack;
        const auto remapped = HeadRemapper::apply(model, plan);
        QVERIFY2(remapped, qPrintable(remapped.errorString()));
        const ModelSpec &m = remapped->model;
        QCOMPARE(m.layers.size(), model.layers.size() + 1);
        QCOMPARE(m.layer(QStringLiteral("dense_1"))->config.value(QStringLiteral("activation")).toString(),
                 QStringLiteral("relu"));
        QCOMPARE(remapped->headLayer, QStringLiteral("dense_2"));
        QCOMPARE(m.outputs.front().layer, QStringLiteral("dense_2"));
        QCOMPARE(denseOf(m, QStringLiteral("dense_2")).in, 40);
        QCOMPARE(denseOf(m, QStringLiteral("dense_2")).units, 15);
        // The old head's weights are kept.
        QVERIFY(denseOf(m, QStringLiteral("dense_1")).kernel == denseOf(model, QStringLiteral("dense_1")).kernel);
        const QJsonObject config = m.sourceConfig.value(QStringLiteral("config")).toObject();
        QCOMPARE(config.value(QStringLiteral("output_layers")).toArray().at(0).toArray().at(0).toString(),
                 QStringLiteral("dense_2"));
        QCOMPARE(config.value(QStringLiteral("layers")).toArray().size(), 4);
    }

    void adapterFreezesOldModel()
    {
        const ModelSpec model = testmodels::mlp(8, 16, 40, 5);
        HeadPlan plan = HeadPlan::automatic(testmodels::names(QStringLiteral("s"), 45), {}, 40, HeadStrategy::Random);
        plan.mode = HeadMode::Adapter;
        const auto remapped = HeadRemapper::apply(model, plan);
        QVERIFY2(remapped, qPrintable(remapped.errorString()));
        const ModelSpec &m = remapped->model;
        QVERIFY(!m.layer(QStringLiteral("dense"))->trainable);
        QVERIFY(!m.layer(QStringLiteral("dense_1"))->trainable);
        QCOMPARE(m.layer(QStringLiteral("dense_1"))->config.value(QStringLiteral("activation")).toString(),
                 QStringLiteral("softmax"));
        QVERIFY(m.layer(remapped->headLayer)->trainable);
        QCOMPARE(m.layer(remapped->headLayer)->inboundNodes.front().inputs.front().layer, QStringLiteral("dense_1"));
        QCOMPARE(remapped->summary.headParamsAfter, std::int64_t(40 * 45 + 45));
    }

    void mismatchedPlanIsRefused()
    {
        const ModelSpec model = testmodels::mlp(8, 16, 10, 5);
        const HeadPlan plan = HeadPlan::automatic({QStringLiteral("a")}, {}, 12, HeadStrategy::Zero);
        const auto remapped = HeadRemapper::apply(model, plan);
        QVERIFY(!remapped);
        QVERIFY2(remapped.errorString().contains(QLatin1String("12 old outputs")), qPrintable(remapped.errorString()));
    }
};

QTEST_APPLESS_MAIN(TestHeadPlan)
#include "tst_headplan.moc"
