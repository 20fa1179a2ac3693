#pragma once

// Private to core/export: the public entry point is ModelExporter.

#include "core/common/expected.h"
#include "core/model/modelspec.h"

#include <QString>
#include <QStringList>

namespace graft::torchscript {

/**
 * Writes `model` as a TorchScript archive that `torch.jit.load()` runs without Graft:
 * the engine's libtorch module is traced (parameters become module attributes) and
 * wrapped in a scripted `forward` that takes the model's inputs in Keras's layout
 * (batch axis first, channels last) and returns its outputs (a tuple when several).
 * A trace that depends on the batch size runs sample by sample; dimensions Keras leaves
 * open (None) are traced at `unknownDimension` and checked on call when the trace depends
 * on them. The result is checked against the engine before anything is written.
 */
Expected<void> write(const LoadedModel &model, const QString &path, int unknownDimension, QStringList *warnings);

} // namespace graft::torchscript
