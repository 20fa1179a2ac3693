// SimpleRNN, LSTM and GRU dropout / recurrent_dropout in training mode: masks drawn once per
// call and reused at every step, per gate or shared as Keras's `implementation` decides,
// independent per Bidirectional direction, nothing at inference.

#include "core/engine/inferencemodel.h"

#include "enginetesthelpers.h"
#include "referenceops.h"
#include "specbuilder.h"

#include <QtTest>

#include <cmath>

using namespace graft;
using namespace graft::testing;

namespace {

ModelSpec parseSpec(const QJsonObject &config)
{
    auto spec = KerasConfigParser::parse(config);
    if (!spec)
        qFatal("test config does not parse: %s", qPrintable(spec.errorString()));
    return *spec;
}

int gateCount(const QString &cls)
{
    return cls == QLatin1String("LSTM") ? 4 : (cls == QLatin1String("GRU") ? 3 : 1);
}

/** The gate whose block carries the signal in the designed weights: SimpleRNN's only one, LSTM's c, GRU's h. */
int candidateGate(const QString &cls)
{
    return cls == QLatin1String("SimpleRNN") ? 0 : 2;
}

/** Weights of a recurrent layer with `features` inputs and `units` units, every value given by `value(gate, row, col)`. */
struct RecurrentWeights
{
    TensorData kernel, recurrent, bias;
};

RecurrentWeights zeroWeights(const QString &cls, int features, int units, bool resetAfter)
{
    const int g = gateCount(cls);
    RecurrentWeights w;
    w.kernel = tensor({features, g * units}, std::vector<float>(std::size_t(features * g * units), 0.0f));
    w.recurrent = tensor({units, g * units}, std::vector<float>(std::size_t(units * g * units), 0.0f));
    const bool twoRows = cls == QLatin1String("GRU") && resetAfter;
    w.bias = twoRows ? tensor({2, g * units}, std::vector<float>(std::size_t(2 * g * units), 0.0f))
                     : tensor({g * units}, std::vector<float>(std::size_t(g * units), 0.0f));
    return w;
}

void setBlockIdentity(TensorData &matrix, int gate, int units)
{
    const std::int64_t cols = matrix.shape[1];
    for (int i = 0; i < units; ++i)
        matrix.values[std::size_t(i * cols + gate * units + i)] = 1.0f;
}

void setBias(TensorData &bias, int gate, int units, float value)
{
    for (int i = 0; i < units; ++i)
        bias.values[std::size_t(gate * units + i)] = value; // row 0 (the input bias) of a GRU's (2, 3u)
}

/** With linear activations, LSTM's i and o gates at 1 and f at 0; GRU's z at 0 and r at 1. */
void openGates(const QString &cls, TensorData &bias, int units)
{
    if (cls == QLatin1String("LSTM")) {
        setBias(bias, 0, units, 1.0f);
        setBias(bias, 3, units, 1.0f);
    } else if (cls == QLatin1String("GRU")) {
        setBias(bias, 1, units, 1.0f);
    }
}

QJsonObject layerConfig(const QString &cls, int units, double dropout, double recurrentDropout, int implementation,
                        bool resetAfter)
{
    QJsonObject config{{"units", units},   {"activation", "linear"}, {"return_sequences", true},
                       {"use_bias", true}, {"dropout", dropout},     {"recurrent_dropout", recurrentDropout}};
    if (cls != QLatin1String("SimpleRNN"))
        config.insert("recurrent_activation", "linear");
    if (cls == QLatin1String("GRU"))
        config.insert("reset_after", resetAfter);
    if (implementation > 0)
        config.insert("implementation", implementation);
    return config;
}

ModelSpec recurrentModel(const QString &cls, const QJsonObject &config, int steps, int features,
                         const RecurrentWeights &w, bool bidirectional = false)
{
    const QJsonArray shape{steps, features};
    if (!bidirectional) {
        ModelSpec spec =
            parseSpec(functionalConfig({{"input_1", shape}}, {{"rnn", cls, config, {"input_1"}}}, {"rnn"}));
        spec.layer("rnn")->weights = {weight("kernel", w.kernel), weight("recurrent_kernel", w.recurrent),
                                      weight("bias", w.bias)};
        return spec;
    }
    QJsonObject inner = config;
    inner.insert("name", "rnn");
    const QJsonObject wrapper{{"layer", QJsonObject{{"class_name", cls}, {"config", inner}}}, {"merge_mode", "concat"}};
    ModelSpec spec =
        parseSpec(functionalConfig({{"input_1", shape}}, {{"bi", "Bidirectional", wrapper, {"input_1"}}}, {"bi"}));
    QVector<LayerWeight> weights;
    for (const QString &direction : {QStringLiteral("forward/"), QStringLiteral("backward/")})
        weights << weight(direction + "kernel", w.kernel) << weight(direction + "recurrent_kernel", w.recurrent)
                << weight(direction + "bias", w.bias);
    spec.layer("bi")->weights = weights;
    return spec;
}

InferenceModel buildModel(const ModelSpec &spec, const QString &kerasVersion)
{
    auto model = InferenceModel::build(spec, EngineOptions::forKerasVersion(kerasVersion));
    if (!model)
        qFatal("build failed: %s", qPrintable(model.errorString()));
    return std::move(model).value();
}

TensorData filled(std::vector<std::int64_t> shape, float value)
{
    TensorData t;
    t.shape = std::move(shape);
    t.values.assign(std::size_t(t.elementCount()), value);
    return t;
}

/** N copies of one sample (N, ...). */
TensorData repeated(const TensorData &sample, int n)
{
    TensorData t;
    t.shape = {n};
    t.shape.insert(t.shape.end(), sample.shape.begin() + 1, sample.shape.end());
    for (int i = 0; i < n; ++i)
        t.values.insert(t.values.end(), sample.values.begin(), sample.values.end());
    return t;
}

TensorData runTraining(InferenceModel &model, const TensorData &x)
{
    auto y = model.runTrainingMode({x}, 8192);
    if (!y)
        qFatal("training-mode run failed: %s", qPrintable(y.errorString()));
    return y->front();
}

TensorData runInference(InferenceModel &model, const TensorData &x)
{
    auto y = model.predict({x}, 64);
    if (!y)
        qFatal("predict failed: %s", qPrintable(y.errorString()));
    return y->front();
}

float at(const TensorData &y, std::int64_t n, std::int64_t t, std::int64_t j)
{
    return y.values[std::size_t((n * y.shape[1] + t) * y.shape[2] + j)];
}

} // namespace

