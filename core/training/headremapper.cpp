#include "core/training/headremapper.h"

#include "core/dataset/datasetsplit.h"
#include "core/model/shapeinference.h"
#include "core/training/modeledit.h"

#include <QJsonValue>
#include <QSet>

#include <cmath>

namespace graft {

namespace {

// Weightless layers that may sit between the output Dense and the model output.
bool isPassThrough(const QString &className)
{
    static const QSet<QString> classes{QStringLiteral("Activation"),      QStringLiteral("Softmax"),
                                       QStringLiteral("Dropout"),         QStringLiteral("GaussianNoise"),
                                       QStringLiteral("GaussianDropout"), QStringLiteral("AlphaDropout")};
    return classes.contains(className);
}

QString activationOf(const Layer &layer)
{
    const QJsonValue v = layer.config.value(QStringLiteral("activation"));
    if (v.isString())
        return v.toString();
    if (v.isObject()) // Keras 3 may serialize it as {"class_name": ..., "config": ...}
        return v.toObject().value(QStringLiteral("config")).toObject().value(QStringLiteral("name")).toString();
    return QStringLiteral("linear");
}

int consumers(const ModelSpec &model, const QString &layerName)
{
    int n = 0;
    for (const Layer &layer : model.layers)
        for (const InboundNode &node : layer.inboundNodes)
            for (const TensorRef &ref : node.inputs)
                if (ref.layer == layerName)
                    ++n;
    return n;
}

/** Kernel columns of a Keras Dense kernel (in, units) in C order. */
struct DenseWeights
{
    int in = 0;
    int units = 0;
    const std::vector<float> *kernel = nullptr;
    const std::vector<float> *bias = nullptr; // may be null (use_bias=False)

