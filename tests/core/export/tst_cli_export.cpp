#include "core/export/modelexporter.h"
#include "core/io/npyfile.h"
#include "core/io/npzfile.h"
#include "tests/core/export/exporttesthelpers.h"

#include <QCryptographicHash>
#include <QTest>

using namespace graft;
using namespace graft::exporttest;

/**
 * `graft-cli export` from the outside: the options, refusing to overwrite inputs, failing
 * cleanly on unwritable targets, and TorchScript files that PyTorch (Debian's python3-torch,
 * no Graft code) runs to the same outputs as Graft's own predictions.
 */
class TestCliExport final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void helpListsEveryOption();
    void usageErrors_data();
    void usageErrors();
    void writesModelAndCompanions();
    void refusesToOverwriteItsInputs_data();
    void refusesToOverwriteItsInputs();
    void companionNeverReplacesAnInput();
    void unwritableTargetLeavesNothing_data();
    void unwritableTargetLeavesNothing();
    void failedExportLeavesNothing_data();
    void failedExportLeavesNothing();
    void torchScriptMatchesPredict_data();
    void torchScriptMatchesPredict();

private:
    QTemporaryDir m_scratch;
    /** run_torchscript.py --serve: one Python process (torch imports once) runs every exported model. */
    QProcess m_torch;
};

namespace {

struct Run
{
    int code = -1;
    QString out;
    QString err;
};

Run runCli(const QStringList &arguments)
{
    QProcess cli;
    cli.start(QStringLiteral(GRAFT_CLI_PATH), arguments);
    Run run;
    if (!cli.waitForFinished(300000)) {
        run.err = QStringLiteral("graft-cli did not finish: ") + cli.errorString();
        return run;
    }
    run.code = cli.exitStatus() == QProcess::NormalExit ? cli.exitCode() : -1;
    run.out = QString::fromUtf8(cli.readAllStandardOutput());
    run.err = QString::fromUtf8(cli.readAllStandardError());
    return run;
}

QByteArray digest(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

QStringList entries(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
}

QString fixture(const QString &relative)
{
    return graft::testing::dataPath(relative);
}

} // namespace

void TestCliExport::initTestCase()
{
    QVERIFY(m_scratch.isValid());
    QVERIFY(QFileInfo::exists(QStringLiteral(GRAFT_CLI_PATH)));
    // `predict` belongs to the engine's CLI; without it the reference is the same engine in-process.
    m_torch.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_torch.start(QStringLiteral("/usr/bin/python3"),
                  {QStringLiteral(GRAFT_SOURCE_DIR "/tests/export/run_torchscript.py"), QStringLiteral("--serve")});
    QVERIFY2(m_torch.waitForStarted(), qPrintable(m_torch.errorString()));
}

void TestCliExport::cleanupTestCase()
{
    m_torch.closeWriteChannel(); // --serve ends at the end of its input
    m_torch.waitForFinished(30000);
}

void TestCliExport::helpListsEveryOption()
{
    const Run run = runCli({QStringLiteral("export"), QStringLiteral("--help")});
    QCOMPARE(run.code, 0);
    for (const char *text : {"--arch", "--to", "--full", "--class-names", "--no-labels", "--no-architecture-json",
                             "--unknown-dim", ".weights.h5", ".keras", ".pt", ".hdf5", "MODEL"})
        QVERIFY2(run.out.contains(QLatin1String(text)), text);
}

void TestCliExport::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    const QString model = fixture(QStringLiteral("keras/keras2/conv2d_1layer.h5"));
    QTest::newRow("no --to") << QStringList{model} << "--to";
    QTest::newRow("no model") << QStringList{QStringLiteral("--to"), QStringLiteral("x.h5")} << "MODEL";
    QTest::newRow("unknown suffix") << QStringList{model, QStringLiteral("--to"), QStringLiteral("x.onnx")}
                                    << "unknown model format";
    QTest::newRow("--full with .keras") << QStringList{model, QStringLiteral("--to"), QStringLiteral("x.keras"),
                                                       QStringLiteral("--full")}
                                        << ".h5 or .hdf5";
    QTest::newRow("bad --unknown-dim") << QStringList{model, QStringLiteral("--to"), QStringLiteral("x.pt"),
                                                      QStringLiteral("--unknown-dim"), QStringLiteral("zero")}
                                       << "--unknown-dim";
}

