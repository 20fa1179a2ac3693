#pragma once

#include "core/engine/activation.h"
#include "core/engine/layerop.h"

namespace graft::engine {

/**
 * SimpleRNN, LSTM, GRU (both reset_after forms) and the CuDNN variants, stepping
 * through time the way Keras's backend rnn() does, masks included. Weights stay
 * in Keras's (in, gates * units) layout: the input projection of all timesteps
 * is one matmul, each step one more.
 */
class RecurrentOp final : public LayerOp
{
public:
    enum class Cell { Simple, Lstm, Gru };

    struct Options
    {
        Cell cell = Cell::Lstm;
        std::int64_t units = 0;
        Activation activation{Activation::Kind::Tanh};
        Activation recurrentActivation{Activation::Kind::Sigmoid};
        bool returnSequences = false;
        bool returnState = false;
        bool goBackwards = false;
        bool stateful = false;
        bool resetAfter = false;
        bool zeroOutputForMask = false;
        bool tfKerasMasking = false;
        bool splitBias = false; // CuDNNLSTM: input and recurrent biases stored one after the other
        /** Keras's dropout and recurrent_dropout: used in training mode only, when in (0, 1). */
        double dropout = 0.0;
        double recurrentDropout = 0.0;
        /** Keras's implementation=1: an independent mask per gate; 2: one mask shared by all gates. */
        bool maskPerGate = false;
        /** Multi-backend Keras's GRU with implementation=2 also mixes the dropped h_{t-1} into h_t. */
        bool gruMixesDroppedState = false;
    };

    struct Result
    {
        torch::Tensor output;              // (N, T, units) or (N, units)
        std::vector<torch::Tensor> states; // h (and c for LSTM)
    };

    RecurrentOp(const QString &name, const QString &className, Options options, const torch::Tensor &kernel,
                const torch::Tensor &recurrentKernel, const torch::Tensor &bias);

    std::vector<Flow> forward(const std::vector<Flow> &inputs) override;
    void resetStates() override;

    /** Runs the layer on `x` (N, T, F) with an optional (N, T) mask and initial states. */
    Result run(const torch::Tensor &x, const torch::Tensor &mask, const std::vector<torch::Tensor> &initialStates);

    const Options &options() const { return m_options; }
    int stateCount() const { return m_options.cell == Cell::Lstm ? 2 : 1; }
    /** True when the mask should still be attached to the output. */
    bool keepsMask() const { return m_options.returnSequences; }
    void setZeroOutputForMask(bool zero) { m_options.zeroOutputForMask = zero; }

    /** Reads a recurrent layer's config and weights (names relative to `weightPrefix`). */
    static Expected<std::shared_ptr<RecurrentOp>> build(const QString &name, const QString &className,
                                                        const QJsonObject &config, const Layer &weightSource,
                                                        const QString &weightPrefix, const OpContext &context);

private:
    /** Per-sample masks drawn once per call (scaled by 1/(1-rate)): none, one shared, or one per gate. */
    std::vector<torch::Tensor> dropoutMasks(double rate, std::int64_t batch, std::int64_t width,
                                            const torch::TensorOptions &options) const;

    Options m_options;
    torch::Tensor m_kernel, m_recurrent, m_bias;
    std::vector<torch::Tensor> m_savedStates; // stateful layers: states after the last call
};

} // namespace graft::engine
