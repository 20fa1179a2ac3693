#include "core/io/classnamesfile.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace graft;

/** ClassNamesFile: the one reader of class-name lists (labels beside models, datasets, CLI options). */
class TestClassNamesFile final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString write(const QString &name, const QByteArray &contents)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(contents) != contents.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

private Q_SLOTS:
    void readsNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("contents");
        QTest::addColumn<QStringList>("expected");
        const QStringList three{QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("grey heron")};
        QTest::newRow("lines") << "a.labels.txt" << QByteArray("cat\ndog\ngrey heron\n") << three;
        QTest::newRow("blank lines and spaces, CRLF, no final newline")
            << "b.txt" << QByteArray("\r\n  cat \r\n\r\ndog\r\n\tgrey heron") << three;
        QTest::newRow("UTF-8") << "c.txt" << QByteArray("M\xC3\xBCller\n\xE7\x8C\xAB\n")
                               << QStringList{QStringLiteral("Müller"), QStringLiteral("猫")};
        QTest::newRow("JSON list") << "d.labels.json" << QByteArray(R"(["cat", "dog", "grey heron"])") << three;
        QTest::newRow("JSON keeps spaces and empty names as written")
            << "e.JSON" << QByteArray(R"([" cat", ""])") << QStringList{QStringLiteral(" cat"), QString()};
    }

    void readsNames()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, contents);
        QFETCH(QStringList, expected);
        const auto names = ClassNamesFile::read(write(name, contents));
        QVERIFY2(names, qPrintable(names.errorString()));
        QCOMPARE(*names, expected);
    }

    void refusesWithTheFileNamed_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("contents");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty") << "empty.txt" << QByteArray() << "lists no class names";
        QTest::newRow("only blank lines") << "blank.txt" << QByteArray("\n \n\t\n") << "lists no class names";
        QTest::newRow("JSON object") << "object.json" << QByteArray(R"({"0": "cat"})") << "expected a JSON list";
        QTest::newRow("JSON broken") << "broken.json" << QByteArray(R"(["cat", )") << "expected a JSON list";
        QTest::newRow("JSON number") << "number.json" << QByteArray(R"(["cat", 3])") << "must be a string";
        QTest::newRow("JSON empty list") << "none.json" << QByteArray("[]") << "lists no class names";
    }

    void refusesWithTheFileNamed()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, contents);
        QFETCH(QString, reason);
        const QString path = write(name, contents);
        const auto names = ClassNamesFile::read(path);
        QVERIFY(!names);
        QVERIFY2(names.errorString().contains(path), qPrintable(names.errorString()));
        QVERIFY2(names.errorString().contains(reason), qPrintable(names.errorString()));
    }

    void missingFileIsAnError()
    {
        const QString path = m_dir.filePath(QStringLiteral("absent.labels.txt"));
        const auto names = ClassNamesFile::read(path);
        QVERIFY(!names);
        QVERIFY2(names.errorString().contains(path), qPrintable(names.errorString()));
    }
};

QTEST_GUILESS_MAIN(TestClassNamesFile)
#include "tst_classnamesfile.moc"
