#pragma once

#include "core/common/expected.h"

#include <QString>

namespace graft {

/**
 * An output file written through a temporary sibling in the target folder and
 * renamed over the target only on commit(), so a failed or cancelled write
 * leaves nothing behind and never a half-written file. For writers that need a
 * path (HDF5, libzip); Qt streams can use QSaveFile directly.
 */
class AtomicFileTarget final
{
public:
    explicit AtomicFileTarget(QString targetPath);
    ~AtomicFileTarget(); // removes the temporary file unless committed

    AtomicFileTarget(const AtomicFileTarget &) = delete;
    AtomicFileTarget &operator=(const AtomicFileTarget &) = delete;

    /** Reserves a temporary path next to the target; fails if the folder is not writable. */
    Expected<void> prepare();
    QString temporaryPath() const { return m_tempPath; }
    QString targetPath() const { return m_targetPath; }

    /** Renames the temporary file over the target (atomic on one filesystem). */
    Expected<void> commit();

private:
    QString m_targetPath;
    QString m_tempPath;
    bool m_committed = false;
};

/** Refuses to write `target` when it is the same file as any of `inputs` (inputs are never modified). */
Expected<void> refuseOverwritingInput(const QString &target, const QStringList &inputs);

} // namespace graft
