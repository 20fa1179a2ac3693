#pragma once

#include <QMap>
#include <QString>
#include <QStringList>
#include <QVector>

#include <cstdint>
#include <vector>

namespace graft {

/** What one sample file of a class folder holds. */
enum class SampleKind { Audio, Image, FeatureArray };

/** "audio", "image", "npy". */
QString sampleKindName(SampleKind kind);

/** One labelled sample file; `label` indexes the class names. */
struct DatasetSample
{
    QString path;
    int label = 0;
};

/** A file or folder left out of a dataset (or a problem with it), and why. */
struct DatasetIssue
{
    QString path;
    QString reason;
};

/**
 * A scanned class-folder dataset: samples in class order (sorted class names,
 * then sorted relative paths), what was skipped and why, and dataset-level
 * warnings (empty or tiny classes, a single class, symlink loops, hidden entries).
 */
struct ClassFolderDataset
{
    QString rootPath;
    SampleKind kind = SampleKind::Audio;
    QStringList classNames;
    QVector<DatasetSample> samples;
    QVector<DatasetIssue> badFiles; ///< skipped sample files (cannot be decoded, empty, …)
    QVector<DatasetIssue> warnings; ///< everything else worth telling the user
    QMap<QString, int> formats;     ///< format description → file count (kept samples only)

    int channels = 0;                       ///< audio: the channel count every kept file has
    QMap<int, int> sampleRates;             ///< audio: native rate → file count
    double totalSeconds = 0.0;              ///< audio: summed duration of kept files
    std::vector<std::int64_t> featureShape; ///< .npy samples: the shape every kept file has

    QVector<int> classCounts() const;
    QVector<int> labels() const;
};

/** Class weights Keras's class_weight='balanced' gives: n_samples / (n_classes * count); 0 for empty classes. */
QVector<double> balancedClassWeights(const QVector<int> &classCounts);

/** Largest class count over the smallest non-empty one (1 when balanced, 0 when there are no samples). */
double imbalanceRatio(const QVector<int> &classCounts);

/** Python's sorted() order for names: by Unicode code point, not locale. */
bool codePointLess(const QString &a, const QString &b);

} // namespace graft
