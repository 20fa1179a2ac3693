#pragma once

// Small Keras models for the training tests, written as the configs Keras 2
// (tf.keras) writes, parsed by Graft and given fresh seeded weights.

#include "core/model/kerasconfigparser.h"
#include "core/model/shapeinference.h"
#include "core/training/weightinitializer.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

namespace graft::testmodels {

inline QJsonObject layerEntry(const QString &className, QJsonObject config, const QString &input)
{
    const QString name = config.value(QStringLiteral("name")).toString();
    config.insert(QStringLiteral("trainable"), true);
    QJsonObject entry{
        {QStringLiteral("class_name"), className}, {QStringLiteral("config"), config}, {QStringLiteral("name"), name}};
    QJsonArray nodes;
    if (!input.isEmpty())
        nodes.append(QJsonArray{QJsonArray{input, 0, 0, QJsonObject()}});
    entry.insert(QStringLiteral("inbound_nodes"), nodes);
    return entry;
}

inline QJsonObject initializer(const QString &className)
{
    return QJsonObject{{QStringLiteral("class_name"), className}, {QStringLiteral("config"), QJsonObject()}};
}

inline QJsonObject denseConfig(const QString &name, int units, const QString &activation)
{
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("units"), units},
                       {QStringLiteral("activation"), activation},
                       {QStringLiteral("use_bias"), true},
                       {QStringLiteral("kernel_initializer"), initializer(QStringLiteral("GlorotUniform"))},
                       {QStringLiteral("bias_initializer"), initializer(QStringLiteral("Zeros"))}};
}

/** A functional model config: chain of (class name, config) layers on one Input of `inputShape`. */
inline QJsonObject chainModelJson(const QVector<qint64> &inputShape, const QVector<QPair<QString, QJsonObject>> &layers)
{
    QJsonArray batchShape{QJsonValue()};
    for (qint64 d : inputShape)
        batchShape.append(double(d));
    QJsonArray entries;
    entries.append(layerEntry(QStringLiteral("InputLayer"),
                              QJsonObject{{QStringLiteral("name"), QStringLiteral("input_1")},
                                          {QStringLiteral("batch_input_shape"), batchShape},
                                          {QStringLiteral("dtype"), QStringLiteral("float32")}},
                              QString()));
    QString previous = QStringLiteral("input_1");
    for (const auto &layer : layers) {
        entries.append(layerEntry(layer.first, layer.second, previous));
        previous = layer.second.value(QStringLiteral("name")).toString();
    }
    QJsonObject config{{QStringLiteral("name"), QStringLiteral("model")},
                       {QStringLiteral("layers"), entries},
                       {QStringLiteral("input_layers"), QJsonArray{QJsonArray{QStringLiteral("input_1"), 0, 0}}},
                       {QStringLiteral("output_layers"), QJsonArray{QJsonArray{previous, 0, 0}}}};
    return QJsonObject{{QStringLiteral("class_name"), QStringLiteral("Functional")},
                       {QStringLiteral("config"), config}};
}

/** Parses, infers shapes and gives seeded fresh weights; empty model name on failure (QVERIFY it). */
inline ModelSpec buildModel(const QJsonObject &json, std::uint64_t seed, QString *error = nullptr)
{
    auto spec = KerasConfigParser::parse(json);
    if (!spec) {
        if (error)
            *error = spec.errorString();
        return {};
    }
    ShapeInference::run(*spec);
    if (auto ok = WeightInitializer::initialize(*spec, seed); !ok) {
        if (error)
            *error = ok.errorString();
        return {};
    }
    return *spec;
}

/** Input(in) → Dense(hidden, relu) → Dense(out, softmax). */
inline ModelSpec mlp(int in, int hidden, int out, std::uint64_t seed, QString *error = nullptr)
{
    return buildModel(
        chainModelJson(
            {in}, {{QStringLiteral("Dense"), denseConfig(QStringLiteral("dense"), hidden, QStringLiteral("relu"))},
                   {QStringLiteral("Dense"), denseConfig(QStringLiteral("dense_1"), out, QStringLiteral("softmax"))}}),
        seed, error);
}

inline QStringList names(const QString &prefix, int count, int first = 0)
{
    QStringList out;
    for (int i = 0; i < count; ++i)
        out << QStringLiteral("%1%2").arg(prefix).arg(first + i, 2, 10, QLatin1Char('0'));
    return out;
}

} // namespace graft::testmodels

#include "core/training/trainingtypes.h"

#include <random>

namespace graft::testmodels {

/** `perClass` samples of each of `classes` Gaussian blobs in `dim` dimensions (centres seeded too). */
inline SampleSet blobs(int classes, int perClass, int dim, unsigned seed, double spread = 0.6,
                       unsigned centreSeed = 1234)
{
    std::mt19937 centreRandom(centreSeed);
    std::normal_distribution<double> unit(0.0, 1.0);
    std::vector<std::vector<double>> centres(static_cast<std::size_t>(classes),
                                             std::vector<double>(static_cast<std::size_t>(dim)));
    for (auto &c : centres)
        for (double &v : c)
            v = 1.5 * unit(centreRandom);
    std::mt19937 random(seed);
    SampleSet set;
    set.shape = {std::int64_t(classes) * perClass, dim};
    for (int i = 0; i < perClass; ++i)
        for (int c = 0; c < classes; ++c) {
            for (int d = 0; d < dim; ++d)
                set.values.push_back(float(centres[std::size_t(c)][std::size_t(d)] + spread * unit(random)));
            set.labels.append(c);
        }
    return set;
}

/** The samples of `set` whose label is in `keep`, relabelled to their index in `keep`. */
inline SampleSet relabelled(const SampleSet &set, const QVector<int> &keep)
{
    QVector<int> indices;
    for (int i = 0; i < set.labels.size(); ++i)
        if (keep.contains(set.labels[i]))
            indices << i;
    SampleSet out = set.subset(indices);
    for (int &label : out.labels)
        label = keep.indexOf(label);
    return out;
}

inline QJsonObject dropoutConfig(const QString &name, double rate)
{
    return QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("rate"), rate}};
}

inline QJsonObject batchNormConfig(const QString &name)
{
    return QJsonObject{{QStringLiteral("name"), name},     {QStringLiteral("axis"), -1},
                       {QStringLiteral("momentum"), 0.99}, {QStringLiteral("epsilon"), 0.001},
                       {QStringLiteral("center"), true},   {QStringLiteral("scale"), true}};
}

/** A Dense layer's kernel and bias values, concatenated (for bitwise comparisons). */
inline std::vector<float> weightsOf(const ModelSpec &model, const QString &layer)
{
    std::vector<float> out;
    if (const Layer *l = model.layer(layer))
        for (const LayerWeight &w : l->weights)
            out.insert(out.end(), w.tensor.values.begin(), w.tensor.values.end());
    return out;
}

} // namespace graft::testmodels
