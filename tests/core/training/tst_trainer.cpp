// Trainer: Keras's optimizer and loss maths, reproducibility, cancellation, NaN stop,
// callbacks inside a run, two-phase schedule, frozen BatchNormalization, resume.

#include "core/training/trainer.h"
#include "trainingtestmodels.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <thread>

using namespace graft;
using namespace graft::testmodels;

Q_DECLARE_METATYPE(graft::OptimizerSettings)

namespace {

/** Input(8) → Dense(16, relu) → Dropout(0.3) → Dense(classes, softmax). */
ModelSpec dropoutMlp(int classes, std::uint64_t seed)
{
    return buildModel(
        chainModelJson(
            {8},
            {{QStringLiteral("Dense"), denseConfig(QStringLiteral("dense"), 16, QStringLiteral("relu"))},
             {QStringLiteral("Dropout"), dropoutConfig(QStringLiteral("dropout"), 0.3)},
             {QStringLiteral("Dense"), denseConfig(QStringLiteral("dense_1"), classes, QStringLiteral("softmax"))}}),
        seed);
}

TrainingParams baseParams(const ModelSpec &model, int classes)
{
    TrainingParams p;
    p.model = model;
    p.classNames = names(QStringLiteral("c"), classes);
    p.train = blobs(classes, 24, 8, 1);
    p.validation = blobs(classes, 8, 8, 2);
    p.trainable.preset = TrainPreset::All;
    p.batchSize = 16;
    p.epochs = 3;
    p.seed = 5;
    return p;
}

bool allFinite(const std::vector<float> &v)
{
    for (float x : v)
        if (!std::isfinite(x))
            return false;
    return true;
}

struct Recorder final : TrainingObserver
{
    std::function<void(const BatchProgress &)> onBatch;
    int batches = 0;
    QStringList notes;
    void batchFinished(const BatchProgress &p) override
    {
        ++batches;
        if (onBatch)
            onBatch(p);
    }
    void note(const QString &m) override { notes << m; }
};

/**
 * Every layer trains on the whole set as one batch, in order, with plain SGD: updates a
 * test can write out step by step in doubles.
 */
TrainingParams fullBatchSgd(const ModelSpec &model, std::vector<std::int64_t> shape, std::vector<float> values,
                            QVector<int> labels, double learningRate, int steps)
{
    TrainingParams p;
    p.model = model;
    p.classNames = {QStringLiteral("a"), QStringLiteral("b")};
    p.train.shape = std::move(shape);
    p.train.values = std::move(values);
    p.train.labels = std::move(labels);
    p.trainable.preset = TrainPreset::All;
    p.optimizer.kind = OptimizerKind::Sgd;
    p.optimizer.learningRate = learningRate;
    p.batchSize = int(p.train.shape.front());
    p.epochs = steps;
    p.shuffle = false;
    return p;
}

} // namespace

