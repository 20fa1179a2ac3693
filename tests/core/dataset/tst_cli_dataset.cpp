#include "core/dataset/classfolderscanner.h"
#include "core/dataset/sampleextractor.h"
#include "core/io/npyfile.h"
#include "tests/common/clirun.h"

#include "wavwriter.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace graft;
using namespace graft::testing;

namespace {

QString speakers(const QString &sub)
{
    return QStringLiteral(GRAFT_SOURCE_DIR "/resources/sample-speakers/") + sub;
}

} // namespace

class TestCliDataset final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void helpIsComplete();
    void describesTrainValidationFolder();
    void listsBadFilesInJson();
    void showsSplit();
    void writesFolderFeatures_data();
    void writesFolderFeatures();
    void folderModeNeedsLabels();
};

void TestCliDataset::helpIsComplete()
{
    const CliResult dataset = runCli({QStringLiteral("dataset"), QStringLiteral("--help")});
    QCOMPARE(dataset.exitCode, 0);
    for (const char *option : {"--json", "--validation", "--validation-split", "--seed", "--class-names"})
        QVERIFY2(dataset.out.contains(option), option);
    const CliResult features = runCli({QStringLiteral("features"), QStringLiteral("--help")});
    QCOMPARE(features.exitCode, 0);
    for (const char *option :
         {"--labels", "--class-names", "--model", "--frames", "--samples", "--orientation", "--mean", "--channel-axis",
          "--image-size", "--color-mode", "--scale", "--no-cache", "--n-mfcc"})
        QVERIFY2(features.out.contains(option), option);
}

void TestCliDataset::describesTrainValidationFolder()
{
    const CliResult result =
        runCli({QStringLiteral("dataset"), speakers(QStringLiteral("base")), QStringLiteral("--json")});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    const QJsonObject json = QJsonDocument::fromJson(result.out).object();
    QCOMPARE(json.value(QStringLiteral("kind")).toString(), QStringLiteral("audio"));
    QVERIFY(json.value(QStringLiteral("path")).toString().endsWith(QStringLiteral("base/train")));
    QCOMPARE(json.value(QStringLiteral("samples")).toInt(), 90);
    QCOMPARE(json.value(QStringLiteral("bad_files")).toArray().size(), 0);
    const QJsonArray classes = json.value(QStringLiteral("classes")).toArray();
    QCOMPARE(classes.size(), 18);
    for (const QJsonValue &c : classes) {
        QCOMPARE(c.toObject().value(QStringLiteral("count")).toInt(), 5);
        QCOMPARE(c.toObject().value(QStringLiteral("validation_count")).toInt(), 2);
        QCOMPARE(c.toObject().value(QStringLiteral("class_weight")).toDouble(), 1.0);
    }
    QCOMPARE(json.value(QStringLiteral("validation")).toObject().value(QStringLiteral("samples")).toInt(), 36);

    const CliResult text = runCli({QStringLiteral("dataset"), speakers(QStringLiteral("new/train"))});
    QVERIFY2(text.exitCode == 0, text.err.constData());
    QVERIFY(text.out.contains("en-029_andy_p50"));
    QVERIFY(text.out.contains("6 classes"));
}

void TestCliDataset::listsBadFilesInJson()
{
    QTemporaryDir dir;
    QVERIFY(test::writeTone(dir.filePath(QStringLiteral("a/1.wav")), 1, 3000, 300));
    QVERIFY(test::writeTone(dir.filePath(QStringLiteral("a/2.wav")), 1, 3000, 300));
    QVERIFY(test::writeTone(dir.filePath(QStringLiteral("b/1.wav")), 1, 3000, 500));
    QVERIFY(test::writeFile(dir.filePath(QStringLiteral("b/garbage.wav")), QByteArray(500, 'x')));
    QVERIFY(test::writeFile(dir.filePath(QStringLiteral("b/empty.flac")), QByteArray()));
    const CliResult result = runCli({QStringLiteral("dataset"), dir.path(), QStringLiteral("--json")});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    const QJsonArray bad = QJsonDocument::fromJson(result.out).object().value(QStringLiteral("bad_files")).toArray();
    QCOMPARE(bad.size(), 2);
    QStringList files;
    for (const QJsonValue &v : bad)
        files << QFileInfo(v.toObject().value(QStringLiteral("file")).toString()).fileName();
    files.sort();
    QCOMPARE(files, (QStringList{QStringLiteral("empty.flac"), QStringLiteral("garbage.wav")}));
    QVERIFY(!runCli({QStringLiteral("dataset"), dir.filePath(QStringLiteral("nope"))}).exitCode == 0);
}

