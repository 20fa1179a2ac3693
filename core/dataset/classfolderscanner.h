#pragma once

#include "core/common/expected.h"
#include "core/dataset/datasettypes.h"

#include <QString>
#include <QStringList>

#include <atomic>
#include <optional>

namespace graft {

/** How a class folder is scanned. */
struct ClassFolderScanOptions
{
    std::optional<SampleKind> kind; ///< unset: the kind most files have
    int fewSamplesWarning = 5;      ///< classes with fewer kept samples are reported
    bool probeFiles = true;         ///< open every file's header (finds undecodable, empty and odd files)
    /** Class names to use (a validation folder takes the training folder's); folders not in it are reported. */
    std::optional<QStringList> classNames;
    /** Set from any thread to stop: the remaining files are not opened and the scan fails saying so. */
    const std::atomic_bool *cancel = nullptr;
};

/** A dataset folder that holds a training and a validation folder side by side. */
struct SplitFolderLayout
{
    QString trainPath;
    QString validationPath;
};

/**
 * Reads a folder of class subfolders the way Keras's *_dataset_from_directory
 * and torchvision's ImageFolder do: class order = sorted subfolder names, every
 * file below a class folder (recursively, symlinks followed) is one sample.
 * One bad file never aborts the scan: it is listed with its reason and skipped.
 */
class ClassFolderScanner final
{
public:
    ClassFolderScanner() = delete;

    /** Fails only when the folder itself cannot be used (missing, unreadable, no class folder, no sample). */
    static Expected<ClassFolderDataset> scan(const QString &path, const ClassFolderScanOptions &options = {});

    /** train/ + val/ (or validation/, valid/) beside each other in `path`, each with class folders. */
    static std::optional<SplitFolderLayout> detectSplitLayout(const QString &path);

    /** Lower-case extensions (no dot) of each kind. */
    static QStringList extensions(SampleKind kind);
    static std::optional<SampleKind> kindForFile(const QString &fileName);
};

} // namespace graft
