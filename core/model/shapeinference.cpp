#include "core/model/shapeinference.h"

#include "core/common/limits.h"
#include "core/model/kerasconfigparser.h"
#include "core/model/layercatalog.h"
#include "core/model/layerconfig.h"
#include "core/model/layershapes.h"
#include "core/model/layerweightspecs.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <limits>
#include <optional>

namespace graft {

namespace {

using OptionalShapes = QVector<std::optional<Shape>>;

QString tensorKey(const QString &layer, int node, int tensor)
{
    return QStringLiteral("%1\n%2\n%3").arg(layer).arg(node).arg(tensor);
}

QString nodeKey(const QString &layer, int node)
{
    return QStringLiteral("%1\n%2").arg(layer).arg(node);
}

ModelSpec deepCopy(const ModelSpec &model)
{
    ModelSpec copy = model;
    for (Layer &l : copy.layers)
        if (l.nestedModel)
            l.nestedModel = std::make_shared<ModelSpec>(deepCopy(*l.nestedModel));
    return copy;
}

QString weightsText(const QVector<WeightSpec> &specs)
{
    QStringList parts;
    for (const WeightSpec &w : specs)
        parts << w.name + shapeToString(w.shape, false);
    return parts.join(QStringLiteral(", "));
}

bool sameWeights(const QVector<WeightSpec> &a, const QVector<WeightSpec> &b)
{
    if (a.size() != b.size())
        return false;
    for (int i = 0; i < a.size(); ++i)
        if (a[i].name != b[i].name || a[i].shape != b[i].shape)
            return false;
    return true;
}

/** One model's walk; nested models get their own walker with a longer path prefix. */
class GraphWalker final
{
public:
    GraphWalker(ShapeInferenceReport *report, QString pathPrefix, int depth)
        : m_report(report), m_prefix(std::move(pathPrefix)), m_depth(depth)
    { }

    /** `overrides` replaces declared input shapes when the model is called as a layer. */
    OptionalShapes walk(ModelSpec &model, const QVector<Shape> *overrides)
    {
        for (Layer &layer : model.layers) {
            layer.outputShapes.clear();
            layer.expectedWeights.clear();
            layer.issues.erase(
                std::remove_if(layer.issues.begin(), layer.issues.end(),
                               [](const QString &s) { return s.startsWith(ShapeInference::issuePrefix()); }),
                layer.issues.end());
        }
        seedInputs(model, overrides);
        for (const Layer &layer : model.layers)
            if (layer.nestedModel)
                m_nodeBase.insert(layer.name, configNodeIndexBase(model, layer));

        QVector<std::pair<int, int>> pending;
        QSet<QString> pendingNodes;
        for (int i = 0; i < model.layers.size(); ++i) {
            const Layer &layer = model.layers.at(i);
            if (m_inputNames.contains(layer.name))
                continue;
            if (layer.inboundNodes.isEmpty() && layer.isInput()) {
                inferUndeclaredInput(model.layers[i]);
                continue;
            }
            for (int j = 0; j < layer.inboundNodes.size(); ++j) {
                pending.append({i, j});
                pendingNodes.insert(nodeKey(layer.name, j + m_nodeBase.value(layer.name)));
            }
        }
        // Keras lists layers in call order, so one pass usually resolves everything;
        // further passes only handle configs written out of order.
        bool progress = true;
        while (!pending.isEmpty() && progress) {
            progress = false;
            QVector<std::pair<int, int>> deferred;
            for (const auto &[i, j] : pending) {
                const InboundNode &node = model.layers.at(i).inboundNodes.at(j);
                bool ready = true;
                for (const TensorRef &ref : node.inputs)
                    if (pendingNodes.contains(nodeKey(ref.layer, ref.nodeIndex)))
                        ready = false;
                if (!ready) {
                    deferred.append({i, j});
                    continue;
                }
                inferCall(model.layers[i], j);
                pendingNodes.remove(nodeKey(model.layers.at(i).name, j + m_nodeBase.value(model.layers.at(i).name)));
                progress = true;
            }
            pending = deferred;
        }
        for (const auto &[i, j] : pending)
            addIssue(model.layers[i], QStringLiteral("input shape unknown: call %1 depends on itself through a cycle "
                                                     "of layer calls")
                                          .arg(j + 1));

        for (const Layer &layer : model.layers) {
            ++m_report->layerCount;
            if (!layer.outputShapes.isEmpty())
                ++m_report->inferredLayers;
        }
        OptionalShapes outputs;
        for (const TensorRef &ref : model.outputs) {
            const auto it = m_tensors.constFind(tensorKey(ref.layer, ref.nodeIndex, ref.tensorIndex));
            outputs.append(it == m_tensors.constEnd() ? std::nullopt : std::optional<Shape>(*it));
        }
        return outputs;
    }

private:
    /** Why an input shape from the config is refused (which limit), or empty. */
    static QString exceededLimit(const Shape &shape)
    {
        if (shape.size() > std::size_t(limits::maxTensorRank))
            return QStringLiteral("input shape %1 has rank %2 (limit %3): not a shape any real model takes")
                .arg(shapeToString(shape))
                .arg(shape.size())
                .arg(limits::maxTensorRank);
        std::int64_t count = 1;
        for (std::int64_t d : shape) {
            if (d < -1)
                return QStringLiteral("input shape %1 has a dimension of %2").arg(shapeToString(shape)).arg(d);
            if (d > 0 && count > limits::maxTensorElements / d)
                return QStringLiteral("input shape %1 has more than %2 elements per sample (the element limit)")
                    .arg(shapeToString(shape))
                    .arg(limits::maxTensorElements);
            if (d > 0)
                count *= d;
        }
        return {};
    }

