// EarlyStopping, ReduceLROnPlateau and ModelCheckpoint's best tracking on scripted metric
// sequences, each expectation worked out by hand from Keras 3's callback code.

#include "core/training/callbacks.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace graft;

Q_DECLARE_METATYPE(std::vector<double>)

namespace {

const double missing = std::numeric_limits<double>::quiet_NaN(); // "metric absent this epoch"

std::optional<double> valueAt(const std::vector<double> &values, std::size_t i)
{
    return std::isnan(values[i]) ? std::nullopt : std::optional<double>(values[i]);
}

} // namespace

class TestCallbacks final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void earlyStopping_data()
    {
        QTest::addColumn<QString>("monitor");
        QTest::addColumn<int>("patience");
        QTest::addColumn<double>("minDelta");
        QTest::addColumn<double>("baseline"); // NaN: none
        QTest::addColumn<std::vector<double>>("values");
        QTest::addColumn<int>("stopEpoch"); // -1: never
        QTest::addColumn<int>("bestEpoch");

        const double none = missing;
        QTest::newRow("patience 2") << "val_loss" << 2 << 0.0 << none
                                    << std::vector<double>{1.0, 0.9, 0.95, 0.92, 0.91, 0.8} << 3 << 1;
        QTest::newRow("min_delta blocks small gains")
            << "val_loss" << 2 << 0.05 << none << std::vector<double>{1.0, 0.97, 0.96, 0.9} << 2 << 0;
        QTest::newRow("accuracy maximized")
            << "val_accuracy" << 1 << 0.0 << none << std::vector<double>{0.5, 0.6, 0.6, 0.55} << 2 << 1;
        QTest::newRow("patience 0") << "loss" << 0 << 0.0 << none << std::vector<double>{1.0, 1.1, 0.5} << 1 << 0;
        QTest::newRow("never at epoch 0")
            << "loss" << 0 << 0.0 << none << std::vector<double>{none, 1.0, 0.9} << -1 << 2;
        QTest::newRow("equal is no improvement")
            << "val_loss" << 1 << 0.0 << none << std::vector<double>{0.7, 0.7} << 1 << 0;
        // Improving over the best but not the baseline: wait keeps counting, yet an
        // improving epoch never stops; the first non-improving epoch does.
        QTest::newRow("baseline") << "val_loss" << 2 << 0.0 << 0.5 << std::vector<double>{1.0, 0.9, 0.8, 0.85} << 3
                                  << 2;
        QTest::newRow("missing values skipped")
            << "val_loss" << 1 << 0.0 << none << std::vector<double>{1.0, none, none, 1.2} << 3 << 0;
    }

    void earlyStopping()
    {
        QFETCH(QString, monitor);
        QFETCH(int, patience);
        QFETCH(double, minDelta);
        QFETCH(double, baseline);
        QFETCH(std::vector<double>, values);
        QFETCH(int, stopEpoch);
        QFETCH(int, bestEpoch);
        EarlyStoppingSettings settings;
        settings.monitor = monitor;
        settings.patience = patience;
        settings.minDelta = minDelta;
        if (!std::isnan(baseline))
            settings.baseline = baseline;
        EarlyStopping es(settings);
        int stoppedAt = -1;
        for (std::size_t e = 0; e < values.size() && stoppedAt < 0; ++e)
            if (es.onEpochEnd(int(e), valueAt(values, e)).stop)
                stoppedAt = int(e);
        QCOMPARE(stoppedAt, stopEpoch);
        QCOMPARE(es.bestEpoch(), bestEpoch);
    }

    void restoreBestWeightsAlsoWithoutStopping()
    {
        EarlyStoppingSettings settings;
        settings.patience = 10;
        settings.restoreBestWeights = true;
        EarlyStopping es(settings);
        const std::vector<double> losses{1.0, 0.8, 0.9, 0.95};
        QVector<bool> snapshots;
        for (std::size_t e = 0; e < losses.size(); ++e) {
            const auto d = es.onEpochEnd(int(e), losses[e]);
            QVERIFY(!d.stop);
            snapshots << d.snapshotWeights;
        }
        QCOMPARE(snapshots, (QVector<bool>{true, true, false, false}));
        QVERIFY(es.restoreAtEnd());
        QCOMPARE(es.bestEpoch(), 1);
        QCOMPARE(es.wait(), 2);

        EarlyStopping plain(EarlyStoppingSettings{});
        plain.onEpochEnd(0, 1.0);
        QVERIFY(!plain.restoreAtEnd());
    }

    void earlyStoppingStateRoundTrip()
    {
        EarlyStoppingSettings settings;
        settings.patience = 2;
        EarlyStopping a(settings), b(settings);
        a.onEpochEnd(0, 1.0);
        a.onEpochEnd(1, 1.2);
        b.restoreState(a.state());
        QCOMPARE(b.wait(), 1);
        QCOMPARE(b.best(), 1.0);
        QVERIFY(b.onEpochEnd(2, 1.3).stop);
        // The initial infinite best survives JSON.
        EarlyStopping fresh(settings), copy(settings);
        copy.restoreState(fresh.state());
        QVERIFY(std::isinf(copy.best()) && copy.best() > 0);
    }

    void reduceLrOnPlateau()
    {
        ReduceLrSettings settings;
        settings.factor = 0.5;
        settings.patience = 2;
        settings.cooldown = 1;
        ReduceLrOnPlateau reduce(settings);
        const std::vector<double> losses{1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5};
        const std::vector<double> expectedLr{1e-3, 1e-3, 5e-4, 5e-4, 2.5e-4, 2.5e-4, 2.5e-4};
        double lr = float32Rate(1e-3);
        for (std::size_t e = 0; e < losses.size(); ++e) {
            lr = reduce.onEpochEnd(int(e), losses[e], lr);
            QCOMPARE(lr, float32Rate(expectedLr[e]));
        }
        QCOMPARE(reduce.wait(), 0);
    }

    void reduceLrStopsAtMinLr()
    {
        ReduceLrSettings settings;
        settings.factor = 0.2;
        settings.patience = 1;
        settings.minLr = 1e-4;
        ReduceLrOnPlateau reduce(settings);
        double lr = float32Rate(1e-3);
        lr = reduce.onEpochEnd(0, 1.0, lr);
        lr = reduce.onEpochEnd(1, 1.0, lr); // float32(float32(1e-3) * 0.2), as Keras computes it
        QCOMPARE(lr, float32Rate(float32Rate(1e-3) * 0.2));
        lr = reduce.onEpochEnd(2, 1.0, lr); // max(4e-5, 1e-4)
        QCOMPARE(lr, float32Rate(1e-4));
        lr = reduce.onEpochEnd(3, 1.0, lr); // at min_lr: unchanged
        QCOMPARE(lr, float32Rate(1e-4));
        QVERIFY(!reduce.reducedLastEpoch());
    }

    void reduceLrMinDeltaAndAccuracy()
    {
        ReduceLrSettings settings;
        settings.monitor = QStringLiteral("val_accuracy");
        settings.patience = 1;
        settings.minDelta = 0.01;
        ReduceLrOnPlateau reduce(settings);
        double lr = 0.01;
        lr = reduce.onEpochEnd(0, 0.50, lr);
        QCOMPARE(lr, 0.01);
        lr = reduce.onEpochEnd(1, 0.505, lr); // +0.005 < min_delta: a plateau
        QCOMPARE(lr, float32Rate(0.001));
    }

    void bestModelTracker()
    {
        BestModelTracker acc(QStringLiteral("val_accuracy"));
        QCOMPARE(acc.onEpochEnd(0.5), true);
        QCOMPARE(acc.onEpochEnd(0.5), false);
        QCOMPARE(acc.onEpochEnd(std::nullopt), false);
        QCOMPARE(acc.onEpochEnd(0.6), true);
        BestModelTracker loss(QStringLiteral("val_loss"));
        QCOMPARE(loss.onEpochEnd(1.0), true);
        QCOMPARE(loss.onEpochEnd(1.1), false);
        QCOMPARE(loss.onEpochEnd(0.9), true);
        BestModelTracker forcedMin(QStringLiteral("val_accuracy"), MonitorMode::Min);
        QCOMPARE(forcedMin.onEpochEnd(0.5), true);
        QCOMPARE(forcedMin.onEpochEnd(0.6), false);
    }

    void autoModeNames()
    {
        QVERIFY(monitorMaximizes(QStringLiteral("val_acc"), MonitorMode::Auto));
        QVERIFY(monitorMaximizes(QStringLiteral("accuracy"), MonitorMode::Auto));
        QVERIFY(!monitorMaximizes(QStringLiteral("val_loss"), MonitorMode::Auto));
        QVERIFY(!monitorMaximizes(QStringLiteral("val_accuracy"), MonitorMode::Min));
    }
};

QTEST_APPLESS_MAIN(TestCallbacks)
#include "tst_callbacks.moc"
