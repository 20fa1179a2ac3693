#pragma once

#include "core/model/tensordata.h"

#include <QString>
#include <QVector>

namespace graft {

/** A weight as stored in a file, before it is matched to a layer. */
struct StoredWeight
{
    QString storedName; // "conv2d_1/kernel:0", or "vars/0" in Keras 3 files
    TensorData tensor;
};

/** One layer's weights as a Keras 2 style HDF5 group lists them (`layer_names` order). */
struct StoredLayerWeights
{
    QString layerName;
    QVector<StoredWeight> weights;
};

/** One `vars` group of a Keras 3 weights file: its object path and variables in order. */
struct Keras3VarsGroup
{
    QString path; // "layers/conv2d_1", "layers/lstm/cell"
    QString name; // the `name` attribute Keras ≥ 3.6 writes on the vars group, if any
    QVector<TensorData> vars;
};

} // namespace graft