void TestCliExport::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const Run run = runCli(QStringList{QStringLiteral("export")} + arguments);
    QCOMPARE(run.code, 2);
    QVERIFY2(run.err.contains(message), qPrintable(run.err));
    QCOMPARE(run.err.count(QLatin1Char('\n')), 1); // one line on stderr
}

void TestCliExport::writesModelAndCompanions()
{
    QTemporaryDir out;
    const QString names = out.filePath(QStringLiteral("names.txt"));
    QFile file(names);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("zero\n");
    file.close();
    const QString target = out.filePath(QStringLiteral("conv.h5"));
    const Run run = runCli({QStringLiteral("export"), fixture(QStringLiteral("keras/keras2/conv2d_1layer_weights.h5")),
                            QStringLiteral("--arch"), fixture(QStringLiteral("keras/keras2/conv2d_1layer.json")),
                            QStringLiteral("--to"), target, QStringLiteral("--class-names"), names});
    QVERIFY2(run.code == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(QStringLiteral("Wrote %1 (Keras 2 weights (HDF5))").arg(target)), qPrintable(run.out));
    QVERIFY(QFileInfo::exists(out.filePath(QStringLiteral("conv.labels.txt"))));
    QVERIFY(QFileInfo::exists(out.filePath(QStringLiteral("conv.json"))));
    QFile labels(out.filePath(QStringLiteral("conv.labels.txt")));
    QVERIFY(labels.open(QIODevice::ReadOnly));
    QCOMPARE(labels.readAll(), QByteArray("zero\n"));
    // The companion JSON makes the weights file reopen with its architecture.
    const Run inspect = runCli({QStringLiteral("inspect"), target, QStringLiteral("--json")});
    QVERIFY2(inspect.code == 0, qPrintable(inspect.err));
    auto loaded = KerasFileLoader::load(target);
    QVERIFY2(loaded, qPrintable(loaded.errorString()));
    QVERIFY(loaded->hasArchitecture);
    QCOMPARE(loaded->classNames, QStringList{QStringLiteral("zero")});
}

void TestCliExport::refusesToOverwriteItsInputs_data()
{
    QTest::addColumn<QString>("source");     // copied into a scratch folder first: fixtures are never at risk
    QTest::addColumn<QString>("arch");       // also copied, when given
    QTest::addColumn<QString>("targetName"); // relative to the copy's folder
    QTest::addColumn<bool>("full");
    QTest::newRow("weights onto itself") << "keras/keras2/conv2d_1layer_weights.h5"
                                         << ""
                                         << "model.h5" << false;
    QTest::newRow("full model onto itself") << "keras/keras2/conv2d_1layer.h5"
                                            << ""
                                            << "model.h5" << true;
    QTest::newRow("via ../ path") << "keras/keras2/conv2d_1layer.h5"
                                  << ""
                                  << "../copy/model.h5" << false;
    QTest::newRow(".keras onto itself") << "keras/keras3/nested_container.keras"
                                        << ""
                                        << "model.keras" << false;
    QTest::newRow("weights with --arch onto itself") << "keras/keras2/conv1d_1layer_weights.h5"
                                                     << "keras/keras2/conv1d_1layer.json"
                                                     << "model.h5" << false;
}

void TestCliExport::refusesToOverwriteItsInputs()
{
    QFETCH(QString, source);
    QFETCH(QString, arch);
    QFETCH(QString, targetName);
    QFETCH(bool, full);
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("copy")));
    const QString copy = dir.filePath(QStringLiteral("copy/model") + source.mid(source.lastIndexOf(QLatin1Char('.'))));
    QVERIFY(QFile::copy(fixture(source), copy));
    QStringList arguments{QStringLiteral("export"), copy};
    QString archCopy;
    if (!arch.isEmpty()) {
        archCopy = dir.filePath(QStringLiteral("copy/arch.json"));
        QVERIFY(QFile::copy(fixture(arch), archCopy));
        arguments << QStringLiteral("--arch") << archCopy;
    }
    const QString target = QDir(dir.filePath(QStringLiteral("copy"))).filePath(targetName);
    arguments << QStringLiteral("--to") << target;
    if (full)
        arguments << QStringLiteral("--full");
    const QByteArray before = digest(copy);
    const QByteArray archBefore = archCopy.isEmpty() ? QByteArray() : digest(archCopy);
    const QStringList filesBefore = entries(dir.filePath(QStringLiteral("copy")));

    const Run run = runCli(arguments);
    QVERIFY2(run.code != 0, "writing onto an input must fail");
    QVERIFY2(run.err.contains(QLatin1String("Refusing to write")) && run.err.contains(QLatin1String("never modified")),
             qPrintable(run.err));
    QCOMPARE(digest(copy), before);
    if (!archCopy.isEmpty())
        QCOMPARE(digest(archCopy), archBefore);
    QCOMPARE(entries(dir.filePath(QStringLiteral("copy"))), filesBefore);
}

