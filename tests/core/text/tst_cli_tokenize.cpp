#include "tests/common/testdata.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

QString fixturePath(const QString &name)
{
    return graft::testing::dataPath(QStringLiteral("text/") + name);
}

struct CliResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

CliResult runCli(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(GRAFT_CLI_PATH), QStringList{QStringLiteral("tokenize")} + arguments);
    CliResult result;
    if (!process.waitForFinished(120000)) {
        process.kill();
        process.waitForFinished();
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

QJsonArray parseArray(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).array();
}

QVector<int> ids(const QJsonValue &value)
{
    QVector<int> result;
    for (const QJsonValue &id : value.toArray())
        result.append(id.toInt(-1));
    return result;
}

} // namespace

/** graft-cli tokenize run as a process on the Hugging Face reference strings and a Keras vocabulary. */
class TestCliTokenize final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QJsonArray m_expected;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QFile file(fixturePath(QStringLiteral("wordpiece_expected.json")));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.errorString()));
        m_expected = QJsonDocument::fromJson(file.readAll()).array();
        QVERIFY(!m_expected.isEmpty());
        QJsonArray strings;
        for (const QJsonValue &entry : std::as_const(m_expected))
            strings.append(entry.toObject().value(QStringLiteral("text")));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("strings.json")), QJsonDocument(strings).toJson()));
    }

    void wordPieceMatchesReference()
    {
        const CliResult result =
            runCli({QStringLiteral("--tokenizer"),
                    QStringLiteral("wordpiece:") + fixturePath(QStringLiteral("bert-base-uncased-vocab.txt")),
                    QStringLiteral("--json-input"), m_dir.filePath(QStringLiteral("strings.json"))});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        const QJsonArray output = parseArray(result.out);
        QCOMPARE(output.size(), m_expected.size());
        for (qsizetype i = 0; i < output.size(); ++i) {
            const QJsonObject got = output.at(i).toObject();
            const QJsonObject want = m_expected.at(i).toObject();
            QCOMPARE(got.value(QStringLiteral("text")).toString(), want.value(QStringLiteral("text")).toString());
            QCOMPARE(got.value(QStringLiteral("tokens")).toArray(), want.value(QStringLiteral("tokens")).toArray());
            QCOMPARE(ids(got.value(QStringLiteral("ids"))), ids(want.value(QStringLiteral("ids"))));
        }
    }

    void padsIdsButNotTokens()
    {
        const QString input = m_dir.filePath(QStringLiteral("two.json"));
        QVERIFY(writeFile(input, R"(["Hello, World!", "The quick brown fox jumps over the lazy dog."])"));
        const CliResult result =
            runCli({QStringLiteral("--tokenizer"),
                    QStringLiteral("wordpiece:") + fixturePath(QStringLiteral("bert-base-uncased-vocab.txt")),
                    QStringLiteral("--json-input"), input, QStringLiteral("--max-len"), QStringLiteral("6"),
                    QStringLiteral("--padding"), QStringLiteral("post"), QStringLiteral("--truncating"),
                    QStringLiteral("post")});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        const QJsonArray output = parseArray(result.out);
        QCOMPARE(output.size(), 2);
        QCOMPARE(ids(output.at(0).toObject().value(QStringLiteral("ids"))),
                 (QVector<int>{7592, 1010, 2088, 999, 0, 0}));
        QCOMPARE(output.at(0).toObject().value(QStringLiteral("tokens")).toArray().size(), 4);
        const QVector<int> second = ids(output.at(1).toObject().value(QStringLiteral("ids")));
        QCOMPARE(second.size(), 6);
        QCOMPARE(second.first(), 1996); // "the": truncating=post keeps the start
        QCOMPARE(output.at(1).toObject().value(QStringLiteral("tokens")).toArray().size(), 10);
    }

    void textVectorizationWithDefaultPadding()
    {
        const QString vocab = m_dir.filePath(QStringLiteral("tv_vocab.txt"));
        QVERIFY(writeFile(vocab, "\n[UNK]\nthe\ncat\nsat\n"));
        const QString input = m_dir.filePath(QStringLiteral("tv.json"));
        QVERIFY(writeFile(input, R"(["The cat sat on the MAT.", "Cat!"])"));
        const CliResult result =
            runCli({QStringLiteral("--tokenizer"), QStringLiteral("textvectorization:") + vocab,
                    QStringLiteral("--json-input"), input, QStringLiteral("--max-len"), QStringLiteral("4")});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        const QJsonArray output = parseArray(result.out);
        QCOMPARE(output.size(), 2);
        // Default truncating='pre' keeps the last 4 ids; padding='pre' fills the front with 0.
        QCOMPARE(ids(output.at(0).toObject().value(QStringLiteral("ids"))), (QVector<int>{4, 1, 2, 1}));
        QCOMPARE(ids(output.at(1).toObject().value(QStringLiteral("ids"))), (QVector<int>{0, 0, 0, 3}));
        QCOMPARE(output.at(0).toObject().value(QStringLiteral("tokens")).toArray().last().toString(),
                 QStringLiteral("mat"));
    }

    void reportsBadInput_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("messagePart");
        const QString vocab = QStringLiteral("wordpiece:") + fixturePath(QStringLiteral("bert-base-uncased-vocab.txt"));
        const QString strings = m_dir.filePath(QStringLiteral("strings.json"));
        QTest::newRow("unknown kind") << QStringList{"--tokenizer", "bpe:x.txt", "--json-input", strings}
                                      << QStringLiteral("wordpiece:VOCAB.txt");
        QTest::newRow("missing vocab") << QStringList{"--tokenizer", "wordpiece:/nonexistent/vocab.txt", "--json-input",
                                                      strings}
                                       << QStringLiteral("/nonexistent/vocab.txt");
        QTest::newRow("missing input") << QStringList{"--tokenizer", vocab} << QStringLiteral("--json-input");
        QTest::newRow("bad padding") << QStringList{"--tokenizer", vocab, "--json-input", strings, "--padding", "left"}
                                     << QStringLiteral("'pre' or 'post'");
        QTest::newRow("bad max-len") << QStringList{"--tokenizer", vocab, "--json-input", strings, "--max-len", "0"}
                                     << QStringLiteral("--max-len");
    }

    void reportsBadInput()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, messagePart);
        const CliResult result = runCli(arguments);
        QVERIFY(result.exitCode > 0);
        QVERIFY(result.out.isEmpty());
        QVERIFY2(QString::fromUtf8(result.err).contains(messagePart), result.err.constData());
        QVERIFY(result.err.startsWith("graft-cli tokenize: "));
    }

    void rejectsNonStringJson()
    {
        const QString input = m_dir.filePath(QStringLiteral("numbers.json"));
        QVERIFY(writeFile(input, "[\"ok\", 3]"));
        const CliResult result =
            runCli({QStringLiteral("--tokenizer"),
                    QStringLiteral("wordpiece:") + fixturePath(QStringLiteral("bert-base-uncased-vocab.txt")),
                    QStringLiteral("--json-input"), input});
        QVERIFY(result.exitCode > 0);
        QVERIFY2(result.err.contains("element 1"), result.err.constData());
    }

    void helpListsEveryOption()
    {
        const CliResult result = runCli({QStringLiteral("--help")});
        QCOMPARE(result.exitCode, 0);
        for (const char *option : {"--tokenizer", "--json-input", "--max-len", "--padding", "--truncating"})
            QVERIFY2(result.out.contains(option), option);
    }
};

GRAFT_TEST_APPLESS_MAIN(TestCliTokenize)
#include "tst_cli_tokenize.moc"
