#pragma once

#include "core/model/layer.h"

#include <QJsonObject>
#include <QString>
#include <QVector>

namespace graft {

/** A model input: the name other layers refer to, its shape (no batch axis) and dtype. */
struct ModelInput
{
    QString name;
    Shape shape;
    QString dtype = QStringLiteral("float32");
};

/**
 * A Keras model as a graph: layers in Keras's `model.layers` order, each with its
 * inbound calls. Sequential models are stored the same way (each layer called on
 * the previous one) with `sequential` set, so the engine handles one form only.
 */
struct ModelSpec
{
    QString name;
    QString className = QStringLiteral("Functional"); // "Sequential", "Functional", "Model", …
    bool sequential = false;
    QVector<Layer> layers;
    QVector<ModelInput> inputs;
    QVector<TensorRef> outputs;
    QJsonObject sourceConfig; // the model config object as read ({"class_name", "config", …})

    int indexOf(const QString &layerName) const;
    const Layer *layer(const QString &layerName) const;
    Layer *layer(const QString &layerName);
    ParamCount params() const;
};

/** Where a model came from and what is known about it. */
struct LoadedModel
{
    QString sourcePath;
    QString format;       // "keras2-h5-full", "keras2-h5-weights", "keras3-weights-h5", "keras3-zip"
    QString kerasVersion; // empty when the file does not say
    QString backend;
    bool hasArchitecture = false;
    QString architectureSource; // "file", or the path of the JSON the architecture came from
    ModelSpec model;
    QJsonObject trainingConfig;
    QStringList warnings;   // missing architecture, weight mismatches, unsupported layers
    QStringList classNames; // old class names, when a labels file was found or given

    ParamCount params() const { return model.params(); }
    bool allLayersSupported() const;
};

} // namespace graft
