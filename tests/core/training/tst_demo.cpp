// The demo locator: which files make a demo, where it is searched, and what a missing one says.

#include "core/training/demo.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace graft;

namespace {

bool touch(const QString &path)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    return f.open(QIODevice::WriteOnly);
}

} // namespace

class TestDemo final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void completeFolderIsFound()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        for (const char *file : {"base-speakers.h5", "base-speakers.json", "base-speakers.labels.txt"})
            QVERIFY(touch(dir.filePath(QString::fromLatin1(file))));
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("new-speakers/train/a"))));
        QVERIFY(!demoFilesIn(dir.path())); // no val/ yet
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("new-speakers/val/a"))));
        const auto files = demoFilesIn(dir.path());
        QVERIFY2(files, qPrintable(files.errorString()));
        QCOMPARE(files->weights, dir.filePath(QStringLiteral("base-speakers.h5")));
        QCOMPARE(files->architecture, dir.filePath(QStringLiteral("base-speakers.json")));
        QCOMPARE(files->labels, dir.filePath(QStringLiteral("base-speakers.labels.txt")));
        QCOMPARE(files->dataset, dir.filePath(QStringLiteral("new-speakers")));

        // $GRAFT_DEMO_DIR comes first.
        qputenv("GRAFT_DEMO_DIR", dir.path().toUtf8());
        QCOMPARE(demoSearchPaths().front(), dir.path());
        const auto found = demoFiles();
        QVERIFY2(found, qPrintable(found.errorString()));
        QCOMPARE(found->folder, dir.path());
        qunsetenv("GRAFT_DEMO_DIR");
    }

    void missingFileIsNamed()
    {
        QTemporaryDir dir;
        QVERIFY(touch(dir.filePath(QStringLiteral("base-speakers.h5"))));
        const auto files = demoFilesIn(dir.path());
        QVERIFY(!files);
        QVERIFY2(files.errorString().contains(QStringLiteral("base-speakers.json")), qPrintable(files.errorString()));
    }

    void installedCopyIsSearchedBeforeTheSourceTree()
    {
        const QStringList paths = demoSearchPaths();
        QCOMPARE(paths.size(), 2);
        QVERIFY(paths[0].endsWith(QStringLiteral("/share/graft/demo")));
        QCOMPARE(paths[1], QStringLiteral(GRAFT_SOURCE_DIR "/resources/demo"));
    }

    void sourceTreeDemoIsComplete()
    {
        if (!QFileInfo::exists(QStringLiteral(GRAFT_SOURCE_DIR "/resources/demo/base-speakers.h5")))
            QSKIP("resources/demo has not been generated in this tree");
        const auto files = demoFilesIn(QStringLiteral(GRAFT_SOURCE_DIR "/resources/demo"));
        QVERIFY2(files, qPrintable(files.errorString()));
    }
};

QTEST_APPLESS_MAIN(TestDemo)
#include "tst_demo.moc"
