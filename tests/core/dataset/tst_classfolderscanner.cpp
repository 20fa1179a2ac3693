#include "core/dataset/classfolderscanner.h"
#include "core/dataset/datasetreport.h"

#include "wavwriter.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <unistd.h>

using namespace graft;

namespace {

QString sampleSpeakers()
{
    return QStringLiteral(GRAFT_SOURCE_DIR "/resources/sample-speakers");
}

/** Python's sorted(os.listdir(path)) of the subfolders: the reference class order. */
QStringList pythonSortedSubfolders(const QString &path)
{
    QProcess python;
    python.start(QStringLiteral("/usr/bin/python3"),
                 {QStringLiteral("-c"),
                  QStringLiteral("import os,sys\nfor n in sorted(os.listdir(sys.argv[1])):\n"
                                 "    if os.path.isdir(os.path.join(sys.argv[1], n)): print(n)"),
                  path});
    if (!python.waitForFinished(60000) || python.exitCode() != 0)
        return {};
    return QString::fromUtf8(python.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

const DatasetIssue *findIssue(const QVector<DatasetIssue> &issues, const QString &fileName)
{
    for (const DatasetIssue &issue : issues) {
        if (issue.path.endsWith(QLatin1Char('/') + fileName))
            return &issue;
    }
    return nullptr;
}

QString describe(const QVector<DatasetIssue> &issues)
{
    QStringList lines;
    for (const DatasetIssue &issue : issues)
        lines << issue.path + QStringLiteral(": ") + issue.reason;
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class TestClassFolderScanner final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scansSampleSpeakers_data();
    void scansSampleSpeakers();
    void detectsTrainValidationLayout();
    void reportsEveryBadDataCase();
    void reportsSingleClass();
    void validationFolderUsesTrainingClasses();
    void unusableFoldersAreErrors();
    void jsonReportListsBadFiles();
    void cancelledScanSaysSo();
};

void TestClassFolderScanner::scansSampleSpeakers_data()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<int>("perClass");
    QTest::newRow("base/train") << QStringLiteral("base/train") << 5;
    QTest::newRow("base/val") << QStringLiteral("base/val") << 2;
    QTest::newRow("new/train") << QStringLiteral("new/train") << 5;
    QTest::newRow("new/val") << QStringLiteral("new/val") << 2;
}

void TestClassFolderScanner::scansSampleSpeakers()
{
    QFETCH(QString, folder);
    QFETCH(int, perClass);
    const QString path = sampleSpeakers() + QLatin1Char('/') + folder;
    const QStringList expectedClasses = pythonSortedSubfolders(path);
    QVERIFY2(expectedClasses.size() >= 2, "python3 could not list the sample folder");

    ClassFolderScanOptions options;
    options.fewSamplesWarning = perClass; // validation folders hold 2 per class by design
    const auto scanned = ClassFolderScanner::scan(path, options);
    QVERIFY2(scanned.hasValue(), qPrintable(scanned.errorString()));
    QCOMPARE(scanned->kind, SampleKind::Audio);
    QCOMPARE(scanned->classNames, expectedClasses);
    QVERIFY2(scanned->badFiles.isEmpty(), qPrintable(describe(scanned->badFiles)));
    QVERIFY2(scanned->warnings.isEmpty(), qPrintable(describe(scanned->warnings)));
    const QVector<int> counts = scanned->classCounts();
    for (int i = 0; i < counts.size(); ++i)
        QCOMPARE(counts[i], perClass);
    QCOMPARE(scanned->channels, 1);
    QCOMPARE(scanned->sampleRates.keys(), QList<int>{16000});
    QVERIFY(scanned->totalSeconds > 0.2 * scanned->samples.size());
    // Samples are grouped by class in label order, files sorted inside a class.
    for (int i = 1; i < scanned->samples.size(); ++i) {
        const DatasetSample &a = scanned->samples[i - 1];
        const DatasetSample &b = scanned->samples[i];
        QVERIFY(a.label < b.label || (a.label == b.label && a.path < b.path));
        QVERIFY(b.path.contains(QLatin1Char('/') + scanned->classNames[b.label] + QLatin1Char('/')));
    }
}

void TestClassFolderScanner::detectsTrainValidationLayout()
{
    const auto layout = ClassFolderScanner::detectSplitLayout(sampleSpeakers() + QStringLiteral("/base"));
    QVERIFY(layout.has_value());
    QVERIFY(layout->trainPath.endsWith(QStringLiteral("/base/train")));
    QVERIFY(layout->validationPath.endsWith(QStringLiteral("/base/val")));
    QVERIFY(!ClassFolderScanner::detectSplitLayout(sampleSpeakers() + QStringLiteral("/base/train")).has_value());
}

void TestClassFolderScanner::reportsEveryBadDataCase()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString alpha = dir.filePath(QStringLiteral("alpha"));
    for (int i = 0; i < 6; ++i)
        QVERIFY(test::writeTone(alpha + QStringLiteral("/good%1.wav").arg(i), 1, 4000 + 100 * i, 440));
    QVERIFY(test::writeFile(alpha + QStringLiteral("/empty.wav"), QByteArray()));
    QByteArray garbage(3000, Qt::Uninitialized);
    QRandomGenerator random(7);
    for (char &c : garbage)
        c = char(random.bounded(256));
    QVERIFY(test::writeFile(alpha + QStringLiteral("/garbage.wav"), garbage));
    QVERIFY(test::writeFile(alpha + QStringLiteral("/zero.wav"), test::wavBytes(1, 16000, {})));
    QVERIFY(test::writeTone(alpha + QStringLiteral("/stereo.wav"), 2, 4000, 440));
    QVERIFY(test::writeTone(alpha + QStringLiteral("/.hidden.wav"), 1, 4000, 440));
    QVERIFY(test::writeFile(alpha + QStringLiteral("/.DS_Store"), "junk"));
    QVERIFY(test::writeFile(alpha + QStringLiteral("/notes.txt"), "not a sample"));
    // A name that is not UTF-8: written with the raw bytes, as another system might leave it.
    const QByteArray rawName = QFile::encodeName(alpha) + "/bad\xff\xfe.wav";
    {
        const QByteArray wav = test::wavBytes(1, 16000, test::tone(1, 4000, 440, 16000));
        const int fd = ::open(rawName.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        QVERIFY(fd >= 0);
        QCOMPARE(::write(fd, wav.constData(), size_t(wav.size())), ssize_t(wav.size()));
        ::close(fd);
    }
    // QTemporaryDir cannot delete a name Qt cannot decode: remove it by its bytes.
    const auto removeRaw = qScopeGuard([&] { ::unlink(rawName.constData()); });
    // A symlink loop: alpha/loop -> alpha, and nested/again -> the dataset root.
    QVERIFY(QFile::link(alpha, alpha + QStringLiteral("/loop")));
    QVERIFY(QDir().mkpath(alpha + QStringLiteral("/nested")));
    QVERIFY(test::writeTone(alpha + QStringLiteral("/nested/deep.wav"), 1, 4000, 440));
    QVERIFY(QFile::link(dir.path(), alpha + QStringLiteral("/nested/again")));
    QVERIFY(test::writeTone(dir.filePath(QStringLiteral("beta/only.wav")), 1, 4000, 660));
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("gamma"))));
    QVERIFY(test::writeFile(dir.filePath(QStringLiteral("README.txt")), "stray"));

    const auto scanned = ClassFolderScanner::scan(dir.path());
    QVERIFY2(scanned.hasValue(), qPrintable(scanned.errorString()));
    const ClassFolderDataset &data = *scanned;
    const QString details =
        QStringLiteral("bad files:\n%1\nwarnings:\n%2").arg(describe(data.badFiles), describe(data.warnings));

    QCOMPARE(data.classNames, (QStringList{QStringLiteral("alpha"), QStringLiteral("beta"), QStringLiteral("gamma")}));
    QCOMPARE(data.classCounts(), (QVector<int>{7, 1, 0})); // 6 good + nested/deep.wav; beta's one file
    QCOMPARE(data.channels, 1);

    struct Expectation
    {
        QString file;
        QString reasonPart;
    };
    const QVector<Expectation> bad = {
        {QStringLiteral("empty.wav"), QStringLiteral("empty file")},
        {QStringLiteral("garbage.wav"), QStringLiteral("cannot be decoded")},
        {QStringLiteral("stereo.wav"), QStringLiteral("different channel count")},
    };
    for (const Expectation &e : bad) {
        const DatasetIssue *issue = findIssue(data.badFiles, e.file);
        QVERIFY2(issue, qPrintable(e.file + QStringLiteral(" not reported\n") + details));
        QVERIFY2(issue->reason.contains(e.reasonPart), qPrintable(issue->reason));
    }
    const DatasetIssue *zero = findIssue(data.badFiles, QStringLiteral("zero.wav"));
    QVERIFY2(zero, qPrintable(details));
    QVERIFY2(zero->reason.contains(QStringLiteral("no audio samples"))
                 || zero->reason.contains(QStringLiteral("cannot be decoded")),
             qPrintable(zero->reason));
    const DatasetIssue *nonUtf8 = findIssue(data.badFiles, QStringLiteral("bad\\xff\\xfe.wav"));
    QVERIFY2(nonUtf8, qPrintable(details));
    QVERIFY(nonUtf8->reason.contains(QStringLiteral("not valid UTF-8")));
    QCOMPARE(data.badFiles.size(), 5);

    const QVector<Expectation> warnings = {
        {QStringLiteral(".hidden.wav"), QStringLiteral("hidden")},
        {QStringLiteral(".DS_Store"), QStringLiteral("hidden")},
        {QStringLiteral("notes.txt"), QStringLiteral("unknown extension")},
        {QStringLiteral("loop"), QStringLiteral("symbolic link loop")},
        {QStringLiteral("again"), QStringLiteral("symbolic link loop")},
        {QStringLiteral("README.txt"), QStringLiteral("outside any class")},
        {QStringLiteral("beta"), QStringLiteral("only 1 sample")},
        {QStringLiteral("gamma"), QStringLiteral("no usable samples")},
    };
    for (const Expectation &e : warnings) {
        const DatasetIssue *issue = findIssue(data.warnings, e.file);
        QVERIFY2(issue, qPrintable(e.file + QStringLiteral(" not warned about\n") + details));
        QVERIFY2(issue->reason.contains(e.reasonPart), qPrintable(issue->reason));
    }
    // Every sample kept is a file that decodes; none of the bad ones slipped in.
    for (const DatasetSample &sample : data.samples)
        QVERIFY2(sample.path.contains(QStringLiteral("/good")) || sample.path.endsWith(QStringLiteral("deep.wav"))
                     || sample.path.endsWith(QStringLiteral("only.wav")),
                 qPrintable(sample.path));

    const QString text = DatasetReport::text(data);
    QVERIFY(text.contains(QStringLiteral("garbage.wav")));
    QVERIFY(text.contains(QStringLiteral("Class imbalance")));
}

