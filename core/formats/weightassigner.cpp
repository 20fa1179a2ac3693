#include "core/formats/weightassigner.h"

#include "core/formats/keras3objectpaths.h"

#include <QHash>
#include "core/model/kerasconfigparser.h"
#include "core/model/layernaming.h"

namespace graft {

namespace {

/** A weight slot of the model: the layer it belongs to and what its config expects. */
struct Slot
{
    Layer *layer;
    WeightSpec spec;
    bool effectiveTrainable;
};

void collectSlots(Layer &layer, bool parentTrainable, QVector<Slot> *slots)
{
    const bool trainable = parentTrainable && layer.trainable;
    if (layer.nestedModel) {
        for (Layer &inner : layer.nestedModel->layers)
            collectSlots(inner, trainable, slots);
        return;
    }
    for (const WeightSpec &spec : layer.expectedWeights)
        slots->append(Slot{&layer, spec, trainable && spec.trainable});
}

/** Slots in the order Keras lists `layer.weights` for legacy files: trainable first, then the rest. */
QVector<Slot> legacyOrderedSlots(Layer &layer)
{
    QVector<Slot> all;
    collectSlots(layer, true, &all);
    if (!layer.nestedModel)
        return all; // a plain layer's own order already puts trainable variables first
    QVector<Slot> ordered;
    for (const Slot &s : all)
        if (s.effectiveTrainable)
            ordered.append(s);
    for (const Slot &s : all)
        if (!s.effectiveTrainable)
            ordered.append(s);
    return ordered;
}

bool expectsWeights(const Layer &layer)
{
    if (layer.nestedModel) {
        for (const Layer &inner : layer.nestedModel->layers)
            if (expectsWeights(inner))
                return true;
        return false;
    }
    return !layer.expectedWeights.isEmpty();
}

void clearWeights(Layer &layer)
{
    layer.weights.clear();
    if (layer.nestedModel)
        for (Layer &inner : layer.nestedModel->layers)
            clearWeights(inner);
}

/** Assigns one stored layer's tensors to a model layer; returns the problems. */
QStringList assignLayer(Layer &layer, const StoredLayerWeights &stored, const QString &fileName)
{
    QStringList problems;
    if (!layer.supported && layer.expectedWeights.isEmpty() && !layer.nestedModel) {
        // Unknown class: keep the stored tensors as they are so the layer is still listed.
        layer.weights.clear();
        for (const StoredWeight &w : stored.weights) {
            const QString shortName = WeightAssigner::shortWeightName(w.storedName);
            layer.weights.append(
                LayerWeight{shortName, w.storedName, w.tensor, WeightAssigner::isIntrinsicallyTrainable(shortName)});
        }
        return problems;
    }
    const QVector<Slot> slots = legacyOrderedSlots(layer);
    if (slots.size() != stored.weights.size()) {
        problems << QStringLiteral("%1: layer '%2' (%3) expects %4 weights but the file's layer '%5' has %6.")
                        .arg(fileName, layer.name, layer.className)
                        .arg(slots.size())
                        .arg(stored.layerName)
                        .arg(stored.weights.size());
        return problems;
    }
    for (int i = 0; i < slots.size(); ++i) {
        const Slot &slot = slots.at(i);
        const StoredWeight &w = stored.weights.at(i);
        if (w.tensor.shape != slot.spec.shape) {
            problems << QStringLiteral("%1: layer '%2' weight '%3': the architecture needs shape %4, the file "
                                       "stores %5 (as '%6').")
                            .arg(fileName, slot.layer->name, slot.spec.name,
                                 TensorData{slot.spec.shape, {}}.shapeString(), w.tensor.shapeString(), w.storedName);
        }
    }
    if (!problems.isEmpty())
        return problems;
    clearWeights(layer);
    for (int i = 0; i < slots.size(); ++i) {
        const Slot &slot = slots.at(i);
        slot.layer->weights.append(LayerWeight{slot.spec.name, stored.weights.at(i).storedName,
                                               stored.weights.at(i).tensor, slot.spec.trainable});
    }
    // Keep each layer's weights in its own declared order (legacy order may interleave for nested models).
    QVector<Layer *> touched;
    for (const Slot &slot : slots)
        if (!touched.contains(slot.layer))
            touched.append(slot.layer);
    for (Layer *l : touched) {
        QVector<LayerWeight> sorted;
        for (const WeightSpec &spec : l->expectedWeights)
            if (const LayerWeight *w = l->weight(spec.name))
                sorted.append(*w);
        l->weights = sorted;
    }
    return problems;
}

} // namespace

QString WeightAssigner::shortWeightName(const QString &storedName)
{
    QString name = storedName;
    if (name.endsWith(QLatin1String(":0")))
        name.chop(2);
    const QStringList parts = name.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    QString last = parts.isEmpty() ? name : parts.back();
    // Keras 1/2.0 style "dense_1_W" is not handled by name; position decides then.
    for (const QString &part : parts) {
        if (part.startsWith(QLatin1String("forward_")))
            return QStringLiteral("forward/") + last;
        if (part.startsWith(QLatin1String("backward_")))
            return QStringLiteral("backward/") + last;
    }
    return last;
}

bool WeightAssigner::isIntrinsicallyTrainable(const QString &shortName)
{
    const QString base = shortName.section(QLatin1Char('/'), -1);
    return !(base.startsWith(QLatin1String("moving_")) || base == QLatin1String("count")
             || (base == QLatin1String("mean") || base == QLatin1String("variance")));
}

QStringList WeightAssigner::assignLegacy(ModelSpec &model, const QVector<StoredLayerWeights> &stored,
                                         const QString &fileName)
{
    QStringList problems;
    QVector<const StoredLayerWeights *> fileLayers;
    for (const StoredLayerWeights &s : stored)
        if (!s.weights.isEmpty())
            fileLayers.append(&s);

    bool byName = true;
    for (const StoredLayerWeights *s : fileLayers)
        if (model.indexOf(s->layerName) < 0)
            byName = false;

    if (byName) {
        for (const StoredLayerWeights *s : fileLayers)
            problems += assignLayer(*model.layer(s->layerName), *s, fileName);
        for (Layer &layer : model.layers) {
            bool found = false;
            for (const StoredLayerWeights *s : fileLayers)
                found = found || s->layerName == layer.name;
            if (!found && expectsWeights(layer))
                problems << QStringLiteral("%1: layer '%2' (%3) has weights in the architecture but none in the file.")
                                .arg(fileName, layer.name, layer.className);
        }
        return problems;
    }

    // Keras's load_weights(): by position among the layers that have weights.
    QVector<Layer *> targets;
    for (Layer &layer : model.layers)
        if (expectsWeights(layer) || (!layer.supported && !layer.nestedModel))
            targets.append(&layer);
    // Unsupported layers with unknown weights only count when the file has weights at that position;
    // drop them from the end of the count if the totals disagree.
    if (targets.size() != fileLayers.size()) {
        QVector<Layer *> strict;
        for (Layer *l : targets)
            if (expectsWeights(*l))
                strict.append(l);
        if (strict.size() == fileLayers.size())
            targets = strict;
    }
    if (targets.size() != fileLayers.size()) {
        QStringList fileNames, modelNames;
        for (const StoredLayerWeights *s : fileLayers)
            fileNames << s->layerName;
        for (Layer *l : targets)
            modelNames << l->name;
        problems << QStringLiteral("%1 holds weights for %2 layers (%3) but the architecture has %4 layers with "
                                   "weights (%5).")
                        .arg(fileName)
                        .arg(fileLayers.size())
                        .arg(fileNames.join(QStringLiteral(", ")))
                        .arg(targets.size())
                        .arg(modelNames.join(QStringLiteral(", ")));
        return problems;
    }
    for (int i = 0; i < targets.size(); ++i)
        problems += assignLayer(*targets[i], *fileLayers[i], fileName);
    return problems;
}

namespace {

void assignKeras3Model(ModelSpec &model, const QString &prefix, const QHash<QString, const Keras3VarsGroup *> &byPath,
                       const QString &fileName, QStringList *problems, QSet<QString> *used)
{
    const QStringList paths = keras3paths::layerPaths(model, prefix);
    for (int index = 0; index < model.layers.size(); ++index) {
        Layer &layer = model.layers[index];
        layer.keras3Path = paths.at(index);
        if (layer.nestedModel) {
            assignKeras3Model(*layer.nestedModel, layer.keras3Path + QLatin1Char('/'), byPath, fileName, problems,
                              used);
            continue;
        }
        QVector<TensorData> vars;
        QStringList varNames;
        for (const QString &suffix : keras3paths::varPaths(layer)) {
            const QString path = layer.keras3Path + suffix;
            if (const Keras3VarsGroup *g = byPath.value(path)) {
                used->insert(path);
                for (int i = 0; i < g->vars.size(); ++i) {
                    vars.append(g->vars.at(i));
                    varNames << QStringLiteral("%1/vars/%2").arg(path).arg(i);
                }
            }
        }
        if (layer.expectedWeights.isEmpty() && !layer.supported) {
            for (int i = 0; i < vars.size(); ++i)
                layer.weights.append(LayerWeight{QStringLiteral("var%1").arg(i), varNames.at(i), vars.at(i), true});
            continue;
        }
        if (vars.size() != layer.expectedWeights.size()) {
            *problems << QStringLiteral("%1: layer '%2' (%3) expects %4 variables at %5 but the file has %6.")
                             .arg(fileName, layer.name, layer.className)
                             .arg(layer.expectedWeights.size())
                             .arg(layer.keras3Path)
                             .arg(vars.size());
            continue;
        }
        bool ok = true;
        for (int i = 0; i < vars.size(); ++i) {
            if (vars.at(i).shape != layer.expectedWeights.at(i).shape) {
                ok = false;
                *problems << QStringLiteral("%1: layer '%2' weight '%3': the architecture needs shape %4, the file "
                                            "stores %5 (at %6).")
                                 .arg(fileName, layer.name, layer.expectedWeights.at(i).name,
                                      TensorData{layer.expectedWeights.at(i).shape, {}}.shapeString(),
                                      vars.at(i).shapeString(), varNames.at(i));
            }
        }
        if (!ok)
            continue;
        layer.weights.clear();
        for (int i = 0; i < vars.size(); ++i)
            layer.weights.append(LayerWeight{layer.expectedWeights.at(i).name, varNames.at(i), vars.at(i),
                                             layer.expectedWeights.at(i).trainable});
    }
}

} // namespace

QStringList WeightAssigner::assignKeras3(ModelSpec &model, const QVector<Keras3VarsGroup> &stored,
                                         const QString &fileName)
{
    QHash<QString, const Keras3VarsGroup *> byPath;
    for (const Keras3VarsGroup &g : stored)
        byPath.insert(g.path, &g);
    QStringList problems;
    QSet<QString> used;
    assignKeras3Model(model, QString(), byPath, fileName, &problems, &used);
    for (const Keras3VarsGroup &g : stored)
        if (!g.vars.isEmpty() && !used.contains(g.path))
            problems
                << QStringLiteral("%1: variables at %2 belong to no layer of the architecture.").arg(fileName, g.path);
    return problems;
}

namespace {

void markGuessedClass(Layer &layer)
{
    layer.className = guessLayerClassFromName(layer.name);
    layer.classGuessed = true;
    // Without an architecture nothing runs anyway; "unsupported" is kept for
    // classes Graft knows it cannot run (QKeras), so they are reported by name.
    layer.supported = layer.className.isEmpty() || isSupportedLayerClass(layer.className);
    if (!layer.supported)
        layer.issues
            << QStringLiteral("Layer class %1 (from the layer's name) is not supported by Graft.").arg(layer.className);
}

} // namespace

ModelSpec WeightAssigner::listLegacy(const QVector<StoredLayerWeights> &stored)
{
    ModelSpec model;
    model.className = QStringLiteral("Unknown");
    for (const StoredLayerWeights &s : stored) {
        Layer layer;
        layer.name = s.layerName;
        markGuessedClass(layer);
        for (const StoredWeight &w : s.weights) {
            const QString shortName = shortWeightName(w.storedName);
            layer.weights.append(LayerWeight{shortName, w.storedName, w.tensor, isIntrinsicallyTrainable(shortName)});
        }
        model.layers.append(std::move(layer));
    }
    return model;
}

ModelSpec WeightAssigner::listKeras3(const QVector<Keras3VarsGroup> &stored)
{
    ModelSpec model;
    model.className = QStringLiteral("Unknown");
    for (const Keras3VarsGroup &g : stored) {
        Layer layer;
        layer.name = g.name.isEmpty() ? g.path : g.name;
        layer.keras3Path = g.path;
        const QString lastPart = g.path.section(QLatin1Char('/'), -1);
        layer.className = guessLayerClassFromName(g.name.isEmpty() || g.name == layer.name ? lastPart : g.name);
        if (layer.className.isEmpty())
            layer.className = guessLayerClassFromName(lastPart);
        layer.classGuessed = true;
        layer.supported = layer.className.isEmpty() || isSupportedLayerClass(layer.className);
        for (int i = 0; i < g.vars.size(); ++i)
            layer.weights.append(LayerWeight{QStringLiteral("var%1").arg(i),
                                             QStringLiteral("%1/vars/%2").arg(g.path).arg(i), g.vars.at(i), true});
        model.layers.append(std::move(layer));
    }
    return model;
}

} // namespace graft
