#include "core/text/textdataset.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace graft;

namespace {

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

} // namespace

/** Keras text_dataset_from_directory layout: class subfolders of .txt files. */
class TestTextDataset final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsClassFoldersInSortedOrder()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString root = dir.path();
        QVERIFY(writeFile(root + "/pos/b.txt", "great"));
        QVERIFY(writeFile(root + "/pos/a.TXT", "fine")); // extension matched in any case
        QVERIFY(writeFile(root + "/pos/notes.md", "ignored"));
        QVERIFY(writeFile(root + "/pos/nested/c.txt", "nested too"));
        QVERIFY(writeFile(root + "/Neg/x.txt", "bad"));
        QVERIFY(writeFile(root + "/neutral/empty.txt", ""));
        QVERIFY(writeFile(root + "/neutral/blank.txt", "  \n"));
        QVERIFY(QDir(root).mkpath("zzz_empty"));
        QVERIFY(writeFile(root + "/.hidden/h.txt", "hidden"));
        QVERIFY(writeFile(root + "/top.txt", "not in a class"));
        QVERIFY(writeFile(root + "/pos/latin1.txt", "caf\xE9"));

        const Expected<TextDataset> dataset = TextDatasetLoader::fromDirectory(root);
        QVERIFY2(dataset.hasValue(), qPrintable(dataset.errorString()));
        // Code-point order: uppercase before lowercase, as Python's sorted().
        QCOMPARE(dataset->classNames, (QStringList{"Neg", "neutral", "pos", "zzz_empty"}));
        QCOMPARE(dataset->texts, (QStringList{"bad", "fine", "great", "nested too"}));
        QCOMPARE(dataset->labels, (QVector<int>{0, 2, 2, 2}));

        // Two empty files, one non-UTF-8 file, two classes without samples.
        QCOMPARE(dataset->issues.size(), 5);
        int emptyClassReports = 0;
        for (const TextDatasetIssue &issue : dataset->issues) {
            QCOMPARE(issue.line, 0);
            QVERIFY(!issue.path.isEmpty());
            if (issue.message.contains(QStringLiteral("no usable .txt files")))
                ++emptyClassReports;
        }
        QCOMPARE(emptyClassReports, 2);
        QVERIFY(dataset->issues.constLast().message.contains(QStringLiteral("zzz_empty")));
    }

    void rejectsUnusableFolders()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(!TextDatasetLoader::fromDirectory(dir.filePath("missing")).hasValue());

        const Expected<TextDataset> noClasses = TextDatasetLoader::fromDirectory(dir.path());
        QVERIFY(!noClasses.hasValue());
        QVERIFY(noClasses.errorString().contains(QStringLiteral("no class subfolders")));

        QVERIFY(QDir(dir.path()).mkpath("a"));
        QVERIFY(!TextDatasetLoader::fromDirectory(dir.path()).hasValue());
    }

    void readsCsvFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("reviews.csv");
        QVERIFY(writeFile(path, "\xEF\xBB\xBFtext,label\r\n\"Loved it, really\",pos\r\nmeh,neg\r\n,neg\r\n"));
        const Expected<TextDataset> dataset = TextDatasetLoader::fromCsv(path);
        QVERIFY2(dataset.hasValue(), qPrintable(dataset.errorString()));
        QCOMPARE(dataset->texts, (QStringList{"Loved it, really", "meh"}));
        QCOMPARE(dataset->labels, (QVector<int>{1, 0}));
        QCOMPARE(dataset->issues.size(), 1);
        QCOMPARE(dataset->issues.at(0).line, 4);

        const QString nothing = dir.filePath("nothing.csv");
        QVERIFY(writeFile(nothing, "text,label\n,\n"));
        const Expected<TextDataset> empty = TextDatasetLoader::fromCsv(nothing);
        QVERIFY(!empty.hasValue());
        QVERIFY2(empty.errorString().contains(QStringLiteral("no usable rows")), qPrintable(empty.errorString()));
    }
};

QTEST_APPLESS_MAIN(TestTextDataset)
#include "tst_textdataset.moc"