class TestRecurrentDropout final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void layers_data()
    {
        QTest::addColumn<QString>("cls");
        QTest::addColumn<int>("implementation"); // 0: not in the config
        QTest::addColumn<bool>("resetAfter");
        QTest::addColumn<QString>("version");
        QTest::newRow("SimpleRNN tf.keras") << "SimpleRNN" << 0 << false << "2.15.0";
        QTest::newRow("LSTM impl 1 tf.keras") << "LSTM" << 1 << false << "2.15.0";
        QTest::newRow("LSTM impl 2 tf.keras") << "LSTM" << 2 << false << "2.15.0";
        QTest::newRow("LSTM Keras 3") << "LSTM" << 0 << false << "3.3.3";
        QTest::newRow("GRU reset_after impl 1") << "GRU" << 1 << true << "2.15.0";
        QTest::newRow("GRU reset_before impl 2 Keras 2.2") << "GRU" << 2 << false << "2.2.4";
        QTest::newRow("GRU Keras 3") << "GRU" << 0 << true << "3.3.3";
    }

    void inputMaskIsTheSameAtEveryStep_data() { layers_data(); }
    void inputMaskIsTheSameAtEveryStep()
    {
        // Linear cell whose output at each step is the dropped input (ones) itself: 0 or 1/(1-p),
        // the same at every step of a sequence when the mask is drawn once per call.
        QFETCH(QString, cls);
        QFETCH(int, implementation);
        QFETCH(bool, resetAfter);
        QFETCH(QString, version);
        const int units = 6, steps = 5, n = 64;
        RecurrentWeights w = zeroWeights(cls, units, units, resetAfter);
        setBlockIdentity(w.kernel, candidateGate(cls), units);
        openGates(cls, w.bias, units);
        InferenceModel model = buildModel(
            recurrentModel(cls, layerConfig(cls, units, 0.5, 0.0, implementation, resetAfter), steps, units, w),
            version);
        const TensorData x = filled({n, steps, units}, 1.0f);
        const TensorData y = runTraining(model, x);
        QCOMPARE(y.shape, (std::vector<std::int64_t>{n, steps, units}));
        int dropped = 0;
        for (int s = 0; s < n; ++s)
            for (int j = 0; j < units; ++j) {
                const float first = at(y, s, 0, j);
                QVERIFY2(first == 0.0f || first == 2.0f, qPrintable(QStringLiteral("%1").arg(first)));
                dropped += first == 0.0f;
                for (int t = 1; t < steps; ++t)
                    QCOMPARE(at(y, s, t, j), first);
            }
        // 384 draws at p = 0.5: ±0.15 is six standard deviations.
        QVERIFY2(std::abs(dropped / double(n * units) - 0.5) < 0.15, qPrintable(QString::number(dropped)));
        // A new call draws new masks.
        QVERIFY(runTraining(model, x).values != y.values);
        // Inference drops nothing.
        QCOMPARE(runInference(model, x).values, std::vector<float>(y.values.size(), 1.0f));
    }

    void recurrentMaskIsTheSameAtEveryStep_data() { layers_data(); }
    void recurrentMaskIsTheSameAtEveryStep()
    {
        // h_t = 1 + (h_{t-1} * r) · I with r in {0, 2} per (sample, unit): either 1, 1, 1, ... or
        // 1, 3, 7, 15, ...; a mask redrawn at each step would mix the two.
        QFETCH(QString, cls);
        QFETCH(int, implementation);
        QFETCH(bool, resetAfter);
        QFETCH(QString, version);
        const int units = 5, steps = 5, n = 64;
        RecurrentWeights w = zeroWeights(cls, 1, units, resetAfter);
        setBlockIdentity(w.recurrent, candidateGate(cls), units);
        setBias(w.bias, candidateGate(cls), units, 1.0f);
        openGates(cls, w.bias, units);
        InferenceModel model = buildModel(
            recurrentModel(cls, layerConfig(cls, units, 0.0, 0.5, implementation, resetAfter), steps, 1, w), version);
        const TensorData y = runTraining(model, filled({n, steps, 1}, 0.0f));
        int kept = 0;
        for (int s = 0; s < n; ++s)
            for (int j = 0; j < units; ++j) {
                const bool keeps = at(y, s, 1, j) == 3.0f;
                kept += keeps;
                float expected = 0.0f;
                for (int t = 0; t < steps; ++t) {
                    expected = 1.0f + (keeps ? 2.0f * expected : 0.0f);
                    QCOMPARE(at(y, s, t, j), expected);
                }
            }
        QVERIFY2(std::abs(kept / double(n * units) - 0.5) < 0.15, qPrintable(QString::number(kept)));
        // Inference: no recurrent dropout, 1, 2, 3, ...
        const TensorData inference = runInference(model, filled({2, steps, 1}, 0.0f));
        for (int t = 0; t < steps; ++t)
            QCOMPARE(at(inference, 1, t, 0), float(t + 1));
    }

    void gateMasksFollowImplementation_data()
    {
        QTest::addColumn<QString>("cls");
        QTest::addColumn<int>("implementation");
        QTest::addColumn<double>("recurrentDropout");
        QTest::addColumn<QString>("version");
        QTest::addColumn<double>("expectedMean");
        // One step, one feature, linear activations, x = 1, kernels 1, biases 0, p = 0.5 (masks 0 or 2):
        // LSTM h = o * i * c = m_o m_i m_c: E = 1 with a mask per gate, E[m^3] = 4 with one shared mask.
        // GRU h = (1 - z) * hh = (1 - m_z) m_h: E = 0 per gate, E[m - m^2] = -1 shared.
        QTest::newRow("LSTM tf.keras impl 2: one mask") << "LSTM" << 2 << 0.0 << "2.15.0" << 4.0;
        QTest::newRow("LSTM tf.keras impl 1: a mask per gate") << "LSTM" << 1 << 0.0 << "2.15.0" << 1.0;
        QTest::newRow("LSTM tf.keras recurrent_dropout switches to impl 1") << "LSTM" << 2 << 0.5 << "2.15.0" << 1.0;
        QTest::newRow("LSTM Keras 3 default: one mask") << "LSTM" << 0 << 0.0 << "3.3.3" << 4.0;
        QTest::newRow("LSTM Keras 3 recurrent_dropout: per gate") << "LSTM" << 0 << 0.5 << "3.3.3" << 1.0;
        QTest::newRow("LSTM Keras 2.2 impl 2 keeps one mask") << "LSTM" << 2 << 0.5 << "2.2.4" << 4.0;
        QTest::newRow("LSTM Keras 2.2 default impl 1") << "LSTM" << 0 << 0.0 << "2.2.4" << 1.0;
        QTest::newRow("GRU tf.keras impl 2: one mask") << "GRU" << 2 << 0.0 << "2.15.0" << -1.0;
        QTest::newRow("GRU tf.keras recurrent_dropout: per gate") << "GRU" << 2 << 0.5 << "2.15.0" << 0.0;
    }

    void gateMasksFollowImplementation()
    {
        QFETCH(QString, cls);
        QFETCH(int, implementation);
        QFETCH(double, recurrentDropout);
        QFETCH(QString, version);
        QFETCH(double, expectedMean);
        const int n = 40000;
        const int g = gateCount(cls);
        RecurrentWeights w = zeroWeights(cls, 1, 1, false);
        w.kernel.values.assign(std::size_t(g), 1.0f);
        w.recurrent.values.assign(std::size_t(g), 1.0f);
        InferenceModel model = buildModel(
            recurrentModel(cls, layerConfig(cls, 1, 0.5, recurrentDropout, implementation, false), 1, 1, w), version);
        const TensorData y = runTraining(model, filled({n, 1, 1}, 1.0f));
        double sum = 0.0;
        for (float v : y.values)
            sum += v;
        // Standard errors: at most sqrt(16 / 40000) = 0.02 (LSTM shared); 0.12 is six of them.
        QVERIFY2(std::abs(sum / n - expectedMean) < 0.12,
                 qPrintable(QStringLiteral("mean %1, expected %2").arg(sum / n).arg(expectedMean)));
    }

    void meanOverDrawsIsTheInferenceOutput_data()
    {
        QTest::addColumn<QString>("cls");
        QTest::addColumn<double>("dropout");
        QTest::addColumn<double>("recurrentDropout");
        QTest::addColumn<int>("steps");
        QTest::addColumn<bool>("bidirectional");
        // Linear SimpleRNN: the output is linear in the input mask, and for two steps in the
        // recurrent mask too (independent of the input mask), so its mean is the inference output.
        // (Longer sequences multiply a unit's recurrent mask with itself: not unbiased, as in Keras.)
        QTest::newRow("input dropout, 6 steps") << "SimpleRNN" << 0.4 << 0.0 << 6 << false;
        QTest::newRow("both, 2 steps") << "SimpleRNN" << 0.3 << 0.3 << 2 << false;
        QTest::newRow("Bidirectional, input dropout") << "SimpleRNN" << 0.4 << 0.0 << 4 << true;
    }

    void meanOverDrawsIsTheInferenceOutput()
    {
        QFETCH(QString, cls);
        QFETCH(double, dropout);
        QFETCH(double, recurrentDropout);
        QFETCH(int, steps);
        QFETCH(bool, bidirectional);
        const int features = 3, units = 4, n = 20000;
        RecurrentWeights w{randomTensor({features, units}, 71), randomTensor({units, units}, 72),
                           randomTensor({units}, 73)};
        QJsonObject config = layerConfig(cls, units, dropout, recurrentDropout, 0, false);
        config.insert("return_sequences", false);
        InferenceModel model = buildModel(recurrentModel(cls, config, steps, features, w, bidirectional), "2.15.0");
        const TensorData sample = randomTensor({1, steps, features}, 74);
        const TensorData reference = runInference(model, sample);
        const TensorData y = runTraining(model, repeated(sample, n));
        const std::size_t width = reference.values.size();
        for (std::size_t j = 0; j < width; ++j) {
            double sum = 0.0, squares = 0.0;
            for (int s = 0; s < n; ++s) {
                const double v = y.values[std::size_t(s) * width + j];
                sum += v;
                squares += v * v;
            }
            const double mean = sum / n;
            const double stdError = std::sqrt(std::max(0.0, squares / n - mean * mean) / n);
            QVERIFY2(stdError > 1e-4, "the training-mode outputs do not vary: no dropout applied");
            QVERIFY2(std::abs(mean - reference.values[j]) < 6.0 * stdError,
                     qPrintable(QStringLiteral("unit %1: mean %2, inference %3, standard error %4")
                                    .arg(j)
                                    .arg(mean)
                                    .arg(reference.values[j])
                                    .arg(stdError)));
        }
    }

    void bidirectionalDirectionsDrawTheirOwnMasks()
    {
        // Both directions see ones through identity kernels: equal halves would mean one mask.
        const int units = 6, steps = 3, n = 64;
        RecurrentWeights w = zeroWeights(QStringLiteral("SimpleRNN"), units, units, false);
        setBlockIdentity(w.kernel, 0, units);
        InferenceModel model = buildModel(
            recurrentModel(QStringLiteral("SimpleRNN"),
                           layerConfig(QStringLiteral("SimpleRNN"), units, 0.5, 0.0, 0, false), steps, units, w, true),
            "2.15.0");
        const TensorData y = runTraining(model, filled({n, steps, units}, 1.0f));
        QCOMPARE(y.shape, (std::vector<std::int64_t>{n, steps, 2 * units}));
        int differ = 0;
        for (int s = 0; s < n; ++s)
            for (int j = 0; j < units; ++j)
                differ += at(y, s, 0, j) != at(y, s, 0, units + j);
        // Independent p = 0.5 masks disagree half the time.
        QVERIFY2(std::abs(differ / double(n * units) - 0.5) < 0.15, qPrintable(QString::number(differ)));
    }

    void inferenceIgnoresTheRates_data()
    {
        QTest::addColumn<QString>("cls");
        QTest::addColumn<bool>("bidirectional");
        QTest::newRow("SimpleRNN") << "SimpleRNN" << false;
        QTest::newRow("LSTM") << "LSTM" << false;
        QTest::newRow("GRU") << "GRU" << false;
        QTest::newRow("Bidirectional LSTM") << "LSTM" << true;
    }

    void inferenceIgnoresTheRates()
    {
        // Same weights, rates 0.3 or 0: bit-identical at inference, and in training mode with rates 0;
        // different in training mode with the rates.
        QFETCH(QString, cls);
        QFETCH(bool, bidirectional);
        const int features = 3, units = 4, steps = 5, g = gateCount(cls);
        const RecurrentWeights w{randomTensor({features, g * units}, 81), randomTensor({units, g * units}, 82),
                                 randomTensor(cls == QLatin1String("GRU") ? std::vector<std::int64_t>{2, g * units}
                                                                          : std::vector<std::int64_t>{g * units},
                                              83)};
        auto config = [&](double rate) {
            QJsonObject c{{"units", units}, {"return_sequences", true}, {"dropout", rate}, {"recurrent_dropout", rate}};
            if (cls == QLatin1String("GRU"))
                c.insert("reset_after", true);
            return c;
        };
        InferenceModel withRates =
            buildModel(recurrentModel(cls, config(0.3), steps, features, w, bidirectional), "2.15.0");
        InferenceModel without =
            buildModel(recurrentModel(cls, config(0.0), steps, features, w, bidirectional), "2.15.0");
        const TensorData x = randomTensor({8, steps, features}, 84);
        const TensorData reference = runInference(without, x);
        QCOMPARE(runInference(withRates, x).values, reference.values);
        QCOMPARE(runTraining(without, x).values, reference.values);
        QVERIFY(runTraining(withRates, x).values != reference.values);
        QCOMPARE(runInference(withRates, x).values, reference.values); // training mode left nothing behind
    }
};

QTEST_APPLESS_MAIN(TestRecurrentDropout)
#include "tst_recurrentdropout.moc"