void TestClassFolderScanner::reportsSingleClass()
{
    QTemporaryDir dir;
    for (int i = 0; i < 6; ++i)
        QVERIFY(test::writeTone(dir.filePath(QStringLiteral("solo/%1.wav").arg(i)), 1, 2000, 300));
    const auto scanned = ClassFolderScanner::scan(dir.path());
    QVERIFY2(scanned.hasValue(), qPrintable(scanned.errorString()));
    QCOMPARE(scanned->classNames, QStringList{QStringLiteral("solo")});
    QCOMPARE(scanned->samples.size(), 6);
    bool warned = false;
    for (const DatasetIssue &issue : scanned->warnings)
        warned |= issue.reason.contains(QStringLiteral("only one class"));
    QVERIFY2(warned, qPrintable(describe(scanned->warnings)));
}

void TestClassFolderScanner::validationFolderUsesTrainingClasses()
{
    QTemporaryDir dir;
    for (const char *name : {"a", "b", "c"})
        QVERIFY(test::writeTone(dir.filePath(QStringLiteral("train/%1/x.wav").arg(QLatin1String(name))), 1, 2000, 300));
    QVERIFY(test::writeTone(dir.filePath(QStringLiteral("val/a/y.wav")), 1, 2000, 300));
    QVERIFY(test::writeTone(dir.filePath(QStringLiteral("val/c/y.wav")), 1, 2000, 300));
    QVERIFY(test::writeTone(dir.filePath(QStringLiteral("val/zzz/y.wav")), 1, 2000, 300));
    const auto train = ClassFolderScanner::scan(dir.filePath(QStringLiteral("train")));
    QVERIFY(train.hasValue());
    ClassFolderScanOptions options;
    options.classNames = train->classNames;
    const auto validation = ClassFolderScanner::scan(dir.filePath(QStringLiteral("val")), options);
    QVERIFY2(validation.hasValue(), qPrintable(validation.errorString()));
    QCOMPARE(validation->classNames, train->classNames);
    QCOMPARE(validation->classCounts(), (QVector<int>{1, 0, 1}));
    QVERIFY(findIssue(validation->warnings, QStringLiteral("zzz")));
    QVERIFY(findIssue(validation->warnings, QStringLiteral("b")));
}

