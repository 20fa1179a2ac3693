// Training text-style models: Embedding and recurrent layers train with their dropout (no
// warning), freeze when asked, Embedding's mask_zero keeps padding out of the gradient, and
// BatchNormalization on (batch, time, features) tracks statistics over batch and time.

#include "core/engine/inferencemodel.h"
#include "core/training/trainer.h"
#include "trainingtestmodels.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace graft;
using namespace graft::testmodels;

namespace {

constexpr int kSteps = 6;
constexpr int kVocabulary = 20;
constexpr int kUnits = 4;

QJsonObject poolingConfig()
{
    return QJsonObject{{QStringLiteral("name"), QStringLiteral("pool")},
                       {QStringLiteral("data_format"), QStringLiteral("channels_last")}};
}

QJsonObject lstmLayer(const QString &name, int units, bool sequences, double dropout, double recurrentDropout)
{
    return QJsonObject{
        {QStringLiteral("class_name"), QStringLiteral("LSTM")},
        {QStringLiteral("config"),
         QJsonObject{{QStringLiteral("name"), name},
                     {QStringLiteral("trainable"), true},
                     {QStringLiteral("units"), units},
                     {QStringLiteral("activation"), QStringLiteral("tanh")},
                     {QStringLiteral("recurrent_activation"), QStringLiteral("sigmoid")},
                     {QStringLiteral("use_bias"), true},
                     {QStringLiteral("kernel_initializer"), initializer(QStringLiteral("GlorotUniform"))},
                     {QStringLiteral("recurrent_initializer"), initializer(QStringLiteral("Orthogonal"))},
                     {QStringLiteral("bias_initializer"), initializer(QStringLiteral("Zeros"))},
                     {QStringLiteral("unit_forget_bias"), true},
                     {QStringLiteral("dropout"), dropout},
                     {QStringLiteral("recurrent_dropout"), recurrentDropout},
                     {QStringLiteral("return_sequences"), sequences},
                     {QStringLiteral("implementation"), 2}}}};
}

QJsonObject lstmConfig(const QString &name, int units, bool sequences, double dropout, double recurrentDropout)
{
    return lstmLayer(name, units, sequences, dropout, recurrentDropout).value(QStringLiteral("config")).toObject();
}

QJsonObject embeddingConfig(bool maskZero, double stddev = 0.05)
{
    return QJsonObject{{QStringLiteral("name"), QStringLiteral("embedding")},
                       {QStringLiteral("input_dim"), kVocabulary},
                       {QStringLiteral("output_dim"), 8},
                       {QStringLiteral("embeddings_initializer"),
                        QJsonObject{{QStringLiteral("class_name"), QStringLiteral("RandomNormal")},
                                    {QStringLiteral("config"),
                                     QJsonObject{{QStringLiteral("mean"), 0.0}, {QStringLiteral("stddev"), stddev}}}}},
                       {QStringLiteral("mask_zero"), maskZero},
                       {QStringLiteral("input_length"), kSteps}};
}

/** Embedding → Bidirectional(LSTM(6, dropout 0.3, recurrent_dropout 0.3, sequences)) → BatchNormalization → LSTM(6) → Dense. */
ModelSpec textModel(int classes, bool maskZero, std::uint64_t seed)
{
    const QJsonObject bidirectional{{QStringLiteral("name"), QStringLiteral("bidirectional")},
                                    {QStringLiteral("layer"), lstmLayer(QStringLiteral("lstm"), 6, true, 0.3, 0.3)},
                                    {QStringLiteral("merge_mode"), QStringLiteral("concat")}};
    return buildModel(
        chainModelJson(
            {kSteps},
            {{QStringLiteral("Embedding"), embeddingConfig(maskZero)},
             {QStringLiteral("Bidirectional"), bidirectional},
             {QStringLiteral("BatchNormalization"), batchNormConfig(QStringLiteral("batch_normalization"))},
             {QStringLiteral("LSTM"), lstmConfig(QStringLiteral("lstm_1"), 6, false, 0.2, 0.2)},
             {QStringLiteral("Dense"), denseConfig(QStringLiteral("dense"), classes, QStringLiteral("softmax"))}}),
        seed);
}

/**
 * Token sequences whose class is told by which tokens occur (class c draws from tokens
 * 2 + 3c .. 4 + 3c, the rest from 1 and the other classes' tokens); post-padded with 0 to a
 * random length of 3..kSteps when `padded`.
 */
SampleSet tokenSequences(int classes, int perClass, bool padded, unsigned seed)
{
    std::mt19937 random(seed);
    SampleSet set;
    set.shape = {std::int64_t(classes) * perClass, kSteps};
    for (int i = 0; i < perClass; ++i)
        for (int c = 0; c < classes; ++c) {
            const int length = padded ? 3 + int(random() % (kSteps - 2)) : kSteps;
            for (int t = 0; t < kSteps; ++t) {
                int token = 0;
                if (t < length)
                    token = random() % 3 == 0 ? 1 + int(random() % (3 * classes + 1)) : 2 + 3 * c + int(random() % 3);
                set.values.push_back(float(token));
            }
            set.labels.append(c);
        }
    return set;
}

TrainingParams textParams(const ModelSpec &model, int classes, bool padded)
{
    TrainingParams p;
    p.model = model;
    p.kerasVersion = QStringLiteral("2.15.0");
    p.classNames = names(QStringLiteral("c"), classes);
    p.train = tokenSequences(classes, 16, padded, 11);
    p.validation = tokenSequences(classes, 4, padded, 12);
    p.trainable.preset = TrainPreset::All;
    p.batchSize = 16;
    p.epochs = 2;
    p.seed = 3;
    return p;
}

const std::vector<float> &weightValues(const ModelSpec &model, const QString &layer, const QString &weight)
{
    static const std::vector<float> none;
    const Layer *l = model.layer(layer);
    const LayerWeight *w = l ? l->weight(weight) : nullptr;
    return w ? w->tensor.values : none;
}

/** Rows of an (rows, width) table that differ between two versions of it. */
QVector<int> changedRows(const std::vector<float> &before, const std::vector<float> &after, int width)
{
    QVector<int> rows;
    for (std::size_t r = 0; r * std::size_t(width) < before.size(); ++r)
        if (!std::equal(before.begin() + std::ptrdiff_t(r * width), before.begin() + std::ptrdiff_t((r + 1) * width),
                        after.begin() + std::ptrdiff_t(r * width)))
            rows << int(r);
    return rows;
}

struct Notes final : TrainingObserver
{
    QStringList notes;
    void note(const QString &m) override { notes << m; }
};

} // namespace