void TestCliExport::companionNeverReplacesAnInput()
{
    // The architecture out.json is an input; exporting to out.h5 would write its companion out.json.
    QTemporaryDir dir;
    const QString weights = dir.filePath(QStringLiteral("weights.h5"));
    const QString arch = dir.filePath(QStringLiteral("out.json"));
    QVERIFY(QFile::copy(fixture(QStringLiteral("keras/keras2/conv1d_1layer_weights.h5")), weights));
    QVERIFY(QFile::copy(fixture(QStringLiteral("keras/keras2/conv1d_1layer.json")), arch));
    const QByteArray before = digest(arch);
    const Run run = runCli({QStringLiteral("export"), weights, QStringLiteral("--arch"), arch, QStringLiteral("--to"),
                            dir.filePath(QStringLiteral("out.h5"))});
    QVERIFY2(run.code == 0, qPrintable(run.err));
    QVERIFY2(run.err.contains(QStringLiteral("%1 was not written").arg(arch)), qPrintable(run.err));
    QCOMPARE(digest(arch), before);
    QCOMPARE(entries(dir.path()),
             (QStringList{QStringLiteral("out.h5"), QStringLiteral("out.json"), QStringLiteral("weights.h5")}));
}

void TestCliExport::unwritableTargetLeavesNothing_data()
{
    // Tests run as root, for whom chmod-read-only folders stay writable: use folders no one
    // can create files in (procfs, sysfs) and a folder that does not exist.
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("message");
    QTest::newRow("procfs") << "/proc/graft-export-test.h5"
                            << "Cannot write /proc/graft-export-test.h5";
    QTest::newRow("sysfs") << "/sys/graft-export-test.keras"
                           << "Cannot write /sys/graft-export-test.keras";
    QTest::newRow("procfs pt") << "/proc/graft-export-test.pt"
                               << "Cannot write /proc/graft-export-test.pt";
    QTest::newRow("missing folder") << ""
                                    << "does not exist";
}

void TestCliExport::unwritableTargetLeavesNothing()
{
    QFETCH(QString, target);
    QFETCH(QString, message);
    QTemporaryDir dir;
    if (target.isEmpty())
        target = dir.filePath(QStringLiteral("missing/folder/model.h5"));
    const Run run = runCli({QStringLiteral("export"), fixture(QStringLiteral("keras/keras2/conv2d_1layer.h5")),
                            QStringLiteral("--to"), target});
    QVERIFY2(run.code != 0, "an unwritable target must fail");
    QVERIFY2(run.err.contains(message), qPrintable(run.err));
    QCOMPARE(run.err.count(QLatin1Char('\n')), 1);
    QVERIFY(!QFileInfo::exists(target));
    QVERIFY(entries(dir.path()).isEmpty());
    const QDir parent = QFileInfo(target).dir();
    if (parent.exists())
        for (const QString &name :
             parent.entryList({QStringLiteral(".graft-export-test*")}, QDir::Hidden | QDir::Files))
            QFAIL(qPrintable(QStringLiteral("temporary file left behind: %1").arg(name)));
}

void TestCliExport::failedExportLeavesNothing_data()
{
    // Exports that cannot be made are refused before anything is written (tst_modelexporter covers
    // failures after the temporary file exists).
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("targetName");
    QTest::addColumn<bool>("full");
    QTest::addColumn<QString>("message");
    QTest::newRow("full model without architecture") << "keras/keras2/conv2d_model_weights.h5"
                                                     << "m.h5" << true << "without an architecture";
    QTest::newRow(".keras of an unsupported QKeras model") << "keras/keras2/qkeras_mnist_cnn_weights.h5"
                                                           << "m.keras" << false << "without an architecture";
    QTest::newRow("TorchScript of a subclassed model") << "keras/keras3/nested_container.keras"
                                                       << "m.pt" << false << "without an architecture";
    QTest::newRow("Keras 3 listing to legacy names") << "keras/keras3/intent_best_model.weights.h5"
                                                     << "m.h5" << false << "without an architecture";
}

