#pragma once

#include "core/common/expected.h"
#include "core/io/npyarray.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <cstdint>
#include <vector>

namespace graft {

/**
 * Samples that arrive as arrays (X.npy + y.npy, .npz, HDF5): features already
 * computed, float32 in one (N, ...) buffer, and integer labels.
 */
struct ArrayDataset
{
    QString sourcePath;
    QString format;                  ///< "npy", "npz", "hdf5"
    QString featuresName;            ///< which array or dataset held X
    QString labelsName;              ///< which held y
    std::vector<std::int64_t> shape; ///< (N, sample dims...)
    std::vector<float> features;
    QVector<int> labels;
    QStringList classNames;
    bool oneHotLabels = false;
    QStringList warnings;

    std::int64_t count() const { return shape.empty() ? 0 : shape.front(); }
    std::vector<std::int64_t> sampleShape() const { return {shape.begin() + (shape.empty() ? 0 : 1), shape.end()}; }
    QVector<int> classCounts() const;
};

/** Reads array datasets; every error names the file and the array at fault. */
class ArrayDatasetLoader final
{
public:
    ArrayDatasetLoader() = delete;

    /**
     * A folder with X.npy and y.npy (any case), an .npz, an .h5/.hdf5 file, or
     * an X .npy whose labels are y.npy beside it. `classNamesPath` empty: a
     * class_names.txt / classes.txt (or .json) beside the data, if present.
     */
    static Expected<ArrayDataset> load(const QString &path, const QString &classNamesPath = QString());

    static Expected<ArrayDataset> fromNpyFiles(const QString &featuresPath, const QString &labelsPath,
                                               const QString &classNamesPath = QString());
    /** Keys x/y, X/Y, else the first two arrays in archive order. */
    static Expected<ArrayDataset> fromNpz(const QString &path, const QString &classNamesPath = QString());
    /** Datasets x/y, X/Y (or features/labels, data/labels, images/labels), else the only two: the smaller one holds the labels. */
    static Expected<ArrayDataset> fromHdf5(const QString &path, const QString &classNamesPath = QString());

    /**
     * Builds the dataset from two arrays: y as integer labels (N,) or (N, 1),
     * or one-hot / probability rows (N, K) taken by argmax.
     */
    static Expected<ArrayDataset> fromArrays(const NpyArray &x, const NpyArray &y, const QString &sourceName);

private:
    /**
     * The names of `explicitPath` (ClassNamesFile), else of a class_names.txt / classes.txt
     * (or .json) in `dataDir`, if any. Fewer names than the labels need is an error.
     */
    static Expected<ArrayDataset> withClassNames(Expected<ArrayDataset> dataset, const QString &explicitPath,
                                                 const QString &dataDir);
};

} // namespace graft
