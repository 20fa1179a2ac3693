// libFuzzer: the whole KerasFileLoader::load as inspect runs it — container
// detection, HDF5 or .keras zip (whose model.weights.h5 is opened from memory),
// architecture, shape inference and weight assignment.
#include "core/formats/kerasfileloader.h"
#include "fuzzfile.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString path = graft::fuzz::scratchFile(QStringLiteral(".keras-input"), data, size);
    graft::LoadOptions options;
    options.searchBesideFile = false;
    auto loaded = graft::KerasFileLoader::load(path, options);
    if (!loaded && loaded.errorString().isEmpty())
        __builtin_trap();
    return 0;
}
