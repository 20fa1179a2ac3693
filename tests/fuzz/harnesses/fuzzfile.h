#pragma once

// For parsers that only take a path (libsndfile, the whole Keras loader): the
// input goes to one scratch file per process, rewritten for every run.

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QString>

#include <unistd.h>

#include <cstddef>
#include <cstdint>

namespace graft::fuzz {

inline QString scratchFile(const QString &suffix, const uint8_t *data, size_t size)
{
    // tmpfs when there is one: the file is rewritten hundreds of times a second.
    static const QString folder =
        QDir(QStringLiteral("/dev/shm")).exists() ? QStringLiteral("/dev/shm") : QDir::tempPath();
    const QString path = QStringLiteral("%1/graft-fuzz-%2%3").arg(folder).arg(::getpid()).arg(suffix);
    QFile file(path);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(reinterpret_cast<const char *>(data), qint64(size));
    return path;
}

} // namespace graft::fuzz
