// libFuzzer: a zip image (what a .keras archive is) through ZipArchive: the
// central directory, every member's declared size and its inflated, CRC-checked data.
#include "core/io/ziparchive.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    auto zip = graft::ZipArchive::fromBytes(bytes, QStringLiteral("fuzz.keras"));
    if (!zip) {
        if (zip.errorString().isEmpty())
            __builtin_trap();
        return 0;
    }
    // A low bound keeps libFuzzer's memory limit out of the way while still
    // exercising the refusal of members that inflate beyond it.
    zip->setMaxMemberBytes(std::int64_t(16) << 20);
    const QStringList names = zip->memberNames();
    for (const QString &name : names) {
        (void)zip->declaredSize(name);
        auto member = zip->read(name);
        if (member && member->size() > zip->maxMemberBytes())
            __builtin_trap();
    }
    return 0;
}
