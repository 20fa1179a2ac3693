// graft-cli arch and inspect --arch-code, driven from the outside: the architecture read from
// the seed user's code loads the real weights file through KerasFileLoader with no warning.

#include "archtesthelpers.h"

#include <QTemporaryDir>
#include <QtTest>

namespace {

struct CliResult
{
    int exitCode = -1;
    QString out;
    QString err;
};

CliResult runCli(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(GRAFT_CLI_PATH), arguments);
    process.waitForFinished(180000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

QString seedCode()
{
    return archtest::seedCode();
}

/** inspect --json layers against EXPECTED.json: name, class, output shape, parameters. */
void compareInspectWithExpected(const QJsonObject &inspected)
{
    const QJsonObject expected = archtest::readJson(archtest::seedFile(QStringLiteral("EXPECTED.json")));
    const QJsonArray want = expected.value(QStringLiteral("layers")).toArray();
    const QJsonArray got = inspected.value(QStringLiteral("layers")).toArray();
    QCOMPARE(got.size(), want.size());
    for (int i = 0; i < want.size(); ++i) {
        const QJsonArray w = want.at(i).toArray();
        const QJsonObject g = got.at(i).toObject();
        QCOMPARE(g.value(QStringLiteral("name")).toString(), w.at(0).toString());
        QCOMPARE(g.value(QStringLiteral("class")).toString(), w.at(1).toString());
        QJsonArray shape{QJsonValue()};
        for (const QJsonValue &d : w.at(2).toArray())
            shape.append(d);
        QCOMPARE(g.value(QStringLiteral("output_shape")).toArray(), shape);
        QCOMPARE(g.value(QStringLiteral("params")).toInteger(), w.at(3).toInteger());
    }
    QCOMPARE(inspected.value(QStringLiteral("total_params")).toInteger(), qint64(374408));
    QCOMPARE(inspected.value(QStringLiteral("has_architecture")).toBool(), true);
    QCOMPARE(inspected.value(QStringLiteral("warnings")).toArray(), QJsonArray());
}

} // namespace

class TestCliArch final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void fromCodeWritesJsonThatLoadsTheWeights()
    {
        GRAFT_REQUIRE_PATH(archtest::seedCode());
        const QString out = m_dir.filePath(QStringLiteral("seed.json"));
        const CliResult arch =
            runCli({QStringLiteral("arch"), archtest::seedWeights(), QStringLiteral("--from-code"), seedCode(),
                    QStringLiteral("--input-shape"), QStringLiteral("40,87,1"), QStringLiteral("--out"), out});
        QVERIFY2(arch.exitCode == 0, qPrintable(arch.err + arch.out));
        QVERIFY2(arch.out.contains(QStringLiteral("Total params: 374,408")), qPrintable(arch.out));
        QVERIFY(QFileInfo::exists(out));

        const CliResult inspect = runCli({QStringLiteral("inspect"), archtest::seedWeights(), QStringLiteral("--arch"),
                                          out, QStringLiteral("--json")});
        QVERIFY2(inspect.exitCode == 0, qPrintable(inspect.err));
        compareInspectWithExpected(QJsonDocument::fromJson(inspect.out.toUtf8()).object());

        // The table form loads it without a warning too; all 19 layers are in the JSON.
        QFile first(out);
        QVERIFY(first.open(QIODevice::ReadOnly));
        const QJsonObject firstJson = QJsonDocument::fromJson(first.readAll()).object();
        const CliResult inspectAgain =
            runCli({QStringLiteral("inspect"), archtest::seedWeights(), QStringLiteral("--arch"), out});
        QVERIFY2(inspectAgain.exitCode == 0 && !inspectAgain.out.contains(QStringLiteral("Warning")),
                 qPrintable(inspectAgain.out));
        QCOMPARE(firstJson.value(QStringLiteral("config")).toObject().value(QStringLiteral("layers")).toArray().size(),
                 19);
    }

    void inspectWithArchCode()
    {
        GRAFT_REQUIRE_PATH(archtest::seedCode());
        const CliResult inspect =
            runCli({QStringLiteral("inspect"), archtest::seedWeights(), QStringLiteral("--arch-code"),
                    seedCode() + QStringLiteral(":createModel"), QStringLiteral("--input-shape"),
                    QStringLiteral("40,87,1"), QStringLiteral("--json")});
        QVERIFY2(inspect.exitCode == 0, qPrintable(inspect.err));
        compareInspectWithExpected(QJsonDocument::fromJson(inspect.out.toUtf8()).object());
        QVERIFY2(inspect.err.contains(QStringLiteral("model_input")), qPrintable(inspect.err));
    }

