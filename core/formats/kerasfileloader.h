#pragma once

#include "core/common/expected.h"
#include "core/model/modelspec.h"

#include <QString>

namespace graft {

/** How to open a weights file: an explicit architecture, and what to do when it is missing. */
struct LoadOptions
{
    QString architectureJsonPath; // `model.to_json()` output; empty: look for <stem>.json beside the file
    bool searchBesideFile = true; // look for <stem>.json and <stem>.labels.txt/.json beside the weights
};

/**
 * Opens any Keras file Graft reads — Keras 2 weights-only and full-model HDF5,
 * Keras 3 legacy HDF5, `.weights.h5`, `.keras` zips — detecting the format from
 * the content, and matches weights to layers the way Keras's own loaders do.
 */
class KerasFileLoader final
{
public:
    static Expected<LoadedModel> load(const QString &path, const LoadOptions &options = {});

    enum class Container { Hdf5, Zip, Unknown };
    /** Looks at the first bytes (HDF5 signature, zip local header), never the extension. */
    static Container detectContainer(const QString &path);
};

} // namespace graft
