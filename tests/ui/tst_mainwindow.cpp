// The first window: a fixture dropped onto the window loads, and the layers model is sound.

#include "core/model/modelspec.h"
#include "core/training/demo.h"
#include "core/training/trainingdata.h"
#include "tests/common/testdata.h"
#include "tests/core/training/trainingtestmodels.h"
#include "ui/document/datasetsource.h"
#include "ui/document/workbench.h"
#include "ui/mainwindow.h"
#include "ui/models/headplanmodel.h"
#include "ui/models/layertablemodel.h"
#include "ui/pages/headpage.h"
#include "ui/pages/modelpage.h"
#include "ui/pages/resultspage.h"
#include "ui/pages/trainingpage.h"
#include "ui/document/trainingcontroller.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDropEvent>
#include <QMimeData>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QAction>
#include <QMenuBar>
#include <QPushButton>
#include <QTest>
#include <QUndoStack>
#include <QUrl>

using namespace graft;
using namespace graft::ui;
using graft::testing::dataPath;

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    static QString fixture(const QString &relative) { return dataPath(QStringLiteral("keras/") + relative); }

    static void drop(QWidget *target, const QList<QUrl> &urls)
    {
        QMimeData mime;
        mime.setUrls(urls);
        const QPoint pos = target->rect().center();
        QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(target, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent dropEvent(QPointF(pos), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(target, &dropEvent);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
    }

    void dropLoadsModel()
    {
        Workbench workbench;
        MainWindow window(&workbench);
        window.setShowErrorDialogs(false);
        window.show();
        QSignalSpy loaded(&workbench, &Workbench::modelLoaded);
        drop(&window, {QUrl::fromLocalFile(fixture(QStringLiteral("keras2/gru_model_weights.h5")))});
        QVERIFY(loaded.wait(20000));
        QVERIFY(workbench.model());
        LayerTableModel *model = window.modelPage()->layerModel();
        QCOMPARE(model->rowCount(), 5);
        QCOMPARE(model->index(1, LayerTableModel::NameColumn).data().toString(), QStringLiteral("gru_selu"));
        QCOMPARE(model->totals().total, std::int64_t(2145));
        QCOMPARE(model->totals().nonTrainable, std::int64_t(0));
    }

    void freezingUpdatesTotals()
    {
        Workbench workbench;
        MainWindow window(&workbench);
        window.setShowErrorDialogs(false);
        GRAFT_REQUIRE_DATA(QStringLiteral("keras/keras2/3layer_batch_norm.h5"));
        QSignalSpy loaded(&workbench, &Workbench::modelLoaded);
        workbench.openModel(fixture(QStringLiteral("keras2/3layer_batch_norm.h5")));
        QVERIFY(loaded.wait(20000));
        LayerTableModel *model = window.modelPage()->layerModel();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy totals(model, &LayerTableModel::totalsChanged);
        // fc1_relu: 1088 trainable params become non-trainable.
        QVERIFY(model->setData(model->index(1, LayerTableModel::TrainableColumn), Qt::Unchecked, Qt::CheckStateRole));
        QCOMPARE(totals.count(), 1);
        QCOMPARE(model->totals().trainable, std::int64_t(4655 - 1088));
        QCOMPARE(model->totals().nonTrainable, std::int64_t(266 + 1088));
        QCOMPARE(model->totals().total, std::int64_t(4921));
    }

    void unreadableFileSaysWhichAndWhy()
    {
        Workbench workbench;
        MainWindow window(&workbench);
        window.setShowErrorDialogs(false);
        QSignalSpy failed(&workbench, &Workbench::modelLoadFailed);
        const QString path = fixture(QStringLiteral("PROVENANCE.md"));
        workbench.openModel(path);
        QVERIFY(failed.wait(20000));
        QCOMPARE(failed.front().at(0).toString(), path);
        const QString message = failed.front().at(1).toString();
        QVERIFY2(message.contains(path), qPrintable(message));
        QVERIFY(!workbench.model());
    }

    void pagesInAnyOrderAndInputsReachThem()
    {
        Workbench workbench;
        MainWindow window(&workbench);
        window.setShowErrorDialogs(false);
        window.show();
        for (int page : {MainWindow::ResultsPageIndex, MainWindow::HeadPageIndex, MainWindow::ModelPageIndex,
                         MainWindow::TrainingPageIndex, MainWindow::DatasetPageIndex}) {
            window.showPage(page);
            QCOMPARE(window.currentPage(), page);
        }
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        // Ctrl+3 is the Head page.
        QTest::keyClick(&window, Qt::Key_3, Qt::ControlModifier);
        QCOMPARE(window.currentPage(), int(MainWindow::HeadPageIndex));
        QVERIFY(!window.trainingPage()->canStart());

        auto model = std::make_shared<LoadedModel>();
        model->sourcePath = QStringLiteral("/nonexistent/old.h5");
        model->format = QStringLiteral("test");
        model->hasArchitecture = true;
        model->model = testmodels::mlp(8, 16, 6, 7);
        model->classNames = testmodels::names(QStringLiteral("c"), 6);
        workbench.setModel(model);
        QCOMPARE(window.headPage()->planModel()->rowCount(), 0);
        auto data = std::make_shared<TrainingData>();
        data->classNames = testmodels::names(QStringLiteral("c"), 3) + testmodels::names(QStringLiteral("n"), 2);
        data->train = testmodels::blobs(5, 10, 8, 1);
        data->validation = testmodels::blobs(5, 4, 8, 2);
        workbench.dataset()->setSamples(data, QStringLiteral("synthetic"));
        HeadPlanModel *plan = window.headPage()->planModel();
        QCOMPARE(plan->rowCount(), 5);
        QCOMPARE(plan->plan().rows[1].strategy, HeadStrategy::Copy);
        QVERIFY(window.trainingPage()->canStart());
        QVERIFY(!window.resultsPage()->hasResults());

        // Undo/redo of head edits from the Edit menu's shortcuts.
        QVERIFY(plan->setData(plan->index(0, HeadPlanModel::StrategyColumn), int(HeadStrategy::Zero)));
        QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(plan->plan().rows[0].strategy, HeadStrategy::Copy);
        QTest::keySequence(&window, QKeySequence::Redo);
        QCOMPARE(plan->plan().rows[0].strategy, HeadStrategy::Zero);

        // Zero-shot accuracy runs off the GUI thread.
        QSignalSpy zeroShot(window.headPage(), &HeadPage::zeroShotFinished);
        window.headPage()->computeZeroShot();
        QVERIFY(window.headPage()->isBusy());
        QVERIFY(zeroShot.wait(20000));
        const auto report = zeroShot.front().front().value<ClassificationReport>();
        QCOMPARE(report.samples, std::int64_t(20));
        QTRY_VERIFY_WITH_TIMEOUT(!plan->rowNorms().isEmpty(), 10000);
        QCOMPARE(plan->rowNorms().size(), 5);
        QCOMPARE(plan->rowNorms()[0], 0.0); // the zeroed row
        QVERIFY(plan->rowNorms()[1] > 0.0); // a copied row
        QVERIFY2(window.headPage()->summaryText().contains(QStringLiteral("dense_1 → 6 units")),
                 qPrintable(window.headPage()->summaryText()));
    }

    void demoOpensReadyToTrain()
    {
        if (!demoFiles())
            QSKIP("the bundled demo is not in this tree (resources/demo)");
        Workbench workbench;
        MainWindow window(&workbench);
        window.setShowErrorDialogs(false);
        window.show();
        QSignalSpy ready(&workbench, &Workbench::demoReady);
        QSignalSpy failedData(workbench.dataset(), &DatasetSource::samplesFailed);
        QSignalSpy failedModel(&workbench, &Workbench::modelLoadFailed);
        window.findChild<QAction *>(QStringLiteral("openDemoAction"))->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() || !failedData.isEmpty() || !failedModel.isEmpty(), 120000);
        QVERIFY2(failedModel.isEmpty(), failedModel.isEmpty() ? "" : qPrintable(failedModel.front().at(1).toString()));
        QVERIFY2(failedData.isEmpty(), failedData.isEmpty() ? "" : qPrintable(failedData.front().front().toString()));
        QVERIFY(workbench.model());
        const auto samples = workbench.dataset()->samples();
        QVERIFY(samples);
        QCOMPARE(window.currentPage(), int(MainWindow::TrainingPageIndex));
        QCOMPARE(window.headPage()->planModel()->rowCount(), samples->classNames.size());
        QVERIFY(!window.isWindowModified()); // the demo as it comes is nothing to save
        QVERIFY(window.trainingPage()->canStart());
        QVERIFY(window.trainingPage()->startButton()->isEnabled());

        // One epoch from the demo's state reaches the Results page.
        TrainingParams settings = workbench.trainingSettings();
        settings.epochs = 1;
        settings.earlyStopping.reset();
        settings.reduceLr.reset();
        workbench.setTrainingSettings(settings, false);
        QSignalSpy finished(workbench.training(), &TrainingController::succeeded);
        QSignalSpy failed(workbench.training(), &TrainingController::failed);
        window.trainingPage()->start();
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 120000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
        QVERIFY(window.resultsPage()->hasResults());
        QCOMPARE(workbench.trainedClassNames(), samples->classNames);
    }
};

GRAFT_TEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