class TestTrainer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void kerasUpdateRules_data()
    {
        QTest::addColumn<OptimizerSettings>("optimizer");
        QTest::addColumn<double>("smoothing");
        QTest::addColumn<bool>("weighted");
        QTest::addColumn<double>("l1"); // the Dense kernel's regularizer (keras.regularizers.L1L2)
        QTest::addColumn<double>("l2");
        OptimizerSettings adam;
        adam.learningRate = 0.05;
        OptimizerSettings sgd;
        sgd.kind = OptimizerKind::Sgd;
        sgd.learningRate = 0.1;
        OptimizerSettings momentum = sgd;
        momentum.momentum = 0.9;
        OptimizerSettings nesterov = momentum;
        nesterov.nesterov = true;
        OptimizerSettings rms;
        rms.kind = OptimizerKind::RmsProp;
        rms.learningRate = 0.01;
        OptimizerSettings rmsMomentum = rms;
        rmsMomentum.momentum = 0.5;
        QTest::newRow("adam") << adam << 0.0 << false << 0.0 << 0.0;
        QTest::newRow("sgd") << sgd << 0.0 << false << 0.0 << 0.0;
        QTest::newRow("sgd momentum") << momentum << 0.0 << false << 0.0 << 0.0;
        QTest::newRow("sgd nesterov") << nesterov << 0.0 << false << 0.0 << 0.0;
        QTest::newRow("rmsprop") << rms << 0.0 << false << 0.0 << 0.0;
        QTest::newRow("rmsprop momentum") << rmsMomentum << 0.0 << false << 0.0 << 0.0;
        QTest::newRow("adam, smoothing and class weights") << adam << 0.2 << true << 0.0 << 0.0;
        QTest::newRow("sgd, L2 kernel regularizer") << sgd << 0.0 << false << 0.0 << 0.05;
        QTest::newRow("adam, L1L2 kernel regularizer") << adam << 0.0 << false << 0.02 << 0.03;
    }

    /** One Dense softmax layer trained for three full-batch steps against the update written out in doubles. */
    void kerasUpdateRules()
    {
        QFETCH(OptimizerSettings, optimizer);
        QFETCH(double, smoothing);
        QFETCH(bool, weighted);
        QFETCH(double, l1);
        QFETCH(double, l2);
        const int in = 3, k = 2, n = 4, steps = 3;
        QJsonObject dense = denseConfig(QStringLiteral("dense"), k, QStringLiteral("softmax"));
        if (l1 != 0.0 || l2 != 0.0)
            dense.insert(QStringLiteral("kernel_regularizer"),
                         QJsonObject{{QStringLiteral("class_name"), QStringLiteral("L1L2")},
                                     {QStringLiteral("config"),
                                      QJsonObject{{QStringLiteral("l1"), l1}, {QStringLiteral("l2"), l2}}}});
        const ModelSpec model = buildModel(chainModelJson({in}, {{QStringLiteral("Dense"), dense}}), 9);
        QVERIFY(!model.layers.isEmpty());
        TrainingParams p;
        p.model = model;
        p.classNames = {QStringLiteral("a"), QStringLiteral("b")};
        p.train.shape = {n, in};
        p.train.values = {0.5f, -1.0f, 2.0f, 1.5f, 0.2f, -0.3f, -0.7f, 0.9f, 0.1f, 0.3f, 0.3f, -1.2f};
        p.train.labels = {0, 1, 1, 0};
        p.trainable.preset = TrainPreset::All;
        p.optimizer = optimizer;
        p.labelSmoothing = smoothing;
        if (weighted)
            p.classWeights = {0.5, 2.0};
        p.batchSize = n;
        p.epochs = steps;
        p.shuffle = false;
        const auto result = Trainer::run(p);
        QVERIFY2(result, qPrintable(result.errorString()));

        std::vector<double> w(
            model.layer(QStringLiteral("dense"))->weight(QStringLiteral("kernel"))->tensor.values.begin(),
            model.layer(QStringLiteral("dense"))->weight(QStringLiteral("kernel"))->tensor.values.end());
        std::vector<double> b(std::size_t(k), 0.0);
        std::vector<double> s1(w.size() + b.size(), 0.0), s2(s1.size(), 0.0);
        const OptimizerSettings &o = optimizer;
        double expectedLoss0 = 0.0;
        for (int t = 1; t <= steps; ++t) {
            std::vector<double> grad(s1.size(), 0.0);
            double loss = 0.0;
            for (int i = 0; i < n; ++i) {
                double z[2], mx = -1e300;
                for (int c = 0; c < k; ++c) {
                    z[c] = b[std::size_t(c)];
                    for (int d = 0; d < in; ++d)
                        z[c] += double(p.train.values[std::size_t(i * in + d)]) * w[std::size_t(d * k + c)];
                    mx = std::max(mx, z[c]);
                }
                double sum = 0;
                for (double v : z)
                    sum += std::exp(v - mx);
                const double weight = weighted ? p.classWeights[p.train.labels[i]] : 1.0;
                for (int c = 0; c < k; ++c) {
                    const double prob = std::exp(z[c] - mx) / sum;
                    const double y = (c == p.train.labels[i] ? 1.0 - smoothing : 0.0) + smoothing / k;
                    loss -= weight * y * std::log(prob) / n;
                    const double gz = weight * (prob - y) / n;
                    for (int d = 0; d < in; ++d)
                        grad[std::size_t(d * k + c)] += double(p.train.values[std::size_t(i * in + d)]) * gz;
                    grad[w.size() + std::size_t(c)] += gz;
                }
            }
            for (std::size_t j = 0; j < w.size(); ++j) { // keras.regularizers: l1·Σ|w| + l2·Σw²
                loss += l1 * std::abs(w[j]) + l2 * w[j] * w[j];
                grad[j] += l1 * (w[j] > 0 ? 1.0 : w[j] < 0 ? -1.0 : 0.0) + 2.0 * l2 * w[j];
            }
            if (t == 1)
                expectedLoss0 = loss;
            for (std::size_t j = 0; j < grad.size(); ++j) {
                double &param = j < w.size() ? w[j] : b[j - w.size()];
                const double g = grad[j];
                switch (o.kind) {
                case OptimizerKind::Adam: {
                    s1[j] = o.beta1 * s1[j] + (1 - o.beta1) * g;
                    s2[j] = o.beta2 * s2[j] + (1 - o.beta2) * g * g;
                    const double alpha =
                        o.learningRate * std::sqrt(1 - std::pow(o.beta2, t)) / (1 - std::pow(o.beta1, t));
                    param -= alpha * s1[j] / (std::sqrt(s2[j]) + o.epsilon);
                    break;
                }
                case OptimizerKind::Sgd:
                    if (o.momentum > 0) {
                        s1[j] = o.momentum * s1[j] - o.learningRate * g;
                        param += o.nesterov ? o.momentum * s1[j] - o.learningRate * g : s1[j];
                    } else {
                        param -= o.learningRate * g;
                    }
                    break;
                case OptimizerKind::RmsProp: {
                    s1[j] = o.rho * s1[j] + (1 - o.rho) * g * g;
                    const double inc = o.learningRate * g / std::sqrt(s1[j] + o.epsilon);
                    if (o.momentum > 0) {
                        s2[j] = o.momentum * s2[j] + inc;
                        param -= s2[j];
                    } else {
                        param -= inc;
                    }
                    break;
                }
                }
            }
        }
        const Layer *trained = result->model.layer(QStringLiteral("dense"));
        const auto &tk = trained->weight(QStringLiteral("kernel"))->tensor.values;
        const auto &tb = trained->weight(QStringLiteral("bias"))->tensor.values;
        for (std::size_t j = 0; j < w.size(); ++j)
            QVERIFY2(std::abs(tk[j] - w[j]) < 2e-6,
                     qPrintable(QStringLiteral("kernel[%1]: %2 vs %3").arg(j).arg(tk[j]).arg(w[j])));
        for (int c = 0; c < k; ++c)
            QVERIFY2(std::abs(tb[std::size_t(c)] - b[std::size_t(c)]) < 2e-6,
                     qPrintable(QStringLiteral("bias[%1]").arg(c)));
        QVERIFY(std::abs(result->history.front().loss - expectedLoss0) < 1e-5);
    }

    /**
     * A 3×3 'same' conv with stride 3 on a 1×2 map: only kernel row 1, columns 0-1 ever
     * meet input (the engine drops the other taps). Two SGD steps against the update
     * written out in doubles: the live taps move as the gradient says, the others stay.
     */
    void convOnASmallMapTrainsItsLiveTaps()
    {
        const int w = 2, c = 3, k = 2, n = 3;
        const QJsonObject conv{{QStringLiteral("name"), QStringLiteral("conv")},
                               {QStringLiteral("filters"), k},
                               {QStringLiteral("kernel_size"), QJsonArray{3, 3}},
                               {QStringLiteral("strides"), QJsonArray{3, 3}},
                               {QStringLiteral("padding"), QStringLiteral("same")},
                               {QStringLiteral("activation"), QStringLiteral("softmax")},
                               {QStringLiteral("use_bias"), true}};
        const ModelSpec model =
            buildModel(chainModelJson({1, w, c}, {{QStringLiteral("Conv2D"), conv},
                                                  {QStringLiteral("Flatten"),
                                                   QJsonObject{{QStringLiteral("name"), QStringLiteral("flatten")}}}}),
                       5);
        QVERIFY(!model.layers.isEmpty());
        const TrainingParams p = fullBatchSgd(model, {n, 1, w, c},
                                              {0.5f, -1.0f, 2.0f, 1.5f, 0.2f, -0.3f, -0.7f, 0.9f, 0.1f, 0.3f, 0.3f,
                                               -1.2f, 1.1f, -0.4f, 0.8f, -0.2f, 0.6f, 0.05f},
                                              {0, 1, 1}, 0.5, 2);
        const auto result = Trainer::run(p);
        QVERIFY2(result, qPrintable(result.errorString()));

        const auto &initial = model.layer(QStringLiteral("conv"))->weight(QStringLiteral("kernel"))->tensor.values;
        std::vector<double> kernel(initial.begin(), initial.end()); // (3, 3, c, k)
        std::vector<double> bias(std::size_t(k), 0.0);
        const auto at = [&](int row, int col, int ch, int out) {
            return std::size_t(((row * 3 + col) * c + ch) * k + out);
        };
        for (int step = 0; step < p.epochs; ++step) {
            std::vector<double> grad(kernel.size(), 0.0), gradBias(std::size_t(k), 0.0);
            for (int i = 0; i < n; ++i) {
                // TensorFlow's padding: rows (1, 1), columns (0, 1); output 1×1.
                double z[2];
                for (int o = 0; o < k; ++o) {
                    z[o] = bias[std::size_t(o)];
                    for (int col = 0; col < w; ++col)
                        for (int ch = 0; ch < c; ++ch)
                            z[o] +=
                                double(p.train.values[std::size_t((i * w + col) * c + ch)]) * kernel[at(1, col, ch, o)];
                }
                const double mx = std::max(z[0], z[1]);
                const double sum = std::exp(z[0] - mx) + std::exp(z[1] - mx);
                for (int o = 0; o < k; ++o) {
                    const double gz = (std::exp(z[o] - mx) / sum - (o == p.train.labels[i] ? 1.0 : 0.0)) / n;
                    gradBias[std::size_t(o)] += gz;
                    for (int col = 0; col < w; ++col)
                        for (int ch = 0; ch < c; ++ch)
                            grad[at(1, col, ch, o)] += double(p.train.values[std::size_t((i * w + col) * c + ch)]) * gz;
                }
            }
            for (std::size_t j = 0; j < kernel.size(); ++j)
                kernel[j] -= p.optimizer.learningRate * grad[j];
            for (int o = 0; o < k; ++o)
                bias[std::size_t(o)] -= p.optimizer.learningRate * gradBias[std::size_t(o)];
        }
        const auto &trained =
            result->model.layer(QStringLiteral("conv"))->weight(QStringLiteral("kernel"))->tensor.values;
        QCOMPARE(trained.size(), kernel.size());
        int moved = 0;
        for (std::size_t j = 0; j < kernel.size(); ++j) {
            QVERIFY2(std::abs(trained[j] - kernel[j]) < 1e-5,
                     qPrintable(QStringLiteral("kernel[%1]: %2 vs %3").arg(j).arg(trained[j]).arg(kernel[j])));
            moved += trained[j] != initial[j];
        }
        QCOMPARE(moved, w * c * k); // the live taps moved; the 7 × c × k padding-only taps did not
        const auto &trainedBias =
            result->model.layer(QStringLiteral("conv"))->weight(QStringLiteral("bias"))->tensor.values;
        for (int o = 0; o < k; ++o)
            QVERIFY(std::abs(trainedBias[std::size_t(o)] - bias[std::size_t(o)]) < 1e-5);
    }

    /**
     * Conv (3×3, stride 1) → conv (5×5, stride 3, overlapping windows, padding (1, 2) and
     * (2, 2)) → Flatten → Dense softmax, two SGD steps against the same network written out
     * in doubles. The first conv learns only through the second's input gradient: the
     * strided, asymmetrically padded backward path of the speaker CNN's second conv.
     */
    void stridedConvPassesTheRightInputGradient()
    {
        const int n = 3, h = 8, w = 7, c = 2, fa = 3, fb = 4, classes = 2;
        auto convJson = [](const char *name, int filters, int kernel, int stride) {
            return QJsonObject{{QStringLiteral("name"), QString::fromLatin1(name)},
                               {QStringLiteral("filters"), filters},
                               {QStringLiteral("kernel_size"), QJsonArray{kernel, kernel}},
                               {QStringLiteral("strides"), QJsonArray{stride, stride}},
                               {QStringLiteral("padding"), QStringLiteral("same")},
                               {QStringLiteral("activation"), QStringLiteral("linear")},
                               {QStringLiteral("use_bias"), true}};
        };
        const ModelSpec model = buildModel(
            chainModelJson(
                {h, w, c},
                {{QStringLiteral("Conv2D"), convJson("conv_a", fa, 3, 1)},
                 {QStringLiteral("Conv2D"), convJson("conv_b", fb, 5, 3)},
                 {QStringLiteral("Flatten"), QJsonObject{{QStringLiteral("name"), QStringLiteral("flatten")}}},
                 {QStringLiteral("Dense"), denseConfig(QStringLiteral("dense"), classes, QStringLiteral("softmax"))}}),
            11);
        QVERIFY(!model.layers.isEmpty());
        std::vector<float> inputs;
        for (int i = 0; i < n * h * w * c; ++i)
            inputs.push_back(float(std::sin(0.7 * i + 0.3)));
        const TrainingParams p = fullBatchSgd(model, {n, h, w, c}, std::move(inputs), {0, 1, 1}, 0.2, 2);
        const auto result = Trainer::run(p);
        QVERIFY2(result, qPrintable(result.errorString()));

        // The network in doubles: NHWC, TensorFlow's 'same' padding (the odd pixel after).
        struct Conv
        {
            int inH, inW, inC, filters, k, s;
            std::vector<double> kernel, bias; // (k, k, inC, filters), (filters)
            int outH() const { return (inH + s - 1) / s; }
            int outW() const { return (inW + s - 1) / s; }
            int padTop() const { return std::max((outH() - 1) * s + k - inH, 0) / 2; }
            int padLeft() const { return std::max((outW() - 1) * s + k - inW, 0) / 2; }
            std::size_t at(int i, int j, int ch, int o) const
            {
                return std::size_t(((i * k + j) * inC + ch) * filters + o);
            }
            std::vector<double> forward(const std::vector<double> &x) const
            {
                std::vector<double> y(std::size_t(outH() * outW() * filters));
                for (int p = 0; p < outH(); ++p)
                    for (int q = 0; q < outW(); ++q)
                        for (int o = 0; o < filters; ++o) {
                            double v = bias[std::size_t(o)];
                            for (int i = 0; i < k; ++i)
                                for (int j = 0; j < k; ++j) {
                                    const int row = p * s - padTop() + i, col = q * s - padLeft() + j;
                                    if (row < 0 || row >= inH || col < 0 || col >= inW)
                                        continue;
                                    for (int ch = 0; ch < inC; ++ch)
                                        v += x[std::size_t((row * inW + col) * inC + ch)] * kernel[at(i, j, ch, o)];
                                }
                            y[std::size_t((p * outW() + q) * filters + o)] = v;
                        }
                return y;
            }
            /** Accumulates the kernel and bias gradients; returns the input gradient. */
            std::vector<double> backward(const std::vector<double> &x, const std::vector<double> &gy,
                                         std::vector<double> &gk, std::vector<double> &gb) const
            {
                std::vector<double> gx(x.size(), 0.0);
                for (int p = 0; p < outH(); ++p)
                    for (int q = 0; q < outW(); ++q)
                        for (int o = 0; o < filters; ++o) {
                            const double g = gy[std::size_t((p * outW() + q) * filters + o)];
                            gb[std::size_t(o)] += g;
                            for (int i = 0; i < k; ++i)
                                for (int j = 0; j < k; ++j) {
                                    const int row = p * s - padTop() + i, col = q * s - padLeft() + j;
                                    if (row < 0 || row >= inH || col < 0 || col >= inW)
                                        continue;
                                    for (int ch = 0; ch < inC; ++ch) {
                                        const std::size_t xi = std::size_t((row * inW + col) * inC + ch);
                                        gk[at(i, j, ch, o)] += g * x[xi];
                                        gx[xi] += g * kernel[at(i, j, ch, o)];
                                    }
                                }
                        }
                return gx;
            }
        };
        auto weights = [&](const char *layer, const char *name) {
            const auto &v = model.layer(QString::fromLatin1(layer))->weight(QString::fromLatin1(name))->tensor.values;
            return std::vector<double>(v.begin(), v.end());
        };
        Conv a{h, w, c, fa, 3, 1, weights("conv_a", "kernel"), weights("conv_a", "bias")};
        Conv b{h, w, fa, fb, 5, 3, weights("conv_b", "kernel"), weights("conv_b", "bias")};
        QCOMPARE(b.padTop(), 1);
        QCOMPARE(b.outH() * b.outW(), 9);
        std::vector<double> dk = weights("dense", "kernel"), db = weights("dense", "bias");
        const int flat = b.outH() * b.outW() * fb;
        for (int step = 0; step < p.epochs; ++step) {
            std::vector<double> gka(a.kernel.size(), 0.0), gba(a.bias.size(), 0.0), gkb(b.kernel.size(), 0.0),
                gbb(b.bias.size(), 0.0), gdk(dk.size(), 0.0), gdb(db.size(), 0.0);
            for (int s = 0; s < n; ++s) {
                const std::vector<double> x(p.train.values.begin() + s * h * w * c,
                                            p.train.values.begin() + (s + 1) * h * w * c);
                const std::vector<double> ya = a.forward(x), yb = b.forward(ya);
                double z[classes], mx = -1e300, sum = 0.0;
                for (int o = 0; o < classes; ++o) {
                    z[o] = db[std::size_t(o)];
                    for (int f = 0; f < flat; ++f)
                        z[o] += yb[std::size_t(f)] * dk[std::size_t(f * classes + o)];
                    mx = std::max(mx, z[o]);
                }
                for (double v : z)
                    sum += std::exp(v - mx);
                std::vector<double> gyb(std::size_t(flat), 0.0);
                for (int o = 0; o < classes; ++o) {
                    const double gz = (std::exp(z[o] - mx) / sum - (o == p.train.labels[s] ? 1.0 : 0.0)) / n;
                    gdb[std::size_t(o)] += gz;
                    for (int f = 0; f < flat; ++f) {
                        gdk[std::size_t(f * classes + o)] += yb[std::size_t(f)] * gz;
                        gyb[std::size_t(f)] += dk[std::size_t(f * classes + o)] * gz;
                    }
                }
                const std::vector<double> gya = b.backward(ya, gyb, gkb, gbb);
                a.backward(x, gya, gka, gba);
            }
            const double lr = p.optimizer.learningRate;
            auto descend = [lr](std::vector<double> &v, const std::vector<double> &g) {
                for (std::size_t i = 0; i < v.size(); ++i)
                    v[i] -= lr * g[i];
            };
            descend(a.kernel, gka);
            descend(a.bias, gba);
            descend(b.kernel, gkb);
            descend(b.bias, gbb);
            descend(dk, gdk);
            descend(db, gdb);
        }
        auto compare = [&](const char *layer, const char *name, const std::vector<double> &expected) {
            const auto &got =
                result->model.layer(QString::fromLatin1(layer))->weight(QString::fromLatin1(name))->tensor.values;
            QCOMPARE(got.size(), expected.size());
            const auto initial = weights(layer, name);
            double moved = 0.0;
            for (std::size_t i = 0; i < got.size(); ++i) {
                QVERIFY2(std::abs(got[i] - expected[i]) < 2e-5,
                         qPrintable(QStringLiteral("%1/%2[%3]: %4 vs %5")
                                        .arg(QLatin1String(layer), QLatin1String(name))
                                        .arg(i)
                                        .arg(got[i])
                                        .arg(expected[i])));
                moved = std::max(moved, std::abs(expected[i] - initial[i]));
            }
            QVERIFY2(moved > 1e-3, layer); // the comparison is about a real update
        };
        compare("conv_a", "kernel", a.kernel);
        compare("conv_a", "bias", a.bias);
        compare("conv_b", "kernel", b.kernel);
        compare("dense", "kernel", dk);
    }

    /** What training does not reproduce is said, not silently different. */
    void unsupportedPenaltiesAreWarned()
    {
        QJsonObject dense = denseConfig(QStringLiteral("dense"), 2, QStringLiteral("softmax"));
        dense.insert(QStringLiteral("activity_regularizer"), QStringLiteral("l2"));
        const ModelSpec model = buildModel(chainModelJson({3}, {{QStringLiteral("Dense"), dense}}), 9);
        QVERIFY(!model.layers.isEmpty());
        TrainingParams p;
        p.model = model;
        p.classNames = {QStringLiteral("a"), QStringLiteral("b")};
        p.train.shape = {2, 3};
        p.train.values = {0.5f, -1.0f, 2.0f, 1.5f, 0.2f, -0.3f};
        p.train.labels = {0, 1};
        p.trainable.preset = TrainPreset::All;
        p.epochs = 1;
        Recorder recorder;
        const auto result = Trainer::run(p, &recorder);
        QVERIFY2(result, qPrintable(result.errorString()));
        QCOMPARE(result->warnings.size(), 1);
        QVERIFY(result->warnings.front().contains(QStringLiteral("activity regularizer")));
        QVERIFY(recorder.notes.join(QLatin1Char('\n')).contains(QStringLiteral("activity regularizer")));
    }

    void sameSeedSameNumbers()
    {
        const ModelSpec model = dropoutMlp(4, 3);
        TrainingParams p = baseParams(model, 4);
        const auto a = Trainer::run(p);
        const auto b = Trainer::run(p);
        QVERIFY2(a && b, qPrintable(a.errorString() + b.errorString()));
        QCOMPARE(weightsOf(a->model, QStringLiteral("dense")), weightsOf(b->model, QStringLiteral("dense")));
        QCOMPARE(weightsOf(a->model, QStringLiteral("dense_1")), weightsOf(b->model, QStringLiteral("dense_1")));
        for (int e = 0; e < p.epochs; ++e) {
            QCOMPARE(a->history[e].loss, b->history[e].loss);
            QCOMPARE(a->history[e].valAccuracy, b->history[e].valAccuracy);
        }
        p.seed = 6;
        const auto c = Trainer::run(p);
        QVERIFY(c);
        QVERIFY(weightsOf(a->model, QStringLiteral("dense")) != weightsOf(c->model, QStringLiteral("dense")));
        // Training did something and the input model is untouched.
        QVERIFY(weightsOf(a->model, QStringLiteral("dense")) != weightsOf(model, QStringLiteral("dense")));
        QVERIFY(a->history.back().loss < a->history.front().loss);
    }

    void cancelBetweenBatches()
    {
        TrainingParams p = baseParams(dropoutMlp(4, 3), 4);
        std::atomic_bool cancel{false};
        Recorder recorder;
        recorder.onBatch = [&](const BatchProgress &progress) {
            if (progress.epoch == 1 && progress.batch == 2)
                cancel.store(true);
        };
        const auto result = Trainer::run(p, &recorder, &cancel);
        QVERIFY2(result, qPrintable(result.errorString()));
        QCOMPARE(result->stopReason, StopReason::Cancelled);
        QCOMPARE(result->history.size(), 1); // the interrupted epoch is not recorded
        QCOMPARE(recorder.batches, 6 + 2);   // 96 samples / 16 = 6 batches, then two
    }

    void cancelFromAnotherThreadWithin200ms()
    {
        TrainingParams p = baseParams(dropoutMlp(4, 3), 4);
        p.train = blobs(4, 2000, 8, 1);
        p.epochs = 100000;
        std::atomic_bool cancel{false};
        std::atomic<qint64> finishedAt{0};
        QElapsedTimer clock;
        clock.start();
        Expected<TrainingResult> result = makeError(QString());
        std::thread worker([&] {
            result = Trainer::run(p, nullptr, &cancel);
            finishedAt.store(clock.nsecsElapsed());
        });
        QTest::qSleep(400);
        const qint64 cancelledAt = clock.nsecsElapsed();
        cancel.store(true);
        worker.join();
        const double latencyMs = double(finishedAt.load() - cancelledAt) / 1e6;
        qInfo("cancel latency: %.1f ms", latencyMs);
        QVERIFY2(result, qPrintable(result.errorString()));
        QCOMPARE(result->stopReason, StopReason::Cancelled);
        QVERIFY2(latencyMs < 200.0, qPrintable(QString::number(latencyMs)));
    }

    void explodingLossStopsWithFiniteWeights()
    {
        TrainingParams p = baseParams(dropoutMlp(4, 3), 4);
        p.optimizer.kind = OptimizerKind::Sgd;
        p.optimizer.learningRate = 1e38;
        const auto result = Trainer::run(p);
        QVERIFY2(result, qPrintable(result.errorString()));
        QCOMPARE(result->stopReason, StopReason::NonFiniteLoss);
        QVERIFY2(result->stopMessage.contains(QLatin1String("kept")), qPrintable(result->stopMessage));
        QVERIFY(allFinite(weightsOf(result->model, QStringLiteral("dense"))));
        QVERIFY(allFinite(weightsOf(result->model, QStringLiteral("dense_1"))));
    }

    void nanLossKeepsTheLastGoodWeights()
    {
        TrainingParams p = baseParams(dropoutMlp(4, 3), 4);
        p.shuffle = false;
        p.train.values[40 * 8 + 3] = std::nanf(""); // sample 40: the third batch of 16
        Recorder recorder;
        const auto result = Trainer::run(p, &recorder);
        QVERIFY2(result, qPrintable(result.errorString()));
        QCOMPARE(result->stopReason, StopReason::NonFiniteLoss);
        QVERIFY2(result->stopMessage.contains(QLatin1String("batch 3")), qPrintable(result->stopMessage));
        QCOMPARE(recorder.batches, 2);
        QVERIFY(result->history.isEmpty());
        // Batch 2's loss was the last finite one: its weights (after one update) are kept.
        std::atomic_bool cancel{false};
        Recorder counter;
        counter.onBatch = [&](const BatchProgress &) { cancel.store(true); };
        const auto oneStep = Trainer::run(p, &counter, &cancel);
        QVERIFY(oneStep);
        QCOMPARE(counter.batches, 1);
        QCOMPARE(weightsOf(result->model, QStringLiteral("dense")), weightsOf(oneStep->model, QStringLiteral("dense")));
        QCOMPARE(weightsOf(result->model, QStringLiteral("dense_1")),
                 weightsOf(oneStep->model, QStringLiteral("dense_1")));
    }

    void restoreBestWeightsWithoutStopping()
    {
        TrainingParams p = baseParams(dropoutMlp(4, 3), 4);
        p.epochs = 6;
        p.optimizer.learningRate = 0.05; // noisy enough that val_loss is not monotonic
        EarlyStoppingSettings es;
        es.patience = 100;
        es.restoreBestWeights = true;
        es.monitor = QStringLiteral("val_accuracy");
        p.earlyStopping = es;
        const auto result = Trainer::run(p);
        QVERIFY2(result, qPrintable(result.errorString()));
        QCOMPARE(result->stopReason, StopReason::Completed);
        QVERIFY(result->restoredBestWeights);
        const int best = result->bestEpoch;
        QVERIFY(best >= 0 && best < 6);
        TrainingParams upToBest = p;
        upToBest.earlyStopping.reset();
        upToBest.epochs = best + 1;
        const auto reference = Trainer::run(upToBest);
        QVERIFY(reference);
        QCOMPARE(weightsOf(result->model, QStringLiteral("dense")),
                 weightsOf(reference->model, QStringLiteral("dense")));
        QCOMPARE(result->finalValidation.accuracy, result->history[best].valAccuracy);
    }

    void earlyStoppingEndsTheRun()
    {
        TrainingParams p = baseParams(dropoutMlp(4, 3), 4);
        p.epochs = 50;
        EarlyStoppingSettings es;
        es.monitor = QStringLiteral("loss");
        es.minDelta = 10.0; // nothing counts as an improvement after the first epoch
        es.patience = 2;
        p.earlyStopping = es;
        const auto result = Trainer::run(p);
        QVERIFY(result);
        QCOMPARE(result->stopReason, StopReason::EarlyStopping);
        QCOMPARE(result->history.size(), 3);
    }

    void reduceLrAndCheckpointInsideARun()
    {
        QTemporaryDir dir;
        TrainingParams p = baseParams(dropoutMlp(4, 3), 4);
        p.epochs = 6;
        ReduceLrSettings rl;
        rl.monitor = QStringLiteral("loss");
        rl.minDelta = 10.0;
        rl.patience = 1;
        rl.factor = 0.5;
        p.reduceLr = rl;
        CheckpointSettings cp;
        cp.path = dir.filePath(QStringLiteral("best.h5"));
        cp.monitor = QStringLiteral("val_loss");
        p.checkpoint = cp;
        QVector<int> writes;
        p.modelWriter = [&](const ModelSpec &model, const QString &path) -> Expected<void> {
            Q_UNUSED(model)
            if (path != cp.path)
                return makeError(QStringLiteral("wrong path"));
            writes << writes.size();
            return {};
        };
        const auto result = Trainer::run(p);
        QVERIFY2(result, qPrintable(result.errorString()));
        QVector<double> lrs;
        for (const EpochRecord &r : result->history)
            lrs << r.learningRate;
        const double lr0 = float32Rate(1e-3);
        QCOMPARE(lrs, (QVector<double>{lr0, lr0, lr0 / 2, lr0 / 4, lr0 / 8, lr0 / 16}));
        int improvements = 0;
        double best = 1e300;
        for (const EpochRecord &r : result->history)
            if (r.valLoss < best) {
                best = r.valLoss;
                ++improvements;
            }
        QCOMPARE(writes.size(), improvements);
        // Never onto the source.
        p.sourcePath = cp.path;
        const auto refused = Trainer::run(p);
        QVERIFY(!refused);
    }

    void twoPhaseSchedule()
    {
        const ModelSpec model = dropoutMlp(4, 3);
        TrainingParams p = baseParams(model, 4);
        p.headLayers = {QStringLiteral("dense_1")};
        p.phase1Epochs = 2;
        p.unfreezeLrMultiplier = 0.1;
        p.epochs = 2;
        const auto phase1 = Trainer::run(p);
        QVERIFY2(phase1, qPrintable(phase1.errorString()));
        QCOMPARE(weightsOf(phase1->model, QStringLiteral("dense")), weightsOf(model, QStringLiteral("dense")));
        QVERIFY(weightsOf(phase1->model, QStringLiteral("dense_1")) != weightsOf(model, QStringLiteral("dense_1")));
        p.epochs = 4;
        Recorder recorder;
        const auto both = Trainer::run(p, &recorder);
        QVERIFY(both);
        QVERIFY(weightsOf(both->model, QStringLiteral("dense")) != weightsOf(model, QStringLiteral("dense")));
        QCOMPARE(both->history[1].phase, 1);
        QCOMPARE(both->history[2].phase, 2);
        QVERIFY(recorder.notes.join(QLatin1Char('\n')).contains(QStringLiteral("× 0.1")));
    }

    void frozenBatchNormRunsInInferenceMode()
    {
        const ModelSpec model = buildModel(
            chainModelJson(
                {8}, {{QStringLiteral("Dense"), denseConfig(QStringLiteral("dense"), 16, QStringLiteral("relu"))},
                      {QStringLiteral("BatchNormalization"), batchNormConfig(QStringLiteral("batch_normalization"))},
                      {QStringLiteral("Dense"), denseConfig(QStringLiteral("dense_1"), 4, QStringLiteral("softmax"))}}),
            4);
        QVERIFY(!model.layers.isEmpty());
        TrainingParams p = baseParams(model, 4);
        p.trainable.preset = TrainPreset::HeadOnly;
        const auto frozen = Trainer::run(p);
        QVERIFY2(frozen, qPrintable(frozen.errorString()));
        QCOMPARE(weightsOf(frozen->model, QStringLiteral("batch_normalization")),
                 weightsOf(model, QStringLiteral("batch_normalization")));
        p.freezeBatchNormWhenFrozen = false;
        const auto updating = Trainer::run(p);
        QVERIFY(updating);
        const Layer *bn = updating->model.layer(QStringLiteral("batch_normalization"));
        QCOMPARE(bn->weight(QStringLiteral("gamma"))->tensor.values,
                 model.layer(QStringLiteral("batch_normalization"))->weight(QStringLiteral("gamma"))->tensor.values);
        QVERIFY(bn->weight(QStringLiteral("moving_mean"))->tensor.values
                != model.layer(QStringLiteral("batch_normalization"))
                       ->weight(QStringLiteral("moving_mean"))
                       ->tensor.values);
        p.trainable.preset = TrainPreset::All;
        p.freezeBatchNormWhenFrozen = true;
        const auto training = Trainer::run(p);
        QVERIFY(training);
        QVERIFY(
            training->model.layer(QStringLiteral("batch_normalization"))->weight(QStringLiteral("gamma"))->tensor.values
            != model.layer(QStringLiteral("batch_normalization"))->weight(QStringLiteral("gamma"))->tensor.values);
    }

    void resumeGivesTheSameRun()
    {
        QTemporaryDir dir;
        TrainingParams p = baseParams(dropoutMlp(4, 3), 4);
        p.epochs = 4;
        EarlyStoppingSettings es;
        es.patience = 10;
        es.restoreBestWeights = true;
        p.earlyStopping = es;
        const auto straight = Trainer::run(p);
        QVERIFY2(straight, qPrintable(straight.errorString()));
        p.epochs = 2;
        p.stateCheckpointPath = dir.filePath(QStringLiteral("state.pt"));
        const auto first = Trainer::run(p);
        QVERIFY2(first, qPrintable(first.errorString()));
        QVERIFY(QFile::exists(p.stateCheckpointPath));
        TrainingParams rest = p;
        rest.resumeFrom = p.stateCheckpointPath;
        rest.stateCheckpointPath.clear();
        rest.epochs = 4;
        const auto resumed = Trainer::run(rest);
        QVERIFY2(resumed, qPrintable(resumed.errorString()));
        QCOMPARE(resumed->history.size(), 4);
        for (int e = 0; e < 4; ++e)
            QCOMPARE(resumed->history[e].loss, straight->history[e].loss);
        QCOMPARE(weightsOf(resumed->model, QStringLiteral("dense")),
                 weightsOf(straight->model, QStringLiteral("dense")));
        // A state from another model is refused with a reason.
        TrainingParams other = baseParams(dropoutMlp(5, 3), 5);
        other.resumeFrom = p.stateCheckpointPath;
        const auto refused = Trainer::run(other);
        QVERIFY(!refused);
        QVERIFY2(refused.errorString().contains(QLatin1String("does not match")), qPrintable(refused.errorString()));
    }

    void badSelectionsAreErrors()
    {
        TrainingParams p = baseParams(dropoutMlp(4, 3), 4);
        p.trainable = TrainableSelection{TrainPreset::FromLayer, QStringLiteral("nope")};
        const auto r = Trainer::run(p);
        QVERIFY(!r);
        QVERIFY2(r.errorString().contains(QLatin1String("'nope'")), qPrintable(r.errorString()));
        QVERIFY(!TrainableSelection::parse(QStringLiteral("some")));
        QCOMPARE(TrainableSelection::parse(QStringLiteral("from:dense_1"))->fromLayer, QStringLiteral("dense_1"));
        TrainingParams wrong = baseParams(dropoutMlp(4, 3), 4);
        wrong.classNames = names(QStringLiteral("c"), 5);
        QVERIFY(!Trainer::run(wrong));
    }
};

QTEST_APPLESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
