#include "core/arch/codedraftassembly.h"

#include <QJsonArray>
#include <QSet>

#include <algorithm>
#include <map>
#include <set>

namespace graft {

using namespace pycode;

namespace {

using NodeKey = std::pair<int, int>; // (layer, node)

/** The model the code ends with: returned by the function, else the last one it built. */
struct ChosenModel
{
    int model = -1;
    std::vector<LayerCall::Ref> outputs; // when the function returns tensors rather than a Model
};

void findReturned(const Interpreter &in, const ValuePtr &value, ChosenModel *chosen)
{
    if (!value || chosen->model >= 0)
        return;
    if (value->kind == Kind::Model) {
        chosen->model = value->index;
    } else if (value->kind == Kind::Tensor) {
        chosen->outputs.push_back({value->index, value->node, value->tensor});
    } else if (value->kind == Kind::Tuple || value->kind == Kind::List) {
        for (const ValuePtr &item : value->items)
            findReturned(in, item, chosen);
    }
}

QString holeQuestion(const LayerRecord &layer, const QString &key)
{
    const QString description = layer.holes.value(key);
    const QString parameter = layer.holeParameters.value(key);
    if (key == QLatin1String("batch_input_shape"))
        return description;
    if (!parameter.isEmpty())
        return QStringLiteral("%1 cannot be evaluated and the weights do not determine it; give it with --set %2=VALUE")
            .arg(description, parameter);
    return QStringLiteral("`%1` cannot be evaluated without running the code and the weights do not determine it; "
                          "give the variable's value with --set NAME=VALUE or edit the field")
        .arg(description);
}

DraftLayer rowFromRecord(const LayerRecord &layer)
{
    DraftLayer row;
    row.name = layer.name;
    row.className = layer.className;
    row.config = layer.config;
    row.sourceLine = layer.line;
    for (const QString &key : layer.givenKeys)
        row.origins.insert(key, FieldOrigin::Code);
    for (auto it = layer.holes.constBegin(); it != layer.holes.constEnd(); ++it) {
        row.origins.insert(it.key(), FieldOrigin::Unresolved);
        row.questions.insert(it.key(), holeQuestion(layer, it.key()));
    }
    return row;
}

Expected<ArchitectureDraft> assembleSequential(const Interpreter &in, const ModelRecord &model, QSet<int> *used)
{
    ArchitectureDraft draft;
    draft.setModel(model.name, true);
    if (model.layers.empty())
        return makeError(
            QStringLiteral("the Sequential model '%1' (line %2) has no layers").arg(model.name).arg(model.line));
    const LayerRecord &first = in.layers.at(std::size_t(model.layers.front()));
    DraftLayer input;
    if (model.inputLayer >= 0) {
        input = rowFromRecord(in.layers.at(std::size_t(model.inputLayer)));
        used->insert(model.inputLayer);
    } else {
        input.name = first.name + QStringLiteral("_input"); // tf.keras's name for the input a Sequential model creates
        input.className = QStringLiteral("InputLayer");
        input.config = KerasLayerCatalog::defaultConfig(input.className, input.name);
        input.sourceLine = first.line;
        const QJsonValue shape = !first.inputShape.isUndefined() ? first.inputShape : model.buildShape;
        if (!shape.isUndefined()) {
            input.config.insert(QStringLiteral("batch_input_shape"), shape);
            input.origins.insert(QStringLiteral("batch_input_shape"), FieldOrigin::Code);
        } else {
            input.origins.insert(QStringLiteral("batch_input_shape"), FieldOrigin::Unresolved);
            input.questions.insert(
                QStringLiteral("batch_input_shape"),
                first.inputShapeHole.isEmpty()
                    ? QStringLiteral("the first layer of the Sequential model gives no input_shape; give the "
                                     "input shape with --input-shape")
                    : QStringLiteral("the first layer's %1 cannot be evaluated; give the input shape "
                                     "with --input-shape")
                          .arg(first.inputShapeHole));
        }
    }
    QString previous = input.name;
    draft.appendLayer(input);
    for (int l : model.layers) {
        const LayerRecord &layer = in.layers.at(std::size_t(l));
        if (!layer.unsupported.isEmpty())
            return makeError(layer.unsupported);
        DraftLayer row = rowFromRecord(layer);
        row.inboundNodes = {InboundNode{{TensorRef{previous, 0, 0}}, {}}};
        previous = row.name;
        used->insert(l);
        draft.appendLayer(row);
    }
    draft.setOutputs({TensorRef{previous, 0, 0}});
    return draft;
}

Expected<ArchitectureDraft> assembleFunctional(const Interpreter &in, const QString &name, int line,
                                               const std::vector<LayerCall::Ref> &inputs,
                                               const std::vector<LayerCall::Ref> &outputs, QSet<int> *used)
{
    // tf.keras functional._map_graph_network: nodes found depth-first from the outputs,
    // layers ordered by depth (inputs deepest first), ties by first visit from the outputs.
    std::vector<NodeKey> nodesInDecreasingDepth;
    std::map<int, int> layerIndices;
    std::set<NodeKey> finished, inProgress;
    QString cycle;
    auto visit = [&](const LayerCall::Ref &ref, const auto &self) -> void {
        const NodeKey key{ref.layer, ref.node};
        if (finished.count(key) || !cycle.isEmpty())
            return;
        if (inProgress.count(key)) {
            cycle = in.layers.at(std::size_t(ref.layer)).name;
            return;
        }
        if (!layerIndices.count(ref.layer))
            layerIndices[ref.layer] = int(layerIndices.size());
        inProgress.insert(key);
        const LayerRecord &layer = in.layers.at(std::size_t(ref.layer));
        if (layer.className != QLatin1String("InputLayer"))
            for (const LayerCall::Ref &input : layer.calls.at(std::size_t(ref.node)).inputs)
                self(input, self);
        finished.insert(key);
        inProgress.erase(key);
        nodesInDecreasingDepth.push_back(key);
    };
    for (const LayerCall::Ref &out : outputs)
        visit(out, visit);
    if (!cycle.isEmpty())
        return makeError(QStringLiteral("the layer graph has a cycle through '%1'").arg(cycle));
    std::map<NodeKey, int> nodeDepths;
    std::map<int, int> layerDepths;
    for (auto it = nodesInDecreasingDepth.rbegin(); it != nodesInDecreasingDepth.rend(); ++it) {
        int depth = nodeDepths[*it];
        depth = std::max(depth, layerDepths.count(it->first) ? layerDepths[it->first] : 0);
        layerDepths[it->first] = depth;
        nodeDepths[*it] = depth;
        const LayerRecord &layer = in.layers.at(std::size_t(it->first));
        if (layer.className != QLatin1String("InputLayer"))
            for (const LayerCall::Ref &input : layer.calls.at(std::size_t(it->second)).inputs) {
                const NodeKey parent{input.layer, input.node};
                nodeDepths[parent] = std::max(depth + 1, nodeDepths.count(parent) ? nodeDepths[parent] : 0);
            }
    }
    QSet<int> declaredInputs;
    for (const LayerCall::Ref &r : inputs) {
        if (in.layers.at(std::size_t(r.layer)).className != QLatin1String("InputLayer"))
            return makeError(
                QStringLiteral("line %1: the model's inputs must come from Input(), but '%2' is a %3 output")
                    .arg(line)
                    .arg(in.layers.at(std::size_t(r.layer)).name, in.layers.at(std::size_t(r.layer)).className));
        declaredInputs.insert(r.layer);
        if (!layerDepths.count(r.layer)) {
            layerDepths[r.layer] = 0;
            layerIndices[r.layer] = -1;
            nodeDepths[{r.layer, 0}] = 0;
        }
    }
    std::vector<int> order;
    for (const auto &[layer, depth] : layerDepths)
        order.push_back(layer);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        if (layerDepths[a] != layerDepths[b])
            return layerDepths[a] > layerDepths[b];
        return layerIndices[a] < layerIndices[b];
    });