    float k(int i, int j) const { return (*kernel)[std::size_t(i) * std::size_t(units) + std::size_t(j)]; }
    float b(int j) const { return bias ? (*bias)[std::size_t(j)] : 0.0f; }
    double columnNorm(int j) const
    {
        double s = 0.0;
        for (int i = 0; i < in; ++i)
            s += double(k(i, j)) * double(k(i, j));
        return std::sqrt(s);
    }
    double meanColumnNorm() const
    {
        double s = 0.0;
        for (int j = 0; j < units; ++j)
            s += columnNorm(j);
        return units > 0 ? s / units : 0.0;
    }
    double meanBias() const
    {
        double s = 0.0;
        for (int j = 0; j < units; ++j)
            s += double(b(j));
        return units > 0 ? s / units : 0.0;
    }
};

/** Keras's GlorotUniform for a Dense kernel column; one stream per (seed, stream) so rows are independent. */
std::vector<float> glorotColumn(int in, int fanOut, std::uint64_t seed, std::uint64_t stream)
{
    SeededRandom random(SeededRandom::derive(seed, stream + 1));
    const double limit = std::sqrt(6.0 / double(in + fanOut));
    std::vector<float> column(static_cast<std::size_t>(in));
    for (float &v : column)
        v = float((2.0 * random.uniform() - 1.0) * limit);
    return column;
}

void fillGlorot(TensorData &kernel, int in, int units, std::uint64_t seed, std::uint64_t streamBase)
{
    kernel.shape = {in, units};
    kernel.values.assign(std::size_t(in) * std::size_t(units), 0.0f);
    for (int j = 0; j < units; ++j) {
        const std::vector<float> column = glorotColumn(in, units, seed, streamBase + std::uint64_t(j));
        for (int i = 0; i < in; ++i)
            kernel.values[std::size_t(i) * std::size_t(units) + std::size_t(j)] = column[std::size_t(i)];
    }
}

Expected<void> remapRows(Layer &dense, const OutputHead &head, const HeadPlan &plan,
                         const ImprintEmbeddings &embeddings, QVector<int> *copiedFrom)
{
    const LayerWeight *kernelWeight = dense.weight(QStringLiteral("kernel"));
    const LayerWeight *biasWeight = dense.weight(QStringLiteral("bias"));
    DenseWeights old{head.inputSize, head.units, &kernelWeight->tensor.values,
                     biasWeight ? &biasWeight->tensor.values : nullptr};
    const int in = head.inputSize;
    const int m = plan.rows.size();
    const double meanNorm = old.meanColumnNorm();

    TensorData kernel;
    kernel.shape = {in, m};
    kernel.values.assign(std::size_t(in) * std::size_t(m), 0.0f);
    TensorData bias;
    bias.shape = {m};
    bias.values.assign(std::size_t(m), 0.0f);
    auto set = [&](int i, int j, float v) { kernel.values[std::size_t(i) * std::size_t(m) + std::size_t(j)] = v; };

    copiedFrom->fill(-1, m);
    for (int r = 0; r < m; ++r) {
        const HeadRow &row = plan.rows.at(r);
        switch (row.strategy) {
        case HeadStrategy::Copy:
            for (int i = 0; i < in; ++i)
                set(i, r, old.k(i, row.source));
            bias.values[std::size_t(r)] = old.b(row.source);
            (*copiedFrom)[r] = row.source;
            break;
        case HeadStrategy::Zero: break;
        case HeadStrategy::Random:
        case HeadStrategy::RandomScaled: {
            std::vector<float> column = glorotColumn(in, m, plan.seed, std::uint64_t(r));
            if (row.strategy == HeadStrategy::RandomScaled) {
                double norm = 0.0;
                for (float v : column)
                    norm += double(v) * double(v);
                norm = std::sqrt(norm);
                const double scale = norm > 0.0 ? meanNorm / norm : 0.0;
                for (float &v : column)
                    v = float(double(v) * scale);
            }
            for (int i = 0; i < in; ++i)
                set(i, r, column[std::size_t(i)]);
            break;
        }
        case HeadStrategy::Mean: {
            QVector<int> sources = row.meanSources;
            if (sources.isEmpty())
                for (int j = 0; j < head.units; ++j)
                    sources.append(j);
            for (int i = 0; i < in; ++i) {
                double s = 0.0;
                for (int j : sources)
                    s += double(old.k(i, j));
                set(i, r, float(s / sources.size()));
            }
            double b = 0.0;
            for (int j : sources)
                b += double(old.b(j));
            bias.values[std::size_t(r)] = float(b / sources.size());
            break;
        }
        case HeadStrategy::Imprint: {
            const std::vector<float> mean = embeddings.classMeans.value(r);
            if (mean.empty())
                return makeError(QStringLiteral("class '%1' has no training samples to imprint its output neuron from; "
                                                "choose another strategy for it")
                                     .arg(row.className));
            if (int(mean.size()) != in)
                return makeError(QStringLiteral("class '%1': its mean embedding has %2 values, but layer '%3' takes %4 "
                                                "inputs")
                                     .arg(row.className)
                                     .arg(mean.size())
                                     .arg(head.layer)
                                     .arg(in));
            double norm = 0.0;
            for (float v : mean)
                norm += double(v) * double(v);
            norm = std::sqrt(norm);
            // Qi et al. 2018 with weight aligning: unit direction, then the old rows' mean norm.
            const double scale = norm > 0.0 ? meanNorm / norm : 0.0;
            for (int i = 0; i < in; ++i)
                set(i, r, float(double(mean[std::size_t(i)]) * scale));
            bias.values[std::size_t(r)] = float(old.meanBias());
            break;
        }
        }
    }

    QVector<LayerWeight> weights;
    for (const LayerWeight &w : dense.weights) {
        LayerWeight nw = w;
        if (w.name == QLatin1String("kernel"))
            nw.tensor = kernel;
        else if (w.name == QLatin1String("bias"))
            nw.tensor = bias;
        weights.append(nw);
    }
    dense.weights = weights;
    modeledit::setConfigValue(dense, QStringLiteral("units"), m);
    return {};
}

/** A Dense of plan.rows.size() softmax units on `input`, Glorot uniform kernel and zero bias (Keras's defaults). */
Layer newHeadDense(const ModelSpec &model, const Layer &templateDense, const HeadPlan &plan, const TensorRef &input,
                   int inputSize)
{
    const int m = plan.rows.size();
    Layer dense = modeledit::denseOnTop(templateDense, modeledit::freeLayerName(model, QStringLiteral("Dense")), m,
                                        QStringLiteral("softmax"), input, inputSize);
    LayerWeight kernel;
    kernel.name = QStringLiteral("kernel");
    kernel.storedName = dense.name + QStringLiteral("/kernel:0");
    fillGlorot(kernel.tensor, inputSize, m, plan.seed, 0);
    LayerWeight bias;
    bias.name = QStringLiteral("bias");
    bias.storedName = dense.name + QStringLiteral("/bias:0");
    bias.tensor.shape = {m};
    bias.tensor.values.assign(std::size_t(m), 0.0f);
    dense.weights = {kernel, bias};
    return dense;
}

} // namespace

QString HeadPlanSummary::text() const
{
    QStringList lines;
    lines << QStringLiteral("Head %1 (%2): %3 → %4 outputs, %5 → %6 parameters; model %7 → %8 parameters")
                 .arg(headLayer, headModeName(mode))
                 .arg(oldUnits)
                 .arg(newUnits)
                 .arg(headParamsBefore)
                 .arg(headParamsAfter)
                 .arg(modelParamsBefore)
                 .arg(modelParamsAfter);
    lines << QStringLiteral("%1 of %2 new classes copy an old neuron exactly").arg(copiedRows).arg(newUnits);
    for (const QString &row : rowDescriptions)
        lines << QStringLiteral("  ") + row;
    if (!droppedOldClasses.isEmpty())
        lines << QStringLiteral("Old classes not kept: %1").arg(droppedOldClasses.join(QStringLiteral(", ")));
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

Expected<OutputHead> HeadRemapper::locate(const ModelSpec &model, const QString &layerName)
{
    if (model.outputs.size() != 1)
        return makeError(
            QStringLiteral("model '%1' has %2 outputs; remapping a head needs a classifier with exactly one")
                .arg(model.name)
                .arg(model.outputs.size()));
    OutputHead head;
    const Layer *layer = model.layer(model.outputs.front().layer);
    while (layer && layer->className != QLatin1String("Dense")) {
        if (!isPassThrough(layer->className) || layer->inboundNodes.size() != 1
            || layer->inboundNodes.front().inputs.size() != 1)
            return makeError(QStringLiteral("the model output comes from layer '%1' (%2), not from a Dense layer: "
                                            "Graft remaps the last Dense of a classifier")
                                 .arg(layer->name, layer->className));
        head.trailingLayers.prepend(layer->name);
        layer = model.layer(layer->inboundNodes.front().inputs.front().layer);
    }
    if (!layer)
        return makeError(QStringLiteral("model '%1': the output layer is missing").arg(model.name));
    if (!layerName.isEmpty() && layer->name != layerName)
        return makeError(QStringLiteral("the plan remaps layer '%1', but the model's output Dense is '%2'")
                             .arg(layerName, layer->name));
    if (layer->inboundNodes.size() != 1 || layer->inboundNodes.front().inputs.size() != 1)
        return makeError(QStringLiteral("output Dense '%1' is called %2 times (a shared layer); it cannot be remapped")
                             .arg(layer->name)
                             .arg(layer->inboundNodes.size()));
    if (consumers(model, layer->name) > (head.trailingLayers.isEmpty() ? 0 : 1))
        return makeError(
            QStringLiteral("output Dense '%1' also feeds other layers; changing its units would break them")
                .arg(layer->name));
    const LayerWeight *kernel = layer->weight(QStringLiteral("kernel"));
    if (!kernel || kernel->tensor.shape.size() != 2
        || kernel->tensor.elementCount() != std::int64_t(kernel->tensor.values.size()))
        return makeError(
            QStringLiteral("output Dense '%1' has no usable kernel weight (load the model's weights first)")
                .arg(layer->name));
    head.layer = layer->name;
    head.inputSize = int(kernel->tensor.shape[0]);
    head.units = int(kernel->tensor.shape[1]);
    const LayerWeight *bias = layer->weight(QStringLiteral("bias"));
    head.hasBias = bias != nullptr;
    if (bias && bias->tensor.values.size() != std::size_t(head.units))
        return makeError(QStringLiteral("output Dense '%1': bias has %2 values for %3 units")
                             .arg(layer->name)
                             .arg(bias->tensor.values.size())
                             .arg(head.units));
    head.activation = activationOf(*layer);
    head.inputTensor = layer->inboundNodes.front().inputs.front();
    return head;
}

bool HeadRemapper::needsEmbeddings(const HeadPlan &plan)
{
    if (plan.mode != HeadMode::PerRow)
        return false;
    for (const HeadRow &row : plan.rows)
        if (row.strategy == HeadStrategy::Imprint)
            return true;
    return false;
}

Expected<RemappedModel> HeadRemapper::apply(const ModelSpec &model, const HeadPlan &plan,
                                            const ImprintEmbeddings &embeddings)
{
    auto head = locate(model, plan.outputLayer);
    if (!head)
        return head.error();
    if (plan.oldUnits != head->units)
        return makeError(QStringLiteral("the head plan was made for %1 old outputs, but layer '%2' has %3")
                             .arg(plan.oldUnits)
                             .arg(head->layer)
                             .arg(head->units));
    if (auto ok = plan.validate(); !ok)
        return ok.error();

    RemappedModel result;
    result.model = model;
    result.plan = plan;
    result.plan.outputLayer = head->layer;
    ModelSpec &spec = result.model;
    Layer &dense = *spec.layer(head->layer);
    const std::int64_t headParamsBefore = dense.params().total;
    QStringList removed;

    switch (plan.mode) {
    case HeadMode::PerRow:
        if (auto ok = remapRows(dense, *head, plan, embeddings, &result.copiedFrom); !ok)
            return ok.error();
        result.headLayer = head->layer;
        break;
    case HeadMode::Stack: {
        // The old logits become a hidden ReLU layer; whatever followed them (softmax) goes.
        modeledit::setConfigValue(dense, QStringLiteral("activation"), QStringLiteral("relu"));
        for (const QString &name : head->trailingLayers) {
            spec.layers.removeAt(spec.indexOf(name));
            removed << name;
        }
        Layer top = newHeadDense(spec, dense, plan, TensorRef{head->layer, 0, 0}, head->units);
        result.headLayer = top.name;
        result.newLayers << top.name;
        spec.layers.append(top);
        spec.outputs = {TensorRef{top.name, 0, 0}};
        result.copiedFrom.fill(-1, plan.rows.size());
        break;
    }
    case HeadMode::Adapter: {
        for (Layer &layer : spec.layers)
            if (!layer.isInput())
                modeledit::setTrainable(layer, false);
        const TensorRef oldOutput = spec.outputs.front();
        Layer top = newHeadDense(spec, dense, plan, oldOutput, head->units);
        result.headLayer = top.name;
        result.newLayers << top.name;
        spec.layers.append(top);
        spec.outputs = {TensorRef{top.name, 0, 0}};
        result.copiedFrom.fill(-1, plan.rows.size());
        break;
    }
    }
    modeledit::syncSourceConfig(spec, removed);
    auto report = ShapeInference::run(spec);
    if (!report)
        return report.error();
    if (!report->outputsKnown || report->modelOutputShapes.size() != 1
        || report->modelOutputShapes.front().back() != plan.rows.size())
        return makeError(QStringLiteral("after remapping, the model's output shape is not (None, %1): %2")
                             .arg(plan.rows.size())
                             .arg(report->issues.join(QStringLiteral("; "))));

    HeadPlanSummary &summary = result.summary;
    summary.headLayer = result.headLayer;
    summary.mode = plan.mode;
    summary.oldUnits = head->units;
    summary.newUnits = plan.rows.size();
    summary.headParamsBefore = headParamsBefore;
    summary.headParamsAfter = spec.layer(result.headLayer)->params().total;
    summary.modelParamsBefore = model.params().total;
    summary.modelParamsAfter = spec.params().total;
    QSet<int> kept;
    for (int r = 0; r < plan.rows.size(); ++r) {
        const HeadRow &row = plan.rows.at(r);
        summary.rowDescriptions << QStringLiteral("%1: %2").arg(
            row.className, plan.mode == HeadMode::PerRow ? row.describe(plan.oldClassNames)
                                                         : QStringLiteral("new %1 unit").arg(headModeName(plan.mode)));
        if (result.copiedFrom.value(r, -1) >= 0) {
            ++summary.copiedRows;
            kept.insert(result.copiedFrom.at(r));
        }
    }
    if (plan.mode == HeadMode::PerRow)
        for (int j = 0; j < head->units; ++j)
            if (!kept.contains(j))
                summary.droppedOldClasses
                    << (plan.oldClassNames.value(j).isEmpty() ? QString::number(j) : plan.oldClassNames.at(j));
    return result;
}

Expected<HeadPlanSummary> HeadRemapper::summarize(const ModelSpec &model, const HeadPlan &plan)
{
    ImprintEmbeddings placeholder;
    if (needsEmbeddings(plan)) {
        auto head = locate(model, plan.outputLayer);
        if (!head)
            return head.error();
        // Imprinted values do not change sizes or counts: a placeholder mean is enough here.
        placeholder.classMeans.fill(std::vector<float>(std::size_t(head->inputSize), 1.0f), plan.rows.size());
    }
    auto remapped = apply(model, plan, placeholder);
    if (!remapped)
        return remapped.error();
    return remapped->summary;
}

} // namespace graft
