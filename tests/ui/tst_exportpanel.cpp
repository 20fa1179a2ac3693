// The export panel of File → Export and of the wizard: every model format written from a fixture
// to a temporary folder and read back, labels/history/plots beside it, the refusal to overwrite
// the model's own source file, and the format following a typed name.

#include "core/formats/kerasfileloader.h"
#include "tests/common/testdata.h"
#include "ui/widgets/exportpanel.h"
#include "ui/widgets/pathfield.h"

#include <qcustomplot.h>

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QFile>
#include <QImage>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace graft;
using namespace graft::ui;

Q_DECLARE_METATYPE(graft::ExportFormat)

class TestExportPanel : public QObject
{
    Q_OBJECT

private:
    static QString fixture(const QString &relative)
    {
        return graft::testing::dataPath(QStringLiteral("keras/") + relative);
    }

    static QByteArray fileHash(const QString &path)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return {};
        return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
    }

    static QByteArray readAll(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    /** The fixture copied into `dir`, so that even a broken refusal could never touch the shared fixtures. */
    static std::shared_ptr<const LoadedModel> loadCopy(const QTemporaryDir &dir, const QString &relative)
    {
        const QString copy = dir.filePath(QFileInfo(relative).fileName());
        if (!QFile::copy(fixture(relative), copy))
            return nullptr;
        auto loaded = KerasFileLoader::load(copy);
        if (!loaded)
            qWarning("%s", qPrintable(loaded.errorString()));
        return loaded ? std::make_shared<const LoadedModel>(*loaded) : nullptr;
    }

    const QStringList classNames{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d"),
                                 QStringLiteral("e")};

private Q_SLOTS:
    void exportsEveryFormat_data()
    {
        QTest::addColumn<ExportFormat>("format");
        QTest::addColumn<QString>("fileName");
        QTest::newRow("keras2 weights") << ExportFormat::Keras2Weights << QStringLiteral("out.h5");
        QTest::newRow("keras2 full") << ExportFormat::Keras2Full << QStringLiteral("out.h5");
        QTest::newRow("keras3 weights") << ExportFormat::Keras3Weights << QStringLiteral("out.weights.h5");
        QTest::newRow("keras archive") << ExportFormat::KerasArchive << QStringLiteral("out.keras");
        QTest::newRow("torchscript") << ExportFormat::TorchScript << QStringLiteral("out.pt");
    }

    void exportsEveryFormat()
    {
        QFETCH(ExportFormat, format);
        QFETCH(QString, fileName);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto model = loadCopy(dir, QStringLiteral("keras2/gru_model_weights.h5"));
        QVERIFY(model);

        QCustomPlot plot;
        plot.addGraph();
        plot.graph(0)->setData({0, 1, 2}, {1.0, 0.6, 0.4});
        plot.rescaleAxes();
        QVector<HistoryEpoch> history(2);
        history[0].epoch = 0;
        history[0].loss = 1.25;
        history[0].accuracy = 0.5;
        history[1].epoch = 1;
        history[1].loss = 0.75;
        history[1].accuracy = 0.8;

        ExportPanel panel;
        panel.setModel(model);
        panel.setClassNames(classNames);
        panel.setHistory(history);
        panel.setPlots({{QStringLiteral("Loss & accuracy"), &plot}});
        panel.setTargetPath(dir.filePath(QStringLiteral("out.h5")));
        panel.setFormat(format);
        QCOMPARE(panel.targetPath(), dir.filePath(fileName)); // the suffix follows the format
        QSignalSpy finished(&panel, &ExportPanel::exportFinished);
        QSignalSpy failed(&panel, &ExportPanel::exportFailed);
        panel.startExport();
        QVERIFY(panel.isExporting());
        QVERIFY2(finished.wait(120000), failed.isEmpty() ? "timeout" : qPrintable(failed.front().front().toString()));
        QVERIFY(!panel.isExporting());

        const QString target = dir.filePath(fileName);
        const QStringList written = finished.front().front().toStringList();
        QCOMPARE(written.front(), target);
        const QString stem = CompanionFiles::stem(target);
        QVERIFY(written.contains(stem + QStringLiteral(".labels.txt")));
        QVERIFY(written.contains(stem + QStringLiteral(".history.csv")));
        QVERIFY(written.contains(stem + QStringLiteral(".loss-accuracy.png")));
        for (const QString &file : written)
            QVERIFY2(QFileInfo(file).size() > 0, qPrintable(file));

        QCOMPARE(readAll(stem + QStringLiteral(".labels.txt")), QByteArray("a\nb\nc\nd\ne\n"));
        const QList<QByteArray> csv = readAll(stem + QStringLiteral(".history.csv")).trimmed().split('\n');
        QCOMPARE(csv.size(), 3);
        QVERIFY2(csv[0].startsWith("epoch,loss,accuracy"), csv[0].constData());
        QVERIFY2(csv[2].startsWith("1,0.75,0.8"), csv[2].constData());
        const QImage png(stem + QStringLiteral(".loss-accuracy.png"));
        QVERIFY(!png.isNull() && png.width() >= 800);

        if (format == ExportFormat::TorchScript) {
            QVERIFY(readAll(target).startsWith("PK")); // torch.jit.save writes a zip
            return;
        }
        // Keras files are read back by Graft's own loader with the same layers and parameters.
        auto reread = KerasFileLoader::load(target);
        QVERIFY2(reread, qPrintable(reread.errorString()));
        QCOMPARE(reread->model.layers.size(), model->model.layers.size());
        QCOMPARE(reread->params().total, model->params().total);
        QCOMPARE(reread->classNames, classNames);
    }

    void plotsAsPdf()
    {
        QTemporaryDir dir;
        auto model = loadCopy(dir, QStringLiteral("keras2/gru_model_weights.h5"));
        QVERIFY(model);
        QCustomPlot a;
        QCustomPlot b;
        ExportPanel panel;
        panel.setModel(model);
        panel.setPlots({{QStringLiteral("Loss"), &a}, {QStringLiteral("Confusion matrix"), &b}});
        panel.setPlotFormat(PlotFileFormat::Pdf);
        panel.setFormat(ExportFormat::Keras3Weights);
        panel.setTargetPath(dir.filePath(QStringLiteral("m.weights.h5")));
        QSignalSpy finished(&panel, &ExportPanel::exportFinished);
        panel.startExport();
        QVERIFY(finished.wait(60000));
        for (const char *name : {"m.loss.pdf", "m.confusion-matrix.pdf"})
            QVERIFY2(readAll(dir.filePath(QLatin1String(name))).startsWith("%PDF"), name);
        // Only the model, its architecture JSON and the plots: no leftover temporary files.
        QStringList files = QDir(dir.path()).entryList(QDir::Files);
        files.removeAll(QStringLiteral("gru_model_weights.h5"));
        std::sort(files.begin(), files.end());
        QCOMPARE(files, (QStringList{QStringLiteral("m.confusion-matrix.pdf"), QStringLiteral("m.json"),
                                     QStringLiteral("m.loss.pdf"), QStringLiteral("m.weights.h5")}));
    }

    void refusesToOverwriteTheSource()
    {
        QTemporaryDir dir;
        auto model = loadCopy(dir, QStringLiteral("keras2/gru_model_weights.h5"));
        QVERIFY(model);
        const QByteArray before = fileHash(model->sourcePath);
        ExportPanel panel;
        panel.setModel(model);
        panel.setFormat(ExportFormat::Keras2Full);
        panel.setTargetPath(model->sourcePath);
        QSignalSpy failed(&panel, &ExportPanel::exportFailed);
        QSignalSpy finished(&panel, &ExportPanel::exportFinished);
        panel.startExport();
        QVERIFY(failed.count() > 0 || failed.wait(60000));
        const QString message = failed.front().front().toString();
        QVERIFY2(message.contains(QStringLiteral("Refusing to write")) && message.contains(model->sourcePath),
                 qPrintable(message));
        QCOMPARE(finished.count(), 0);
        QCOMPARE(fileHash(model->sourcePath), before);
    }

    void typedNameChoosesTheFormat()
    {
        QTemporaryDir dir;
        auto model = loadCopy(dir, QStringLiteral("keras2/gru_model_weights.h5"));
        QVERIFY(model);
        ExportPanel panel;
        panel.setModel(model);
        QVERIFY2(panel.targetPath().endsWith(QStringLiteral("/gru_model_weights-finetuned.h5")),
                 qPrintable(panel.targetPath()));
        QCOMPARE(panel.format(), ExportFormat::Keras2Weights);
        QLineEdit *edit = panel.targetField()->lineEdit();
        edit->clear();
        QTest::keyClicks(edit, dir.filePath(QStringLiteral("m.keras")));
        QCOMPARE(panel.format(), ExportFormat::KerasArchive);
        QCOMPARE(panel.targetPath(), dir.filePath(QStringLiteral("m.keras"))); // the name stays as typed
        panel.setFormat(ExportFormat::TorchScript);
        QCOMPARE(panel.targetPath(), dir.filePath(QStringLiteral("m.pt")));
    }

    void suffixMustMatchTheFormat()
    {
        QTemporaryDir dir;
        auto model = loadCopy(dir, QStringLiteral("keras2/gru_model_weights.h5"));
        QVERIFY(model);
        ExportPanel panel;
        panel.setModel(model);
        panel.setFormat(ExportFormat::KerasArchive);
        panel.setTargetPath(dir.filePath(QStringLiteral("x.pt")));
        QSignalSpy failed(&panel, &ExportPanel::exportFailed);
        panel.startExport();
        QCOMPARE(failed.count(), 1);
        QVERIFY2(failed.front().front().toString().contains(QStringLiteral(".keras")),
                 qPrintable(failed.front().front().toString()));
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("x.pt"))));
    }
};

GRAFT_TEST_MAIN(TestExportPanel)
#include "tst_exportpanel.moc"
