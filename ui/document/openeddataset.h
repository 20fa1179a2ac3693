#pragma once

#include "core/dataset/arraydataset.h"
#include "core/dataset/datasettypes.h"
#include "ui/document/textdatasetscan.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <atomic>
#include <memory>
#include <optional>

namespace graft::ui {

/** What the Dataset page opened: a class folder (with its validation folder), arrays or a text dataset. */
struct OpenedDataset
{
    QString path;
    std::optional<ClassFolderDataset> train;
    std::optional<ClassFolderDataset> validation; ///< a val/ (validation/, valid/) folder beside train/
    std::optional<ArrayDataset> arrays;
    std::optional<TextScan> text; ///< a CSV/TSV table or class folders of .txt files

    bool isText() const { return text.has_value(); }

    QStringList classNames() const;
    QVector<int> trainCounts() const;
    QVector<int> validationCounts() const; ///< empty without a validation folder
    /** Audio, images or .npy files for class folders; FeatureArray for arrays. */
    SampleKind kind() const;
    /** Bad files and warnings of both folders, the arrays' warnings, or a text dataset's bad rows. */
    QVector<DatasetIssue> issues() const;

    /** A dataset, or why `path` is none. */
    struct ScanOutcome
    {
        std::shared_ptr<const OpenedDataset> dataset;
        QString error;
    };
    /**
     * Reads what `path` is: a text dataset (with these preferred CSV columns), arrays or
     * class folders. Runs on a worker thread: only core calls and values, no widgets.
     * Setting `cancel` stops a class-folder scan before its remaining files are opened.
     */
    static ScanOutcome scan(const QString &path, const QString &textColumn, const QString &labelColumn,
                            const std::atomic_bool *cancel = nullptr);
    /** .npy, .npz, .h5 or .hdf5 */
    static bool isArrayFileName(const QString &path);
};

} // namespace graft::ui
