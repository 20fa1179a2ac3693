#include "core/common/atomicfiletarget.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryFile>

#include <cstdio>

namespace graft {

AtomicFileTarget::AtomicFileTarget(QString targetPath) : m_targetPath(std::move(targetPath))
{ }

AtomicFileTarget::~AtomicFileTarget()
{
    if (!m_committed && !m_tempPath.isEmpty())
        QFile::remove(m_tempPath);
}

Expected<void> AtomicFileTarget::prepare()
{
    const QFileInfo info(m_targetPath);
    const QDir dir = info.absoluteDir();
    if (!dir.exists())
        return makeError(
            QStringLiteral("Cannot write %1: the folder %2 does not exist.").arg(m_targetPath, dir.path()));
    if (info.exists() && info.isDir())
        return makeError(QStringLiteral("Cannot write %1: it is a folder.").arg(m_targetPath));
    // The rename in commit() would replace a device or pipe itself (as root, /dev/full
    // would become a plain file), so only regular files may be replaced.
    if (info.exists() && !info.isFile())
        return makeError(QStringLiteral("Cannot write %1: it exists and is not a regular file (a device or "
                                        "pipe); choose a file name.")
                             .arg(m_targetPath));
    QTemporaryFile temp(dir.filePath(QStringLiteral(".%1.XXXXXX.part").arg(info.fileName())));
    temp.setAutoRemove(false);
    if (!temp.open())
        return makeError(QStringLiteral("Cannot write %1: %2.").arg(m_targetPath, temp.errorString()));
    m_tempPath = temp.fileName();
    temp.close();
    return {};
}

Expected<void> AtomicFileTarget::commit()
{
    if (m_tempPath.isEmpty())
        return makeError(QStringLiteral("Cannot write %1: nothing was prepared.").arg(m_targetPath));
    // Make sure the bytes reached the disk before the rename publishes them;
    // a full disk (ENOSPC) shows here rather than as a truncated file.
    QFile written(m_tempPath);
    if (!written.open(QIODevice::ReadWrite))
        return makeError(QStringLiteral("Cannot write %1: %2.").arg(m_targetPath, written.errorString()));
    if (!written.flush())
        return makeError(QStringLiteral("Cannot write %1: %2.").arg(m_targetPath, written.errorString()));
    written.close();
    // std::rename replaces an existing target atomically (POSIX rename(2)).
    if (std::rename(QFile::encodeName(m_tempPath).constData(), QFile::encodeName(m_targetPath).constData()) != 0)
        return makeError(QStringLiteral("Cannot write %1: renaming the temporary file failed.").arg(m_targetPath));
    m_committed = true;
    return {};
}

Expected<void> refuseOverwritingInput(const QString &target, const QStringList &inputs)
{
    const QFileInfo targetInfo(target);
    const QString canonicalTarget =
        targetInfo.exists() ? targetInfo.canonicalFilePath() : targetInfo.absoluteFilePath();
    for (const QString &input : inputs) {
        if (input.isEmpty())
            continue;
        const QFileInfo inputInfo(input);
        const QString canonicalInput =
            inputInfo.exists() ? inputInfo.canonicalFilePath() : inputInfo.absoluteFilePath();
        if (canonicalInput == canonicalTarget)
            return makeError(QStringLiteral("Refusing to write %1: it is an input of this run (the "
                                            "file the model or data was read from), and inputs are "
                                            "never modified. Choose another name.")
                                 .arg(target));
    }
    return {};
}

} // namespace graft
