#pragma once

#include "core/model/modelspec.h"

#include <QString>
#include <QStringList>
#include <QVector>

namespace graft {

/** One stored weight: Keras's short name ("kernel", "forward/bias", "var0") and its shape. */
struct OutlineWeight
{
    QString name;
    Shape shape;
};

/** One layer of a weights file: its name, the class its name implies (may be empty) and its weights. */
struct OutlineLayer
{
    QString name;
    QString className;
    QVector<OutlineWeight> weights;

    QStringList weightNames() const;
    QVector<Shape> weightShapes() const;
};

/**
 * What architecture work needs from a weights file without touching HDF5: layer
 * names in the file's order (Keras's model.layers order) and weight shapes. Built
 * from the layer listing KerasFileLoader gives for a file without architecture.
 */
class WeightsOutline final
{
public:
    QString sourcePath;
    QString kerasVersion;
    QVector<OutlineLayer> layers;

    /** From a model's layers and their weights (values are not kept). */
    static WeightsOutline fromModelSpec(const ModelSpec &model, const QString &sourcePath, const QString &kerasVersion);

    bool isEmpty() const { return layers.isEmpty(); }
    const OutlineLayer *layer(const QString &name) const;
    /** The layers that hold weights, in file order. */
    QVector<const OutlineLayer *> weightedLayers() const;
};

} // namespace graft