void TestCliDataset::showsSplit()
{
    const CliResult result = runCli({QStringLiteral("dataset"), speakers(QStringLiteral("base/train")),
                                     QStringLiteral("--json"), QStringLiteral("--validation-split"),
                                     QStringLiteral("0.2"), QStringLiteral("--seed"), QStringLiteral("3")});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    const QJsonObject split = QJsonDocument::fromJson(result.out).object().value(QStringLiteral("split")).toObject();
    QCOMPARE(split.value(QStringLiteral("train")).toInt(), 72);
    QCOMPARE(split.value(QStringLiteral("validation")).toInt(), 18);
}

void TestCliDataset::writesFolderFeatures_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<std::vector<std::int64_t>>("sampleShape");
    QTest::newRow("13 MFCCs x 20 frames + channel")
        << QStringList{QStringLiteral("--n-mfcc"),       QStringLiteral("13"),
                       QStringLiteral("--frames"),       QStringLiteral("20"),
                       QStringLiteral("--channel-axis"), QStringLiteral("last")}
        << std::vector<std::int64_t>{13, 20, 1};
    QTest::newRow("mean of 20") << QStringList{QStringLiteral("--mean")} << std::vector<std::int64_t>{20};
    QTest::newRow("transposed 16 kHz")
        << QStringList{QStringLiteral("--sr"), QStringLiteral("16000"),         QStringLiteral("--frames"),
                       QStringLiteral("25"),   QStringLiteral("--orientation"), QStringLiteral("frames-features")}
        << std::vector<std::int64_t>{25, 20};
}

void TestCliDataset::writesFolderFeatures()
{
    QFETCH(QStringList, options);
    QFETCH(std::vector<std::int64_t>, sampleShape);
    QTemporaryDir dir;
    const QString x = dir.filePath(QStringLiteral("X.npy"));
    const QString y = dir.filePath(QStringLiteral("y.npy"));
    const QString names = dir.filePath(QStringLiteral("names.txt"));
    const QString folder = speakers(QStringLiteral("new/train"));
    const CliResult result = runCli(QStringList{QStringLiteral("features"), folder, QStringLiteral("--out"), x,
                                                QStringLiteral("--labels"), y, QStringLiteral("--class-names"), names,
                                                QStringLiteral("--cache-dir"), dir.filePath(QStringLiteral("cache"))}
                                    + options);
    QVERIFY2(result.exitCode == 0, result.err.constData());

    const auto features = NpyFile::read(x);
    QVERIFY2(features.hasValue(), qPrintable(features.errorString()));
    std::vector<std::int64_t> expectedShape = sampleShape;
    expectedShape.insert(expectedShape.begin(), 30);
    QCOMPARE(features->shape(), expectedShape);
    QCOMPARE(features->dtype(), NpyDtype::Float32);
    const auto labels = NpyFile::read(y);
    QVERIFY(labels.hasValue());
    QCOMPARE(labels->dtype(), NpyDtype::Int64);
    const std::vector<std::int64_t> labelValues = *labels->toInt64();
    QCOMPARE(labelValues.size(), std::size_t(30));
    for (std::size_t i = 0; i < 30; ++i)
        QCOMPARE(labelValues[i], std::int64_t(i / 5));
    QFile namesFile(names);
    QVERIFY(namesFile.open(QIODevice::ReadOnly));
    const QStringList written = QString::fromUtf8(namesFile.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(written, ClassFolderScanner::scan(folder)->classNames);

    // A second run is served from the cache and writes the same bytes.
    QFile first(x);
    QVERIFY(first.open(QIODevice::ReadOnly));
    const QByteArray firstBytes = first.readAll();
    first.close();
    const CliResult again =
        runCli(QStringList{QStringLiteral("features"), folder, QStringLiteral("--out"), x, QStringLiteral("--labels"),
                           y, QStringLiteral("--cache-dir"), dir.filePath(QStringLiteral("cache"))}
               + options);
    QVERIFY2(again.exitCode == 0, again.err.constData());
    QVERIFY2(again.out.contains("cache: 30 hits, 0 computed"), again.out.constData());
    QVERIFY(first.open(QIODevice::ReadOnly));
    QVERIFY(first.readAll() == firstBytes);
}

void TestCliDataset::folderModeNeedsLabels()
{
    QTemporaryDir dir;
    const CliResult result = runCli({QStringLiteral("features"), speakers(QStringLiteral("new/train")),
                                     QStringLiteral("--out"), dir.filePath(QStringLiteral("X.npy"))});
    QVERIFY(result.exitCode != 0);
    QVERIFY2(result.err.contains("--labels"), result.err.constData());
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("X.npy"))));
}

QTEST_APPLESS_MAIN(TestCliDataset)
#include "tst_cli_dataset.moc"
