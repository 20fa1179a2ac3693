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

/** input (shape) -> one layer; `weights` attached to it. */
ModelSpec singleLayer(const QString &cls, const QJsonObject &config, const QJsonArray &inputShape,
                      const QVector<LayerWeight> &weights = {})
{
    ModelSpec spec =
        parseSpec(functionalConfig({{"input_1", inputShape}}, {{"layer", cls, config, {"input_1"}}}, {"layer"}));
    spec.layer("layer")->weights = weights;
    return spec;
}

TensorData predictOne(const ModelSpec &spec, const TensorData &x, const EngineOptions &options = {})
{
    auto model = InferenceModel::build(spec, options);
    if (!model)
        qFatal("build failed: %s", qPrintable(model.errorString()));
    auto y = model->predict({x});
    if (!y)
        qFatal("predict failed: %s", qPrintable(y.errorString()));
    return y->front();
}

QJsonArray ints(std::initializer_list<int> v)
{
    QJsonArray a;
    for (int i : v)
        a.append(i);
    return a;
}

/** Block-diagonal full kernel equal to a depthwise kernel (kh, kw, in, mult). */
TensorData depthwiseAsFull(const TensorData &dk)
{
    const std::int64_t kh = dk.shape[0], kw = dk.shape[1], in = dk.shape[2], mult = dk.shape[3];
    TensorData full;
    full.shape = {kh, kw, in, in * mult};
    full.values.assign(std::size_t(full.elementCount()), 0.0f);
    for (std::int64_t a = 0; a < kh; ++a)
        for (std::int64_t b = 0; b < kw; ++b)
            for (std::int64_t c = 0; c < in; ++c)
                for (std::int64_t m = 0; m < mult; ++m)
                    full.values[std::size_t(((a * kw + b) * in + c) * in * mult + c * mult + m)] =
                        dk.values[std::size_t(((a * kw + b) * in + c) * mult + m)];
    return full;
}

} // namespace

