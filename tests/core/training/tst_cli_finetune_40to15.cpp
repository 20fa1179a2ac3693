// graft-cli from the outside on the fine-tuning issue's own case: a classifier of 40 speakers
// becomes one of 15 other speakers. Both datasets are generated here, seeded: each speaker is
// a cluster in a small latent "voice" space seen through a fixed nonlinear projection, buried
// among loud nuisance features. The base model is trained by graft-cli itself (from an
// architecture JSON, random head, every layer), then fine-tuned 40 → 15 with a few samples per
// new speaker and --compare-scratch: it must reach the stated accuracy and beat the same
// training from scratch at equal epochs. What it learned on the 40 (which features carry
// the voice) is what the 15 have too few samples to learn alone.

#include "core/io/npyarray.h"
#include "core/io/npyfile.h"
#include "tests/common/clirun.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <random>

using namespace graft;
using namespace graft::testing;

namespace {

constexpr int latentDims = 8, signalDims = 16, nuisanceDims = 48;
constexpr double statedAccuracy = 0.60; // fine-tuned, on the new speakers' held-out samples
constexpr double statedMargin = 0.20;   // over from-scratch training at equal epochs

/** The generator: one projection and one prototype per speaker (55 = 40 old + 15 new). */
struct Voices
{
    explicit Voices(std::uint32_t seed) : random(seed)
    {
        std::normal_distribution<double> normal;
        for (double &m : projection)
            m = normal(random) / std::sqrt(double(latentDims)) * 2.0;
        prototypes.resize(55 * latentDims);
        for (double &p : prototypes)
            p = normal(random);
    }

    /** `perSpeaker` samples of speakers [first, first + count), labels 0..count-1 in that order. */
    void write(const QString &xPath, const QString &yPath, int first, int count, int perSpeaker)
    {
        std::normal_distribution<double> spread(0.0, 0.45), nuisance(0.0, 1.5);
        std::vector<float> x;
        std::vector<std::int64_t> y;
        for (int s = 0; s < count; ++s) {
            for (int n = 0; n < perSpeaker; ++n) {
                double z[latentDims];
                for (int l = 0; l < latentDims; ++l)
                    z[l] = prototypes[std::size_t((first + s) * latentDims + l)] + spread(random);
                for (int d = 0; d < signalDims; ++d) {
                    double v = 0.0;
                    for (int l = 0; l < latentDims; ++l)
                        v += projection[std::size_t(d * latentDims + l)] * z[l];
                    x.push_back(float(std::tanh(v)));
                }
                for (int d = 0; d < nuisanceDims; ++d)
                    x.push_back(float(nuisance(random)));
                y.push_back(s);
            }
        }
        const std::int64_t rows = std::int64_t(y.size());
        QVERIFY(NpyFile::write(xPath, NpyArray(std::move(x), {rows, signalDims + nuisanceDims})));
        QVERIFY(NpyFile::write(yPath, NpyArray(std::move(y), {rows})));
    }

    std::mt19937 random;
    double projection[signalDims * latentDims];
    std::vector<double> prototypes;
};

QJsonObject dense(const QString &name, int units, const QString &activation, const QString &input)
{
    return {{QStringLiteral("class_name"), QStringLiteral("Dense")},
            {QStringLiteral("name"), name},
            {QStringLiteral("config"), QJsonObject{{QStringLiteral("name"), name},
                                                   {QStringLiteral("units"), units},
                                                   {QStringLiteral("activation"), activation},
                                                   {QStringLiteral("use_bias"), true},
                                                   {QStringLiteral("trainable"), true}}},
            {QStringLiteral("inbound_nodes"), QJsonArray{QJsonArray{QJsonArray{input, 0, 0, QJsonObject()}}}}};
}

/** A small speaker classifier as Keras's model.to_json() writes it: 64 → 64 → 32 → 40. */
QByteArray architectureJson()
{
    const QJsonObject input{
        {QStringLiteral("class_name"), QStringLiteral("InputLayer")},
        {QStringLiteral("name"), QStringLiteral("input_1")},
        {QStringLiteral("config"),
         QJsonObject{{QStringLiteral("name"), QStringLiteral("input_1")},
                     {QStringLiteral("batch_input_shape"), QJsonArray{QJsonValue(), signalDims + nuisanceDims}},
                     {QStringLiteral("dtype"), QStringLiteral("float32")}}},
        {QStringLiteral("inbound_nodes"), QJsonArray()}};
    const QJsonArray layers{input,
                            dense(QStringLiteral("dense"), 64, QStringLiteral("relu"), QStringLiteral("input_1")),
                            dense(QStringLiteral("dense_1"), 32, QStringLiteral("relu"), QStringLiteral("dense")),
                            dense(QStringLiteral("dense_2"), 40, QStringLiteral("softmax"), QStringLiteral("dense_1"))};
    const QJsonObject config{
        {QStringLiteral("name"), QStringLiteral("speakers")},
        {QStringLiteral("layers"), layers},
        {QStringLiteral("input_layers"), QJsonArray{QJsonArray{QStringLiteral("input_1"), 0, 0}}},
        {QStringLiteral("output_layers"), QJsonArray{QJsonArray{QStringLiteral("dense_2"), 0, 0}}}};
    return QJsonDocument(QJsonObject{{QStringLiteral("class_name"), QStringLiteral("Functional")},
                                     {QStringLiteral("config"), config}})
        .toJson();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

QByteArray names(const QString &prefix, int count)
{
    QByteArray out;
    for (int i = 0; i < count; ++i)
        out += prefix.toUtf8() + QByteArray::number(i).rightJustified(2, '0') + '\n';
    return out;
}

} // namespace

class TestCliFinetune40to15 final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fortySpeakersToFifteenBeatsScratch_data()
    {
        QTest::addColumn<uint>("seed");
        QTest::newRow("voices 1") << 1u;
        QTest::newRow("voices 2") << 2u;
    }