class TestRecurrentTraining final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void recurrentLayersTrainWithTheirDropout()
    {
        const ModelSpec model = textModel(3, false, 7);
        QVERIFY(!model.layers.isEmpty());
        Notes notes;
        const auto result = Trainer::run(textParams(model, 3, false), &notes);
        QVERIFY2(result, qPrintable(result.errorString()));
        // The dropout is applied now: no warning that it is not (Trainer's notes and result).
        QVERIFY2(!notes.notes.join(QLatin1Char('\n')).contains(QStringLiteral("dropout")),
                 qPrintable(notes.notes.join(QLatin1Char('\n'))));
        QVERIFY2(result->warnings.isEmpty(), qPrintable(result->warnings.join(QLatin1Char('\n'))));
        // Gradients reach every weight through the dropped inputs and states.
        for (const auto &[layer, weight] :
             {std::pair{"bidirectional", "forward/kernel"}, std::pair{"bidirectional", "forward/recurrent_kernel"},
              std::pair{"bidirectional", "backward/kernel"}, std::pair{"bidirectional", "backward/recurrent_kernel"},
              std::pair{"bidirectional", "forward/bias"}, std::pair{"lstm_1", "kernel"},
              std::pair{"lstm_1", "recurrent_kernel"}, std::pair{"embedding", "embeddings"},
              std::pair{"batch_normalization", "gamma"}}) {
            const std::vector<float> &before =
                weightValues(model, QString::fromLatin1(layer), QString::fromLatin1(weight));
            const std::vector<float> &after =
                weightValues(result->model, QString::fromLatin1(layer), QString::fromLatin1(weight));
            QVERIFY2(!before.empty() && before.size() == after.size(), weight);
            QVERIFY2(
                before != after,
                qPrintable(QStringLiteral("%1/%2 did not train").arg(QLatin1String(layer), QLatin1String(weight))));
            for (float v : after)
                QVERIFY(std::isfinite(v));
        }
    }

    void frozenEmbeddingAndRecurrentLayersKeepTheirWeights()
    {
        ModelSpec model = textModel(3, false, 8);
        QVERIFY(!model.layers.isEmpty());
        TrainingParams p = textParams(model, 3, false);
        p.trainable.preset = TrainPreset::Custom;
        for (const QString &frozen :
             {QStringLiteral("embedding"), QStringLiteral("bidirectional"), QStringLiteral("lstm_1")})
            p.model.layer(frozen)->trainable = false;
        const auto result = Trainer::run(p);
        QVERIFY2(result, qPrintable(result.errorString()));
        for (const QString &frozen :
             {QStringLiteral("embedding"), QStringLiteral("bidirectional"), QStringLiteral("lstm_1")})
            QCOMPARE(weightsOf(result->model, frozen), weightsOf(model, frozen));
        QVERIFY(weightsOf(result->model, QStringLiteral("dense")) != weightsOf(model, QStringLiteral("dense")));
        QVERIFY(weightValues(result->model, QStringLiteral("batch_normalization"), QStringLiteral("gamma"))
                != weightValues(model, QStringLiteral("batch_normalization"), QStringLiteral("gamma")));

        // The same selection with the recurrent layers trainable changes them (the check above can fail).
        p.model.layer(QStringLiteral("bidirectional"))->trainable = true;
        const auto unfrozen = Trainer::run(p);
        QVERIFY(unfrozen);
        QVERIFY(weightsOf(unfrozen->model, QStringLiteral("bidirectional"))
                != weightsOf(model, QStringLiteral("bidirectional")));
        QCOMPARE(weightsOf(unfrozen->model, QStringLiteral("embedding")),
                 weightsOf(model, QStringLiteral("embedding")));
    }

    void maskZeroKeepsPaddingOutOfTraining()
    {
        // Post-padded sequences through Embedding(mask_zero) → LSTM → Dense: the padding
        // token's row gets no gradient (its steps are masked) while the used rows train.
        const ModelSpec model = buildModel(
            chainModelJson({kSteps}, {{QStringLiteral("Embedding"), embeddingConfig(true)},
                                      {QStringLiteral("LSTM"), lstmConfig(QStringLiteral("lstm"), 6, false, 0.2, 0.2)},
                                      {QStringLiteral("Dense"),
                                       denseConfig(QStringLiteral("dense"), 3, QStringLiteral("softmax"))}}),
            9);
        QVERIFY(!model.layers.isEmpty());
        TrainingParams p = textParams(model, 3, true);
        int padding = 0;
        for (float v : p.train.values)
            padding += v == 0.0f;
        QVERIFY(padding > 0);
        const auto result = Trainer::run(p);
        QVERIFY2(result, qPrintable(result.errorString()));
        const QVector<int> rows =
            changedRows(weightValues(model, QStringLiteral("embedding"), QStringLiteral("embeddings")),
                        weightValues(result->model, QStringLiteral("embedding"), QStringLiteral("embeddings")), 8);
        QVERIFY2(!rows.contains(0), "the padding row trained");
        QCOMPARE(rows.size(), 3 * 3 + 1); // tokens 1 .. 10 occur
        // Without mask_zero the padding row is an ordinary token and trains.
        const ModelSpec unmasked = buildModel(
            chainModelJson({kSteps}, {{QStringLiteral("Embedding"), embeddingConfig(false)},
                                      {QStringLiteral("LSTM"), lstmConfig(QStringLiteral("lstm"), 6, false, 0.2, 0.2)},
                                      {QStringLiteral("Dense"),
                                       denseConfig(QStringLiteral("dense"), 3, QStringLiteral("softmax"))}}),
            9);
        p.model = unmasked;
        const auto plain = Trainer::run(p);
        QVERIFY(plain);
        QVERIFY(changedRows(weightValues(unmasked, QStringLiteral("embedding"), QStringLiteral("embeddings")),
                            weightValues(plain->model, QStringLiteral("embedding"), QStringLiteral("embeddings")), 8)
                    .contains(0));
    }

    void batchNormOnSequencesUsesBatchAndTime_data()
    {
        QTest::addColumn<QString>("kerasVersion");
        QTest::addColumn<bool>("corrected"); // false: biased, true: n / (n - (1 + epsilon))
        // tf.keras 2 does not fuse 3-D inputs: tf.nn.moments (biased) feeds the moving variance;
        // Keras 3 tracks the biased variance too; multi-backend Keras multiplies by
        // n / (n - (1 + epsilon)). All normalize with the biased batch variance.
        QTest::newRow("tf.keras 2.15") << "2.15.0" << false;
        QTest::newRow("Keras 3") << "3.3.3" << false;
        QTest::newRow("multi-backend Keras 2.2.4") << "2.2.4" << true;
    }

    void batchNormOnSequencesUsesBatchAndTime()
    {
        // Input(6, 3) → LSTM(4, sequences) → BatchNormalization(axis=-1) → GlobalAveragePooling1D → Dense.
        QFETCH(QString, kerasVersion);
        QFETCH(bool, corrected);
        const int n = 24, features = 3;
        const ModelSpec model = buildModel(
            chainModelJson(
                {kSteps, features},
                {{QStringLiteral("LSTM"), lstmConfig(QStringLiteral("lstm"), kUnits, true, 0.0, 0.0)},
                 {QStringLiteral("BatchNormalization"), batchNormConfig(QStringLiteral("bn"))},
                 {QStringLiteral("GlobalAveragePooling1D"), poolingConfig()},
                 {QStringLiteral("Dense"), denseConfig(QStringLiteral("dense"), 2, QStringLiteral("softmax"))}}),
            10);
        QVERIFY(!model.layers.isEmpty());
        SampleSet train = blobs(2, n / 2, kSteps * features, 21);
        train.shape = {n, kSteps, features};
        checkOneStepOfMovingStatistics(model, train, kerasVersion, corrected, {});
    }

    void batchNormMomentsSkipMaskedSteps_data()
    {
        QTest::addColumn<QString>("kerasVersion");
        QTest::addColumn<bool>("masked"); // statistics over the unmasked steps only
        QTest::addColumn<bool>("corrected");
        // tf.keras (TF 2.2 on) and Keras 3 pass Embedding(mask_zero)'s mask to
        // tf.nn.weighted_moments / their masked _moments; multi-backend Keras ignores it.
        QTest::newRow("tf.keras 2.15") << "2.15.0" << true << false;
        QTest::newRow("Keras 3") << "3.3.3" << true << false;
        QTest::newRow("multi-backend Keras 2.2.4") << "2.2.4" << false << true;
    }

    void batchNormMomentsSkipMaskedSteps()
    {
        // Post-padded tokens → Embedding(mask_zero) → LSTM(4, sequences) → BatchNormalization → pooling → Dense.
        QFETCH(QString, kerasVersion);
        QFETCH(bool, masked);
        QFETCH(bool, corrected);
        // Embeddings of stddev 1: LSTM outputs that vary enough to tell the variances apart.
        const ModelSpec model = buildModel(
            chainModelJson(
                {kSteps},
                {{QStringLiteral("Embedding"), embeddingConfig(true, 1.0)},
                 {QStringLiteral("LSTM"), lstmConfig(QStringLiteral("lstm"), kUnits, true, 0.0, 0.0)},
                 {QStringLiteral("BatchNormalization"), batchNormConfig(QStringLiteral("bn"))},
                 {QStringLiteral("GlobalAveragePooling1D"), poolingConfig()},
                 {QStringLiteral("Dense"), denseConfig(QStringLiteral("dense"), 2, QStringLiteral("softmax"))}}),
            12);
        QVERIFY(!model.layers.isEmpty());
        const SampleSet train = tokenSequences(2, 12, true, 13);
        std::vector<bool> keep;
        for (float token : train.values)
            keep.push_back(token != 0.0f);
        QVERIFY(std::count(keep.begin(), keep.end(), false) > 0);
        checkOneStepOfMovingStatistics(model, train, kerasVersion, corrected, masked ? keep : std::vector<bool>());
    }