/** The engine's layers against plain-loop references of TensorFlow's maths, and its graph handling. */
class TestEngineLayers final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void conv2dMatchesReference_data()
    {
        QTest::addColumn<QVector<int>>("g"); // h, w, c, filters, kh, kw, sh, sw, dh, dw, same
        QTest::newRow("same stride 2, odd total on w") << QVector<int>{7, 8, 3, 4, 3, 3, 2, 2, 1, 1, 1};
        QTest::newRow("speaker cnn first layer") << QVector<int>{40, 87, 1, 8, 5, 5, 3, 3, 1, 1, 1};
        QTest::newRow("same even kernel, odd total") << QVector<int>{6, 6, 2, 3, 4, 4, 1, 1, 1, 1, 1};
        QTest::newRow("same dilated") << QVector<int>{9, 9, 2, 2, 3, 3, 1, 1, 2, 2, 1};
        QTest::newRow("same stride 3x2 asymmetric") << QVector<int>{10, 7, 2, 2, 2, 3, 3, 2, 1, 1, 1};
        QTest::newRow("valid strided") << QVector<int>{8, 5, 3, 2, 2, 3, 3, 2, 1, 1, 0};
        // Small maps, where most 'same' taps meet only padding and are dropped (liveTaps).
        QTest::newRow("speaker cnn second layer") << QVector<int>{14, 29, 3, 4, 5, 5, 3, 3, 1, 1, 1};
        QTest::newRow("same 3x3 s3 on 1x1: centre tap only") << QVector<int>{1, 1, 5, 3, 3, 3, 3, 3, 1, 1, 1};
        QTest::newRow("same 3x3 s3 on 1x2") << QVector<int>{1, 2, 4, 3, 3, 3, 3, 3, 1, 1, 1};
        QTest::newRow("same 3x3 s3 on 2x4") << QVector<int>{2, 4, 3, 2, 3, 3, 3, 3, 1, 1, 1};
        QTest::newRow("same stride above the map") << QVector<int>{2, 2, 2, 2, 3, 3, 5, 5, 1, 1, 1};
        QTest::newRow("same dilated on 2x2") << QVector<int>{2, 2, 2, 2, 3, 3, 1, 1, 2, 2, 1};
        QTest::newRow("same even kernel dilated, strided, small") << QVector<int>{3, 3, 2, 2, 4, 4, 2, 2, 2, 2, 1};
        QTest::newRow("same 5x5 s1 on 1x3") << QVector<int>{1, 3, 2, 2, 5, 5, 1, 1, 1, 1, 1};
    }

    void conv2dMatchesReference()
    {
        QFETCH(QVector<int>, g);
        const TensorData x = randomTensor({2, g[0], g[1], g[2]}, 11);
        const TensorData kernel = randomTensor({g[4], g[5], g[2], g[3]}, 12);
        const TensorData bias = randomTensor({g[3]}, 13);
        const QJsonObject config{{"filters", g[3]},
                                 {"kernel_size", ints({g[4], g[5]})},
                                 {"strides", ints({g[6], g[7]})},
                                 {"dilation_rate", ints({g[8], g[9]})},
                                 {"padding", g[10] ? "same" : "valid"},
                                 {"activation", "linear"},
                                 {"use_bias", true},
                                 {"data_format", "channels_last"}};
        const TensorData y = predictOne(
            singleLayer("Conv2D", config, ints({g[0], g[1], g[2]}), {weight("kernel", kernel), weight("bias", bias)}),
            x);
        const TensorData ref = referenceConv2D(x, kernel, bias, g[6], g[7], g[8], g[9], g[10]);
        QCOMPARE(y.shape, ref.shape);
        QVERIFY2(maxAbsError(y, ref) < 1e-5, qPrintable(QString::number(maxAbsError(y, ref))));
    }

    void conv1dCausalMatchesReference()
    {
        // Conv1D 'causal' = a 1 x T image padded (k - 1) * d on the left only.
        const TensorData x = randomTensor({2, 9, 3}, 21);
        const TensorData kernel = randomTensor({3, 3, 2}, 22);
        const QJsonObject config{
            {"filters", 2},        {"kernel_size", ints({3})}, {"strides", ints({1})}, {"dilation_rate", ints({2})},
            {"padding", "causal"}, {"activation", "linear"},   {"use_bias", false}};
        const TensorData y = predictOne(singleLayer("Conv1D", config, ints({9, 3}), {weight("kernel", kernel)}), x);
        TensorData padded = tensor({2, 1, 13, 3}, std::vector<float>(2 * 13 * 3, 0.0f));
        for (int b = 0; b < 2; ++b)
            for (int t = 0; t < 9; ++t)
                for (int c = 0; c < 3; ++c)
                    padded.values[std::size_t((b * 13 + t + 4) * 3 + c)] = x.values[std::size_t((b * 9 + t) * 3 + c)];
        TensorData k2 = kernel;
        k2.shape = {1, 3, 3, 2};
        TensorData ref = referenceConv2D(padded, k2, {}, 1, 1, 1, 2, false);
        ref.shape = {2, 9, 2};
        QCOMPARE(y.shape, ref.shape);
        QVERIFY(maxAbsError(y, ref) < 1e-5);
    }

    void depthwiseAndSeparableMatchReference()
    {
        const TensorData x = randomTensor({1, 7, 6, 3}, 31);
        const TensorData dk = randomTensor({3, 3, 3, 2}, 32);
        const TensorData pk = randomTensor({1, 1, 6, 4}, 33);
        const TensorData db = randomTensor({6}, 34);
        const TensorData sb = randomTensor({4}, 35);
        const QJsonObject depthwise{{"kernel_size", ints({3, 3})}, {"strides", ints({2, 2})}, {"padding", "same"},
                                    {"depth_multiplier", 2},       {"activation", "linear"},  {"use_bias", true}};
        const TensorData y = predictOne(singleLayer("DepthwiseConv2D", depthwise, ints({7, 6, 3}),
                                                    {weight("depthwise_kernel", dk), weight("bias", db)}),
                                        x);
        const TensorData ref = referenceConv2D(x, depthwiseAsFull(dk), db, 2, 2, 1, 1, true);
        QVERIFY(maxAbsError(y, ref) < 1e-5);

        QJsonObject separable = depthwise;
        separable.insert("filters", 4);
        const TensorData s = predictOne(
            singleLayer("SeparableConv2D", separable, ints({7, 6, 3}),
                        {weight("depthwise_kernel", dk), weight("pointwise_kernel", pk), weight("bias", sb)}),
            x);
        const TensorData mid = referenceConv2D(x, depthwiseAsFull(dk), {}, 2, 2, 1, 1, true);
        const TensorData sref = referenceConv2D(mid, pk, sb, 1, 1, 1, 1, false);
        QVERIFY(maxAbsError(s, sref) < 1e-5);
    }

    void separableConv1DIsSeparableConv2DOnOneRow()
    {
        // Keras computes SeparableConv1D as separable_conv2d on the input with a height-1 axis
        // added (kernels too); the 2-D layer is checked against the reference above.
        const TensorData x = randomTensor({2, 9, 3}, 41);
        const TensorData dk = randomTensor({3, 3, 2}, 42);
        const TensorData pk = randomTensor({1, 6, 4}, 43);
        const TensorData bias = randomTensor({4}, 44);
        for (const char *padding : {"same", "valid"}) {
            const QJsonObject oneD{{"filters", 4},
                                   {"kernel_size", ints({3})},
                                   {"strides", ints({2})},
                                   {"padding", padding},
                                   {"dilation_rate", ints({1})},
                                   {"depth_multiplier", 2},
                                   {"activation", "relu"},
                                   {"use_bias", true}};
            const TensorData y = predictOne(
                singleLayer("SeparableConv1D", oneD, ints({9, 3}),
                            {weight("depthwise_kernel", dk), weight("pointwise_kernel", pk), weight("bias", bias)}),
                x);
            const QJsonObject twoD{{"filters", 4},
                                   {"kernel_size", ints({1, 3})},
                                   {"strides", ints({1, 2})},
                                   {"padding", padding},
                                   {"dilation_rate", ints({1, 1})},
                                   {"depth_multiplier", 2},
                                   {"activation", "relu"},
                                   {"use_bias", true}};
            TensorData x2 = x, dk2 = dk, pk2 = pk;
            x2.shape = {2, 1, 9, 3};
            dk2.shape = {1, 3, 3, 2};
            pk2.shape = {1, 1, 6, 4};
            TensorData ref = predictOne(
                singleLayer("SeparableConv2D", twoD, ints({1, 9, 3}),
                            {weight("depthwise_kernel", dk2), weight("pointwise_kernel", pk2), weight("bias", bias)}),
                x2);
            ref.shape = {2, ref.shape[2], 4};
            QCOMPARE(y.shape, ref.shape);
            QVERIFY2(maxAbsError(y, ref) < 1e-6, padding);
        }
    }

    void depthwiseConv1DIsDepthwiseConv2DOnOneRow()
    {
        // Keras 3's DepthwiseConv1D: depthwise_conv2d on the input with a height-1 axis added.
        const TensorData x = randomTensor({2, 9, 3}, 51);
        const TensorData dk = randomTensor({3, 3, 2}, 52);
        const TensorData bias = randomTensor({6}, 53);
        const QJsonObject oneD{{"kernel_size", ints({3})}, {"strides", ints({2})},   {"padding", "same"},
                               {"depth_multiplier", 2},    {"activation", "linear"}, {"use_bias", true}};
        const TensorData y = predictOne(
            singleLayer("DepthwiseConv1D", oneD, ints({9, 3}), {weight("depthwise_kernel", dk), weight("bias", bias)}),
            x);
        const QJsonObject twoD{{"kernel_size", ints({1, 3})}, {"strides", ints({1, 2})}, {"padding", "same"},
                               {"depth_multiplier", 2},       {"activation", "linear"},  {"use_bias", true}};
        TensorData x2 = x, dk2 = dk;
        x2.shape = {2, 1, 9, 3};
        dk2.shape = {1, 3, 3, 2};
        TensorData ref = predictOne(singleLayer("DepthwiseConv2D", twoD, ints({1, 9, 3}),
                                                {weight("depthwise_kernel", dk2), weight("bias", bias)}),
                                    x2);
        ref.shape = {2, 5, 6};
        QCOMPARE(y.shape, ref.shape);
        QVERIFY(maxAbsError(y, ref) < 1e-6);
    }

    void pool2dMatchesReference_data()
    {
        QTest::addColumn<QVector<int>>("g"); // h, w, ph, pw, sh, sw, same, max
        for (int isMax : {0, 1}) {
            const char *kind = isMax ? "max" : "average";
            QTest::newRow(qPrintable(QStringLiteral("%1 same 3x3 s2 odd").arg(kind)))
                << QVector<int>{7, 8, 3, 3, 2, 2, 1, isMax};
            QTest::newRow(qPrintable(QStringLiteral("%1 same 2x2 s1").arg(kind)))
                << QVector<int>{6, 5, 2, 2, 1, 1, 1, isMax};
            QTest::newRow(qPrintable(QStringLiteral("%1 same 3x3 s3 speaker").arg(kind)))
                << QVector<int>{14, 29, 3, 3, 3, 3, 1, isMax};
            QTest::newRow(qPrintable(QStringLiteral("%1 valid 3x2 s(2,3)").arg(kind)))
                << QVector<int>{5, 7, 3, 2, 2, 3, 0, isMax};
        }
    }

    void pool2dMatchesReference()
    {
        QFETCH(QVector<int>, g);
        const TensorData x = randomTensor({2, g[0], g[1], 3}, 41);
        const QJsonObject config{{"pool_size", ints({g[2], g[3]})},
                                 {"strides", ints({g[4], g[5]})},
                                 {"padding", g[6] ? "same" : "valid"},
                                 {"data_format", "channels_last"}};
        const TensorData y =
            predictOne(singleLayer(g[7] ? "MaxPooling2D" : "AveragePooling2D", config, ints({g[0], g[1], 3})), x);
        const TensorData ref = referencePool2D(x, g[2], g[3], g[4], g[5], g[6], g[7]);
        QCOMPARE(y.shape, ref.shape);
        QVERIFY2(maxAbsError(y, ref) < 1e-6, qPrintable(QString::number(maxAbsError(y, ref))));
    }

    void gruMatchesReference_data()
    {
        QTest::addColumn<bool>("resetAfter");
        QTest::addColumn<bool>("sequences");
        QTest::newRow("reset_after, last") << true << false;
        QTest::newRow("reset_after, sequences") << true << true;
        QTest::newRow("classic, sequences") << false << true;
    }

    void gruMatchesReference()
    {
        QFETCH(bool, resetAfter);
        QFETCH(bool, sequences);
        const int u = 5;
        const TensorData x = randomTensor({3, 6, 4}, 51);
        const TensorData k = randomTensor({4, 3 * u}, 52);
        const TensorData r = randomTensor({u, 3 * u}, 53);
        const TensorData b =
            randomTensor(resetAfter ? std::vector<std::int64_t>{2, 3 * u} : std::vector<std::int64_t>{3 * u}, 54);
        const QJsonObject config{{"units", u},
                                 {"activation", "tanh"},
                                 {"recurrent_activation", "sigmoid"},
                                 {"reset_after", resetAfter},
                                 {"return_sequences", sequences},
                                 {"use_bias", true}};
        const TensorData y =
            predictOne(singleLayer("GRU", config, ints({6, 4}),
                                   {weight("kernel", k), weight("recurrent_kernel", r), weight("bias", b)}),
                       x);
        const TensorData ref = referenceGru(x, k, r, b, resetAfter, {}, sequences);
        QCOMPARE(y.shape, ref.shape);
        QVERIFY2(maxAbsError(y, ref) < 1e-5, qPrintable(QString::number(maxAbsError(y, ref))));
    }

    void embeddingMaskReachesGru()
    {
        // Post-padded sequences: masked steps keep the state (Keras 2.1 repeats it as the output).
        const int u = 3, vocab = 7, dim = 4, steps = 5;
        const TensorData table = randomTensor({vocab, dim}, 61);
        const TensorData k = randomTensor({dim, 3 * u}, 62), r = randomTensor({u, 3 * u}, 63),
                         b = randomTensor({3 * u}, 64);
        ModelSpec spec = parseSpec(functionalConfig(
            {{"tokens", ints({steps})}},
            {{"emb",
              "Embedding",
              QJsonObject{{"input_dim", vocab}, {"output_dim", dim}, {"mask_zero", true}},
              {"tokens"}},
             {"gru",
              "GRU",
              QJsonObject{{"units", u}, {"recurrent_activation", "sigmoid"}, {"return_sequences", true}},
              {"emb"}}},
            {"gru"}));
        spec.layer("emb")->weights = {weight("embeddings", table)};
        spec.layer("gru")->weights = {weight("kernel", k), weight("recurrent_kernel", r), weight("bias", b)};
        const TensorData tokens = tensor({2, steps}, {3, 1, 6, 0, 0, 2, 5, 4, 1, 0});
        const TensorData y = predictOne(spec, tokens, EngineOptions::forKerasVersion(QStringLiteral("2.1.2")));

        TensorData embedded = tensor({2, steps, dim}, {});
        std::vector<int> mask;
        for (float t : tokens.values) {
            for (int d = 0; d < dim; ++d)
                embedded.values.push_back(table.values[std::size_t(int(t) * dim + d)]);
            mask.push_back(t != 0.0f);
        }
        const TensorData ref = referenceGru(embedded, k, r, b, false, mask, true);
        QVERIFY2(maxAbsError(y, ref) < 1e-5, qPrintable(QString::number(maxAbsError(y, ref))));
    }

    void activationsMatchFormulas_data()
    {
        QTest::addColumn<QString>("name");
        for (const char *n :
             {"relu", "relu6", "elu", "selu", "gelu", "swish", "silu", "softplus", "softsign", "tanh", "sigmoid",
              "exponential", "linear", "hard_silu", "mish", "leaky_relu", "softmax", "log_softmax"})
            QTest::newRow(n) << QString::fromLatin1(n);
    }

    void activationsMatchFormulas()
    {
        QFETCH(QString, name);
        std::vector<float> values;
        for (int i = 0; i <= 16; ++i)
            values.push_back(-4.0f + 0.5f * float(i));
        const TensorData x = tensor({1, 17}, values);
        const TensorData y = predictOne(singleLayer("Activation", QJsonObject{{"activation", name}}, ints({17})), x);
        double sumExp = 0.0;
        for (float v : values)
            sumExp += std::exp(double(v));
        for (std::size_t i = 0; i < values.size(); ++i) {
            const double v = values[i];
            const double softplus = std::log1p(std::exp(v));
            double expected = v;
            if (name == "relu")
                expected = std::max(v, 0.0);
            else if (name == "relu6")
                expected = std::min(std::max(v, 0.0), 6.0);
            else if (name == "elu")
                expected = v > 0 ? v : std::exp(v) - 1.0;
            else if (name == "selu")
                expected = 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * (std::exp(v) - 1.0));
            else if (name == "gelu")
                expected = 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0)));
            else if (name == "swish" || name == "silu")
                expected = v * sigmoid(v);
            else if (name == "softplus")
                expected = softplus;
            else if (name == "softsign")
                expected = v / (std::fabs(v) + 1.0);
            else if (name == "tanh")
                expected = std::tanh(v);
            else if (name == "sigmoid")
                expected = sigmoid(v);
            else if (name == "exponential")
                expected = std::exp(v);
            else if (name == "hard_silu")
                expected = v * std::min(std::max(v + 3.0, 0.0), 6.0) / 6.0;
            else if (name == "mish")
                expected = v * std::tanh(softplus);
            else if (name == "leaky_relu")
                expected = v > 0 ? v : 0.2 * v;
            else if (name == "softmax")
                expected = std::exp(v) / sumExp;
            else if (name == "log_softmax")
                expected = v - std::log(sumExp);
            QVERIFY2(
                std::fabs(y.values[i] - expected) < 2e-5 * std::max(1.0, std::fabs(expected)),
                qPrintable(QStringLiteral("%1(%2) = %3, expected %4").arg(name).arg(v).arg(y.values[i]).arg(expected)));
        }
    }

    void hardSigmoidFollowsKerasVersion()
    {
        const TensorData x = tensor({1, 5}, {-3.0f, -2.0f, 0.5f, 2.0f, 3.0f});
        const ModelSpec spec = singleLayer("Activation", QJsonObject{{"activation", "hard_sigmoid"}}, ints({5}));
        const TensorData k2 = predictOne(spec, x, EngineOptions::forKerasVersion(QStringLiteral("2.11.0")));
        const TensorData k3 = predictOne(spec, x, EngineOptions::forKerasVersion(QStringLiteral("3.3.3")));
        for (int i = 0; i < 5; ++i) {
            const double v = x.values[std::size_t(i)];
            QVERIFY(std::fabs(k2.values[std::size_t(i)] - std::clamp(0.2 * v + 0.5, 0.0, 1.0)) < 1e-6);
            QVERIFY(std::fabs(k3.values[std::size_t(i)] - std::clamp(v + 3.0, 0.0, 6.0) / 6.0) < 1e-6);
        }
        QVERIFY(k2.values[1] != k3.values[1]); // -2: 0.1 vs 1/6
    }

    void reluLayerOptions()
    {
        const TensorData x = tensor({1, 7}, {-3.0f, -1.0f, 0.0f, 0.5f, 1.5f, 4.0f, 8.0f});
        const QJsonObject config{{"max_value", 5.0}, {"negative_slope", 0.1}, {"threshold", 1.0}};
        const TensorData y = predictOne(singleLayer("ReLU", config, ints({7})), x);
        for (int i = 0; i < 7; ++i) {
            const double v = x.values[std::size_t(i)];
            const double expected = v >= 5.0 ? 5.0 : (v > 1.0 ? v : 0.1 * (v - 1.0));
            QVERIFY2(std::fabs(y.values[std::size_t(i)] - expected) < 1e-6, qPrintable(QString::number(v)));
        }
    }

    void sharedLayerNodesAndIntermediateTensors()
    {
        // dense_shared is called twice; outputs use node 1 and the Add of both calls.
        const TensorData k = randomTensor({3, 2}, 71), b = randomTensor({2}, 72);
        ModelSpec spec = parseSpec(
            functionalConfig({{"a", ints({3})}, {"b", ints({3})}},
                             {{"dense_shared", "Dense", QJsonObject{{"units", 2}, {"activation", "tanh"}}, {"a"}},
                              {"dense_shared", "Dense", {}, {"b"}},
                              {"add", "Add", {}, {"dense_shared:0:0", "dense_shared:1:0"}}},
                             {"dense_shared:1:0", "add"}));
        spec.layer("dense_shared")->weights = {weight("kernel", k), weight("bias", b)};
        auto model = InferenceModel::build(spec);
        QVERIFY2(model, qPrintable(model.errorString()));
        const TensorData a = randomTensor({4, 3}, 73), bb = randomTensor({4, 3}, 74);
        auto y = model->predict({a, bb}, 3);
        QVERIFY2(y, qPrintable(y.errorString()));
        QCOMPARE(int(y->size()), 2);
        auto dense = [&](const TensorData &in, int row, int unit) {
            double acc = b.values[std::size_t(unit)];
            for (int i = 0; i < 3; ++i)
                acc += double(in.values[std::size_t(row * 3 + i)]) * k.values[std::size_t(i * 2 + unit)];
            return std::tanh(acc);
        };
        for (int row = 0; row < 4; ++row)
            for (int unit = 0; unit < 2; ++unit) {
                QVERIFY(std::fabs((*y)[0].values[std::size_t(row * 2 + unit)] - dense(bb, row, unit)) < 1e-6);
                QVERIFY(
                    std::fabs((*y)[1].values[std::size_t(row * 2 + unit)] - dense(a, row, unit) - dense(bb, row, unit))
                    < 1e-6);
            }
        auto first = model->predictTensors({a, bb}, {TensorRef{"dense_shared", 0, 0}});
        QVERIFY2(first, qPrintable(first.errorString()));
        QVERIFY(std::fabs(first->front().values[0] - dense(a, 0, 0)) < 1e-6);
    }

    void nestedModelAsLayer()
    {
        // A Keras 2 functional model calling a nested functional model: the outer
        // config numbers the nested model's first call as node 1.
        const QJsonObject inner = functionalConfig(
            {{"inner_in", ints({3})}},
            {{"inner_dense", "Dense", QJsonObject{{"units", 2}, {"activation", "relu"}}, {"inner_in"}}},
            {"inner_dense"});
        QJsonObject innerEntry = inner;
        innerEntry.insert("name", "encoder");
        QJsonObject innerConfig = inner.value("config").toObject();
        innerConfig.insert("name", "encoder");
        innerEntry.insert("config", innerConfig);
        innerEntry.insert("inbound_nodes", QJsonArray{QJsonArray{kerasRef("x")}});
        QJsonObject outer = functionalConfig(
            {{"x", ints({3})}},
            {{"head", "Dense", QJsonObject{{"units", 1}, {"activation", "linear"}}, {"encoder:1:0"}}}, {"head"});
        QJsonObject outerConfig = outer.value("config").toObject();
        QJsonArray layers = outerConfig.value("layers").toArray();
        layers.insert(1, innerEntry);
        outerConfig.insert("layers", layers);
        outer.insert("config", outerConfig);
        ModelSpec spec = parseSpec(outer);
        QVERIFY(spec.layer("encoder") && spec.layer("encoder")->nestedModel);
        const TensorData k1 = randomTensor({3, 2}, 81), b1 = randomTensor({2}, 82), k2 = randomTensor({2, 1}, 83),
                         b2 = randomTensor({1}, 84);
        spec.layer("encoder")->nestedModel->layer("inner_dense")->weights = {weight("kernel", k1), weight("bias", b1)};
        spec.layer("head")->weights = {weight("kernel", k2), weight("bias", b2)};
        const TensorData x = randomTensor({2, 3}, 85);
        const TensorData y = predictOne(spec, x);
        for (int row = 0; row < 2; ++row) {
            double out = b2.values[0];
            for (int u = 0; u < 2; ++u) {
                double h = b1.values[std::size_t(u)];
                for (int i = 0; i < 3; ++i)
                    h += double(x.values[std::size_t(row * 3 + i)]) * k1.values[std::size_t(i * 2 + u)];
                out += std::max(h, 0.0) * k2.values[std::size_t(u)];
            }
            QVERIFY(std::fabs(y.values[std::size_t(row)] - out) < 1e-6);
        }
    }

    void errorsNameLayerClassAndOption()
    {
        auto unsupported = InferenceModel::build(singleLayer("QConv2D", QJsonObject{{"filters", 2}}, ints({4, 4, 1})));
        QVERIFY(!unsupported);
        QVERIFY2(unsupported.errorString().contains("'layer'") && unsupported.errorString().contains("QConv2D"),
                 qPrintable(unsupported.errorString()));

        const QJsonObject badPadding{{"filters", 2}, {"kernel_size", ints({3, 3})}, {"padding", "full"}};
        auto bad = InferenceModel::build(
            singleLayer("Conv2D", badPadding, ints({4, 4, 1}),
                        {weight("kernel", randomTensor({3, 3, 1, 2}, 1)), weight("bias", randomTensor({2}, 2))}));
        QVERIFY(!bad);
        QVERIFY2(bad.errorString().contains("'layer' (Conv2D)") && bad.errorString().contains("'padding'")
                     && bad.errorString().contains("full"),
                 qPrintable(bad.errorString()));

        auto missing = InferenceModel::build(singleLayer("Dense", QJsonObject{{"units", 2}}, ints({3})));
        QVERIFY(!missing);
        QVERIFY2(missing.errorString().contains("'kernel'"), qPrintable(missing.errorString()));

        auto model = InferenceModel::build(
            singleLayer("Dense", QJsonObject{{"units", 2}}, ints({3}),
                        {weight("kernel", randomTensor({3, 2}, 3)), weight("bias", randomTensor({2}, 4))}));
        QVERIFY2(model, qPrintable(model.errorString()));
        auto wrong = model->predict({randomTensor({2, 4}, 5)});
        QVERIFY(!wrong);
        QVERIFY2(wrong.errorString().contains("(None, 3)") && wrong.errorString().contains("(2, 4)"),
                 qPrintable(wrong.errorString()));
        QVERIFY(!model->predict({randomTensor({2, 3}, 5), randomTensor({2, 3}, 6)}));
    }

    void kerasWeightsRoundTrip()
    {
        const TensorData kernel = randomTensor({3, 2, 4, 5}, 91), bias = randomTensor({5}, 92);
        const QJsonObject config{{"filters", 5}, {"kernel_size", ints({3, 2})}, {"padding", "same"}};
        auto model = InferenceModel::build(
            singleLayer("Conv2D", config, ints({6, 6, 4}), {weight("kernel", kernel), weight("bias", bias)}));
        QVERIFY2(model, qPrintable(model.errorString()));
        const auto weights = model->kerasWeights();
        QCOMPARE(weights.size(), 1);
        QCOMPARE(weights.front().second.size(), 2);
        QCOMPARE(weights.front().second[0].name, QString("kernel"));
        QCOMPARE(maxAbsError(weights.front().second[0].tensor, kernel), 0.0);
        QCOMPARE(maxAbsError(weights.front().second[1].tensor, bias), 0.0);

        const TensorData dk = randomTensor({3, 3, 3, 2}, 93), pk = randomTensor({1, 1, 6, 4}, 94),
                         sb = randomTensor({4}, 95);
        const QJsonObject separable{{"filters", 4}, {"kernel_size", ints({3, 3})}, {"depth_multiplier", 2}};
        auto sep = InferenceModel::build(
            singleLayer("SeparableConv2D", separable, ints({5, 5, 3}),
                        {weight("depthwise_kernel", dk), weight("pointwise_kernel", pk), weight("bias", sb)}));
        QVERIFY2(sep, qPrintable(sep.errorString()));
        const auto sw = sep->kerasWeights().front().second;
        QCOMPARE(maxAbsError(sw[0].tensor, dk), 0.0);
        QCOMPARE(maxAbsError(sw[1].tensor, pk), 0.0);
    }

    void statefulCarriesStateUntilReset()
    {
        const TensorData k = randomTensor({2, 3}, 101), r = randomTensor({3, 3}, 102), b = randomTensor({3}, 103);
        const QJsonObject config{{"units", 3}, {"stateful", true}, {"activation", "tanh"}};
        auto model =
            InferenceModel::build(singleLayer("SimpleRNN", config, ints({4, 2}),
                                              {weight("kernel", k), weight("recurrent_kernel", r), weight("bias", b)}));
        QVERIFY2(model, qPrintable(model.errorString()));
        const TensorData x = randomTensor({1, 4, 2}, 104);
        const TensorData first = model->predict({x})->front();
        const TensorData second = model->predict({x})->front();
        QVERIFY(maxAbsError(first, second) > 1e-4);
        model->resetStates();
        QCOMPARE(maxAbsError(model->predict({x})->front(), first), 0.0);
    }

    void batchNormTrainingUpdatesMovingStatistics()
    {
        const TensorData gamma = randomTensor({3}, 111, 0.5f, 1.5f), beta = randomTensor({3}, 112);
        const TensorData mean = randomTensor({3}, 113), variance = randomTensor({3}, 114, 0.5f, 2.0f);
        auto model = InferenceModel::build(
            singleLayer("BatchNormalization", QJsonObject{{"momentum", 0.9}, {"epsilon", 1e-3}}, ints({3}),
                        {weight("gamma", gamma), weight("beta", beta), weight("moving_mean", mean, false),
                         weight("moving_variance", variance, false)}),
            EngineOptions::forKerasVersion(QStringLiteral("3.3.3")));
        QVERIFY2(model, qPrintable(model.errorString()));
        const TensorData x = randomTensor({8, 3}, 115);
        auto normalized = model->runTrainingMode({x}, 8);
        QVERIFY2(normalized, qPrintable(normalized.errorString()));
        // Training mode normalizes with the batch's own statistics: each column has mean beta.
        for (int c = 0; c < 3; ++c) {
            double m = 0;
            for (int i = 0; i < 8; ++i)
                m += normalized->front().values[std::size_t(i * 3 + c)] / 8.0;
            QVERIFY(std::fabs(m - beta.values[std::size_t(c)]) < 1e-5);
        }
        const QVector<LayerWeight> w = model->kerasWeights().front().second;
        QCOMPARE(w.size(), 4);
        for (int c = 0; c < 3; ++c) {
            double m = 0, v = 0;
            for (int i = 0; i < 8; ++i)
                m += x.values[std::size_t(i * 3 + c)] / 8.0;
            for (int i = 0; i < 8; ++i)
                v += std::pow(x.values[std::size_t(i * 3 + c)] - m, 2) / 8.0; // Keras 3: biased
            QVERIFY(std::fabs(w[2].tensor.values[std::size_t(c)] - (0.9 * mean.values[std::size_t(c)] + 0.1 * m))
                    < 1e-6);
            QVERIFY(std::fabs(w[3].tensor.values[std::size_t(c)] - (0.9 * variance.values[std::size_t(c)] + 0.1 * v))
                    < 1e-6);
        }
    }

    void dropoutOnlyInTraining()
    {
        auto model = InferenceModel::build(singleLayer("Dropout", QJsonObject{{"rate", 0.5}}, ints({1000})));
        QVERIFY2(model, qPrintable(model.errorString()));
        const TensorData x = tensor({1, 1000}, std::vector<float>(1000, 1.0f));
        QCOMPARE(maxAbsError(model->predict({x})->front(), x), 0.0);
        auto y = model->runTrainingMode({x});
        QVERIFY2(y, qPrintable(y.errorString()));
        const auto zeros = std::count(y->front().values.begin(), y->front().values.end(), 0.0f);
        const auto doubled = std::count(y->front().values.begin(), y->front().values.end(), 2.0f);
        QVERIFY(zeros > 350 && zeros < 650);
        QCOMPARE(zeros + doubled, 1000);
        QCOMPARE(maxAbsError(model->predict({x})->front(), x), 0.0);
    }

    void batchSizeDoesNotChangeResults()
    {
        const TensorData kernel = randomTensor({3, 3, 2, 4}, 121), bias = randomTensor({4}, 122);
        const QJsonObject config{
            {"filters", 4}, {"kernel_size", ints({3, 3})}, {"padding", "same"}, {"activation", "relu"}};
        auto model = InferenceModel::build(
            singleLayer("Conv2D", config, ints({5, 5, 2}), {weight("kernel", kernel), weight("bias", bias)}));
        QVERIFY2(model, qPrintable(model.errorString()));
        const TensorData x = randomTensor({10, 5, 5, 2}, 123);
        const TensorData all = model->predict({x}, 10)->front();
        const TensorData split = model->predict({x}, 3)->front();
        QCOMPARE(all.shape, (std::vector<std::int64_t>{10, 5, 5, 4}));
        QVERIFY(maxAbsError(all, split) < 1e-6);
    }
};

QTEST_APPLESS_MAIN(TestEngineLayers)
#include "tst_enginelayers.moc"
