#include "core/engine/kerasgraphmodule.h"

#include "core/common/limits.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>

namespace graft::engine {

namespace {

// Keras 3 passes initial RNN states as call keyword arguments holding __keras_tensor__ objects.
void collectKerasTensors(const QJsonValue &v, QVector<TensorRef> *out)
{
    if (v.isArray()) {
        for (const QJsonValue &e : v.toArray())
            collectKerasTensors(e, out);
        return;
    }
    const QJsonObject o = v.toObject();
    if (o.value(QStringLiteral("class_name")).toString() != QLatin1String("__keras_tensor__"))
        return;
    const QJsonArray history =
        o.value(QStringLiteral("config")).toObject().value(QStringLiteral("keras_history")).toArray();
    if (history.isEmpty())
        return;
    out->append(TensorRef{history.at(0).toString(), history.at(1).toInt(), history.at(2).toInt()});
}

std::string moduleName(const QString &layerName, QSet<QString> *used)
{
    QString base = layerName;
    base.replace(QLatin1Char('.'), QLatin1Char('_'));
    if (base.isEmpty())
        base = QStringLiteral("layer");
    QString name = base;
    for (int i = 1; used->contains(name); ++i)
        name = QStringLiteral("%1_%2").arg(base).arg(i);
    used->insert(name);
    return name.toStdString();
}

QString errorText(const std::exception &e)
{
    if (const auto *c10 = dynamic_cast<const c10::Error *>(&e))
        return QString::fromStdString(c10->what_without_backtrace()).section(QLatin1Char('\n'), 0, 0);
    return QString::fromUtf8(e.what());
}

} // namespace

Expected<std::shared_ptr<KerasGraphModule>> KerasGraphModule::create(const ModelSpec &spec, const OpContext &context)
{
    if (context.nestingDepth > limits::maxNestedModelDepth)
        return makeError(QStringLiteral("models are nested more than %1 deep").arg(limits::maxNestedModelDepth));
    std::shared_ptr<KerasGraphModule> m(new KerasGraphModule());
    m->m_context = context;
    m->m_inputs = spec.inputs;
    m->m_outputRefs = spec.outputs;
    if (spec.inputs.isEmpty())
        return makeError(QStringLiteral("model '%1' has no inputs").arg(spec.name));
    if (spec.outputs.isEmpty())
        return makeError(QStringLiteral("model '%1' has no outputs").arg(spec.name));
    for (int i = 0; i < spec.inputs.size(); ++i)
        m->m_inputIndex.insert(spec.inputs.at(i).name, i);

    QSet<QString> usedNames;
    for (const Layer &layer : spec.layers) {
        LayerInfo info;
        info.name = layer.name;
        info.className = layer.className;
        info.isInput = layer.isInput();
        info.isModel = bool(layer.nestedModel);
        for (const InboundNode &node : layer.inboundNodes) {
            QVector<TensorRef> refs = node.inputs;
            collectKerasTensors(node.kwargs.value(QStringLiteral("initial_state")), &refs);
            info.nodes.append(refs);
        }
        if (!info.isInput) {
            LayerOpPtr op;
            if (layer.nestedModel) {
                OpContext nestedContext = context;
                nestedContext.nestingDepth += 1;
                auto nested = create(*layer.nestedModel, nestedContext);
                if (!nested)
                    return makeError(QStringLiteral("nested model '%1': %2").arg(layer.name, nested.errorString()));
                op = std::make_shared<NestedModelOp>(layer.name, layer.className, *nested);
                if (!layer.trainable) // a frozen model freezes every layer inside it, as in Keras
                    for (torch::Tensor &p : op->parameters(true))
                        p.set_requires_grad(false);
            } else {
                auto built = createLayerOp(layer, context);
                if (!built)
                    return built.error();
                op = *built;
            }
            m->register_module(moduleName(layer.name, &usedNames), op);
            info.op = int(m->m_ops.size());
            m->m_ops.push_back(op);
        }
        m->m_layerIndex.insert(layer.name, int(m->m_layers.size()));
        m->m_layers.push_back(std::move(info));
    }
    auto plan = m->planFor(spec.outputs);
    if (!plan)
        return makeError(QStringLiteral("model '%1': %2").arg(spec.name, plan.errorString()));
    m->m_outputPlan = std::move(plan).value();
    return m;
}

int KerasGraphModule::resolveNode(const LayerInfo &layer, int nodeIndex, bool fromOutputs) const
{
    const int count = layer.nodes.size();
    if (!layer.isModel)
        return nodeIndex >= 0 && nodeIndex < count ? nodeIndex : -1;
    // A model used as a layer starts with a node of its own (input to output) that
    // configs skip: Keras 2 numbers the outer calls from 1; Keras 3 does so in
    // output_layers but not inside inbound nodes. Try the expected offset first.
    const int offset = m_context.keras3 && !fromOutputs ? 0 : 1;
    for (int candidate : {nodeIndex - offset, nodeIndex - (1 - offset)})
        if (candidate >= 0 && candidate < count)
            return candidate;
    return -1;
}

Expected<KerasGraphModule::Plan> KerasGraphModule::planFor(const QVector<TensorRef> &refs) const
{
    enum class Kind { Ready, Pending };
    struct Resolved
    {
        Kind kind = Kind::Ready;
        Source source;
        int layer = -1;
        int node = -1;
    };
    QHash<QPair<int, int>, int> stepOf;
    std::vector<QPair<int, int>> calls;
    std::vector<std::vector<Source>> callInputs;

    auto resolve = [&](const TensorRef &ref, bool fromOutputs) -> Expected<Resolved> {
        const int layerIndex = m_layerIndex.value(ref.layer, -1);
        if (m_inputIndex.contains(ref.layer) && (layerIndex < 0 || m_layers[std::size_t(layerIndex)].isInput))
            return Resolved{Kind::Ready, Source{-1, m_inputIndex.value(ref.layer)}, -1, -1};
        if (layerIndex < 0)
            return makeError(QStringLiteral("tensor of '%1' is used, but no layer has that name").arg(ref.layer));
        const LayerInfo &layer = m_layers[std::size_t(layerIndex)];
        if (layer.isInput)
            return makeError(
                QStringLiteral("InputLayer '%1' is used but is not one of the model's inputs").arg(ref.layer));
        const int node = resolveNode(layer, ref.nodeIndex, fromOutputs);
        if (node < 0 || layer.nodes.at(node).isEmpty())
            return makeError(QStringLiteral("layer '%1' has no call number %2 in the model config")
                                 .arg(ref.layer)
                                 .arg(ref.nodeIndex));
        const auto it = stepOf.constFind(qMakePair(layerIndex, node));
        if (it != stepOf.constEnd())
            return Resolved{Kind::Ready, Source{it.value(), ref.tensorIndex}, layerIndex, node};
        return Resolved{Kind::Pending, Source{}, layerIndex, node};
    };

    struct Frame
    {
        int layer;
        int node;
        int next = 0;
        std::vector<Source> inputs;
    };
    // Depth-first over the calls each requested tensor needs, with an explicit
    // stack: a deep Sequential model must not exhaust the thread's stack.
    auto schedule = [&](int layer, int node) -> Expected<void> {
        QSet<QPair<int, int>> inProgress{qMakePair(layer, node)};
        std::vector<Frame> stack{Frame{layer, node, 0, {}}};
        while (!stack.empty()) {
            Frame &frame = stack.back();
            const QVector<TensorRef> &inputs = m_layers[std::size_t(frame.layer)].nodes.at(frame.node);
            if (frame.next == inputs.size()) {
                stepOf.insert(qMakePair(frame.layer, frame.node), int(calls.size()));
                calls.push_back(qMakePair(frame.layer, frame.node));
                callInputs.push_back(std::move(frame.inputs));
                inProgress.remove(qMakePair(frame.layer, frame.node));
                stack.pop_back();
                continue;
            }
            auto r = resolve(inputs.at(frame.next), false);
            if (!r)
                return makeError(
                    QStringLiteral("layer '%1': %2").arg(m_layers[std::size_t(frame.layer)].name, r.errorString()));
            if (r->kind == Kind::Ready) {
                frame.inputs.push_back(r->source);
                ++frame.next;
                continue;
            }
            if (inProgress.contains(qMakePair(r->layer, r->node)))
                return makeError(QStringLiteral("the graph has a cycle through layer '%1'")
                                     .arg(m_layers[std::size_t(r->layer)].name));
            if (stack.size() > std::size_t(limits::maxLayers) * 4)
                return makeError(QStringLiteral("the graph is too deep"));
            inProgress.insert(qMakePair(r->layer, r->node));
            stack.push_back(Frame{r->layer, r->node, 0, {}});
        }
        return {};
    };

    std::vector<Source> outputSources;
    for (const TensorRef &ref : refs) {
        auto r = resolve(ref, true);
        if (!r)
            return r.error();
        if (r->kind == Kind::Pending) {
            auto done = schedule(r->layer, r->node);
            if (!done)
                return done.error();
            r = resolve(ref, true);
            if (!r)
                return r.error();
        }
        outputSources.push_back(r->source);
    }

    Plan plan;
    plan.slotCount = m_inputs.size();
    plan.steps.resize(calls.size());
    QHash<QPair<int, int>, int> slotOf;
    auto slotFor = [&](const Source &s) {
        if (s.step < 0)
            return s.index;
        const QPair<int, int> key(s.step, s.index);
        auto it = slotOf.constFind(key);
        if (it != slotOf.constEnd())
            return it.value();
        const int slot = plan.slotCount++;
        slotOf.insert(key, slot);
        plan.steps[std::size_t(s.step)].outputs.emplace_back(s.index, slot);
        return slot;
    };
    for (std::size_t i = 0; i < calls.size(); ++i) {
        plan.steps[i].op = m_layers[std::size_t(calls[i].first)].op;
        for (const Source &s : callInputs[i])
            plan.steps[i].inputSlots.push_back(slotFor(s));
    }
    for (const Source &s : outputSources)
        plan.outputSlots.push_back(slotFor(s));

    // Free each intermediate tensor after its last reader: large models keep only the live ones.
    std::vector<int> lastUse(std::size_t(plan.slotCount), -1);
    for (std::size_t i = 0; i < plan.steps.size(); ++i)
        for (int slot : plan.steps[i].inputSlots)
            lastUse[std::size_t(slot)] = int(i);
    QSet<int> keep(plan.outputSlots.begin(), plan.outputSlots.end());
    for (int slot = m_inputs.size(); slot < plan.slotCount; ++slot)
        if (lastUse[std::size_t(slot)] >= 0 && !keep.contains(slot))
            plan.steps[std::size_t(lastUse[std::size_t(slot)])].release.push_back(slot);
    return plan;
}

std::vector<Flow> KerasGraphModule::run(const Plan &plan, const std::vector<Flow> &inputs)
{
    if (int(inputs.size()) != m_inputs.size())
        throw OpError(QStringLiteral("the model takes %1 input(s), got %2").arg(m_inputs.size()).arg(inputs.size()));
    std::vector<Flow> slots(std::size_t(plan.slotCount));
    for (std::size_t i = 0; i < inputs.size(); ++i)
        slots[i] = inputs[i];
    std::vector<Flow> stepInputs;
    for (const Step &step : plan.steps) {
        stepInputs.clear();
        for (int slot : step.inputSlots)
            stepInputs.push_back(slots[std::size_t(slot)]);
        LayerOp &op = *m_ops[std::size_t(step.op)];
        std::vector<Flow> outputs;
        try {
            outputs = op.forward(stepInputs);
        } catch (const OpError &) {
            throw;
        } catch (const std::exception &e) {
            throw OpError(QStringLiteral("%1: %2").arg(op.subject(), errorText(e)));
        }
        for (const auto &[tensorIndex, slot] : step.outputs) {
            if (tensorIndex < 0 || std::size_t(tensorIndex) >= outputs.size())
                throw OpError(QStringLiteral("%1: produced %2 tensor(s), but tensor %3 is used")
                                  .arg(op.subject())
                                  .arg(outputs.size())
                                  .arg(tensorIndex));
            slots[std::size_t(slot)] = outputs[std::size_t(tensorIndex)];
        }
        for (int slot : step.release)
            slots[std::size_t(slot)] = Flow{};
    }
    std::vector<Flow> out;
    for (int slot : plan.outputSlots)
        out.push_back(slots[std::size_t(slot)]);
    return out;
}

std::vector<Flow> KerasGraphModule::forwardFlows(const std::vector<Flow> &inputs)
{
    return run(m_outputPlan, inputs);
}

std::vector<torch::Tensor> KerasGraphModule::forward(const std::vector<torch::Tensor> &inputs)
{
    std::vector<Flow> flows;
    for (const torch::Tensor &t : inputs)
        flows.push_back(Flow{t, torch::Tensor()});
    std::vector<torch::Tensor> out;
    for (Flow &f : run(m_outputPlan, flows))
        out.push_back(std::move(f.value));
    return out;
}

LayerOpPtr KerasGraphModule::op(const QString &layerName) const
{
    const int i = m_layerIndex.value(layerName, -1);
    if (i < 0 || m_layers[std::size_t(i)].op < 0)
        return nullptr;
    return m_ops[std::size_t(m_layers[std::size_t(i)].op)];
}

QVector<QPair<QString, QVector<LayerWeight>>> KerasGraphModule::kerasWeights() const
{
    QVector<QPair<QString, QVector<LayerWeight>>> out;
    for (const LayerInfo &layer : m_layers) {
        if (layer.op < 0)
            continue;
        const LayerOpPtr &op = m_ops[std::size_t(layer.op)];
        if (const auto *nested = dynamic_cast<const NestedModelOp *>(op.get()))
            out += nested->model()->kerasWeights();
        else
            out.append(qMakePair(layer.name, op->kerasWeights()));
    }
    return out;
}

void KerasGraphModule::resetStates()
{
    for (const LayerOpPtr &op : m_ops)
        op->resetStates();
}

NestedModelOp::NestedModelOp(const QString &name, const QString &className, std::shared_ptr<KerasGraphModule> model)
    : LayerOp(name, className)
{
    m_model = register_module("model", std::move(model));
}

std::vector<Flow> NestedModelOp::forward(const std::vector<Flow> &inputs)
{
    return m_model->forwardFlows(inputs);
}

void NestedModelOp::resetStates()
{
    m_model->resetStates();
}

} // namespace graft::engine