    QHash<QString, QString> m_refusedInputs;

    void addIssue(Layer &layer, const QString &message)
    {
        const QString text = ShapeInference::issuePrefix() + message;
        if (!layer.issues.contains(text))
            layer.issues.append(text);
        m_report->issues.append(QStringLiteral("%1%2: %3").arg(m_prefix, layer.name, message));
    }

    void seedInputs(ModelSpec &model, const QVector<Shape> *overrides)
    {
        for (int k = 0; k < model.inputs.size(); ++k) {
            const ModelInput &input = model.inputs.at(k);
            m_inputNames.insert(input.name);
            Layer *inputLayer = model.layer(input.name);
            Shape declared;
            // An empty shape is a scalar input only when the config says so explicitly.
            bool known =
                !input.shape.empty()
                || (inputLayer && KerasConfigParser::inputShapeFromLayerConfig(inputLayer->config, &declared, nullptr));
            Shape shape = input.shape;
            if (overrides && k < overrides->size()) {
                shape = overrides->at(k);
                known = true;
            }
            if (!known) {
                if (inputLayer)
                    addIssue(*inputLayer,
                             QStringLiteral("input shape unknown: the config gives no shape for input '%1'")
                                 .arg(input.name));
                else
                    m_report->issues.append(
                        QStringLiteral("%1%2: input shape unknown: the config gives no shape for this "
                                       "input (no batch_input_shape on the first layer)")
                            .arg(m_prefix, input.name));
                continue;
            }
            if (const QString refused = exceededLimit(shape); !refused.isEmpty()) {
                // Treated as unknown: later layers would multiply these dimensions and overflow.
                if (inputLayer)
                    addIssue(*inputLayer, refused);
                else
                    m_report->issues.append(QStringLiteral("%1%2: %3").arg(m_prefix, input.name, refused));
                m_refusedInputs.insert(input.name, refused); // told again by the layers it feeds
                continue;
            }
            m_tensors.insert(tensorKey(input.name, 0, 0), shape);
            if (inputLayer)
                inputLayer->outputShapes = {shape};
        }
    }