    void inferProposesAConsistentArchitecture()
    {
        const QString out = m_dir.filePath(QStringLiteral("inferred.json"));
        const CliResult arch = runCli({QStringLiteral("arch"), archtest::seedWeights(), QStringLiteral("--infer"),
                                       QStringLiteral("--input-shape"), QStringLiteral("40,87,1"),
                                       QStringLiteral("--out"), out, QStringLiteral("--json")});
        QVERIFY2(arch.exitCode == 0, qPrintable(arch.err + arch.out));
        const QJsonObject report = QJsonDocument::fromJson(arch.out.toUtf8()).object();
        QCOMPARE(report.value(QStringLiteral("consistent")).toBool(), true);
        QCOMPARE(report.value(QStringLiteral("total_params")).toInteger(), qint64(374408));
        QCOMPARE(report.value(QStringLiteral("written")).toString(), out);
        const QJsonObject conv = report.value(QStringLiteral("layers")).toArray().at(1).toObject();
        QVERIFY(conv.value(QStringLiteral("guessed")).toArray().contains(QStringLiteral("strides")));
        QCOMPARE(conv.value(QStringLiteral("origins")).toObject().value(QStringLiteral("filters")).toString(),
                 QStringLiteral("weights"));

        const CliResult inspect = runCli({QStringLiteral("inspect"), archtest::seedWeights(), QStringLiteral("--arch"),
                                          out, QStringLiteral("--json")});
        QVERIFY2(inspect.exitCode == 0, qPrintable(inspect.err));
        const QJsonObject inspected = QJsonDocument::fromJson(inspect.out.toUtf8()).object();
        QCOMPARE(inspected.value(QStringLiteral("warnings")).toArray(), QJsonArray());
        QCOMPARE(inspected.value(QStringLiteral("total_params")).toInteger(), qint64(374408));
    }

    void failuresAreOneClearLine_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("no input shape") << QStringList{QStringLiteral("arch"), archtest::seedWeights(),
                                                       QStringLiteral("--from-code"), seedCode()}
                                        << QStringLiteral("--input-shape");
        QTest::newRow("neither mode") << QStringList{QStringLiteral("arch"), archtest::seedWeights()}
                                      << QStringLiteral("either --from-code");
        QTest::newRow("missing function")
            << QStringList{QStringLiteral("arch"),          archtest::seedWeights(),
                           QStringLiteral("--from-code"),   seedCode() + QStringLiteral(":buildIt"),
                           QStringLiteral("--input-shape"), QStringLiteral("40,87,1")}
            << QStringLiteral("no top-level function 'buildIt'");
        QTest::newRow("bad shape") << QStringList{QStringLiteral("arch"), archtest::seedWeights(),
                                                  QStringLiteral("--infer"), QStringLiteral("--input-shape"),
                                                  QStringLiteral("40,abc")}
                                   << QStringLiteral("not a shape");
        QTest::newRow("output over the weights")
            << QStringList{QStringLiteral("arch"),          archtest::seedWeights(),   QStringLiteral("--infer"),
                           QStringLiteral("--input-shape"), QStringLiteral("40,87,1"), QStringLiteral("--out"),
                           archtest::seedWeights()}
            << QStringLiteral("Refusing to write");
    }

    void failuresAreOneClearLine()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        if (arguments.contains(seedCode()) || arguments.contains(seedCode() + QStringLiteral(":buildIt")))
            GRAFT_REQUIRE_PATH(seedCode());
        const CliResult result = runCli(arguments);
        QVERIFY(result.exitCode != 0);
        QVERIFY2(result.err.startsWith(QStringLiteral("graft-cli arch: ")) && result.err.contains(message),
                 qPrintable(result.err));
        QCOMPARE(result.err.count(QLatin1Char('\n')), 1);
    }

    void syntaxErrorNamesTheLine()
    {
        const QString bad = m_dir.filePath(QStringLiteral("bad.py"));
        QFile file(bad);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("from keras.layers import Dense\nmodel = Sequential([\n  Dense(3),\n  Dense(4) Dense(5)])\n");
        file.close();
        const CliResult result =
            runCli({QStringLiteral("arch"), archtest::seedWeights(), QStringLiteral("--from-code"), bad});
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains(QStringLiteral("is not valid Python 3"))
                     && result.err.contains(QStringLiteral("line 4")),
                 qPrintable(result.err));
    }

    void helpIsComplete()
    {
        const CliResult help = runCli({QStringLiteral("arch"), QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        for (const char *option : {"--from-code", "--infer", "--input-shape", "--set", "--out", "--force", "--json"})
            QVERIFY2(help.out.contains(QLatin1String(option)), option);
        const CliResult inspect = runCli({QStringLiteral("inspect"), QStringLiteral("--help")});
        QVERIFY(inspect.out.contains(QStringLiteral("--arch-code"))
                && inspect.out.contains(QStringLiteral("--input-shape")));
    }
};

GRAFT_TEST_APPLESS_MAIN(TestCliArch)
#include "tst_cli_arch.moc"
