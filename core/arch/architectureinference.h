#pragma once

#include "core/arch/architecturedraft.h"
#include "core/common/expected.h"

namespace graft {

/**
 * Proposes an architecture for a weights file when no code is at hand: each layer's
 * class from its name (or its weight shapes), sizes from the weight shapes, and the
 * options weights cannot show (strides, padding, pool sizes, return_sequences) chosen
 * by a bounded search for the combination that fits every stored shape. Every field
 * chosen this way is marked FieldOrigin::Guessed.
 */
class ArchitectureInference final
{
public:
    /** `inputShape` has no batch axis; empty: taken from the first layer's weights when they fix it. */
    static Expected<ArchitectureDraft> infer(const WeightsOutline &weights, const Shape &inputShape);
};

} // namespace graft
