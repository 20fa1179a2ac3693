// libFuzzer: one .npz image (a zip of .npy members) through NpzFile.
#include "core/io/npzfile.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    auto contents = graft::NpzFile::fromBytes(bytes, QStringLiteral("fuzz.npz"));
    if (!contents && contents.errorString().isEmpty())
        __builtin_trap();
    return 0;
}
