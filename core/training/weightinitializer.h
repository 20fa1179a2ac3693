#pragma once

#include "core/common/expected.h"
#include "core/model/modelspec.h"

#include <QJsonValue>

#include <cstdint>
#include <vector>

namespace graft {

/**
 * Fresh weights for a model, as Keras would create them when building it: each
 * weight from the initializer its layer's config names (GlorotUniform kernels,
 * zero biases, Orthogonal recurrent kernels, ...), seeded and platform-independent.
 * Used for --compare-scratch and to give generated models their first weights.
 */
class WeightInitializer final
{
public:
    WeightInitializer() = delete;

    /**
     * Replaces every weight of every layer (nested models included). Needs the
     * weight shapes: those present, or expectedWeights from ShapeInference.
     */
    static Expected<void> initialize(ModelSpec &model, std::uint64_t seed);

    /** Values for one weight of `shape` from a Keras initializer config (string or {class_name, config}). */
    static Expected<std::vector<float>> values(const QJsonValue &initializer, const std::vector<std::int64_t> &shape,
                                               std::uint64_t seed);
};

} // namespace graft
