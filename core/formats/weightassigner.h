#pragma once

#include "core/formats/storedweights.h"
#include "core/model/modelspec.h"

#include <QStringList>

namespace graft {

/**
 * Puts stored weights into a model's layers the way Keras's loaders do: legacy
 * HDF5 by position among the layers that have weights (or by name when every
 * stored layer name is in the model), Keras 3 files by object path. Every
 * mismatch is reported with the layer name and both shapes; a mismatched layer
 * gets no weights, so nothing runs on half-loaded numbers.
 */
class WeightAssigner final
{
public:
    /** Returns the problems found (empty when every weight matched). */
    static QStringList assignLegacy(ModelSpec &model, const QVector<StoredLayerWeights> &stored,
                                    const QString &fileName);
    static QStringList assignKeras3(ModelSpec &model, const QVector<Keras3VarsGroup> &stored, const QString &fileName);

    /** Without an architecture: one layer per stored group, names and shapes only. */
    static ModelSpec listLegacy(const QVector<StoredLayerWeights> &stored);
    static ModelSpec listKeras3(const QVector<Keras3VarsGroup> &stored);

    /** "forward_lstm/lstm_cell/kernel:0" → "forward/kernel"; "bn1/moving_mean:0" → "moving_mean". */
    static QString shortWeightName(const QString &storedName);
    /** BatchNormalization's moving statistics and Normalization's state are never trained. */
    static bool isIntrinsicallyTrainable(const QString &shortName);
};

} // namespace graft
