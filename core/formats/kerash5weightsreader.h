#pragma once

// Private to core/formats.

#include "core/common/expected.h"
#include "core/formats/storedweights.h"

#include <H5Cpp.h>

namespace graft {

/** Reads the weight groups of Keras HDF5 files (legacy layout and Keras 3 `.weights.h5`). */
class KerasH5WeightsReader final
{
public:
    /** Legacy layout: `layer_names` on `group`, one subgroup per layer with `weight_names`. */
    static Expected<QVector<StoredLayerWeights>> readLegacy(const H5::Group &group, const QString &fileName);
    /** Keras 3 layout: every `vars` group below `layers/` (and nested objects), in file order. */
    static Expected<QVector<Keras3VarsGroup>> readKeras3(const H5::Group &root, const QString &fileName);
    /** True when `root` looks like a Keras 3 weights file (no `layer_names`, a `layers` or `vars` group). */
    static bool isKeras3Layout(const H5::Group &root);
};

} // namespace graft
