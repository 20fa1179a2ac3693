#include "core/training/weightinitializer.h"

#include "core/dataset/datasetsplit.h"
#include "core/model/layerconfig.h"

#include <QHash>
#include <QJsonObject>

#include <cmath>

namespace graft {

namespace {

struct Fans
{
    double in = 1.0;
    double out = 1.0;
};

// keras.initializers._compute_fans.
Fans computeFans(const std::vector<std::int64_t> &shape)
{
    if (shape.empty())
        return {};
    if (shape.size() == 1)
        return {double(shape[0]), double(shape[0])};
    if (shape.size() == 2)
        return {double(shape[0]), double(shape[1])};
    double receptive = 1.0;
    for (std::size_t i = 0; i + 2 < shape.size(); ++i)
        receptive *= double(shape[i]);
    return {double(shape[shape.size() - 2]) * receptive, double(shape.back()) * receptive};
}

double truncatedNormal(SeededRandom &random)
{
    // Keras/TF redraw values further than two standard deviations.
    for (;;) {
        const double v = random.normal();
        if (std::abs(v) <= 2.0)
            return v;
    }
}

/** Keras's Orthogonal: QR of a normal matrix with rows = prod(shape[:-1]), cols = shape[-1], signs from diag(R). */
std::vector<float> orthogonal(const std::vector<std::int64_t> &shape, double gain, SeededRandom &random)
{
    std::int64_t rows = 1;
    for (std::size_t i = 0; i + 1 < shape.size(); ++i)
        rows *= shape[i];
    const std::int64_t cols = shape.empty() ? 1 : shape.back();
    // Work on the transpose when wide, as Keras does, so the vectors we orthonormalize are the long side.
    const bool transpose = rows < cols;
    const std::int64_t n = transpose ? cols : rows; // vector length
    const std::int64_t k = transpose ? rows : cols; // vector count
    std::vector<double> q(static_cast<std::size_t>(n * k));
    for (double &v : q)
        v = random.normal();
    // Modified Gram-Schmidt equals QR with a positive diagonal in R, which is what Keras's sign fix gives.
    for (std::int64_t j = 0; j < k; ++j) {
        double *vj = q.data() + j * n;
        for (std::int64_t p = 0; p < j; ++p) {
            const double *vp = q.data() + p * n;
            double dot = 0.0;
            for (std::int64_t i = 0; i < n; ++i)
                dot += vj[i] * vp[i];
            for (std::int64_t i = 0; i < n; ++i)
                vj[i] -= dot * vp[i];
        }
        double norm = 0.0;
        for (std::int64_t i = 0; i < n; ++i)
            norm += vj[i] * vj[i];
        norm = std::sqrt(norm);
        for (std::int64_t i = 0; i < n; ++i)
            vj[i] = norm > 0.0 ? vj[i] / norm : 0.0;
    }
    std::vector<float> out(static_cast<std::size_t>(rows * cols));
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t c = 0; c < cols; ++c) {
            const double v = transpose ? q[std::size_t(r * n + c)] : q[std::size_t(c * n + r)];
            out[std::size_t(r * cols + c)] = float(gain * v);
        }
    return out;
}

QString canonicalName(const QString &name)
{
    // "glorot_uniform" and "GlorotUniform" name the same initializer.
    QString n = name;
    n.remove(QLatin1Char('_'));
    return n.toLower();
}

/** The config that holds the initializers of weight `shortName` ("forward/kernel" → the wrapped layer's). */
QJsonObject initializerConfig(const Layer &layer, QString *shortName)
{
    QJsonObject config = layer.config;
    if (shortName->contains(QLatin1Char('/'))) {
        const QString direction = shortName->section(QLatin1Char('/'), 0, 0);
        *shortName = shortName->section(QLatin1Char('/'), -1);
        if (direction == QLatin1String("backward") && config.contains(QStringLiteral("backward_layer")))
            return layerconfig::wrappedLayer(config, QStringLiteral("backward_layer"))
                .value(QStringLiteral("config"))
                .toObject();
    }
    if (config.contains(QStringLiteral("layer")))
        return layerconfig::wrappedLayer(config).value(QStringLiteral("config")).toObject();
    return config;
}

QJsonValue initializerFor(const QJsonObject &config, const QString &shortName)
{
    static const QHash<QString, QPair<QString, QString>> keys{
        {QStringLiteral("kernel"), {QStringLiteral("kernel_initializer"), QStringLiteral("glorot_uniform")}},
        {QStringLiteral("bias"), {QStringLiteral("bias_initializer"), QStringLiteral("zeros")}},
        {QStringLiteral("recurrent_kernel"), {QStringLiteral("recurrent_initializer"), QStringLiteral("orthogonal")}},
        {QStringLiteral("embeddings"), {QStringLiteral("embeddings_initializer"), QStringLiteral("uniform")}},
        {QStringLiteral("gamma"), {QStringLiteral("gamma_initializer"), QStringLiteral("ones")}},
        {QStringLiteral("beta"), {QStringLiteral("beta_initializer"), QStringLiteral("zeros")}},
        {QStringLiteral("moving_mean"), {QStringLiteral("moving_mean_initializer"), QStringLiteral("zeros")}},
        {QStringLiteral("moving_variance"), {QStringLiteral("moving_variance_initializer"), QStringLiteral("ones")}},
        {QStringLiteral("depthwise_kernel"),
         {QStringLiteral("depthwise_initializer"), QStringLiteral("glorot_uniform")}},
        {QStringLiteral("pointwise_kernel"),
         {QStringLiteral("pointwise_initializer"), QStringLiteral("glorot_uniform")}},
        {QStringLiteral("alpha"), {QStringLiteral("alpha_initializer"), QStringLiteral("zeros")}},
        {QStringLiteral("variance"), {QString(), QStringLiteral("ones")}},
        {QStringLiteral("mean"), {QString(), QStringLiteral("zeros")}},
        {QStringLiteral("count"), {QString(), QStringLiteral("zeros")}},
    };
    const auto it = keys.constFind(shortName);
    if (it == keys.constEnd())
        return QStringLiteral("zeros");
    const QJsonValue v = it->first.isEmpty() ? QJsonValue() : config.value(it->first);
    return v.isNull() || v.isUndefined() ? QJsonValue(it->second) : v;
}

} // namespace