    ArchitectureDraft draft;
    draft.setModel(name, false);
    // A layer's calls outside this model are not part of its config: re-number the calls kept.
    std::map<NodeKey, int> nodeIndexInModel;
    for (int l : order) {
        int next = 0;
        for (std::size_t n = 0; n < std::max<std::size_t>(1, in.layers.at(std::size_t(l)).calls.size()); ++n)
            if (nodeDepths.count({l, int(n)}))
                nodeIndexInModel[{l, int(n)}] = next++;
    }
    for (int l : order) {
        const LayerRecord &layer = in.layers.at(std::size_t(l));
        if (!layer.unsupported.isEmpty())
            return makeError(layer.unsupported);
        if (layer.className == QLatin1String("InputLayer") && !declaredInputs.contains(l))
            return makeError(
                QStringLiteral("line %1: the model's outputs depend on the input '%2' (line %3), which is not among "
                               "Model(inputs=…)")
                    .arg(line)
                    .arg(layer.name)
                    .arg(layer.line));
        DraftLayer row = rowFromRecord(layer);
        if (layer.className != QLatin1String("InputLayer")) {
            for (std::size_t n = 0; n < layer.calls.size(); ++n) {
                if (!nodeDepths.count({l, int(n)}))
                    continue;
                InboundNode node;
                node.kwargs = layer.calls[n].kwargs;
                for (const LayerCall::Ref &r : layer.calls[n].inputs)
                    node.inputs.append(TensorRef{in.layers.at(std::size_t(r.layer)).name,
                                                 nodeIndexInModel[{r.layer, r.node}], r.tensor});
                row.inboundNodes.append(node);
            }
        }
        used->insert(l);
        draft.appendLayer(row);
    }
    QVector<TensorRef> outs;
    for (const LayerCall::Ref &r : outputs)
        outs.append(TensorRef{in.layers.at(std::size_t(r.layer)).name, nodeIndexInModel[{r.layer, r.node}], r.tensor});
    draft.setOutputs(outs);
    return draft;
}

} // namespace

