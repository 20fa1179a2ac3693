#include "core/arch/weightsoutline.h"

#include "core/model/layernaming.h"

namespace graft {

QStringList OutlineLayer::weightNames() const
{
    QStringList names;
    for (const OutlineWeight &w : weights)
        names << w.name;
    return names;
}

QVector<Shape> OutlineLayer::weightShapes() const
{
    QVector<Shape> shapes;
    for (const OutlineWeight &w : weights)
        shapes << w.shape;
    return shapes;
}

WeightsOutline WeightsOutline::fromModelSpec(const ModelSpec &model, const QString &sourcePath,
                                             const QString &kerasVersion)
{
    WeightsOutline outline;
    outline.sourcePath = sourcePath;
    outline.kerasVersion = kerasVersion;
    for (const Layer &layer : model.layers) {
        OutlineLayer entry;
        entry.name = layer.name;
        entry.className = layer.className.isEmpty() ? guessLayerClassFromName(layer.name) : layer.className;
        for (const LayerWeight &w : layer.weights)
            entry.weights.append({w.name, w.tensor.shape});
        outline.layers.append(entry);
    }
    return outline;
}

const OutlineLayer *WeightsOutline::layer(const QString &name) const
{
    for (const OutlineLayer &l : layers)
        if (l.name == name)
            return &l;
    return nullptr;
}

QVector<const OutlineLayer *> WeightsOutline::weightedLayers() const
{
    QVector<const OutlineLayer *> result;
    for (const OutlineLayer &l : layers)
        if (!l.weights.isEmpty())
            result.append(&l);
    return result;
}

} // namespace graft