void TestClassFolderScanner::unusableFoldersAreErrors()
{
    QTemporaryDir dir;
    QVERIFY(!ClassFolderScanner::scan(dir.filePath(QStringLiteral("missing"))).hasValue());
    QVERIFY(test::writeTone(dir.filePath(QStringLiteral("loose.wav")), 1, 2000, 300));
    const auto noClasses = ClassFolderScanner::scan(dir.path());
    QVERIFY(!noClasses.hasValue());
    QVERIFY(noClasses.errorString().contains(QStringLiteral("no class subfolders")));
    QVERIFY(!ClassFolderScanner::scan(dir.filePath(QStringLiteral("loose.wav"))).hasValue());
}

void TestClassFolderScanner::jsonReportListsBadFiles()
{
    QTemporaryDir dir;
    QVERIFY(test::writeTone(dir.filePath(QStringLiteral("a/1.wav")), 1, 2000, 300));
    QVERIFY(test::writeTone(dir.filePath(QStringLiteral("a/2.wav")), 1, 2000, 300));
    QVERIFY(test::writeTone(dir.filePath(QStringLiteral("b/1.wav")), 1, 2000, 300));
    QVERIFY(test::writeFile(dir.filePath(QStringLiteral("b/broken.wav")), "RIFF....WAVE"));
    const auto scanned = ClassFolderScanner::scan(dir.path());
    QVERIFY(scanned.hasValue());
    const QJsonObject json = DatasetReport::json(*scanned);
    QCOMPARE(json.value(QStringLiteral("samples")).toInt(), 3);
    const QJsonArray bad = json.value(QStringLiteral("bad_files")).toArray();
    QCOMPARE(bad.size(), 1);
    QVERIFY(bad[0].toObject().value(QStringLiteral("file")).toString().endsWith(QStringLiteral("broken.wav")));
    const QJsonArray classes = json.value(QStringLiteral("classes")).toArray();
    QCOMPARE(classes.size(), 2);
    // Keras-style balanced weights: 3 samples / (2 classes × count).
    QCOMPARE(classes[0].toObject().value(QStringLiteral("class_weight")).toDouble(), 3.0 / (2 * 2));
    QCOMPARE(classes[1].toObject().value(QStringLiteral("class_weight")).toDouble(), 3.0 / (2 * 1));
}

void TestClassFolderScanner::cancelledScanSaysSo()
{
    // A flag set (by the GUI, from another thread) before the files are opened: none is, and the scan fails.
    std::atomic_bool cancel{true};
    ClassFolderScanOptions options;
    options.cancel = &cancel;
    const auto scanned = ClassFolderScanner::scan(sampleSpeakers() + QStringLiteral("/new/train"), options);
    QVERIFY(!scanned.hasValue());
    QVERIFY2(scanned.errorString().contains(QStringLiteral("cancelled")), qPrintable(scanned.errorString()));
    cancel = false;
    QVERIFY(ClassFolderScanner::scan(sampleSpeakers() + QStringLiteral("/new/train"), options).hasValue());
}

QTEST_APPLESS_MAIN(TestClassFolderScanner)
#include "tst_classfolderscanner.moc"
