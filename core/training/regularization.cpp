#include "core/training/regularization.h"

#include <QJsonObject>

#include <optional>

namespace graft::training {

namespace {

struct Penalty
{
    double l1 = 0.0;
    double l2 = 0.0;
};

/** A Keras 2/3 regularizer config: "l2", {"class_name": "L2", "config": {"l2": 0.01}}, L1, L1L2; nullopt if unknown. */
std::optional<Penalty> penaltyOf(const QJsonValue &value)
{
    // keras.regularizers: the string shortcuts use 0.01 (L1L2's own defaults are 0).
    if (value.isString()) {
        const QString name = value.toString().toLower();
        if (name == QLatin1String("l1"))
            return Penalty{0.01, 0.0};
        if (name == QLatin1String("l2"))
            return Penalty{0.0, 0.01};
        if (name == QLatin1String("l1_l2") || name == QLatin1String("l1l2"))
            return Penalty{0.01, 0.01};
        return std::nullopt;
    }
    const QJsonObject object = value.toObject();
    const QString cls = object.value(QStringLiteral("class_name")).toString().toLower();
    const QJsonObject config = object.value(QStringLiteral("config")).toObject();
    const double l1 = config.value(QStringLiteral("l1")).toDouble(cls == QLatin1String("l1") ? 0.01 : 0.0);
    const double l2 = config.value(QStringLiteral("l2")).toDouble(cls == QLatin1String("l2") ? 0.01 : 0.0);
    if (cls == QLatin1String("l1"))
        return Penalty{l1, 0.0};
    if (cls == QLatin1String("l2"))
        return Penalty{0.0, l2};
    if (cls == QLatin1String("l1l2") || cls == QLatin1String("l1_l2"))
        return Penalty{l1, l2};
    return std::nullopt;
}

bool isSet(const QJsonValue &value)
{
    return !value.isNull() && !value.isUndefined();
}

/** Recurrent layers whose dropout and recurrent_dropout the engine applies in training. */
bool appliesRecurrentDropout(const QString &className)
{
    return className == QLatin1String("SimpleRNN") || className == QLatin1String("LSTM")
           || className == QLatin1String("GRU");
}

/** A recurrent layer's config (Keras writes recurrent_dropout and recurrent_initializer) with a dropout rate. */
bool hasRecurrentDropout(const QJsonObject &config)
{
    const bool recurrent = config.contains(QStringLiteral("recurrent_dropout"))
                           || config.contains(QStringLiteral("recurrent_initializer"));
    return config.value(QStringLiteral("recurrent_dropout")).toDouble() > 0.0
           || (recurrent && config.value(QStringLiteral("dropout")).toDouble() > 0.0);
}

} // namespace

Regularization Regularization::collect(const ModelSpec &spec, engine::KerasGraphModule &module)
{
    Regularization r;
    r.collectFrom(spec, module);
    return r;
}

void Regularization::collectFrom(const ModelSpec &spec, engine::KerasGraphModule &module)
{
    for (const Layer &layer : spec.layers) {
        const engine::LayerOpPtr op = module.op(layer.name);
        if (!op)
            continue;
        if (layer.nestedModel) {
            if (const auto *nested = dynamic_cast<const engine::NestedModelOp *>(op.get()))
                collectFrom(*layer.nestedModel, *nested->model());
            continue;
        }
        const QJsonObject &config = layer.config;
        if (layer.className == QLatin1String("ActivityRegularization")
            || isSet(config.value(QStringLiteral("activity_regularizer"))))
            m_warnings << QStringLiteral("layer '%1': its activity regularizer is not added to the training loss")
                              .arg(layer.name);
        if (!appliesRecurrentDropout(layer.className) && hasRecurrentDropout(config))
            m_warnings << QStringLiteral(
                              "layer '%1': its dropout/recurrent_dropout is not applied in training (the layer trains "
                              "without it)")
                              .arg(layer.name);
        if (config.value(QStringLiteral("layer")).isObject()) {
            const QJsonObject wrapped = config.value(QStringLiteral("layer")).toObject();
            const QJsonObject inner = wrapped.value(QStringLiteral("config")).toObject();
            for (auto it = inner.begin(); it != inner.end(); ++it)
                if (it.key().endsWith(QLatin1String("_regularizer")) && isSet(it.value()))
                    m_warnings << QStringLiteral(
                                      "layer '%1': the %2 of its wrapped layer is not added to the training loss")
                                      .arg(layer.name, it.key());
            // Bidirectional's two directions are RecurrentOps: they apply it (independent masks).
            const bool applied = layer.className == QLatin1String("Bidirectional")
                                 && appliesRecurrentDropout(wrapped.value(QStringLiteral("class_name")).toString());
            if (!applied && hasRecurrentDropout(inner))
                m_warnings
                    << QStringLiteral(
                           "layer '%1': the dropout/recurrent_dropout of its wrapped layer is not applied in training")
                           .arg(layer.name);
        }
        const auto parameters = op->named_parameters(false);
        for (auto it = config.begin(); it != config.end(); ++it) {
            const QString key = it.key();
            if (!key.endsWith(QLatin1String("_regularizer")) || key == QLatin1String("activity_regularizer")
                || !isSet(it.value()))
                continue;
            const std::string weight =
                key.chopped(int(qstrlen("_regularizer"))).toStdString(); // kernel_regularizer → kernel
            const auto penalty = penaltyOf(it.value());
            const torch::Tensor *tensor = parameters.find(weight); // depthwise_regularizer → depthwise_kernel
            if (!tensor)
                tensor = parameters.find(weight + "_kernel");
            if (!penalty || !tensor) {
                m_warnings << QStringLiteral(
                                  "layer '%1': its %2 is not supported and is not added to the training loss")
                                  .arg(layer.name, key);
                continue;
            }
            if (penalty->l1 != 0.0 || penalty->l2 != 0.0)
                m_terms.push_back(Term{*tensor, penalty->l1, penalty->l2});
        }
    }
}

torch::Tensor Regularization::loss() const
{
    torch::Tensor total = torch::zeros({}, torch::kFloat32);
    // keras.regularizers: l1 * sum(|w|) + l2 * sum(w²) — no ½, summed over every weight.
    for (const Term &t : m_terms) {
        if (t.l1 != 0.0)
            total = total + t.weight.abs().sum() * t.l1;
        if (t.l2 != 0.0)
            total = total + t.weight.square().sum() * t.l2;
    }
    return total;
}

} // namespace graft::training