Expected<std::vector<float>> WeightInitializer::values(const QJsonValue &initializer,
                                                       const std::vector<std::int64_t> &shape, std::uint64_t seed)
{
    QString name;
    QJsonObject config;
    if (initializer.isString()) {
        name = initializer.toString();
    } else {
        name = initializer.toObject().value(QStringLiteral("class_name")).toString();
        config = initializer.toObject().value(QStringLiteral("config")).toObject();
    }
    const QString kind = canonicalName(name);
    const std::int64_t count = elementCountOf(shape);
    if (count < 0)
        return makeError(QStringLiteral("cannot initialize a weight of shape %1").arg(shapeToString(shape, false)));
    std::vector<float> out(std::size_t(count), 0.0f);
    SeededRandom random(seed);
    const Fans fans = computeFans(shape);
    auto number = [&](const char *key, double fallback) { return config.value(QLatin1String(key)).toDouble(fallback); };

    double scale = 1.0;
    QString mode = QStringLiteral("fan_in");
    QString distribution = QStringLiteral("truncated_normal");
    bool varianceScaling = true;
    if (kind == QLatin1String("glorotuniform")) {
        mode = QStringLiteral("fan_avg"), distribution = QStringLiteral("uniform");
    } else if (kind == QLatin1String("glorotnormal")) {
        mode = QStringLiteral("fan_avg");
    } else if (kind == QLatin1String("henormal")) {
        scale = 2.0;
    } else if (kind == QLatin1String("heuniform")) {
        scale = 2.0, distribution = QStringLiteral("uniform");
    } else if (kind == QLatin1String("lecunnormal")) {
    } else if (kind == QLatin1String("lecununiform")) {
        distribution = QStringLiteral("uniform");
    } else if (kind == QLatin1String("variancescaling")) {
        scale = number("scale", 1.0);
        mode = config.value(QStringLiteral("mode")).toString(QStringLiteral("fan_in"));
        distribution = config.value(QStringLiteral("distribution")).toString(QStringLiteral("truncated_normal"));
    } else {
        varianceScaling = false;
    }
    if (varianceScaling) {
        const double fan = mode == QLatin1String("fan_out")   ? fans.out
                           : mode == QLatin1String("fan_avg") ? (fans.in + fans.out) / 2.0
                                                              : fans.in;
        const double s = scale / std::max(1.0, fan);
        if (distribution == QLatin1String("uniform")) {
            const double limit = std::sqrt(3.0 * s);
            for (float &v : out)
                v = float((2.0 * random.uniform() - 1.0) * limit);
        } else if (distribution == QLatin1String("truncated_normal")) {
            // 0.879...: the standard deviation of a unit normal truncated to [-2, 2].
            const double stddev = std::sqrt(s) / 0.87962566103423978;
            for (float &v : out)
                v = float(truncatedNormal(random) * stddev);
        } else {
            const double stddev = std::sqrt(s);
            for (float &v : out)
                v = float(random.normal() * stddev);
        }
        return out;
    }
    if (kind == QLatin1String("zeros") || kind == QLatin1String("zero"))
        return out;
    if (kind == QLatin1String("ones") || kind == QLatin1String("one")) {
        std::fill(out.begin(), out.end(), 1.0f);
    } else if (kind == QLatin1String("constant")) {
        std::fill(out.begin(), out.end(), float(number("value", 0.0)));
    } else if (kind == QLatin1String("randomuniform") || kind == QLatin1String("uniform")) {
        const double lo = number("minval", -0.05), hi = number("maxval", 0.05);
        for (float &v : out)
            v = float(lo + (hi - lo) * random.uniform());
    } else if (kind == QLatin1String("randomnormal") || kind == QLatin1String("normal")) {
        const double mean = number("mean", 0.0), stddev = number("stddev", 0.05);
        for (float &v : out)
            v = float(mean + stddev * random.normal());
    } else if (kind == QLatin1String("truncatednormal")) {
        const double mean = number("mean", 0.0), stddev = number("stddev", 0.05);
        for (float &v : out)
            v = float(mean + stddev * truncatedNormal(random));
    } else if (kind == QLatin1String("orthogonal")) {
        out = orthogonal(shape, number("gain", 1.0), random);
    } else if (kind == QLatin1String("identity")) {
        if (shape.size() != 2)
            return makeError(
                QStringLiteral("the Identity initializer needs a 2-D weight, got %1").arg(shapeToString(shape, false)));
        const double gain = number("gain", 1.0);
        for (std::int64_t i = 0; i < std::min(shape[0], shape[1]); ++i)
            out[std::size_t(i * shape[1] + i)] = float(gain);
    } else {
        return makeError(QStringLiteral("initializer '%1' is not supported").arg(name));
    }
    return out;
}

