#include "ui/document/trainingdatajob.h"

#include "core/formats/kerasfileloader.h"
#include "core/training/demo.h"
#include "core/training/trainingdata.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QtTest>

using namespace graft;
using namespace graft::ui;

/**
 * TrainingDataJob, the one background loader of the main window and the wizard: a load
 * reports once, and a superseded or cancelled load never reports at all, even when its
 * worker finishes afterwards.
 */
class TestTrainingDataJob final : public QObject
{
    Q_OBJECT

private:
    DemoFiles m_demo;
    LoadedModel m_model;

    TrainingDataSource demoSource() const
    {
        TrainingDataSource source;
        source.dataPath = m_demo.dataset;
        source.validationSplit = 0.2;
        return source;
    }

    /** Lets every worker end and delivers what it reported. */
    static void drain()
    {
        QThreadPool::globalInstance()->waitForDone();
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // the feature cache goes to a test location
        auto demo = demoFilesIn(QStringLiteral(GRAFT_SOURCE_DIR "/resources/demo"));
        QVERIFY2(demo, qPrintable(demo.errorString()));
        m_demo = *demo;
        LoadOptions options;
        options.architectureJsonPath = m_demo.architecture;
        auto model = KerasFileLoader::load(m_demo.weights, options);
        QVERIFY2(model, qPrintable(model.errorString()));
        m_model = *model;
    }

    void loadReportsOnce()
    {
        TrainingDataJob job;
        QSignalSpy loaded(&job, &TrainingDataJob::loaded);
        QSignalSpy failed(&job, &TrainingDataJob::failed);
        QSignalSpy progress(&job, &TrainingDataJob::progress);
        job.start(demoSource(), m_model);
        QVERIFY(job.isRunning());
        QVERIFY(loaded.wait(120000));
        QVERIFY(!job.isRunning());
        drain();
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(failed.size(), 0);
        // Extraction reported its files on the GUI thread; the feature cache may make them all hits.
        QVERIFY(!progress.isEmpty());
        const int total = progress.last().at(1).toInt();
        QVERIFY(total > 0);
        QCOMPARE(progress.last().at(0).toInt(), total);
        const auto data = loaded.front().front().value<std::shared_ptr<const TrainingData>>();
        QVERIFY(data);
        QCOMPARE(data->classNames.size(), qsizetype(6));
        QVERIFY(data->train.count() > 0);
        QVERIFY(data->validation.count() > 0);
    }

    void aNewStartDropsTheLoadBefore()
    {
        QTemporaryDir empty;
        TrainingDataSource missing;
        missing.dataPath = empty.filePath(QStringLiteral("no-such-folder"));
        TrainingDataJob job;
        QSignalSpy loaded(&job, &TrainingDataJob::loaded);
        QSignalSpy failed(&job, &TrainingDataJob::failed);
        job.start(demoSource(), m_model);
        job.start(missing, m_model);
        QVERIFY(failed.wait(60000));
        drain(); // the demo load ends too, unreported
        QCOMPARE(failed.size(), 1);
        QVERIFY2(failed.front().front().toString().contains(QStringLiteral("no-such-folder")),
                 qPrintable(failed.front().front().toString()));
        QCOMPARE(loaded.size(), 0);
        QVERIFY(!job.isRunning());
    }

    void cancelDropsTheResult()
    {
        TrainingDataJob job;
        QSignalSpy loaded(&job, &TrainingDataJob::loaded);
        QSignalSpy failed(&job, &TrainingDataJob::failed);
        QVERIFY(!job.cancel()); // nothing to cancel
        job.start(demoSource(), m_model);
        QVERIFY(job.cancel());
        QVERIFY(!job.isRunning());
        drain();
        QCOMPARE(loaded.size(), 0);
        QCOMPARE(failed.size(), 0);
    }
};

QTEST_MAIN(TestTrainingDataJob)
#include "tst_trainingdatajob.moc"
