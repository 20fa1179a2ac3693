// libFuzzer: a project file (.graft JSON) through ProjectFile::parse; what parses
// must serialize and parse again.
#include "core/project/projectfile.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString path = QStringLiteral("/nonexistent/fuzz/project.graft");
    auto project = graft::ProjectFile::parse(bytes, path);
    if (!project) {
        if (project.errorString().isEmpty())
            __builtin_trap();
        return 0;
    }
    const QByteArray again = graft::ProjectFile::serialize(*project, path);
    if (!graft::ProjectFile::parse(again, path))
        __builtin_trap(); // Graft must read back what it writes
    return 0;
}