void TestCliExport::failedExportLeavesNothing()
{
    QFETCH(QString, source);
    QFETCH(QString, targetName);
    QFETCH(bool, full);
    QFETCH(QString, message);
    QTemporaryDir dir;
    GRAFT_REQUIRE_DATA(source);
    QStringList arguments{QStringLiteral("export"), fixture(source), QStringLiteral("--to"), dir.filePath(targetName)};
    if (full)
        arguments << QStringLiteral("--full");
    const Run run = runCli(arguments);
    QVERIFY2(run.code != 0, "the export must fail");
    QVERIFY2(run.err.contains(message), qPrintable(run.err));
    QVERIFY2(entries(dir.path()).isEmpty(), qPrintable(entries(dir.path()).join(QLatin1Char(' '))));
}

void TestCliExport::torchScriptMatchesPredict_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("arch");
    int rows = 0;
    for (const QString &relative : kerasFixtures()) {
        const QString arch = architectureFor(relative, m_scratch.path());
        LoadOptions options;
        options.architectureJsonPath = arch;
        auto loaded = KerasFileLoader::load(fixture(relative), options);
        if (!loaded || !loaded->hasArchitecture || !InferenceModel::build(*loaded))
            continue; // no architecture, or layers the engine does not run: tst_modelexporter checks the refusal
        QTest::newRow(qPrintable(relative)) << relative << arch;
        ++rows;
    }
    QVERIFY2(rows >= 20, "most fixtures should be runnable");
}

void TestCliExport::torchScriptMatchesPredict()
{
    QFETCH(QString, source);
    QFETCH(QString, arch);
    QTemporaryDir dir;
    QStringList archArguments;
    if (!arch.isEmpty())
        archArguments << QStringLiteral("--arch") << arch;
    const QString pt = dir.filePath(QStringLiteral("model.pt"));
    const Run exported =
        runCli(QStringList{QStringLiteral("export"), fixture(source), QStringLiteral("--to"), pt} + archArguments);
    QVERIFY2(exported.code == 0, qPrintable(exported.err));

    LoadOptions options;
    options.architectureJsonPath = arch;
    auto loaded = KerasFileLoader::load(fixture(source), options);
    QVERIFY2(loaded, qPrintable(loaded.errorString()));
    // Batch 5 and the traced open size (16): a batch the trace has not seen.
    const std::vector<TensorData> inputs = randomInputs(loaded->model, 5, 16, 11);
    QStringList inputFiles;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const QString path = dir.filePath(QStringLiteral("input%1.npy").arg(i));
        QVERIFY(NpyFile::write(path, NpyArray(inputs[i].values, inputs[i].shape)));
        inputFiles << path;
    }

    std::vector<TensorData> expected;
    const QString reference = dir.filePath(QStringLiteral("reference.npz"));
    QStringList arguments{QStringLiteral("predict"), fixture(source)};
    arguments += archArguments;
    for (const QString &input : inputFiles)
        arguments << QStringLiteral("--input") << input;
    arguments << QStringLiteral("--output") << reference;
    const Run predicted = runCli(arguments);
    QVERIFY2(predicted.code == 0, qPrintable(predicted.err));
    auto references = NpzFile::read(reference);
    QVERIFY2(references, qPrintable(references.errorString()));
    for (const NpzEntry &entry : *references)
        expected.push_back(TensorData{entry.array.shape(), entry.array.toFloat32()});

    const QString outputs = dir.filePath(QStringLiteral("torch.npz"));
    m_torch.write((QStringList{pt, outputs} + inputFiles).join(QLatin1Char('\t')).toUtf8() + '\n');
    while (!m_torch.canReadLine())
        QVERIFY2(m_torch.waitForReadyRead(300000), "run_torchscript.py --serve did not answer");
    const QString log = QString::fromUtf8(m_torch.readLine()).trimmed();
    QVERIFY2(log.startsWith(QLatin1String("ok ")), qPrintable(log));
    auto contents = NpzFile::read(outputs);
    QVERIFY2(contents, qPrintable(contents.errorString()));
    std::vector<TensorData> actual;
    for (const NpzEntry &entry : *contents)
        actual.push_back(TensorData{entry.array.shape(), entry.array.toFloat32()});
    const double difference = maxAbsDifference(expected, actual);
    QVERIFY2(difference <= 1e-5,
             qPrintable(QStringLiteral("torch.jit.load outputs differ by %1 (%2)").arg(difference).arg(log)));
}

GRAFT_TEST_APPLESS_MAIN(TestCliExport)
#include "tst_cli_export.moc"
