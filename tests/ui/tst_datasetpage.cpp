// The Dataset page: scanning the sample speakers, images with a broken file, arrays,
// drag-and-drop, cancellation, previews and feature proposals from the model's input shape.

#include "core/io/npyfile.h"
#include "core/project/projectfile.h"
#include "tests/core/training/trainingtestmodels.h"
#include "ui/document/datasetsource.h"
#include "ui/document/workbench.h"
#include "ui/models/classcountmodel.h"
#include "ui/pages/datasetpage.h"
#include "ui/pages/featuresettingsform.h"
#include "ui/plots/samplepreview.h"

#include <qcustomplot.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDir>
#include <QDropEvent>
#include <QImage>
#include <QListWidget>
#include <QMimeData>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <algorithm>

using namespace graft;
using namespace graft::ui;

class TestDatasetPage : public QObject
{
    Q_OBJECT

private:
    static QString speakers(const QString &set)
    {
        return QStringLiteral(GRAFT_SOURCE_DIR "/resources/sample-speakers/") + set;
    }

    /** Class folders as Python's sorted(os.listdir()) gives them (names are ASCII here). */
    static QStringList sortedSubfolders(const QString &path)
    {
        QStringList names = QDir(path).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        std::sort(names.begin(), names.end());
        return names;
    }

    static void openAndWait(DatasetPage &page, const QString &path)
    {
        QSignalSpy changed(&page, &DatasetPage::datasetChanged);
        QSignalSpy failed(page.source(), &DatasetSource::scanFailed);
        page.source()->open(path);
        QVERIFY(page.source()->isScanning());
        QVERIFY2(changed.wait(30000), failed.isEmpty() ? "no signal" : qPrintable(failed.front().front().toString()));
        QVERIFY(!page.source()->isScanning());
    }

    /** A model whose input is `shape` (Flatten → Dense): the features are proposed for it. */
    static std::shared_ptr<LoadedModel> modelWithInput(const QVector<qint64> &shape)
    {
        using namespace testmodels;
        QString error;
        auto model = std::make_shared<LoadedModel>();
        model->sourcePath = QStringLiteral("/nonexistent/model.h5");
        model->hasArchitecture = true;
        model->model = buildModel(
            chainModelJson(shape,
                           {{QStringLiteral("Flatten"), QJsonObject{{QStringLiteral("name"), QStringLiteral("f")}}},
                            {QStringLiteral("Dense"), denseConfig(QStringLiteral("d"), 6, QStringLiteral("softmax"))}}),
            7, &error);
        if (model->model.layers.isEmpty())
            qWarning("%s", qPrintable(error));
        return model;
    }

