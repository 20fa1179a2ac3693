#include "core/engine/recurrentops.h"

#include <algorithm>

namespace graft::engine {

namespace {

/** x (N, T, F) times the kernel; each gate's columns see x dropped by that gate's mask (or all by one mask). */
torch::Tensor projectDropped(const torch::Tensor &x, const torch::Tensor &kernel,
                             const std::vector<torch::Tensor> &masks)
{
    if (masks.size() == 1)
        return torch::matmul(x * masks[0].unsqueeze(1), kernel);
    const std::int64_t width = kernel.size(1) / std::int64_t(masks.size());
    std::vector<torch::Tensor> parts;
    for (std::size_t g = 0; g < masks.size(); ++g)
        parts.push_back(torch::matmul(x * masks[g].unsqueeze(1), kernel.narrow(1, std::int64_t(g) * width, width)));
    return torch::cat(parts, -1);
}

/** h (N, units) times `kernel` (units, gates * units): h dropped by one mask per gate, or by one shared mask. */
torch::Tensor recurrentDropped(const torch::Tensor &h, const torch::Tensor &kernel,
                               const std::vector<torch::Tensor> &masks)
{
    if (masks.size() == 1)
        return torch::mm(h * masks[0], kernel);
    const std::int64_t u = h.size(1);
    std::vector<torch::Tensor> parts;
    for (std::int64_t g = 0; g < kernel.size(1) / u; ++g)
        parts.push_back(torch::mm(h * masks[std::size_t(g)], kernel.narrow(1, g * u, u)));
    return torch::cat(parts, 1);
}

} // namespace

RecurrentOp::RecurrentOp(const QString &name, const QString &className, Options options, const torch::Tensor &kernel,
                         const torch::Tensor &recurrentKernel, const torch::Tensor &bias)
    : LayerOp(name, className), m_options(options)
{
    m_kernel = bindWeight(QStringLiteral("kernel"), kernel, true);
    m_recurrent = bindWeight(QStringLiteral("recurrent_kernel"), recurrentKernel, true);
    if (bias.defined())
        m_bias = bindWeight(QStringLiteral("bias"), bias, true);
}

void RecurrentOp::resetStates()
{
    m_savedStates.clear();
}

std::vector<torch::Tensor> RecurrentOp::dropoutMasks(double rate, std::int64_t batch, std::int64_t width,
                                                     const torch::TensorOptions &options) const
{
    // Keras: `0 < rate < 1` or no dropout at all; inverted dropout, one draw per sample and
    // feature, reused at every step of this call (torch's generator, seeded by the trainer).
    if (!is_training() || rate <= 0.0 || rate >= 1.0)
        return {};
    const std::int64_t gates = m_options.cell == Cell::Lstm ? 4 : (m_options.cell == Cell::Gru ? 3 : 1);
    std::vector<torch::Tensor> masks;
    for (std::int64_t g = 0; g < (m_options.maskPerGate ? gates : 1); ++g)
        masks.push_back(torch::empty({batch, width}, options).bernoulli_(1.0 - rate).div_(1.0 - rate));
    return masks;
}

std::vector<Flow> RecurrentOp::forward(const std::vector<Flow> &inputs)
{
    if (inputs.empty())
        fail(QStringLiteral("got no inputs"));
    std::vector<torch::Tensor> initial;
    for (std::size_t i = 1; i < inputs.size(); ++i)
        initial.push_back(inputs[i].value);
    Result r = run(inputs[0].value, inputs[0].mask, initial);
    std::vector<Flow> out{Flow{r.output, keepsMask() ? inputs[0].mask : torch::Tensor()}};
    if (m_options.returnState)
        for (const torch::Tensor &s : r.states)
            out.push_back(Flow{s, torch::Tensor()});
    return out;
}

RecurrentOp::Result RecurrentOp::run(const torch::Tensor &input, const torch::Tensor &inputMask,
                                     const std::vector<torch::Tensor> &initialStates)
{
    const Options &o = m_options;
    const std::int64_t u = o.units;
    if (input.dim() != 3)
        fail(QStringLiteral("expects (batch, time, features) inputs, got shape %1").arg(shapeText(input.sizes())));
    if (input.size(2) != m_kernel.size(0))
        fail(QStringLiteral("expects %1 features per timestep, got shape %2")
                 .arg(m_kernel.size(0))
                 .arg(shapeText(input.sizes())));
    const std::int64_t batch = input.size(0), steps = input.size(1);
    if (steps == 0)
        fail(QStringLiteral("got a sequence of length 0"));
    if (!initialStates.empty() && int(initialStates.size()) != stateCount())
        fail(QStringLiteral("got %1 initial state tensor(s), needs %2").arg(initialStates.size()).arg(stateCount()));

    torch::Tensor x = input;
    torch::Tensor mask = inputMask.defined() && inputMask.dim() == 2 ? inputMask : torch::Tensor();
    if (o.goBackwards) {
        x = x.flip(1);
        if (mask.defined())
            mask = mask.flip(1);
    }

    std::vector<torch::Tensor> states;
    if (!initialStates.empty()) {
        for (const torch::Tensor &s : initialStates) {
            if (s.dim() != 2 || s.size(0) != batch || s.size(1) != u)
                fail(QStringLiteral("initial state has shape %1, needs (%2, %3)")
                         .arg(shapeText(s.sizes()))
                         .arg(batch)
                         .arg(u));
            states.push_back(s);
        }
    } else if (o.stateful && !m_savedStates.empty() && m_savedStates.front().size(0) == batch) {
        states = m_savedStates;
    } else {
        for (int i = 0; i < stateCount(); ++i)
            states.push_back(torch::zeros({batch, u}, input.options()));
    }

    // Input projections of every timestep at once; biases that add to the input go here too.
    torch::Tensor inputBias, recurrentBias;
    if (m_bias.defined()) {
        if (o.cell == Cell::Gru && o.resetAfter) {
            const torch::Tensor b = m_bias.reshape({2, 3 * u});
            inputBias = b[0];
            recurrentBias = b[1];
        } else if (o.splitBias) {
            inputBias = m_bias.narrow(0, 0, m_kernel.size(1)) + m_bias.narrow(0, m_kernel.size(1), m_kernel.size(1));
        } else {
            inputBias = m_bias;
        }
    }
    const std::vector<torch::Tensor> inputMasks = dropoutMasks(o.dropout, batch, x.size(2), x.options());
    const std::vector<torch::Tensor> stateMasks = dropoutMasks(o.recurrentDropout, batch, u, x.options());
    torch::Tensor projected = inputMasks.empty() ? torch::matmul(x, m_kernel) : projectDropped(x, m_kernel, inputMasks);
    if (inputBias.defined())
        projected = projected + inputBias;

    torch::Tensor recurrentZR, recurrentH;
    if (o.cell == Cell::Gru && !o.resetAfter) {
        recurrentZR = m_recurrent.narrow(1, 0, 2 * u);
        recurrentH = m_recurrent.narrow(1, 2 * u, u);
    }

    std::vector<torch::Tensor> outputs;
    outputs.reserve(std::size_t(steps));
    torch::Tensor previousOutput;
    for (std::int64_t t = 0; t < steps; ++t) {
        const torch::Tensor xt = projected.select(1, t);
        const torch::Tensor &h = states[0];
        std::vector<torch::Tensor> next;
        switch (o.cell) {
        case Cell::Simple:
            next = {o.activation(stateMasks.empty() ? torch::addmm(xt, h, m_recurrent)
                                                    : xt + recurrentDropped(h, m_recurrent, stateMasks),
                                 true)};
            break;
        case Cell::Lstm: {
            // Keras gate order in the kernel columns: i, f, c, o.
            const torch::Tensor sum = stateMasks.empty() ? torch::addmm(xt, h, m_recurrent)
                                                         : xt + recurrentDropped(h, m_recurrent, stateMasks);
            const std::vector<torch::Tensor> g = sum.chunk(4, 1);
            const torch::Tensor i = o.recurrentActivation(g[0]);
            const torch::Tensor f = o.recurrentActivation(g[1]);
            const torch::Tensor c = f * states[1] + i * o.activation(g[2]);
            const torch::Tensor out = o.recurrentActivation(g[3]) * o.activation(c);
            next = {out, c};
            break;
        }
        case Cell::Gru: {
            // Keras gate order: z (update), r (reset), h (candidate).
            const std::vector<torch::Tensor> gx = xt.chunk(3, 1);
            torch::Tensor z, r, candidate;
            if (o.resetAfter) {
                torch::Tensor inner =
                    stateMasks.empty() ? torch::mm(h, m_recurrent) : recurrentDropped(h, m_recurrent, stateMasks);
                if (recurrentBias.defined())
                    inner = inner + recurrentBias;
                const std::vector<torch::Tensor> gh = inner.chunk(3, 1);
                z = o.recurrentActivation(gx[0] + gh[0]);
                r = o.recurrentActivation(gx[1] + gh[1]);
                candidate = o.activation(gx[2] + r * gh[2]);
            } else {
                const torch::Tensor zr =
                    stateMasks.empty() ? torch::mm(h, recurrentZR) : recurrentDropped(h, recurrentZR, stateMasks);
                const std::vector<torch::Tensor> gh = zr.chunk(2, 1);
                z = o.recurrentActivation(gx[0] + gh[0]);
                r = o.recurrentActivation(gx[1] + gh[1]);
                const torch::Tensor hForCandidate = stateMasks.empty() ? h : h * stateMasks.back();
                candidate = o.activation(gx[2] + torch::mm(r * hForCandidate, recurrentH));
            }
            const torch::Tensor carried = o.gruMixesDroppedState && !stateMasks.empty() ? h * stateMasks[0] : h;
            next = {z * carried + (1.0 - z) * candidate};
            break;
        }
        }
        torch::Tensor output = next[0];
        if (mask.defined()) {
            const torch::Tensor m = mask.select(1, t).unsqueeze(1);
            torch::Tensor held;
            if (o.zeroOutputForMask)
                held = torch::zeros_like(output);
            else if (o.tfKerasMasking)
                held = previousOutput.defined() ? previousOutput : output; // tf.keras starts from step 0's output
            else
                held = states[0];
            output = torch::where(m, output, held);
            for (std::size_t s = 0; s < next.size(); ++s)
                next[s] = torch::where(m, next[s], states[s]);
        }
        previousOutput = output;
        states = std::move(next);
        if (o.returnSequences)
            outputs.push_back(output);
    }
    if (o.stateful) {
        m_savedStates.clear();
        for (const torch::Tensor &s : states)
            m_savedStates.push_back(s.detach());
    }
    Result result;
    result.output = o.returnSequences ? torch::stack(outputs, 1) : previousOutput;
    result.states = states;
    return result;
}

Expected<std::shared_ptr<RecurrentOp>> RecurrentOp::build(const QString &name, const QString &className,
                                                          const QJsonObject &config, const Layer &weightSource,
                                                          const QString &weightPrefix, const OpContext &context)
{
    ConfigReader reader(name, className, config);
    Options o;
    const bool cudnn = className.startsWith(QLatin1String("CuDNN"));
    if (className == QLatin1String("SimpleRNN"))
        o.cell = Cell::Simple;
    else if (className == QLatin1String("LSTM") || className == QLatin1String("CuDNNLSTM"))
        o.cell = Cell::Lstm;
    else if (className == QLatin1String("GRU") || className == QLatin1String("CuDNNGRU"))
        o.cell = Cell::Gru;
    else
        return makeError(QStringLiteral("%1: is not a recurrent layer Graft supports").arg(reader.subject()));
    o.units = reader.integer(QStringLiteral("units"), -1);
    if (o.units <= 0)
        reader.fail(QStringLiteral("units"), QStringLiteral("must be a positive integer"));
    o.returnSequences = reader.boolean(QStringLiteral("return_sequences"), false);
    o.returnState = reader.boolean(QStringLiteral("return_state"), false);
    o.goBackwards = reader.boolean(QStringLiteral("go_backwards"), false);
    o.stateful = reader.boolean(QStringLiteral("stateful"), false);
    o.zeroOutputForMask = reader.boolean(QStringLiteral("zero_output_for_mask"), false);
    o.tfKerasMasking = context.tfKerasMasking;
    const bool useBias = cudnn || reader.boolean(QStringLiteral("use_bias"), true);
    if (cudnn) {
        // CuDNN kernels: fixed tanh/sigmoid, separate input and recurrent biases (GRU: reset_after).
        o.activation = Activation(Activation::Kind::Tanh);
        o.recurrentActivation = Activation(Activation::Kind::Sigmoid);
        o.resetAfter = o.cell == Cell::Gru;
        o.splitBias = o.cell == Cell::Lstm;
    } else {
        auto activation = Activation::parse(config.value(QStringLiteral("activation")).isUndefined()
                                                ? QJsonValue(QStringLiteral("tanh"))
                                                : config.value(QStringLiteral("activation")),
                                            context);
        if (!activation)
            reader.fail(QStringLiteral("activation"), activation.errorString());
        else
            o.activation = *activation;
        if (o.cell != Cell::Simple) {
            // Keras 2 wrote recurrent_activation into every config (default hard_sigmoid
            // before 2.3, sigmoid after); a missing key only happens in Keras 3 defaults.
            const QJsonValue v = config.value(QStringLiteral("recurrent_activation"));
            auto recurrent =
                Activation::parse(v.isUndefined() || v.isNull() ? QJsonValue(QStringLiteral("sigmoid")) : v, context);
            if (!recurrent)
                reader.fail(QStringLiteral("recurrent_activation"), recurrent.errorString());
            else
                o.recurrentActivation = *recurrent;
        }
        // Keras < 2.1.4 had no reset_after (the classic GRU); Keras 3 and tf.keras 2 write it.
        o.resetAfter = o.cell == Cell::Gru && reader.boolean(QStringLiteral("reset_after"), false);
    }
    // Keras applies dropout only for rates strictly between 0 and 1 (and clamps to [0, 1]).
    o.dropout = std::clamp(reader.number(QStringLiteral("dropout"), 0.0), 0.0, 1.0);
    o.recurrentDropout = std::clamp(reader.number(QStringLiteral("recurrent_dropout"), 0.0), 0.0, 1.0);
    // implementation=1 draws a mask per gate, 2 one mask for all gates. tf.keras and Keras 3
    // switch to 1 whenever recurrent_dropout is set (the saved value is the switched one; Keras 3
    // saves none). Multi-backend Keras 2.1/2.2 defaulted to 1 and ran 2 with recurrent dropout
    // too, sharing rec_dp_mask[0], which its GRU also multiplies into the h_{t-1} it mixes into h_t.
    int implementation = int(reader.integer(QStringLiteral("implementation"), context.tfKerasMasking ? 2 : 1));
    if (context.tfKerasMasking && o.recurrentDropout > 0.0)
        implementation = 1;
    o.maskPerGate = implementation != 2;
    o.gruMixesDroppedState = o.cell == Cell::Gru && !o.maskPerGate && !context.tfKerasMasking;
    if (reader.boolean(QStringLiteral("time_major"), false))
        reader.fail(QStringLiteral("time_major"), QStringLiteral("is true; only batch-major inputs are supported"));
    if (reader.failed())
        return reader.error();

    const std::int64_t gates = o.cell == Cell::Lstm ? 4 : (o.cell == Cell::Gru ? 3 : 1);
    const std::int64_t width = gates * o.units;
    auto kernel = requireWeight(weightSource, weightPrefix + QStringLiteral("kernel"), {-1, width});
    if (!kernel)
        return kernel.error();
    auto recurrent = requireWeight(weightSource, weightPrefix + QStringLiteral("recurrent_kernel"), {o.units, width});
    if (!recurrent)
        return recurrent.error();
    torch::Tensor bias;
    if (useBias) {
        std::vector<std::int64_t> biasShape{width};
        if (cudnn)
            biasShape = {2 * width};
        else if (o.resetAfter)
            biasShape = {2, width};
        auto b = requireWeight(weightSource, weightPrefix + QStringLiteral("bias"), {});
        if (!b)
            return b.error();
        if (b->numel() != elementCountOf(biasShape))
            return makeError(QStringLiteral("%1: weight '%2bias' has shape %3, but the layer's config needs %4")
                                 .arg(reader.subject(), weightPrefix, shapeText(b->sizes()), shapeText(biasShape)));
        bias = b->reshape(biasShape);
    }
    return std::make_shared<RecurrentOp>(name, className, o, *kernel, *recurrent, bias);
}

Expected<LayerOpPtr> createRecurrentOp(const Layer &layer, const OpContext &context)
{
    static const QStringList classes = {QStringLiteral("SimpleRNN"), QStringLiteral("LSTM"), QStringLiteral("GRU"),
                                        QStringLiteral("CuDNNLSTM"), QStringLiteral("CuDNNGRU")};
    if (!classes.contains(layer.className))
        return LayerOpPtr();
    auto op = RecurrentOp::build(layer.name, layer.className, layer.config, layer, QString(), context);
    if (!op)
        return op.error();
    return LayerOpPtr(*op);
}

} // namespace graft::engine
