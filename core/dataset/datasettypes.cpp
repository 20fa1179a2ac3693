#include "core/dataset/datasettypes.h"

#include <algorithm>

namespace graft {

QString sampleKindName(SampleKind kind)
{
    switch (kind) {
    case SampleKind::Audio: return QStringLiteral("audio");
    case SampleKind::Image: return QStringLiteral("image");
    case SampleKind::FeatureArray: return QStringLiteral("npy");
    }
    return QString();
}

QVector<int> ClassFolderDataset::classCounts() const
{
    QVector<int> counts(classNames.size(), 0);
    for (const DatasetSample &sample : samples) {
        if (sample.label >= 0 && sample.label < counts.size())
            ++counts[sample.label];
    }
    return counts;
}

QVector<int> ClassFolderDataset::labels() const
{
    QVector<int> result;
    result.reserve(samples.size());
    for (const DatasetSample &sample : samples)
        result.append(sample.label);
    return result;
}

QVector<double> balancedClassWeights(const QVector<int> &classCounts)
{
    QVector<double> weights(classCounts.size(), 0.0);
    qint64 total = 0;
    for (int count : classCounts)
        total += count;
    // sklearn's compute_class_weight('balanced') divides by the number of classes
    // present; Keras users pass its result, so empty classes do not count here.
    const auto present = std::count_if(classCounts.begin(), classCounts.end(), [](int c) { return c > 0; });
    for (int i = 0; i < classCounts.size(); ++i) {
        if (classCounts[i] > 0)
            weights[i] = double(total) / (double(present) * classCounts[i]);
    }
    return weights;
}

double imbalanceRatio(const QVector<int> &classCounts)
{
    int largest = 0;
    int smallest = 0;
    for (int count : classCounts) {
        if (count <= 0)
            continue;
        largest = std::max(largest, count);
        smallest = smallest == 0 ? count : std::min(smallest, count);
    }
    return smallest > 0 ? double(largest) / smallest : 0.0;
}

bool codePointLess(const QString &a, const QString &b)
{
    const QVector<uint> ua = a.toUcs4();
    const QVector<uint> ub = b.toUcs4();
    return std::lexicographical_compare(ua.begin(), ua.end(), ub.begin(), ub.end());
}

} // namespace graft
