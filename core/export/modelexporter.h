#pragma once

#include "core/common/expected.h"
#include "core/model/modelspec.h"

#include <QString>
#include <QStringList>

namespace graft {

/** The files Graft writes a model to; chosen from the target's name. */
enum class ExportFormat {
    Keras2Weights, // .h5/.hdf5: tf.keras save_weights() layout
    Keras2Full,    // .h5/.hdf5 with fullModel: save_model() layout (model_config + model_weights)
    Keras3Weights, // .weights.h5: Keras 3 save_weights()
    KerasArchive,  // .keras: Keras 3 zip (metadata.json, config.json, model.weights.h5)
    TorchScript,   // .pt: torch.jit.load()-able module
};

struct ExportOptions
{
    bool fullModel = false;        // .h5/.hdf5: a full model instead of weights only
    QStringList protectedInputs;   // further files never to overwrite (besides the model's own sources)
    bool writeLabels = true;       // <stem>.labels.txt when the class names are known
    bool writeArchitecture = true; // <stem>.json (model.to_json()) beside weights-only files
    int unknownDimension = 16;     // TorchScript: size traced for input dimensions Keras leaves open
};

struct ExportResult
{
    QString path;
    ExportFormat format = ExportFormat::Keras2Weights;
    QStringList writtenFiles; // the model file first, then the files beside it
    QStringList warnings;     // what the target format changes or cannot say
};

/**
 * Writes a (possibly remapped or fine-tuned) model to a file Keras or PyTorch loads
 * again. Every file is written through a temporary sibling and renamed into place only
 * when all of them are complete, so a failure leaves nothing behind; the files the model
 * was read from are never overwritten.
 */
class ModelExporter final
{
public:
    /** The format a target name asks for; fails on unknown suffixes and on `fullModel` with a non-HDF5 name. */
    static Expected<ExportFormat> formatFor(const QString &targetPath, bool fullModel);
    /** "Keras 2 weights (HDF5)", … for messages. */
    static QString formatName(ExportFormat format);

    static Expected<ExportResult> exportModel(const LoadedModel &model, const QString &targetPath,
                                              const ExportOptions &options = {});
};

} // namespace graft