Expected<ArchitectureDraft> assembleCodeDraft(const Interpreter &in, const QString &sourceName)
{
    const QString where =
        in.entryFunction.isEmpty() ? sourceName : QStringLiteral("%1:%2").arg(sourceName, in.entryFunction);
    if (!in.errors.isEmpty())
        return makeError(QStringLiteral("%1: %2").arg(where, in.errors.join(QStringLiteral("; "))));
    ChosenModel chosen;
    findReturned(in, in.returned, &chosen);
    if (chosen.model < 0 && chosen.outputs.empty()) {
        for (int m = int(in.models.size()) - 1; m >= 0; --m) {
            const ModelRecord &model = in.models.at(std::size_t(m));
            if (!model.layers.empty() || !model.outputs.empty()) {
                chosen.model = m;
                break;
            }
        }
    }
    if (chosen.model < 0 && chosen.outputs.empty()) {
        for (const ClassRecord &c : in.classes)
            if (c.kerasModel)
                return makeError(
                    QStringLiteral("%1: %2 (line %3) is a subclassed Keras model: its architecture is Python code "
                                   "that Graft cannot read. Save the model with model.save() or its architecture "
                                   "with model.to_json() instead.")
                        .arg(where, c.name)
                        .arg(c.line));
        return makeError(
            QStringLiteral("%1 builds no Keras model: no Sequential(…), Model(…) or layer calls reach a result. "
                           "Name the function that builds the model (FILE.py:FUNCTION).")
                .arg(where));
    }
    QSet<int> used;
    Expected<ArchitectureDraft> draft = makeError(QString());
    if (chosen.model >= 0) {
        const ModelRecord &model = in.models.at(std::size_t(chosen.model));
        draft = model.sequential ? assembleSequential(in, model, &used)
                                 : assembleFunctional(in, model.name, model.line, model.inputs, model.outputs, &used);
    } else {
        // The function returns output tensors; the caller would wrap them in a Model.
        std::vector<LayerCall::Ref> inputs;
        QSet<int> seen;
        std::vector<LayerCall::Ref> pending = chosen.outputs;
        while (!pending.empty()) {
            const LayerCall::Ref r = pending.back();
            pending.pop_back();
            const LayerRecord &layer = in.layers.at(std::size_t(r.layer));
            if (layer.className == QLatin1String("InputLayer")) {
                if (!seen.contains(r.layer))
                    inputs.push_back({r.layer, 0, 0});
                seen.insert(r.layer);
                continue;
            }
            for (const LayerCall::Ref &i : layer.calls.at(std::size_t(r.node)).inputs)
                pending.push_back(i);
        }
        std::sort(inputs.begin(), inputs.end(), [](const auto &a, const auto &b) { return a.layer < b.layer; });
        draft = assembleFunctional(in, QStringLiteral("model"), in.entryLine, inputs, chosen.outputs, &used);
        if (draft)
            draft->addNote(
                QStringLiteral("%1 returns tensors, not a Model: the model is formed from its inputs to those outputs")
                    .arg(where));
    }
    if (!draft)
        return makeError(QStringLiteral("%1: %2").arg(where, draft.errorString()));
    for (const QString &note : in.notes)
        draft->addNote(note);
    for (std::size_t l = 0; l < in.layers.size(); ++l) {
        const LayerRecord &layer = in.layers[l];
        if (used.contains(int(l)) || layer.wrapped)
            continue;
        if (layer.calls.empty() && layer.addedTo < 0 && layer.className != QLatin1String("InputLayer"))
            draft->addNote(
                QStringLiteral("line %1: a %2 layer is created but never called or added to a model: it is not part "
                               "of the architecture (ignored; Keras still named it '%3', so later %2 layers are "
                               "numbered after it)")
                    .arg(layer.line)
                    .arg(layer.className, layer.name));
        else
            draft->addNote(QStringLiteral("line %1: the %2 layer '%3' is not part of the model that was read (ignored)")
                               .arg(layer.line)
                               .arg(layer.className, layer.name));
    }
    return draft;
}

} // namespace graft
