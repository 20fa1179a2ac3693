#pragma once

#include "core/arch/architecturedraft.h"
#include "core/arch/kerascodereader.h"
#include "core/arch/pycodeinterpreter.h"

namespace graft {

/**
 * Turns what the interpreter recorded into a draft: picks the model the function
 * returns (or the last one built), orders a functional graph the way tf.keras's
 * model.layers does, and reports layers that were created but are not part of it.
 */
Expected<ArchitectureDraft> assembleCodeDraft(const pycode::Interpreter &interpreter, const QString &sourceName);

/**
 * Completes a draft against the weights file: takes the file's layer names when the code's
 * session numbering differs, fills what weight shapes pin down, applies the input shape.
 */
void completeDraftWithWeights(ArchitectureDraft &draft, const CodeReadOptions &options, const WeightsOutline &weights);

} // namespace graft