private:
    /**
     * One training step over the whole of `train` (one batch): BatchNormalization "bn"'s moving
     * statistics become moving * 0.99 + batch * 0.01 (Keras's assign_moving_average), the batch
     * statistics taken per feature over batch and time (over the steps `keep` marks, when given)
     * from the output of layer "lstm" under the initial weights.
     */
    void checkOneStepOfMovingStatistics(const ModelSpec &model, const SampleSet &train, const QString &kerasVersion,
                                        bool corrected, const std::vector<bool> &keep)
    {
        const int n = int(train.shape[0]);
        TrainingParams p;
        p.model = model;
        p.kerasVersion = kerasVersion;
        p.classNames = names(QStringLiteral("c"), 2);
        p.train = train;
        p.trainable.preset = TrainPreset::All;
        p.batchSize = n;
        p.epochs = 1;
        p.seed = 4;

        auto engine = InferenceModel::build(model, EngineOptions::forKerasVersion(kerasVersion));
        QVERIFY2(engine, qPrintable(engine.errorString()));
        TensorData x;
        x.shape = train.shape;
        x.values = train.values;
        const auto lstmOut = engine->predictTensors({x}, {TensorRef{QStringLiteral("lstm"), 0, 0}}, n);
        QVERIFY2(lstmOut, qPrintable(lstmOut.errorString()));
        const TensorData &h = lstmOut->front();
        QCOMPARE(h.shape, (std::vector<std::int64_t>{n, kSteps, kUnits}));

        const auto result = Trainer::run(p);
        QVERIFY2(result, qPrintable(result.errorString()));
        const std::vector<float> &mean0 = weightValues(model, QStringLiteral("bn"), QStringLiteral("moving_mean"));
        const std::vector<float> &var0 = weightValues(model, QStringLiteral("bn"), QStringLiteral("moving_variance"));
        const std::vector<float> &mean1 =
            weightValues(result->model, QStringLiteral("bn"), QStringLiteral("moving_mean"));
        const std::vector<float> &var1 =
            weightValues(result->model, QStringLiteral("bn"), QStringLiteral("moving_variance"));
        QCOMPARE(int(mean1.size()), kUnits);
        const double epsilon = 1e-3, momentum = 0.99;
        const double tolerance = 3e-7; // float32 rounding of values near 1
        double otherAxesGap = 0.0;     // how far statistics over the batch axis alone, or ignoring the mask, would be
        double varianceKindGap = 0.0;  // how far the other variance (biased or corrected) would be
        const auto kept = [&](int s, int t) { return keep.empty() || keep[std::size_t(s * kSteps + t)]; };
        for (int j = 0; j < kUnits; ++j) {
            const auto value = [&](int s, int t) {
                return double(h.values[std::size_t((s * kSteps + t) * kUnits + j)]);
            };
            double count = 0.0, sum = 0.0, squares = 0.0, allSum = 0.0, lastStepSum = 0.0;
            for (int s = 0; s < n; ++s)
                for (int t = 0; t < kSteps; ++t) {
                    count += kept(s, t);
                    sum += kept(s, t) ? value(s, t) : 0.0;
                    allSum += value(s, t);
                    lastStepSum += t == kSteps - 1 ? value(s, t) : 0.0;
                }
            const double mean = sum / count;
            for (int s = 0; s < n; ++s)
                for (int t = 0; t < kSteps; ++t)
                    squares += kept(s, t) ? (value(s, t) - mean) * (value(s, t) - mean) : 0.0;
            const double biased = squares / count;
            const double unbiased = biased * count / (count - (1.0 + epsilon));
            const double variance = corrected ? unbiased : biased;
            const double expectedMean = mean0[std::size_t(j)] * momentum + mean * (1.0 - momentum);
            const double expectedVariance = var0[std::size_t(j)] * momentum + variance * (1.0 - momentum);
            QVERIFY2(std::abs(mean1[std::size_t(j)] - expectedMean) < tolerance,
                     qPrintable(QStringLiteral("feature %1: moving mean %2, expected %3")
                                    .arg(j)
                                    .arg(mean1[std::size_t(j)])
                                    .arg(expectedMean)));
            QVERIFY2(std::abs(var1[std::size_t(j)] - expectedVariance) < tolerance,
                     qPrintable(QStringLiteral("feature %1: moving variance %2, expected %3")
                                    .arg(j)
                                    .arg(var1[std::size_t(j)])
                                    .arg(expectedVariance)));
            const double wrongMean = keep.empty() ? lastStepSum / n : allSum / (double(n) * kSteps);
            otherAxesGap = std::max(otherAxesGap, std::abs(wrongMean - mean) * (1.0 - momentum));
            varianceKindGap = std::max(varianceKindGap, (unbiased - biased) * (1.0 - momentum));
        }
        // The tolerance tells the alternatives apart.
        QVERIFY2(otherAxesGap > 3.0 * tolerance, qPrintable(QString::number(otherAxesGap)));
        QVERIFY2(varianceKindGap > 3.0 * tolerance, qPrintable(QString::number(varianceKindGap)));
    }
};

QTEST_APPLESS_MAIN(TestRecurrentTraining)
#include "tst_recurrenttraining.moc"
