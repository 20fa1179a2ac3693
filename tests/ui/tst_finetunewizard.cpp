// File → New Fine-tune…: the wizard from old weights to an exported model on the bundled demo,
// and each page refusing Next until its step is usable.

#include "core/export/companionfiles.h"
#include "core/formats/kerasfileloader.h"
#include "core/model/modelspec.h"
#include "core/training/demo.h"
#include "core/training/headremapper.h"
#include "core/training/trainingdata.h"
#include "ui/document/datasetsource.h"
#include "ui/document/trainingcontroller.h"
#include "ui/document/workbench.h"
#include "ui/mainwindow.h"
#include "ui/models/classcountmodel.h"
#include "ui/models/headplanmodel.h"
#include "ui/pages/headpage.h"
#include "ui/pages/resultspage.h"
#include "ui/plots/trainingplots.h"
#include "ui/widgets/exportpanel.h"
#include "ui/wizard/architecturepage.h"
#include "ui/wizard/datapage.h"
#include "ui/wizard/exportpage.h"
#include "ui/wizard/finetunewizard.h"
#include "ui/wizard/headplanpage.h"
#include "ui/wizard/summarypage.h"
#include "ui/wizard/trainpage.h"
#include "ui/wizard/weightspage.h"

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QAction>
#include <QFile>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

using namespace graft;
using namespace graft::ui;

class TestFineTuneWizard : public QObject
{
    Q_OBJECT

private:
    DemoFiles m_demo;

    static void clickNext(FineTuneWizard *wizard)
    {
        QAbstractButton *next = wizard->button(QWizard::NextButton);
        QVERIFY(next->isVisible());
        QVERIFY(next->isEnabled());
        QTest::mouseClick(next, Qt::LeftButton);
    }