    void inferUndeclaredInput(Layer &layer)
    {
        Shape shape;
        if (!KerasConfigParser::inputShapeFromLayerConfig(layer.config, &shape, nullptr)) {
            addIssue(layer, QStringLiteral("input shape unknown: the InputLayer config gives no shape"));
            return;
        }
        if (const QString refused = exceededLimit(shape); !refused.isEmpty()) {
            addIssue(layer, refused);
            return;
        }
        layer.outputShapes = {shape};
        m_tensors.insert(tensorKey(layer.name, 0, 0), shape);
    }

    void inferCall(Layer &layer, int nodeIndex)
    {
        const InboundNode &node = layer.inboundNodes.at(nodeIndex);
        QVector<Shape> inputs;
        QStringList missing;
        for (const TensorRef &ref : node.inputs) {
            const auto it = m_tensors.constFind(tensorKey(ref.layer, ref.nodeIndex, ref.tensorIndex));
            if (it == m_tensors.constEnd() && m_refusedInputs.contains(ref.layer)) {
                addIssue(layer, QStringLiteral("input '%1': %2").arg(ref.layer, m_refusedInputs.value(ref.layer)));
                return;
            }
            if (it == m_tensors.constEnd())
                missing << ref.layer;
            else
                inputs << *it;
        }
        if (!missing.isEmpty()) {
            addIssue(layer, QStringLiteral("input shape unknown: no output shape could be inferred for %1")
                                .arg(missing.join(QStringLiteral(", "))));
            return;
        }
        if (inputs.isEmpty()) {
            addIssue(layer, QStringLiteral("call %1 has no input tensors in the config").arg(nodeIndex + 1));
            return;
        }
        Expected<QVector<Shape>> outputs = layer.nestedModel
                                               ? inferNested(layer, nodeIndex, inputs)
                                               : LayerShapes::outputShapes(layer.className, layer.config, inputs);
        if (!outputs) {
            addIssue(layer, outputs.errorString());
            return;
        }
        for (int t = 0; t < outputs->size(); ++t)
            m_tensors.insert(tensorKey(layer.name, nodeIndex + m_nodeBase.value(layer.name), t), outputs->at(t));
        if (nodeIndex == 0)
            layer.outputShapes = *outputs;
        if (layer.nestedModel)
            return;
        if (layerconfig::channelsFirst(layer.config) && nodeIndex == 0)
            addIssue(layer, QStringLiteral("data_format 'channels_first' is unusual for a CPU model; shapes were "
                                           "inferred for it, check that the rest of the pipeline expects it"));
        if (!LayerCatalog::knows(layer.className)) {
            addIssue(layer, QStringLiteral("Graft does not know which weights a %1 layer has").arg(layer.className));
            return;
        }
        auto weights = LayerWeightSpecs::forLayer(layer.className, layer.config, inputs);
        if (!weights) {
            addIssue(layer, weights.errorString());
            return;
        }
        if (nodeIndex == 0)
            layer.expectedWeights = *weights;
        else if (!sameWeights(layer.expectedWeights, *weights))
            addIssue(
                layer,
                QStringLiteral("call %1 on input shape %2 would need weights %3, but the first call built %4")
                    .arg(nodeIndex + 1)
                    .arg(shapeToString(inputs.front()), weightsText(*weights), weightsText(layer.expectedWeights)));
    }