    void fortySpeakersToFifteenBeatsScratch()
    {
        QFETCH(uint, seed);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto path = [&](const char *name) { return dir.filePath(QString::fromLatin1(name)); };
        Voices voices(seed);
        voices.write(path("base_x.npy"), path("base_y.npy"), 0, 40, 40);
        voices.write(path("new_x.npy"), path("new_y.npy"), 40, 15, 24);
        if (QTest::currentTestFailed())
            return; // a helper's QVERIFY only leaves the helper
        QVERIFY(writeFile(path("arch.json"), architectureJson()));
        QVERIFY(writeFile(path("base.txt"), names(QStringLiteral("old"), 40)));
        QVERIFY(writeFile(path("new.txt"), names(QStringLiteral("new"), 15)));

        // The old model: 40 speakers, 40 samples each, trained from scratch by graft-cli.
        const CliResult base =
            runCli({QStringLiteral("finetune"), path("arch.json"), QStringLiteral("-x"), path("base_x.npy"),
                    QStringLiteral("-y"), path("base_y.npy"), QStringLiteral("--class-names"), path("base.txt"),
                    QStringLiteral("--head"), QStringLiteral("random"), QStringLiteral("--train"),
                    QStringLiteral("all"), QStringLiteral("--epochs"), QStringLiteral("40"), QStringLiteral("--seed"),
                    QStringLiteral("1"), QStringLiteral("--out"), path("base.h5")});
        QVERIFY2(base.exitCode == 0, base.err.constData());

        // 40 → 15: 6 training samples per new speaker (the other 18 are held out), every
        // layer trains; the same run from freshly initialized weights is the comparison.
        const CliResult tuned =
            runCli({QStringLiteral("finetune"), path("base.h5"), QStringLiteral("-x"), path("new_x.npy"),
                    QStringLiteral("-y"), path("new_y.npy"), QStringLiteral("--class-names"), path("new.txt"),
                    QStringLiteral("--val-split"), QStringLiteral("0.75"), QStringLiteral("--train"),
                    QStringLiteral("all"), QStringLiteral("--epochs"), QStringLiteral("30"), QStringLiteral("--seed"),
                    QStringLiteral("1"), QStringLiteral("--compare-scratch"), QStringLiteral("--out"), path("new.h5")});
        QVERIFY2(tuned.exitCode == 0, tuned.err.constData());
        // The plan and data summary go to stderr, the results to stdout.
        const QString plan = QString::fromUtf8(tuned.err), results = QString::fromUtf8(tuned.out);
        QVERIFY2(plan.contains(QStringLiteral("Data: 15 classes, 90 training and 270 validation samples")),
                 qPrintable(plan));
        QVERIFY2(plan.contains(QStringLiteral("Head dense_2 (per-row): 40 → 15 outputs")), qPrintable(plan));
        const QRegularExpression final(
            QStringLiteral("Final validation accuracy: fine-tuned ([0-9.]+) %, from scratch ([0-9.]+) %"));
        const auto match = final.match(results);
        QVERIFY2(match.hasMatch(), qPrintable(results));
        const double fineTuned = match.captured(1).toDouble() / 100.0;
        const double scratch = match.captured(2).toDouble() / 100.0;
        qInfo("40 -> 15, voices %u: fine-tuned %.3f, from scratch %.3f", seed, fineTuned, scratch);
        QVERIFY2(fineTuned >= statedAccuracy, qPrintable(QString::number(fineTuned)));
        QVERIFY2(fineTuned - scratch >= statedMargin,
                 qPrintable(QStringLiteral("%1 vs %2").arg(fineTuned).arg(scratch)));

        QFile labels(path("new.labels.txt"));
        QVERIFY(labels.open(QIODevice::ReadOnly));
        QCOMPARE(labels.readAll(), names(QStringLiteral("new"), 15));
    }
};

QTEST_APPLESS_MAIN(TestCliFinetune40to15)
#include "tst_cli_finetune_40to15.moc"
