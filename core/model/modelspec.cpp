#include "core/model/modelspec.h"

namespace graft {

ParamCount Layer::params() const
{
    ParamCount count;
    auto add = [&](std::int64_t n, bool intrinsicTrainable) {
        count.total += n;
        if (intrinsicTrainable && trainable)
            count.trainable += n;
        else
            count.nonTrainable += n;
    };
    if (nestedModel) {
        ParamCount nested = nestedModel->params();
        if (!trainable) {
            nested.nonTrainable += nested.trainable;
            nested.trainable = 0;
        }
        return nested;
    }
    if (!weights.isEmpty()) {
        for (const LayerWeight &w : weights)
            add(std::max<std::int64_t>(0, w.tensor.elementCount()), w.trainable);
    } else {
        for (const WeightSpec &w : expectedWeights)
            add(std::max<std::int64_t>(0, elementCountOf(w.shape)), w.trainable);
    }
    return count;
}

const LayerWeight *Layer::weight(const QString &shortName) const
{
    for (const LayerWeight &w : weights)
        if (w.name == shortName)
            return &w;
    return nullptr;
}

LayerWeight *Layer::weight(const QString &shortName)
{
    for (LayerWeight &w : weights)
        if (w.name == shortName)
            return &w;
    return nullptr;
}

int ModelSpec::indexOf(const QString &layerName) const
{
    for (int i = 0; i < layers.size(); ++i)
        if (layers.at(i).name == layerName)
            return i;
    return -1;
}

const Layer *ModelSpec::layer(const QString &layerName) const
{
    const int i = indexOf(layerName);
    return i < 0 ? nullptr : &layers.at(i);
}

Layer *ModelSpec::layer(const QString &layerName)
{
    const int i = indexOf(layerName);
    return i < 0 ? nullptr : &layers[i];
}

ParamCount ModelSpec::params() const
{
    ParamCount count;
    for (const Layer &l : layers)
        count += l.params();
    return count;
}

bool LoadedModel::allLayersSupported() const
{
    for (const Layer &l : model.layers)
        if (!l.supported)
            return false;
    return true;
}

} // namespace graft
