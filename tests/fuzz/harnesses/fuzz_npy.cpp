// libFuzzer: one .npy image through NpyFile (header dictionary, dtype, shape, data size).
#include "core/io/npyfile.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    auto array = graft::NpyFile::fromBytes(bytes, QStringLiteral("fuzz.npy"));
    if (array) {
        // What parsed must write back and parse again to the same array.
        const QByteArray again = graft::NpyFile::toBytes(*array);
        auto reread = graft::NpyFile::fromBytes(again, QStringLiteral("again.npy"));
        if (!reread || reread->shape() != array->shape() || reread->dtype() != array->dtype())
            __builtin_trap();
    } else if (array.errorString().isEmpty()) {
        __builtin_trap(); // every refusal says why
    }
    return 0;
}
