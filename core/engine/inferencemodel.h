#pragma once

#include "core/common/expected.h"
#include "core/model/modelspec.h"
#include "core/model/tensordata.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>
#include <vector>

namespace graft {

namespace engine {
class KerasGraphModule;
}

/** What the source file says about the Keras that wrote it; it changes some layers' maths. */
struct EngineOptions
{
    /** keras_version from the file ("2.1.2", "3.3.3"); empty = Keras 2. */
    QString kerasVersion;
    /** Keras 3 definitions (hard_sigmoid = relu6(x + 3) / 6, ...); set from kerasVersion by fromLoadedModel(). */
    bool keras3 = false;

    static EngineOptions fromLoadedModel(const LoadedModel &model);
    static EngineOptions forKerasVersion(const QString &kerasVersion);
};

/**
 * A Keras model compiled for libtorch, computing what Keras computes to float32
 * rounding. Inputs and outputs are in Keras's layout (batch axis first, channels
 * last) as TensorData. Not thread-safe: one predict() at a time per instance.
 */
class InferenceModel final
{
public:
    /** Builds every layer; fails naming the first layer (and option) Graft cannot execute. */
    static Expected<InferenceModel> build(const LoadedModel &model);
    static Expected<InferenceModel> build(const ModelSpec &spec, const EngineOptions &options = {});

    InferenceModel(InferenceModel &&other) noexcept;
    InferenceModel &operator=(InferenceModel &&other) noexcept;
    ~InferenceModel();

    /** The model's inputs (names, shapes without batch axis; -1 = any). */
    const QVector<ModelInput> &inputs() const;
    int outputCount() const;
    /** "dense_2" or "lstm_3:1" for each output tensor. */
    QStringList outputNames() const;

    /**
     * Runs the model on `inputs` (one array per model input, batch axis first)
     * `batchSize` samples at a time in inference mode. Fails on a wrong number of
     * inputs, a shape that does not match the model, or bad data (e.g. an
     * embedding index outside the vocabulary).
     */
    Expected<std::vector<TensorData>> predict(const std::vector<TensorData> &inputs, int batchSize = 32);
    /**
     * Like predict, but returns the given tensors (e.g. the output of an
     * intermediate layer, for embeddings) instead of the model's outputs.
     */
    Expected<std::vector<TensorData>> predictTensors(const std::vector<TensorData> &inputs,
                                                     const QVector<TensorRef> &tensors, int batchSize = 32);

    /**
     * Runs the model as Keras does with training=True, without gradients:
     * dropout and noise layers are active and BatchNormalization normalizes with
     * the batch statistics and updates its moving mean/variance (Keras's momentum
     * rule) — e.g. to recalibrate the statistics on a new dataset.
     */
    Expected<std::vector<TensorData>> runTrainingMode(const std::vector<TensorData> &inputs, int batchSize = 32);

    /** Forgets the states stateful recurrent layers carried from earlier predict() calls. */
    void resetStates();

    /** Every layer's current weights in Keras's layout (after fine-tuning: the new values). */
    QVector<QPair<QString, QVector<LayerWeight>>> kerasWeights() const;

    /** The libtorch module, for core code that links libtorch (training). */
    std::shared_ptr<engine::KerasGraphModule> module() const;

    /** Sets libtorch's intra-op thread count from the machine, once per process. */
    static void configureThreads();

private:
    struct Private;
    explicit InferenceModel(std::unique_ptr<Private> d);
    Expected<std::vector<TensorData>> run(const std::vector<TensorData> &inputs, const QVector<TensorRef> &tensors,
                                          int batchSize, bool training);
    std::unique_ptr<Private> d;
};

} // namespace graft