    static QStringList readLines(const QString &path)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
            return {};
        return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
        auto demo = demoFilesIn(QStringLiteral(GRAFT_SOURCE_DIR "/resources/demo"));
        if (!demo)
            QSKIP(qPrintable(demo.errorString()));
        m_demo = *demo;
    }

    void weightsPageRefusesMissingAndInvalidFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        FineTuneWizard wizard(nullptr);
        wizard.show();
        wizard::WeightsPage *page = wizard.weightsPage();
        QCOMPARE(wizard.currentId(), int(FineTuneWizard::WeightsPageId));
        QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());

        // A missing file: Next says why and stays.
        const QString missing = dir.filePath(QStringLiteral("missing.h5"));
        page->setPath(missing);
        QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
        wizard.next();
        QCOMPARE(wizard.currentId(), int(FineTuneWizard::WeightsPageId));
        QVERIFY2(page->message().contains(missing) && page->message().contains(QStringLiteral("no such file")),
                 qPrintable(page->message()));

        // A file that is not Keras: the loader's error, read off the GUI thread.
        const QString garbage = dir.filePath(QStringLiteral("notes.h5"));
        QFile file(garbage);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("these are not weights\n");
        file.close();
        QSignalSpy finished(page, &wizard::WeightsPage::loadFinished);
        page->setPath(garbage);
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.takeFirst().front().toBool(), false);
        QVERIFY2(page->message().contains(garbage)
                     && page->message().contains(QStringLiteral("neither an HDF5 file nor a zip")),
                 qPrintable(page->message()));
        QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
        wizard.next();
        QCOMPARE(wizard.currentId(), int(FineTuneWizard::WeightsPageId));
        QVERIFY(!wizard.draft()->model());
        QTest::qWait(50);
        QCOMPARE(finished.count(), 0); // Next on a path known to be bad does not read it again

        // The demo's weights (architecture and labels beside them): a summary, and Next skips the architecture page.
        page->setPath(m_demo.weights);
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.takeFirst().front().toBool(), true);
        QVERIFY(wizard.button(QWizard::NextButton)->isEnabled());
        QVERIFY2(page->message().contains(QStringLiteral("18 old class name")), qPrintable(page->message()));
        clickNext(&wizard);
        QCOMPARE(wizard.currentId(), int(FineTuneWizard::DatasetPageId));
        QVERIFY(wizard.draft()->model());
        QCOMPARE(wizard.draft()->model()->sourcePath, m_demo.weights);

        // The dataset page refuses a folder that does not exist.
        const QString noFolder = dir.filePath(QStringLiteral("no-such-dataset"));
        wizard.dataPage()->setPath(noFolder);
        wizard.next();
        QCOMPARE(wizard.currentId(), int(FineTuneWizard::DatasetPageId));
        QVERIFY2(wizard.dataPage()->message().contains(noFolder), qPrintable(wizard.dataPage()->message()));
        QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
        QVERIFY(!wizard.draft()->dataset()->samples());

        // Back and a bad path again: the old model no longer passes.
        wizard.back();
        QCOMPARE(wizard.currentId(), int(FineTuneWizard::WeightsPageId));
        page->setPath(missing);
        wizard.next();
        QCOMPARE(wizard.currentId(), int(FineTuneWizard::WeightsPageId));
    }

    void wizardFromWeightsToExportedFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        // The weights alone, as users often have them: the architecture page asks for the JSON and the labels.
        const QString weights = dir.filePath(QStringLiteral("base-speakers.h5"));
        QVERIFY(QFile::copy(m_demo.weights, weights));
        const QStringList oldNames = readLines(m_demo.labels);
        QCOMPARE(oldNames.size(), 18);

        Workbench workbench;
        MainWindow window(&workbench);
        window.setShowErrorDialogs(false);
        window.show();
        auto *action = window.findChild<QAction *>(QStringLiteral("newFineTuneAction"));
        QVERIFY(action);
        QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
        action->trigger();
        auto *wizard = window.findChild<FineTuneWizard *>();
        QVERIFY(wizard);
        QVERIFY(wizard->isVisible());
        Workbench *draft = wizard->draft();

        // 1. Weights.
        QSignalSpy weightsLoaded(wizard->weightsPage(), &wizard::WeightsPage::loadFinished);
        wizard->weightsPage()->setPath(weights);
        QVERIFY(weightsLoaded.wait(20000));
        QCOMPARE(weightsLoaded.front().front().toBool(), true);
        QVERIFY2(wizard->weightsPage()->message().contains(QStringLiteral("No architecture")),
                 qPrintable(wizard->weightsPage()->message()));
        clickNext(wizard);

        // 2. Architecture and old class names.
        QCOMPARE(wizard->currentId(), int(FineTuneWizard::ArchitecturePageId));
        wizard::ArchitecturePage *arch = wizard->architecturePage();
        QVERIFY(!wizard->button(QWizard::NextButton)->isEnabled());
        QVERIFY2(arch->message().contains(QStringLiteral("weights only")), qPrintable(arch->message()));
        arch->setLabelsPath(dir.filePath(QStringLiteral("nothing.labels.txt")));
        QVERIFY2(arch->message().contains(QStringLiteral("nothing.labels.txt")), qPrintable(arch->message()));
        QSignalSpy archLoaded(arch, &wizard::ArchitecturePage::loadFinished);
        arch->setArchitecturePath(m_demo.architecture);
        QVERIFY(archLoaded.wait(20000));
        QCOMPARE(archLoaded.front().front().toBool(), true);
        QVERIFY(!wizard->button(QWizard::NextButton)->isEnabled()); // the labels file is still missing
        arch->setLabelsPath(m_demo.labels);
        clickNext(wizard);
        QCOMPARE(wizard->currentId(), int(FineTuneWizard::DatasetPageId));
        QVERIFY(draft->model()->hasArchitecture);
        QCOMPARE(draft->model()->classNames, oldNames);

        // 3. Dataset: classes and counts, features proposed from the model's input.
        wizard::DataPage *data = wizard->dataPage();
        QAbstractItemModelTester classTester(data->classModel(),
                                             QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(!wizard->button(QWizard::NextButton)->isEnabled());
        QSignalSpy dataLoaded(data, &wizard::DataPage::loadFinished);
        data->setPath(m_demo.dataset);
        QVERIFY(dataLoaded.wait(120000));
        QVERIFY2(dataLoaded.front().front().toBool(), qPrintable(data->message()));
        QCOMPARE(data->classModel()->rowCount(), 6);
        const auto samples = draft->dataset()->samples();
        QVERIFY(samples);
        int trainTotal = 0;
        for (int c : data->classModel()->trainCounts())
            trainTotal += c;
        QCOMPARE(trainTotal, int(samples->train.count()));
        QVERIFY2(data->message().contains(QStringLiteral("Features: ") + samples->description),
                 qPrintable(data->message()));
        clickNext(wizard);

        // 4. Head plan: --head auto (copy matching names, imprint the rest), edits undoable.
        QCOMPARE(wizard->currentId(), int(FineTuneWizard::HeadPageId));
        HeadPlanModel *plan = wizard->headPlanPage()->planModel();
        QAbstractItemModelTester planTester(plan, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QStringList newNames = samples->classNames;
        QCOMPARE(plan->rowCount(), newNames.size());
        for (int r = 0; r < plan->rowCount(); ++r)
            QCOMPARE(plan->plan().rows[r].strategy,
                     oldNames.contains(plan->plan().rows[r].className) ? HeadStrategy::Copy : HeadStrategy::Imprint);
        QVERIFY(plan->setData(plan->index(0, HeadPlanModel::StrategyColumn), int(HeadStrategy::Zero)));
        QCOMPARE(plan->plan().rows[0].strategy, HeadStrategy::Zero);
        plan->undoStack()->undo();
        QCOMPARE(plan->plan().rows[0].strategy, HeadStrategy::Imprint);
        clickNext(wizard);

        // 5. Training settings: graft-cli finetune's defaults, then a short run.
        QCOMPARE(wizard->currentId(), int(FineTuneWizard::SettingsPageId));
        QCOMPARE(wizard->field(QStringLiteral("epochs")).toInt(), 10);
        QCOMPARE(wizard->field(QStringLiteral("batchSize")).toInt(), 32);
        QCOMPARE(draft->trainingSettings().optimizer.kind, OptimizerKind::Adam);
        QCOMPARE(draft->trainingSettings().optimizer.learningRate, 0.001);
        QCOMPARE(draft->trainingSettings().trainable.preset, TrainPreset::HeadOnly);
        QCOMPARE(draft->compareScratch(), false);
        wizard->setField(QStringLiteral("epochs"), 2);
        wizard->setField(QStringLiteral("batchSize"), 16);
        wizard->setField(QStringLiteral("trainPreset"), 1); // everything
        wizard->setField(QStringLiteral("seed"), 3);
        QCOMPARE(draft->trainingSettings().trainable.preset, TrainPreset::All);
        clickNext(wizard);

        // 6. Summary, then Train.
        QCOMPARE(wizard->currentId(), int(FineTuneWizard::SummaryPageId));
        const QString summary = wizard->summaryPage()->text();
        for (const QString &expected : {QStringLiteral("2 epochs, batch 16"), QStringLiteral("seed 3"), weights,
                                        m_demo.architecture, newNames.front(), samples->description})
            QVERIFY2(summary.contains(expected), qPrintable(expected + QStringLiteral(" not in:\n") + summary));
        QCOMPARE(wizard->button(QWizard::NextButton)->text(), QStringLiteral("&Train"));
        QSignalSpy trained(wizard->trainPage(), &wizard::TrainPage::trainingFinished);
        clickNext(wizard);

        // 7. Training runs on its own; Next waits for the model.
        QCOMPARE(wizard->currentId(), int(FineTuneWizard::TrainPageId));
        QVERIFY(wizard->trainPage()->controller()->isRunning());
        QVERIFY(!wizard->button(QWizard::NextButton)->isEnabled());
        QVERIFY(trained.wait(120000));
        QVERIFY2(trained.front().front().toBool(), qPrintable(wizard->trainPage()->statusText()));
        QVERIFY(draft->outcome());
        QCOMPARE(draft->outcome()->fineTuned.history.size(), 2);
        QCOMPARE(wizard->trainPage()->plots()->pointCount(TrainingPlots::TrainLoss), 2);
        QCOMPARE(wizard->trainPage()->progressBar()->value(), wizard->trainPage()->progressBar()->maximum());
        QVERIFY(!wizard->trainPage()->stopButton()->isEnabled());
        QCOMPARE(draft->trainedModel()->classNames, newNames);
        clickNext(wizard);

        // 8. Export: Finish only once the file is written.
        QCOMPARE(wizard->currentId(), int(FineTuneWizard::ExportPageId));
        wizard::ExportPage *exportPage = wizard->exportPage();
        ExportPanel *exportPanel = exportPage->panel();
        QVERIFY2(exportPanel->targetPath().endsWith(QStringLiteral("base-speakers-finetuned.h5")),
                 qPrintable(exportPanel->targetPath()));
        QVERIFY(!wizard->button(QWizard::FinishButton)->isEnabled());
        const QString target = dir.filePath(QStringLiteral("out/speakers.h5"));
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("out"))));
        exportPanel->setTargetPath(target);
        QSignalSpy exported(exportPanel, &ExportPanel::exportFinished);
        exportPanel->startExport();
        QVERIFY2(exported.wait(60000), qPrintable(exportPanel->logText()));
        QVERIFY(wizard->button(QWizard::FinishButton)->isEnabled());
        QCOMPARE(exportPage->writtenFiles().front(), target);
        QVERIFY(QFileInfo::exists(target));
        QCOMPARE(readLines(CompanionFiles::labelsPath(target)), newNames);
        QCOMPARE(readLines(CompanionFiles::historyPath(target)).size(), 3); // header + 2 epochs
        QVERIFY(exportPage->writtenFiles().contains(CompanionFiles::historyPath(target)));

        // The written file loads again, with the trained head.
        auto reloaded = KerasFileLoader::load(target);
        QVERIFY2(reloaded, qPrintable(reloaded.errorString()));
        QVERIFY(reloaded->hasArchitecture);
        QCOMPARE(reloaded->classNames, newNames);
        auto head = HeadRemapper::locate(reloaded->model);
        QVERIFY2(head, qPrintable(head.errorString()));
        QCOMPARE(head->units, newNames.size());
        const Layer *written = reloaded->model.layer(head->layer);
        const Layer *inMemory = draft->trainedModel()->model.layer(head->layer);
        QVERIFY(written && inMemory);
        QVERIFY(!written->weights.isEmpty());
        QVERIFY(written->weights.front().tensor.values == inMemory->weights.front().tensor.values);

        // Finish: the workbench adopts the model, the samples, the plan and the results.
        const HeadPlan plannedRows = draft->plan()->plan();
        const QString writtenModel = exportPanel->writtenFiles().front();
        QTest::mouseClick(wizard->button(QWizard::FinishButton), Qt::LeftButton);
        QVERIFY(!wizard->isVisible());
        QVERIFY(workbench.model());
        QCOMPARE(workbench.model()->sourcePath, weights);
        QCOMPARE(workbench.model()->classNames, oldNames);
        QCOMPARE(workbench.dataset()->samples(), samples);
        QCOMPARE(workbench.plan()->plan().rows.size(), plannedRows.rows.size());
        QCOMPARE(window.headPage()->planModel()->rowCount(), newNames.size());
        QVERIFY(window.resultsPage()->hasResults());
        QCOMPARE(window.currentPage(), int(MainWindow::ResultsPageIndex));
        QCOMPARE(workbench.trainedClassNames(), newNames);
        Q_UNUSED(writtenModel)
    }

    void cancelledWizardLeavesTheWorkbench()
    {
        Workbench workbench;
        auto before = std::make_shared<LoadedModel>();
        before->sourcePath = QStringLiteral("/nonexistent/before.h5");
        workbench.setModel(before);
        FineTuneWizard wizard(&workbench);
        wizard.show();
        QSignalSpy weightsLoaded(wizard.weightsPage(), &wizard::WeightsPage::loadFinished);
        wizard.weightsPage()->setPath(m_demo.weights);
        QVERIFY(weightsLoaded.wait(20000));
        QVERIFY(wizard.draft()->model());
        QVERIFY(wizard.draft()->model() != workbench.model());
        wizard.reject();
        QCOMPARE(workbench.model(), before);
        QVERIFY(!workbench.dataset()->samples());
    }

    void cancelLoadingAndStopTraining()
    {
        FineTuneWizard wizard(nullptr);
        wizard.show();
        QSignalSpy weightsLoaded(wizard.weightsPage(), &wizard::WeightsPage::loadFinished);
        wizard.weightsPage()->setPath(m_demo.weights);
        QVERIFY(weightsLoaded.wait(20000));
        clickNext(&wizard);
        // Cancel drops a load in progress: no samples, no result later, Next still refused.
        QSignalSpy dataLoaded(wizard.dataPage(), &wizard::DataPage::loadFinished);
        wizard.dataPage()->setPath(m_demo.dataset);
        wizard.next(); // reads the folder now instead of after the typing pause
        QVERIFY(wizard.dataPage()->isLoading());
        wizard.dataPage()->cancel();
        QVERIFY(!wizard.dataPage()->isLoading());
        QVERIFY2(wizard.dataPage()->message().contains(QStringLiteral("cancelled")),
                 qPrintable(wizard.dataPage()->message()));
        QVERIFY(!dataLoaded.wait(1500));
        QVERIFY(!wizard.draft()->dataset()->samples());
        QCOMPARE(wizard.currentId(), int(FineTuneWizard::DatasetPageId));
        QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());

        wizard.next(); // a cancelled folder is read again
        QVERIFY(dataLoaded.wait(120000));
        QVERIFY(dataLoaded.front().front().toBool());
        clickNext(&wizard);
        clickNext(&wizard);
        wizard.setField(QStringLiteral("epochs"), 500);
        wizard.setField(QStringLiteral("batchSize"), 4);
        clickNext(&wizard);
        QSignalSpy trained(wizard.trainPage(), &wizard::TrainPage::trainingFinished);
        clickNext(&wizard);
        QCOMPARE(wizard.currentId(), int(FineTuneWizard::TrainPageId));
        // Stop once the first batches have arrived.
        QTRY_VERIFY_WITH_TIMEOUT(wizard.trainPage()->progressBar()->value() > 0, 60000);
        QVERIFY(wizard.trainPage()->stopButton()->isEnabled());
        QTest::mouseClick(wizard.trainPage()->stopButton(), Qt::LeftButton);
        QVERIFY(trained.wait(60000));
        QVERIFY(trained.front().front().toBool());
        QCOMPARE(wizard.draft()->outcome()->fineTuned.stopReason, StopReason::Cancelled);
        QVERIFY(wizard.draft()->outcome()->fineTuned.history.size() < 500);
        QVERIFY(wizard.button(QWizard::NextButton)->isEnabled());
    }
};

QTEST_MAIN(TestFineTuneWizard)
#include "tst_finetunewizard.moc"
