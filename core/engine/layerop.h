#pragma once

// Private to core/engine and to core modules that link libtorch (training):
// never include from ui/ or from a public header.

#include "core/common/expected.h"
#include "core/engine/configreader.h"
#include "core/model/layer.h"

#include <torch/torch.h>

#include <QString>
#include <QVector>

#include <functional>
#include <memory>
#include <vector>

namespace graft::engine {

/** A tensor flowing through the graph and its Keras mask (bool, (batch, time)) when it has one. */
struct Flow
{
    torch::Tensor value;
    torch::Tensor mask;
};

/** What the source file says that changes what a layer computes. */
struct OpContext
{
    /** Keras 3 definitions (hard_sigmoid = relu6(x+3)/6, biased moving variance, ...). */
    bool keras3 = false;
    /**
     * tf.keras (2.4 on, or "-tf") and Keras 3 rather than multi-backend Keras. Masked recurrent
     * outputs: Keras < 2.4 repeat the previous state, tf.keras and Keras 3 the previous output
     * (starting from the unmasked first step). Also decides recurrent dropout's masks and the
     * batch variance BatchNormalization tracks.
     */
    bool tfKerasMasking = false;
    /**
     * BatchNormalization's training statistics skip masked steps (tf.nn.weighted_moments):
     * tf.keras from TF 2.2 (keras_version "2.3.0-tf") and Keras 3; older Keras ignore the mask.
     */
    bool maskedBatchNormMoments = false;
    int nestingDepth = 0;
};

/** Thrown by an op's forward for bad data (index out of range, wrong rank); caught by predict. */
class OpError : public std::runtime_error
{
public:
    explicit OpError(const QString &message) : std::runtime_error(message.toStdString()) { }
};

/**
 * One Keras layer compiled for libtorch. Weights are converted once, at build, to
 * the layout the torch kernels want, and registered as parameters (trainable ones)
 * or buffers (moving statistics) so that training sees them; kerasWeights()
 * converts them back to Keras's layout for export.
 */
class LayerOp : public torch::nn::Module
{
public:
    LayerOp(QString layerName, QString className);

    virtual std::vector<Flow> forward(const std::vector<Flow> &inputs) = 0;
    /** Forgets the state a stateful recurrent layer carried between calls. */
    virtual void resetStates();
    /** The layer's current weights in Keras's layout and short names, Keras's order. */
    virtual QVector<LayerWeight> kerasWeights() const;

    const QString &layerName() const { return m_layerName; }
    const QString &className() const { return m_className; }
    QString subject() const { return layerSubject(m_layerName, m_className); }

protected:
    /**
     * Stores a converted weight: a parameter if Keras trains it (kernels, biases), a
     * buffer if not (moving statistics); `toKeras` undoes the conversion. A frozen
     * layer's parameters stay parameters, with requires_grad off (createLayerOp).
     */
    torch::Tensor bindWeight(const QString &kerasName, torch::Tensor torchLayout, bool trainable,
                             std::function<torch::Tensor(const torch::Tensor &)> toKeras = {});
    /** Exactly `n` inputs, or throws OpError. */
    void expectInputs(const std::vector<Flow> &inputs, std::size_t n) const;
    /** Throws OpError naming this layer. */
    [[noreturn]] void fail(const QString &problem) const;

private:
    struct Binding
    {
        QString kerasName;
        torch::Tensor tensor; // shares storage with the registered parameter/buffer
        bool trainable;
        std::function<torch::Tensor(const torch::Tensor &)> toKeras;
    };
    QString m_layerName;
    QString m_className;
    std::vector<Binding> m_bindings;
};

using LayerOpPtr = std::shared_ptr<LayerOp>;

/** A Keras weight as a float32 tensor (a copy), checked against `expectedShape` (-1 = any). */
Expected<torch::Tensor> requireWeight(const Layer &layer, const QString &shortName,
                                      const std::vector<std::int64_t> &expectedShape = {});
/** Like requireWeight, but an absent weight is not an error (returns an undefined tensor). */
Expected<torch::Tensor> optionalWeight(const Layer &layer, const QString &shortName,
                                       const std::vector<std::int64_t> &expectedShape = {});
/** "(3, 3, 2, 4)" */
QString shapeText(c10::IntArrayRef shape);
/** Converts a torch tensor (any dtype/layout) to TensorData (float32, C order). */
TensorData toTensorData(const torch::Tensor &tensor);
/** A float32 tensor sharing `data`'s memory; the caller keeps `data` alive and unmodified. */
torch::Tensor tensorView(const TensorData &data);

/** Builds the op for one layer (not InputLayer, not a nested model). */
Expected<LayerOpPtr> createLayerOp(const Layer &layer, const OpContext &context);

// Family builders; each returns nullptr when the class is not its own.
Expected<LayerOpPtr> createCoreOp(const Layer &layer, const OpContext &context);
Expected<LayerOpPtr> createActivationLayerOp(const Layer &layer, const OpContext &context);
Expected<LayerOpPtr> createConvOp(const Layer &layer, const OpContext &context);
Expected<LayerOpPtr> createPoolingOp(const Layer &layer, const OpContext &context);
Expected<LayerOpPtr> createReshapingOp(const Layer &layer, const OpContext &context);
Expected<LayerOpPtr> createNormalizationOp(const Layer &layer, const OpContext &context);
Expected<LayerOpPtr> createRecurrentOp(const Layer &layer, const OpContext &context);
Expected<LayerOpPtr> createMergeOp(const Layer &layer, const OpContext &context);
Expected<LayerOpPtr> createWrapperOp(const Layer &layer, const OpContext &context);

} // namespace graft::engine
