#pragma once

#include "core/model/tensordata.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>

namespace graft {

struct ModelSpec;

/** Parameter counts as model.summary() reports them. */
struct ParamCount
{
    std::int64_t total = 0;
    std::int64_t trainable = 0;
    std::int64_t nonTrainable = 0;

    ParamCount &operator+=(const ParamCount &other)
    {
        total += other.total;
        trainable += other.trainable;
        nonTrainable += other.nonTrainable;
        return *this;
    }
};

/** One output tensor of a layer call: Keras's (layer name, node index, tensor index). */
struct TensorRef
{
    QString layer;
    int nodeIndex = 0;
    int tensorIndex = 0;

    bool operator==(const TensorRef &o) const
    {
        return layer == o.layer && nodeIndex == o.nodeIndex && tensorIndex == o.tensorIndex;
    }
};

/** One call of a layer in a functional graph: the tensors it was applied to. */
struct InboundNode
{
    QVector<TensorRef> inputs;
    QJsonObject kwargs; // call keyword arguments Keras recorded (e.g. "training", "mask")
};

/**
 * One weight variable of a layer. `name` is Keras's short variable name relative
 * to the layer ("kernel", "moving_mean", "forward/kernel" for Bidirectional);
 * `storedName` is how the source file spelled it, kept for messages and export.
 */
struct LayerWeight
{
    QString name;
    QString storedName;
    TensorData tensor;
    bool trainable = true; // intrinsic: BatchNormalization's moving statistics are not
};

/** What a layer's config says its weights must be, in Keras's order. */
struct WeightSpec
{
    QString name;
    std::vector<std::int64_t> shape;
    bool trainable = true;
};

/**
 * One Keras layer: class, config as Keras wrote it, its calls in the graph and its
 * weights. A model used as a layer carries its own ModelSpec in `nestedModel`.
 */
struct Layer
{
    QString name;
    QString className;  // "Conv2D", or e.g. "QConv2D" (then supported = false)
    QJsonObject config; // Keras 2 or Keras 3 spelling, unchanged
    QVector<InboundNode> inboundNodes;
    QVector<LayerWeight> weights;
    bool trainable = true; // the layer's `trainable` flag (freezing)
    bool supported = true;
    bool classGuessed = false;           // className inferred from the name: the file had no architecture
    QString keras3Path;                  // "layers/conv2d_1" inside Keras 3 weight files, when known
    QVector<Shape> outputShapes;         // per output tensor, without the batch axis
    QVector<WeightSpec> expectedWeights; // from the config, when shape inference knows the class
    std::shared_ptr<ModelSpec> nestedModel;
    QStringList issues;      // what is wrong with this layer, for the user
    QJsonObject sourceEntry; // the layer's entry in the model config as read, for export

    bool hasWeights() const { return !weights.isEmpty(); }
    bool isInput() const { return className == QLatin1String("InputLayer"); }
    /** Counts from the weights present, or from expectedWeights when none were loaded. */
    ParamCount params() const;
    const LayerWeight *weight(const QString &shortName) const;
    LayerWeight *weight(const QString &shortName);
};

} // namespace graft
