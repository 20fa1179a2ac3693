#pragma once

// Private to core/export.

#include "core/common/expected.h"
#include "core/export/weightlayouts.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace graft::kerash5 {

/** What a Keras HDF5 file records about the Keras that wrote it. */
struct Provenance
{
    QString kerasVersion;
    QString backend;
};

/**
 * A Keras 2 HDF5 file at `path` (created or truncated): weights only in the layout of
 * tf.keras's save_weights(), or, with a `modelConfig`, a full model as save_model()
 * writes it (root `model_config`, `keras_version`, `backend`; weights in `model_weights`).
 */
Expected<void> writeKeras2(const QString &path, const QVector<exportlayout::LegacyLayerGroup> &groups,
                           const Provenance &provenance, const QJsonObject &modelConfig = {});

/** A Keras 3 `.weights.h5` file at `path`. */
Expected<void> writeKeras3Weights(const QString &path, const QVector<exportlayout::Keras3Vars> &groups);
/** The same file as bytes, for the `model.weights.h5` member of a `.keras` archive. */
Expected<QByteArray> keras3WeightsImage(const QVector<exportlayout::Keras3Vars> &groups);

} // namespace graft::kerash5
