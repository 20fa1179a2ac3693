// ProgressThrottle, the one throttle between a training thread and the live plots: thousands of
// reports pushed from another thread reach the GUI thread in a few deliveries, in order, with
// every epoch, every note and the last batch of every epoch.

#include "ui/async/progressthrottle.h"
#include "ui/common/timings.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <memory>

using namespace graft;
using namespace graft::ui;

class TestProgressThrottle final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void coalescesBatchesAndKeepsOrder()
    {
        ProgressThrottle throttle;
        QStringList delivered; // in the order the GUI thread heard them
        int flushes = 0;
        connect(&throttle, &ProgressThrottle::batchFinished, this, [&](int run, const BatchProgress &p) {
            delivered << QStringLiteral("batch %1.%2.%3").arg(run).arg(p.epoch).arg(p.batch);
        });
        connect(&throttle, &ProgressThrottle::epochFinished, this, [&](int run, const EpochRecord &r) {
            delivered << QStringLiteral("epoch %1.%2").arg(run).arg(r.epoch);
        });
        connect(&throttle, &ProgressThrottle::noted, this,
                [&](int run, const QString &note) { delivered << QStringLiteral("note %1 %2").arg(run).arg(note); });
        connect(&throttle, &ProgressThrottle::flushed, this, [&] { ++flushes; });

        // Two runs of 4 epochs of 250 batches, pushed as fast as a small model would.
        std::unique_ptr<QThread> training(QThread::create([&throttle] {
            for (int run = 0; run < 2; ++run) {
                throttle.pushNote(run, QStringLiteral("start"));
                for (int epoch = 0; epoch < 4; ++epoch) {
                    for (int batch = 1; batch <= 250; ++batch)
                        throttle.pushBatch(run, BatchProgress{epoch, 4, batch, 250, 1.0, 0.5});
                    EpochRecord record;
                    record.epoch = epoch;
                    throttle.pushEpoch(run, record);
                }
            }
        }));
        training->start();
        QVERIFY(training->wait(20000));
        QVERIFY(delivered.isEmpty()); // nothing is delivered before the GUI thread's timer fires
        QTRY_VERIFY_WITH_TIMEOUT(delivered.contains(QStringLiteral("epoch 1.3")), 5000);
        QVERIFY2(flushes <= 3, qPrintable(QString::number(flushes)));

        // Of each epoch's batches the last one is kept, right before its epoch; nothing is lost or reordered.
        QStringList expected;
        for (int run = 0; run < 2; ++run) {
            expected << QStringLiteral("note %1 start").arg(run);
            for (int epoch = 0; epoch < 4; ++epoch)
                expected << QStringLiteral("batch %1.%2.250").arg(run).arg(epoch)
                         << QStringLiteral("epoch %1.%2").arg(run).arg(epoch);
        }
        QCOMPARE(delivered, expected);
    }

    void deliversAtMostOncePerInterval()
    {
        ProgressThrottle throttle;
        QSignalSpy flushed(&throttle, &ProgressThrottle::flushed);
        QSignalSpy batches(&throttle, &ProgressThrottle::batchFinished);
        QElapsedTimer clock;
        clock.start();
        // One batch every 5 ms for a second, from the GUI thread's own event loop.
        int batch = 0;
        while (clock.elapsed() < 1000) {
            throttle.pushBatch(0, BatchProgress{0, 1, ++batch, 100000, 1.0, 0.5});
            QTest::qWait(5);
        }
        const qint64 intervals = 1000 / timing::liveProgressInterval.count();
        QVERIFY2(flushed.count() <= intervals + 1, qPrintable(QString::number(flushed.count())));
        QVERIFY2(flushed.count() >= 2, qPrintable(QString::number(flushed.count()))); // while it runs, not only after
        QCOMPARE(batches.count(), flushed.count()); // one (the latest) batch per delivery
    }

    void flushDeliversNowAndClearForgets()
    {
        ProgressThrottle throttle;
        QSignalSpy epochs(&throttle, &ProgressThrottle::epochFinished);
        QSignalSpy flushed(&throttle, &ProgressThrottle::flushed);
        throttle.pushEpoch(0, EpochRecord{});
        throttle.flush(); // a run's end: what it reported comes first
        QCOMPARE(epochs.count(), 1);
        QCOMPARE(flushed.count(), 1);
        throttle.flush(); // nothing more: no empty delivery
        QCOMPARE(flushed.count(), 1);

        throttle.pushEpoch(0, EpochRecord{});
        throttle.clear(); // a new run: the old one's reports are dropped
        QTest::qWait(int(timing::liveProgressInterval.count()) * 3);
        QCOMPARE(epochs.count(), 1);
    }
};

QTEST_MAIN(TestProgressThrottle)
#include "tst_progressthrottle.moc"
