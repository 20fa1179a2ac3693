#pragma once

// Private to core/training (includes libtorch): never include from ui/ or a public header.

#include "core/engine/inferencemodel.h"
#include "core/engine/kerasgraphmodule.h"
#include "core/training/callbacks.h"
#include "core/training/flatparameters.h"
#include "core/training/kerasoptimizer.h"
#include "core/training/pausegate.h"
#include "core/training/regularization.h"
#include "core/training/trainingobserver.h"
#include "core/training/trainingtypes.h"

#include <atomic>
#include <memory>
#include <optional>

namespace graft::training {

/** Names and copies of every parameter and buffer of a module: best weights, last good weights. */
struct ModuleSnapshot
{
    std::vector<torch::Tensor> parameters;
    std::vector<torch::Tensor> buffers;
    bool empty() const { return parameters.empty() && buffers.empty(); }
};

/**
 * One fit(): builds the training graph from the params' model, runs the epochs
 * with Keras's loss, optimizer and callbacks, and writes the weights back into a
 * ModelSpec. Used by Trainer::run only; one instance per run, on one thread.
 */
class TrainingSession final
{
public:
    TrainingSession(const TrainingParams &params, TrainingObserver *observer, const std::atomic_bool *cancel,
                    PauseGate *pause = nullptr);
    Expected<TrainingResult> run();

private:
    struct Pass
    {
        double loss = 0.0;
        double accuracy = 0.0;
        std::vector<float> scores; // (N, classes) logits or probabilities, when collected
        bool cancelled = false;
    };

    Expected<void> build();
    Expected<void> configurePhase(int phase);
    void applyModes();
    torch::Tensor lossOf(const torch::Tensor &output, const torch::Tensor &labels, bool training) const;
    /** Inference-mode pass over a sample set; restores training modes after. */
    Pass evaluate(const torch::Tensor &x, const torch::Tensor &y, bool collectScores);
    /** Copies of the weights (and BatchNormalization statistics); only the buffers with `withParameters` false. */
    ModuleSnapshot snapshot(bool withParameters = true) const;
    void restore(const ModuleSnapshot &snapshot);
    void writeBack(ModelSpec &spec) const;
    Expected<void> saveState(int epoch) const;
    Expected<int> loadState(const QString &path);
    bool cancelled() const { return m_cancel && m_cancel->load(std::memory_order_relaxed); }
    void note(const QString &message) const;

    const TrainingParams &m_params;
    TrainingObserver *m_observer;
    const std::atomic_bool *m_cancel;
    PauseGate *m_pause;
    int m_classCount = 0;

    std::optional<InferenceModel> m_inference; // owns the module
    std::shared_ptr<engine::KerasGraphModule> m_module;
    bool m_logits = false; // the graph ends in logits (softmax folded into the loss)
    std::vector<std::shared_ptr<torch::nn::Module>> m_inferenceOps; // frozen BN, training=False calls
    Regularization m_regularization;
    std::vector<std::pair<std::string, torch::Tensor>> m_namedParameters;
    std::vector<std::pair<std::string, torch::Tensor>> m_namedBuffers;

    torch::Tensor m_trainX, m_trainY, m_valX, m_valY, m_sampleWeights;
    FlatParameters m_flat;
    std::unique_ptr<KerasOptimizer> m_optimizer;
    int m_phase = 0;
    double m_lr = 0.0;

    std::optional<EarlyStopping> m_earlyStopping;
    std::optional<ReduceLrOnPlateau> m_reduceLr;
    std::optional<BestModelTracker> m_bestModel;
    ModuleSnapshot m_bestWeights;
    QVector<EpochRecord> m_history;
};

} // namespace graft::training