    static void writePng(const QString &path, QColor color, int size = 12)
    {
        QImage image(size, size + 2, QImage::Format_RGB32);
        image.fill(color);
        QVERIFY(image.save(path, "PNG"));
    }

private Q_SLOTS:
    void sampleSpeakersWithValidationFolder()
    {
        Workbench pageWorkbench;
        DatasetPage page(&pageWorkbench);
        page.setShowErrorDialogs(false);
        page.resize(1200, 800);
        page.show();
        QSignalSpy preview(page.preview(), &SamplePreview::previewReady);
        openAndWait(page, speakers(QStringLiteral("new")));

        const QStringList expected = sortedSubfolders(speakers(QStringLiteral("new/train")));
        QCOMPARE(expected.size(), 6);
        QCOMPARE(page.classNames(), expected);
        QAbstractItemModelTester tester(page.classModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        ClassCountModel *model = page.classModel();
        QCOMPARE(model->rowCount(), 6);
        for (int row = 0; row < 6; ++row) {
            const QString name = expected[row];
            const int train = QDir(speakers(QStringLiteral("new/train/") + name)).entryList(QDir::Files).size();
            const int val = QDir(speakers(QStringLiteral("new/val/") + name)).entryList(QDir::Files).size();
            QCOMPARE(model->index(row, ClassCountModel::NameColumn).data().toString(), name);
            QCOMPARE(model->index(row, ClassCountModel::TrainColumn).data(ClassCountModel::ValueRole).toInt(), train);
            QCOMPARE(model->index(row, ClassCountModel::ValidationColumn).data(ClassCountModel::ValueRole).toInt(),
                     val);
            // Balanced: every class has as many samples, so every weight is 1.
            QCOMPARE(model->index(row, ClassCountModel::WeightColumn).data(ClassCountModel::ValueRole).toDouble(), 1.0);
        }
        // No bad file; the only notes are the validation classes' few samples (2 < 5), all under val/.
        QVERIFY(page.dataset()->train->badFiles.isEmpty());
        QVERIFY(page.dataset()->validation->badFiles.isEmpty());
        QCOMPARE(page.issuesTable()->rowCount(), int(page.dataset()->issues().size()));
        for (int row = 0; row < page.issuesTable()->rowCount(); ++row)
            QVERIFY2(
                page.issuesTable()->item(row, 0)->text().startsWith(QStringLiteral("val/"))
                    && page.issuesTable()->item(row, 0)->toolTip().contains(QStringLiteral("sample-speakers/new/val/")),
                qPrintable(page.issuesTable()->item(row, 0)->text() + QStringLiteral(": ")
                           + page.issuesTable()->item(row, 1)->text()));

        // The chart has one training and one validation bar per class with the counts.
        auto *bars = qobject_cast<QCPBars *>(page.countsChart()->plottable(0));
        QVERIFY(bars);
        QCOMPARE(bars->dataCount(), 6);
        QCOMPARE(bars->data()->at(0)->value, 5.0);
        auto *valBars = qobject_cast<QCPBars *>(page.countsChart()->plottable(1));
        QVERIFY(valBars && valBars->visible());
        QCOMPARE(valBars->data()->at(0)->value, 2.0);

        // The first class is selected; its samples are listed and the first one is previewed.
        QCOMPARE(page.sampleList()->count(), 5);
        QVERIFY(preview.count() > 0 || preview.wait(20000));
        QCOMPARE(page.preview()->content(), SamplePreview::Content::Audio);
        QCOMPARE(page.preview()->heatMapRows(), 20); // librosa's n_mfcc default
        QVERIFY(page.preview()->heatMapColumns() > 3);
        QVERIFY(page.preview()->waveformPoints() > 100);
        QVERIFY(page.preview()->currentPath().endsWith(QStringLiteral("s01.wav")));

        // New settings are previewed again (debounced).
        AudioPipelineSettings settings = page.featureSettings()->audioSettings();
        settings.params.nMfcc = 13;
        preview.clear();
        page.featureSettings()->setAudioSettings(settings);
        QVERIFY(preview.wait(20000));
        QCOMPARE(page.preview()->heatMapRows(), 13);

        // Another class lists its own samples.
        page.classView()->setCurrentIndex(model->index(3, 0));
        QCOMPARE(page.sampleList()->count(), 5);
        QVERIFY(page.sampleList()->item(0)->text().startsWith(expected[3]));

        // GRAFT_TEST_GRAB_DIR=… saves what the page looks like (to check the layout by eye).
        if (qEnvironmentVariableIsSet("GRAFT_TEST_GRAB_DIR")) {
            QVERIFY(preview.wait(20000));
            QVERIFY(page.grab().save(
                QDir(qEnvironmentVariable("GRAFT_TEST_GRAB_DIR")).filePath(QStringLiteral("datasetpage.png"))));
        }
    }

    void proposalsFollowTheModelInput()
    {
        Workbench pageWorkbench;
        DatasetPage page(&pageWorkbench);
        page.setModelInputShape({40, 87, 1});
        AudioPipelineSettings audio = page.featureSettings()->audioSettings();
        QCOMPARE(audio.params.nMfcc, 40);
        QCOMPARE(audio.shaping.frames, 87);
        QCOMPARE(audio.shaping.channelAxis, ChannelAxis::Last);
        QCOMPARE(page.featureSettings()->sampleShape().value(), (std::vector<std::int64_t>{40, 87, 1}));
        QVERIFY(page.featureSettings()->proposalText().contains(QStringLiteral("(40, 87, 1)")));
        QVERIFY(page.featureSettings()->validationMessage().isEmpty());

        page.setModelInputShape({13});
        audio = page.featureSettings()->audioSettings();
        QCOMPARE(audio.params.nMfcc, 13);
        QVERIFY(audio.shaping.meanOverTime);
        QCOMPARE(page.featureSettings()->sampleShape().value(), (std::vector<std::int64_t>{13}));

        // An image model: the image settings take its size and channels.
        page.setModelInputShape({32, 48, 1});
        const ImageSettings image = page.featureSettings()->imageSettings();
        QCOMPARE(image.height, 32);
        QCOMPARE(image.width, 48);
        QCOMPARE(image.colorMode, ColorMode::Grayscale);

        // An invalid value is reported with the parameter's name.
        audio.params.hopLength = 1;
        audio.params.winLength = audio.params.nFft + 1;
        page.featureSettings()->setAudioSettings(audio);
        QVERIFY2(page.featureSettings()->validationMessage().contains(QStringLiteral("win_length")),
                 qPrintable(page.featureSettings()->validationMessage()));
    }

    void correctedFeatureSettingsReachTraining()
    {
        Workbench pageWorkbench;
        DatasetPage page(&pageWorkbench);
        page.setShowErrorDialogs(false);
        const auto model = modelWithInput({40, 87, 1});
        QVERIFY(!model->model.layers.isEmpty());
        pageWorkbench.setModel(model); // the page proposes features for its input; the samples wait for a scan
        const QString folder = speakers(QStringLiteral("new"));
        // Before the scan the kind is unknown: core proposes the settings itself.
        QVERIFY(!page.source()->trainingDataSource().audioSettings.has_value());
        openAndWait(page, folder);
        page.source()->cancelSamples(); // the scan started making samples for the model: not needed here
        QCOMPARE(page.source()->trainingDataSource().dataPath, QFileInfo(folder).absoluteFilePath());
        const auto proposed = page.source()->trainingDataSource().audioSettings;
        QVERIFY(proposed.has_value());
        QCOMPARE(proposed->params.nMfcc, 40);
        QCOMPARE(proposed->shaping.frames, 87);

        // The user's correction (say, the hop their script used) is what training gets.
        AudioPipelineSettings corrected = *proposed;
        corrected.params.hopLength = 256;
        corrected.params.sampleRate = 16000;
        page.featureSettings()->setAudioSettings(corrected);
        const auto used = page.source()->trainingDataSource().audioSettings;
        QVERIFY(used.has_value());
        QCOMPARE(used->params.hopLength, 256);
        QCOMPARE(used->params.sampleRate, 16000);
        QCOMPARE(used->toKeyString(), page.featureSettings()->audioSettings().toKeyString());
        QVERIFY(!page.source()->trainingDataSource().imageSettings.has_value());

        // Settings the form itself rejects are not passed on (core proposes instead).
        corrected.params.winLength = corrected.params.nFft + 1;
        page.featureSettings()->setAudioSettings(corrected);
        QVERIFY(!page.featureSettings()->validationMessage().isEmpty());
        QVERIFY(!page.source()->trainingDataSource().audioSettings.has_value());
    }

    void droppedImageFolderWithABrokenFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QDir root(dir.path());
        QVERIFY(root.mkpath(QStringLiteral("cats")) && root.mkpath(QStringLiteral("dogs")));
        for (int i = 0; i < 3; ++i)
            writePng(root.filePath(QStringLiteral("cats/c%1.png").arg(i)), Qt::red);
        for (int i = 0; i < 6; ++i)
            writePng(root.filePath(QStringLiteral("dogs/d%1.png").arg(i)), Qt::blue);
        QFile broken(root.filePath(QStringLiteral("dogs/broken.png")));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("not a png at all");
        broken.close();

        Workbench pageWorkbench;
        DatasetPage page(&pageWorkbench);
        page.setShowErrorDialogs(false);
        page.show();
        QSignalSpy started(page.source(), &DatasetSource::scanStarted);
        QSignalSpy changed(&page, &DatasetPage::datasetChanged);
        QSignalSpy preview(page.preview(), &SamplePreview::previewReady);

        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(dir.path())});
        const QPoint pos = page.rect().center();
        QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&page, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(pos), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&page, &drop);
        QCOMPARE(started.count(), 1);
        QVERIFY(changed.wait(30000));

        QCOMPARE(page.classNames(), (QStringList{QStringLiteral("cats"), QStringLiteral("dogs")}));
        QCOMPARE(page.classCounts(), (QVector<int>{3, 6}));
        QCOMPARE(page.dataset()->kind(), SampleKind::Image);
        // Imbalanced: Keras's balanced weights 9 / (2 × 3) and 9 / (2 × 6).
        QCOMPARE(page.classModel()->classWeights(), (QVector<double>{1.5, 0.75}));
        bool listed = false;
        for (int row = 0; row < page.issuesTable()->rowCount(); ++row)
            listed = listed || page.issuesTable()->item(row, 0)->text().endsWith(QStringLiteral("broken.png"));
        QVERIFY2(listed, "the undecodable file is in the report");
        QVERIFY(preview.count() > 0 || preview.wait(20000));
        QCOMPARE(page.preview()->content(), SamplePreview::Content::Image);
        QVERIFY(page.preview()->currentPath().endsWith(QStringLiteral("c0.png")));
    }

    void arraysFolder()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        std::vector<float> x(7 * 4 * 3);
        for (std::size_t i = 0; i < x.size(); ++i)
            x[i] = float(i) * 0.5f;
        QVERIFY(NpyFile::write(dir.filePath(QStringLiteral("X.npy")), NpyArray(x, {7, 4, 3})));
        QVERIFY(NpyFile::write(dir.filePath(QStringLiteral("y.npy")),
                               NpyArray(std::vector<std::int64_t>{0, 1, 1, 2, 2, 2, 0}, {7})));
        Workbench pageWorkbench;
        DatasetPage page(&pageWorkbench);
        page.setShowErrorDialogs(false);
        QSignalSpy preview(page.preview(), &SamplePreview::previewReady);
        openAndWait(page, dir.path());
        QVERIFY(page.dataset()->arrays.has_value());
        QCOMPARE(page.dataset()->kind(), SampleKind::FeatureArray);
        QCOMPARE(page.classCounts(), (QVector<int>{2, 2, 3}));
        QCOMPARE(page.classNames(), (QStringList{QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("2")}));
        QCOMPARE(page.sampleList()->count(), 2); // class 0: rows 0 and 6
        QVERIFY(preview.count() > 0 || preview.wait(5000));
        QCOMPARE(page.preview()->content(), SamplePreview::Content::Array);
        QCOMPARE(page.preview()->heatMapRows(), 4);
        QCOMPARE(page.preview()->heatMapColumns(), 3);
        QCOMPARE(page.preview()->featureMap()->data()->cell(2, 1), double(x[1 * 3 + 2]));
    }

    void projectRoundTrip()
    {
        Workbench pageWorkbench;
        DatasetPage page(&pageWorkbench);
        page.setShowErrorDialogs(false);
        openAndWait(page, speakers(QStringLiteral("new/train")));
        AudioPipelineSettings audio = page.featureSettings()->audioSettings();
        audio.params.nMfcc = 30;
        audio.shaping.frames = 44;
        page.featureSettings()->setAudioSettings(audio);
        page.setValidationFraction(0.3);
        page.setSplitSeed(42);
        Project project;
        page.source()->saveTo(project);
        QCOMPARE(project.dataset.path, QFileInfo(speakers(QStringLiteral("new/train"))).absoluteFilePath());
        QCOMPARE(project.dataset.validationSplit, 0.3);
        QCOMPARE(project.training.seed, std::uint64_t(42));
        QCOMPARE(project.audio.toKeyString(), audio.toKeyString());

        Workbench otherWorkbench;
        DatasetPage other(&otherWorkbench);
        other.setShowErrorDialogs(false);
        QSignalSpy changed(&other, &DatasetPage::datasetChanged);
        other.source()->loadFrom(project);
        QVERIFY(changed.wait(30000));
        QCOMPARE(other.classNames(), page.classNames());
        QCOMPARE(other.validationFraction(), 0.3);
        QCOMPARE(other.splitSeed(), std::uint64_t(42));
        QCOMPARE(other.featureSettings()->audioSettings().toKeyString(), audio.toKeyString());
    }

    void missingFolderFailsNamingIt()
    {
        Workbench pageWorkbench;
        DatasetPage page(&pageWorkbench);
        page.setShowErrorDialogs(false);
        QSignalSpy failed(page.source(), &DatasetSource::scanFailed);
        const QString path = QDir::temp().filePath(QStringLiteral("graft-no-such-dataset-7"));
        page.source()->open(path);
        QVERIFY(failed.wait(10000));
        QVERIFY2(failed.front().front().toString().contains(path), qPrintable(failed.front().front().toString()));
        QVERIFY(!page.dataset());
        QVERIFY(!page.source()->isScanning());
    }

    void cancelKeepsThePreviousDataset()
    {
        Workbench pageWorkbench;
        DatasetPage page(&pageWorkbench);
        page.setShowErrorDialogs(false);
        openAndWait(page, speakers(QStringLiteral("new/train")));
        QCOMPARE(page.classNames().size(), 6);

        QSignalSpy cancelled(page.source(), &DatasetSource::scanCancelled);
        QSignalSpy changed(&page, &DatasetPage::datasetChanged);
        page.source()->open(speakers(QStringLiteral("base")));
        QVERIFY(page.source()->isScanning());
        page.source()->cancelScan();
        QCOMPARE(cancelled.count(), 1);
        QVERIFY(!page.source()->isScanning());
        QTest::qWait(1500); // the abandoned scan finishes in the pool; its result must not show
        QCOMPARE(changed.count(), 0);
        QCOMPARE(page.classNames().size(), 6);
        QCOMPARE(page.source()->path(), QFileInfo(speakers(QStringLiteral("new/train"))).absoluteFilePath());
    }
};

QTEST_MAIN(TestDatasetPage)
#include "tst_datasetpage.moc"