    Expected<QVector<Shape>> inferNested(Layer &layer, int nodeIndex, const QVector<Shape> &inputs)
    {
        if (m_depth + 1 > limits::maxNestedModelDepth)
            return makeError(QStringLiteral("models are nested more than %1 deep").arg(limits::maxNestedModelDepth));
        ModelSpec *nested = layer.nestedModel.get();
        // Later calls of a shared nested model must not overwrite the first call's shapes.
        ModelSpec copy;
        if (nodeIndex > 0) {
            copy = deepCopy(*nested);
            nested = &copy;
        }
        if (nested->inputs.size() != inputs.size())
            return makeError(QStringLiteral("the nested model expects %1 input(s) but is called on %2")
                                 .arg(nested->inputs.size())
                                 .arg(inputs.size()));
        QVector<Shape> overrides = inputs;
        for (int k = 0; k < inputs.size(); ++k) {
            const Shape &declared = nested->inputs.at(k).shape;
            if (declared.empty())
                continue;
            if (declared.size() != inputs[k].size())
                return makeError(QStringLiteral("the nested model declares input shape %1 but is called on %2")
                                     .arg(shapeToString(declared), shapeToString(inputs[k])));
            for (std::size_t d = 0; d < declared.size(); ++d) {
                if (declared[d] >= 0 && inputs[k][d] >= 0 && declared[d] != inputs[k][d])
                    return makeError(QStringLiteral("the nested model declares input shape %1 but is called on %2")
                                         .arg(shapeToString(declared), shapeToString(inputs[k])));
                if (overrides[k][d] < 0)
                    overrides[k][d] = declared[d];
            }
        }
        const QString path = m_prefix + layer.name
                             + (nodeIndex > 0 ? QStringLiteral("[call %1]").arg(nodeIndex + 1) : QString())
                             + QLatin1Char('/');
        GraphWalker inner(m_report, path, m_depth + 1);
        const OptionalShapes outputs = inner.walk(*nested, &overrides);
        QVector<Shape> shapes;
        for (const auto &s : outputs) {
            if (!s)
                return makeError(QStringLiteral("the nested model's output shape could not be inferred; see the issues "
                                                "of its layers"));
            shapes << *s;
        }
        if (shapes.isEmpty())
            return makeError(QStringLiteral("the nested model declares no outputs"));
        return shapes;
    }

    ShapeInferenceReport *m_report;
    QString m_prefix;
    int m_depth;
    QHash<QString, Shape> m_tensors;
    QSet<QString> m_inputNames;
    QHash<QString, int> m_nodeBase; // config index of the first call, per nested model
};

} // namespace

int configNodeIndexBase(const ModelSpec &model, const Layer &layer)
{
    if (!layer.nestedModel || layer.inboundNodes.isEmpty())
        return 0;
    int minRef = std::numeric_limits<int>::max();
    int maxRef = -1;
    auto note = [&](const TensorRef &ref) {
        if (ref.layer == layer.name) {
            minRef = std::min(minRef, ref.nodeIndex);
            maxRef = std::max(maxRef, ref.nodeIndex);
        }
    };
    for (const Layer &l : model.layers)
        for (const InboundNode &node : l.inboundNodes)
            for (const TensorRef &ref : node.inputs)
                note(ref);
    for (const TensorRef &ref : model.outputs)
        note(ref);
    if (minRef == 0)
        return 0;
    if (maxRef >= layer.inboundNodes.size())
        return 1;
    // References alone do not tell: Keras skips the construction node of models
    // built on an input (tf.keras: every Functional, and Sequential with an input
    // shape; Keras 3: Functional only, its Sequential is not a Functional subclass).
    const bool keras3 = layer.sourceEntry.contains(QStringLiteral("module"));
    if (keras3)
        return layer.nestedModel->sequential ? 0 : 1;
    return layer.nestedModel->sequential && layer.nestedModel->inputs.value(0).shape.empty() ? 0 : 1;
}

QString ShapeInference::issuePrefix()
{
    return QStringLiteral("Shape inference: ");
}

Expected<ShapeInferenceReport> ShapeInference::run(ModelSpec &model)
{
    if (model.inputs.isEmpty())
        return makeError(QStringLiteral("model '%1' declares no inputs, so no shape can be inferred").arg(model.name));
    ShapeInferenceReport report;
    GraphWalker walker(&report, QString(), 0);
    const OptionalShapes outputs = walker.walk(model, nullptr);
    report.outputsKnown = !outputs.isEmpty();
    for (const auto &s : outputs) {
        if (!s) {
            report.outputsKnown = false;
            break;
        }
        report.modelOutputShapes << *s;
    }
    if (!report.outputsKnown)
        report.modelOutputShapes.clear();
    return report;
}

} // namespace graft
