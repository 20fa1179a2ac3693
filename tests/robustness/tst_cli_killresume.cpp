// "A training run killed with SIGKILL mid-epoch resumes from its last checkpoint with the same
// model and optimizer state" (issue #9), from the outside: graft-cli finetune --save-state is
// killed part-way through an epoch, resumed with --resume, and must end with exactly the model
// and history of a run that was never interrupted (same seed, data and options).

#include "tests/common/clirun.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cstring>

using namespace graft::testing;

namespace {

constexpr int features = 16;
constexpr int classes = 4;
constexpr int samples = 24000; // batch 8: ~2400 training steps per epoch, long enough to kill inside one
constexpr int epochs = 5;

// A Keras 2 Sequential model_config; graft-cli trains it from Keras's initializers (seeded).
const char *architectureJson = R"({"class_name": "Sequential", "keras_version": "2.12.0", "backend": "tensorflow",
 "config": {"name": "mlp", "layers": [
  {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 16], "dtype": "float32", "name": "features"}},
  {"class_name": "Dense", "config": {"name": "hidden", "units": 32, "activation": "relu", "use_bias": true}},
  {"class_name": "Dense", "config": {"name": "scores", "units": 4, "activation": "softmax", "use_bias": true}}]}})";

bool writeNpy(const QString &path, const char *descr, const QList<int> &shape, const QByteArray &data)
{
    QString dims;
    for (const int d : shape)
        dims += QString::number(d) + QLatin1Char(',');
    if (shape.size() > 1)
        dims.chop(1);
    QByteArray header = QStringLiteral("{'descr': '%1', 'fortran_order': False, 'shape': (%2), }")
                            .arg(QLatin1String(descr), dims)
                            .toLatin1();
    while ((10 + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    const quint16 length = quint16(header.size());
    file.write("\x93NUMPY\x01\x00", 8);
    file.write(reinterpret_cast<const char *>(&length), 2); // little-endian on every machine Graft builds for
    file.write(header);
    file.write(data);
    return file.error() == QFile::NoError;
}

/** Four noisy Gaussian blobs in 16 dimensions: learnable, not trivially separable. */
bool writeDataset(const QString &dir)
{
    QRandomGenerator random(7);
    QByteArray x(samples * features * int(sizeof(float)), Qt::Uninitialized);
    QByteArray y(samples * int(sizeof(qint64)), Qt::Uninitialized);
    auto *xs = reinterpret_cast<float *>(x.data());
    auto *ys = reinterpret_cast<qint64 *>(y.data());
    for (int i = 0; i < samples; ++i) {
        const int label = i % classes;
        ys[i] = label;
        for (int f = 0; f < features; ++f) {
            const double centre = (f % classes == label) ? 1.0 : 0.0;
            xs[i * features + f] = float(centre + 1.5 * (random.generateDouble() - 0.5));
        }
    }
    QFile arch(dir + QStringLiteral("/mlp.json"));
    if (!arch.open(QIODevice::WriteOnly) || arch.write(architectureJson) < 0)
        return false;
    return writeNpy(dir + QStringLiteral("/X.npy"), "<f4", {samples, features}, x)
           && writeNpy(dir + QStringLiteral("/y.npy"), "<i8", {samples}, y);
}

QStringList trainArguments(const QString &dir, const QString &out)
{
    return {QStringLiteral("finetune"), dir + QStringLiteral("/mlp.json"),
            QStringLiteral("--x"),      dir + QStringLiteral("/X.npy"),
            QStringLiteral("--y"),      dir + QStringLiteral("/y.npy"),
            QStringLiteral("--head"),   QStringLiteral("random"),
            QStringLiteral("--train"),  QStringLiteral("all"),
            QStringLiteral("--epochs"), QString::number(epochs),
            QStringLiteral("--batch"),  QStringLiteral("8"),
            QStringLiteral("--seed"),   QStringLiteral("3"),
            QStringLiteral("--out"),    dir + QLatin1Char('/') + out};
}

QByteArray contentsOf(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QByteArray predictions(const QString &dir, const QString &model)
{
    const QString out = dir + QLatin1Char('/') + model + QStringLiteral(".predictions.npy");
    const CliResult run = runCli({QStringLiteral("predict"), dir + QLatin1Char('/') + model, QStringLiteral("--arch"),
                                  dir + QStringLiteral("/mlp.json"), QStringLiteral("--input"),
                                  dir + QStringLiteral("/X.npy"), QStringLiteral("--output"), out});
    if (run.exitCode != 0)
        qWarning("predict %s failed: %s", qPrintable(model), run.err.constData());
    return contentsOf(out);
}

} // namespace

class TestCliKillResume final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killedMidEpochResumesToTheSameModel()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString d = dir.path();
        QVERIFY(writeDataset(d));

        // The reference: one run that is never interrupted.
        const CliResult straight = runCli(trainArguments(d, QStringLiteral("straight.h5")));
        QVERIFY2(straight.exitCode == 0, straight.err.constData());

        // The same run, saving its state after every epoch, killed inside epoch 2 or later.
        const QString state = d + QStringLiteral("/run.state");
        QProcess victim;
        victim.start(QStringLiteral(GRAFT_CLI_PATH), trainArguments(d, QStringLiteral("killed.h5"))
                                                         << QStringLiteral("--save-state") << state);
        QVERIFY(victim.waitForStarted());
        QElapsedTimer clock;
        clock.start();
        QDateTime lastWrite;
        int writes = 0;
        qint64 firstWriteAt = 0, epochMs = 0;
        while (writes < 2 && victim.state() == QProcess::Running && clock.elapsed() < 300000) {
            QThread::msleep(20);
            const QFileInfo info(state);
            if (info.exists() && info.lastModified() != lastWrite) {
                lastWrite = info.lastModified();
                ++writes;
                if (writes == 1)
                    firstWriteAt = clock.elapsed();
                else
                    epochMs = clock.elapsed() - firstWriteAt;
            }
        }
        QVERIFY2(writes == 2 && victim.state() == QProcess::Running,
                 "the run ended before two epochs' states were seen; the epochs are too short to kill inside one");
        // Half an epoch after the second state: inside the third epoch, between two saves.
        QThread::msleep(quint64(std::max<qint64>(epochMs / 2, 1)));
        QVERIFY2(victim.state() == QProcess::Running, "the run finished before it could be killed");
        victim.kill(); // SIGKILL: no handler, no flush, no cleanup
        QVERIFY(victim.waitForFinished(30000));
        QCOMPARE(victim.exitStatus(), QProcess::CrashExit);
        qInfo("killed %lld ms after the second epoch's state (an epoch took about %lld ms)", epochMs / 2, epochMs);
        QVERIFY2(!QFileInfo::exists(d + QStringLiteral("/killed.h5")), "a killed run must not leave a model behind");

        // Resume from the state the killed run left, saving on into the same file.
        const CliResult resumed =
            runCli(trainArguments(d, QStringLiteral("resumed.h5"))
                   << QStringLiteral("--save-state") << state << QStringLiteral("--resume") << state);
        QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
        QVERIFY2(resumed.err.contains("Resumed from"), resumed.err.constData());

        // Same weights (bit for bit, through their predictions), same history.
        const QByteArray expected = predictions(d, QStringLiteral("straight.h5"));
        QVERIFY(expected.size() > samples * classes * int(sizeof(float)));
        QCOMPARE(predictions(d, QStringLiteral("resumed.h5")), expected);
        const QByteArray history = contentsOf(d + QStringLiteral("/straight.history.csv"));
        QVERIFY(history.count('\n') >= epochs);
        QCOMPARE(contentsOf(d + QStringLiteral("/resumed.history.csv")), history);
    }
};

QTEST_APPLESS_MAIN(TestCliKillResume)
#include "tst_cli_killresume.moc"
