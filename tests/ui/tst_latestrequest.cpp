// LatestRequest, the GUI's one helper for work on the thread pool: a result reaches its callback on
// the GUI thread once; a superseded or cancelled request never reports and its job is told to stop;
// nothing is delivered once the context or the request itself is gone.

#include "ui/async/latestrequest.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <QThreadPool>

#include <atomic>
#include <memory>

using namespace graft::ui;

namespace {

/** Lets every pool job end, then delivers what the watchers report. */
void drain()
{
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::processEvents();
    QCoreApplication::processEvents();
}

} // namespace

class TestLatestRequest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void resultArrivesOnTheContextThread()
    {
        QObject context;
        LatestRequest<int> request(&context);
        QThread *worker = nullptr;
        QThread *deliveredOn = nullptr;
        int result = 0;
        request.start(
            [&worker](const CancelToken &) {
                worker = QThread::currentThread();
                return 6 * 7;
            },
            [&](int value) {
                deliveredOn = QThread::currentThread();
                result = value;
            });
        QVERIFY(request.isRunning());
        QTRY_COMPARE(result, 42);
        QVERIFY(!request.isRunning());
        QCOMPARE(deliveredOn, QThread::currentThread());
        QVERIFY(worker != QThread::currentThread());
    }

    void aNewStartSupersedesTheOneBefore()
    {
        QObject context;
        LatestRequest<QString> request(&context);
        QSemaphore firstMayEnd;
        std::atomic_bool firstSawCancel{false};
        QStringList delivered;
        request.start(
            [&](const CancelToken &token) {
                firstMayEnd.acquire();
                firstSawCancel = token.isCancelled();
                return QStringLiteral("first");
            },
            [&](const QString &value) { delivered << value; });
        request.start([](const CancelToken &) { return QStringLiteral("second"); },
                      [&](const QString &value) { delivered << value; });
        firstMayEnd.release();
        drain();
        QCOMPARE(delivered, QStringList{QStringLiteral("second")});
        QVERIFY(firstSawCancel);
        QVERIFY(!request.isRunning());
    }

    void cancelStopsTheJobAndDropsItsResult()
    {
        QObject context;
        LatestRequest<int> request(&context);
        QVERIFY(!request.cancel()); // nothing to cancel
        QSemaphore started;
        int delivered = 0;
        request.start(
            [&started](const CancelToken &token) {
                started.release();
                int spins = 0;
                while (!token.isCancelled() && spins < 20000) { // 20 s at most if cancel were lost
                    QThread::msleep(1);
                    ++spins;
                }
                return spins;
            },
            [&delivered](int) { ++delivered; });
        started.acquire();
        QVERIFY(request.cancel());
        QVERIFY(!request.isRunning());
        QElapsedTimer clock;
        clock.start();
        drain();
        QVERIFY2(clock.elapsed() < 5000, "the job did not see its token's cancel");
        QCOMPARE(delivered, 0);
    }

    void nothingArrivesOnceTheContextIsGone()
    {
        auto context = std::make_unique<QObject>();
        LatestRequest<int> request(context.get());
        QSemaphore mayEnd;
        int delivered = 0;
        request.start(
            [&mayEnd](const CancelToken &) {
                mayEnd.acquire();
                return 1;
            },
            [&delivered](int) { ++delivered; });
        context.reset();
        mayEnd.release();
        drain();
        QCOMPARE(delivered, 0);
    }

    void nothingArrivesOnceTheRequestIsGone()
    {
        QObject context;
        auto request = std::make_unique<LatestRequest<int>>(&context);
        QSemaphore mayEnd;
        int delivered = 0;
        request->start(
            [&mayEnd](const CancelToken &) {
                mayEnd.acquire();
                return 1;
            },
            [&delivered](int) { ++delivered; });
        request.reset();
        mayEnd.release();
        drain();
        QCOMPARE(delivered, 0);
    }
};

QTEST_MAIN(TestLatestRequest)
#include "tst_latestrequest.moc"
