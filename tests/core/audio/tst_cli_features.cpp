// graft-cli features, driven from the outside: librosa's arrays come out of the
// .npy files it writes, bad input gives a one-line error and no output file.

#include "npytestreader.h"
#include "tests/common/testdata.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <sndfile.h>

#include <cmath>

using graft::test::NpyArray;
using graft::test::readNpy;

namespace {

QString fixture(const QString &relative)
{
    return graft::testing::dataPath(QStringLiteral("mfcc/") + relative);
}

struct CliResult
{
    int exitCode = -1;
    QString out;
    QString err;
};

CliResult runCli(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(GRAFT_CLI_PATH), QStringList{QStringLiteral("features")} + arguments);
    process.waitForFinished(120000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

double maxAbsDifference(const NpyArray &a, const NpyArray &b)
{
    double worst = 0;
    for (std::size_t i = 0; i < a.values.size() && i < b.values.size(); ++i)
        worst = std::max(worst, std::abs(a.values[i] - b.values[i]));
    return worst;
}

} // namespace

class CliFeaturesTest final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(QStringLiteral(GRAFT_CLI_PATH)), GRAFT_CLI_PATH);
    }

    void writesWhatLibrosaReturns_data()
    {
        QTest::addColumn<QString>("caseName");
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("expectedFile");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("defaults (resampled 16k)")
            << "tone440_noise_16k__a_default" << QStringList{} << "mfcc_f32.npy" << 1e-2;
        QTest::newRow("defaults") << "hello_m3__a_default" << QStringList{} << "mfcc_f32.npy" << 2e-3;
        QTest::newRow("n_mfcc 13") << "seven_f2__b_mfcc13"
                                   << QStringList{"--n-mfcc", "13", "--n-fft", "2048", "--hop-length", "512"}
                                   << "mfcc_f32.npy" << 2e-3;
        QTest::newRow("native htk 40") << "seven_f2__c_native_htk40"
                                       << QStringList{"--sr",   "native",       "--n-mfcc", "40",       "--n-fft",
                                                      "512",    "--hop-length", "160",      "--n-mels", "40",
                                                      "--fmin", "20",           "--fmax",   "11025",    "--htk"}
                                       << "mfcc_f32.npy" << 2e-3;
        QTest::newRow("melspec-db") << "tone440_noise_16k__d_native_melspec"
                                    << QStringList{"--sr", "native", "--feature", "melspec-db"} << "melspec_db_f32.npy"
                                    << 1e-3;
        QTest::newRow("melspec power") << "hello_m3__d_native_melspec"
                                       << QStringList{"--sr", "native", "--feature", "melspec"} << "melspec_f32.npy"
                                       << 1e-3;
    }
    void writesWhatLibrosaReturns()
    {
        QFETCH(QString, caseName);
        QFETCH(QStringList, options);
        QFETCH(QString, expectedFile);
        QFETCH(double, tolerance);
        const QString audio = caseName.startsWith(QLatin1String("tone")) ? QStringLiteral("audio/tone440_noise_16k.wav")
                              : caseName.startsWith(QLatin1String("hello")) ? QStringLiteral("audio/hello_m3.wav")
                                                                            : QStringLiteral("audio/seven_f2.wav");
        const QString outPath = m_dir.filePath(caseName + QStringLiteral("_features.npy"));
        const QString waveformPath = m_dir.filePath(caseName + QStringLiteral("_y.npy"));
        const CliResult result = runCli(QStringList{fixture(audio), QStringLiteral("--out"), outPath,
                                                    QStringLiteral("--waveform-out"), waveformPath}
                                        + options);
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
        QVERIFY2(result.out.contains(outPath), qPrintable(result.out));

        const NpyArray features = readNpy(outPath);
        QVERIFY2(features.ok(), qPrintable(features.error));
        const NpyArray expected = readNpy(fixture(caseName + QLatin1Char('/') + expectedFile));
        QVERIFY2(expected.ok(), qPrintable(expected.error));
        QCOMPARE(features.shape, expected.shape);
        if (expectedFile == QLatin1String("melspec_f32.npy")) {
            for (std::size_t i = 0; i < expected.values.size(); ++i) {
                const double allowed = 1e-4 * std::abs(expected.values[i]) + 1e-12;
                QVERIFY2(std::abs(features.values[i] - expected.values[i]) <= allowed, qPrintable(QString::number(i)));
            }
        } else {
            const double worst = maxAbsDifference(features, expected);
            QVERIFY2(worst <= tolerance, qPrintable(QString::number(worst)));
        }

        const NpyArray y = readNpy(waveformPath);
        const NpyArray expectedY = readNpy(fixture(caseName + QStringLiteral("/y.npy")));
        QVERIFY2(y.ok() && expectedY.ok(), qPrintable(y.error + expectedY.error));
        QCOMPARE(y.shape, expectedY.shape);
        QVERIFY(maxAbsDifference(y, expectedY) <= 1e-4);
    }

    void keepsChannelsWithNoMono()
    {
        const QString wav = m_dir.filePath(QStringLiteral("stereo.wav"));
        SF_INFO info{};
        info.samplerate = 22050;
        info.channels = 2;
        info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
        SNDFILE *file = sf_open(QFile::encodeName(wav).constData(), SFM_WRITE, &info);
        QVERIFY(file);
        std::vector<short> samples(2 * 5000);
        for (std::size_t i = 0; i < samples.size(); ++i)
            samples[i] = short(8000 * std::sin(0.01 * double(i)));
        sf_writef_short(file, samples.data(), 5000);
        sf_close(file);

        const QString outPath = m_dir.filePath(QStringLiteral("stereo.npy"));
        const QString yPath = m_dir.filePath(QStringLiteral("stereo_y.npy"));
        CliResult result =
            runCli({wav, QStringLiteral("--no-mono"), QStringLiteral("--out"), outPath,
                    QStringLiteral("--waveform-out"), yPath, QStringLiteral("--n-mfcc"), QStringLiteral("13")});
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
        QCOMPARE(readNpy(outPath).shape, (std::vector<qint64>{2, 13, 1 + 5000 / 512}));
        QCOMPARE(readNpy(yPath).shape, (std::vector<qint64>{2, 5000}));

        result = runCli({wav, QStringLiteral("--out"), outPath, QStringLiteral("--waveform-out"), yPath});
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
        QCOMPARE(readNpy(outPath).shape, (std::vector<qint64>{20, 1 + 5000 / 512}));
        QCOMPARE(readNpy(yPath).shape, (std::vector<qint64>{5000}));
    }

    void badInputFailsCleanly_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("mention");
        const QString wav = fixture(QStringLiteral("audio/hello_m3.wav"));
        QTest::newRow("missing file") << QStringList{"/nonexistent/x.wav"} << 1 << "/nonexistent/x.wav";
        QTest::newRow("not audio") << QStringList{fixture(QStringLiteral("manifest.json"))} << 1 << "manifest.json";
        QTest::newRow("bad window") << QStringList{wav, "--window", "kaiser"} << 2 << "--window";
        QTest::newRow("bad integer") << QStringList{wav, "--n-fft", "lots"} << 2 << "--n-fft";
        QTest::newRow("bad sr") << QStringList{wav, "--sr", "-5"} << 2 << "--sr";
        QTest::newRow("contradiction") << QStringList{wav, "--center", "--no-center"} << 2 << "contradict";
        QTest::newRow("invalid combination") << QStringList{wav, "--n-mfcc", "200"} << 2 << "n_mfcc";
        QTest::newRow("offset past end") << QStringList{wav, "--offset", "100"} << 1 << "offset";
    }
    void badInputFailsCleanly()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, mention);
        const QString outPath = m_dir.filePath(QStringLiteral("never_written.npy"));
        const CliResult result = runCli(arguments + QStringList{QStringLiteral("--out"), outPath});
        QCOMPARE(result.exitCode, exitCode);
        QVERIFY2(result.err.contains(mention), qPrintable(result.err));
        QCOMPARE(result.err.trimmed().count(QLatin1Char('\n')), 0); // one line
        QVERIFY(!QFile::exists(outPath));
    }

    void helpListsEveryOption()
    {
        const CliResult result = runCli({QStringLiteral("--help")});
        QCOMPARE(result.exitCode, 0);
        const QStringList options = {
            "--out",       "--waveform-out", "--feature",  "--sr",         "--mono",       "--no-mono", "--offset",
            "--duration",  "--n-mfcc",       "--n-fft",    "--hop-length", "--win-length", "--window",  "--center",
            "--no-center", "--pad-mode",     "--power",    "--n-mels",     "--fmin",       "--fmax",    "--htk",
            "--mel-norm",  "--dct-type",     "--dct-norm", "--lifter",     "--top-db",     "--ref",     "--amin"};
        for (const QString &option : options)
            QVERIFY2(result.out.contains(option), qPrintable(option));
    }
};

GRAFT_TEST_APPLESS_MAIN(CliFeaturesTest)
#include "tst_cli_features.moc"