Expected<void> WeightInitializer::initialize(ModelSpec &model, std::uint64_t seed)
{
    for (int l = 0; l < model.layers.size(); ++l) {
        Layer &layer = model.layers[l];
        const std::uint64_t layerSeed = SeededRandom::derive(seed, std::uint64_t(l) + 1);
        if (layer.nestedModel) {
            if (auto ok = initialize(*layer.nestedModel, layerSeed); !ok)
                return makeError(QStringLiteral("nested model '%1': %2").arg(layer.name, ok.errorString()));
            continue;
        }
        QVector<LayerWeight> weights = layer.weights;
        if (weights.isEmpty()) {
            for (const WeightSpec &spec : layer.expectedWeights) {
                LayerWeight w;
                w.name = spec.name;
                w.storedName = layer.name + QLatin1Char('/') + spec.name + QStringLiteral(":0");
                w.tensor.shape = spec.shape;
                w.trainable = spec.trainable;
                weights.append(w);
            }
        }
        for (int w = 0; w < weights.size(); ++w) {
            LayerWeight &weight = weights[w];
            QString shortName = weight.name;
            const QJsonObject config = initializerConfig(layer, &shortName);
            auto v = values(initializerFor(config, shortName), weight.tensor.shape,
                            SeededRandom::derive(layerSeed, std::uint64_t(w) + 1));
            if (!v)
                return makeError(
                    QStringLiteral("layer '%1', weight '%2': %3").arg(layer.name, weight.name, v.errorString()));
            weight.tensor.values = std::move(v).value();
            // LSTM's unit_forget_bias: the forget gate's bias block (i, f, c, o) starts at one.
            const bool lstm = layer.className.contains(QLatin1String("LSTM"))
                              || layerconfig::wrappedLayer(layer.config)
                                     .value(QStringLiteral("class_name"))
                                     .toString()
                                     .contains(QLatin1String("LSTM"));
            if (lstm && shortName == QLatin1String("bias")
                && config.value(QStringLiteral("unit_forget_bias")).toBool(true)
                && weight.tensor.values.size() % 4 == 0) {
                const std::size_t units = weight.tensor.values.size() / 4;
                std::fill(weight.tensor.values.begin() + std::ptrdiff_t(units),
                          weight.tensor.values.begin() + std::ptrdiff_t(2 * units), 1.0f);
            }
        }
        layer.weights = weights;
    }
    return {};
}

} // namespace graft
