#include "core/dataset/arraydataset.h"

#include "core/io/classnamesfile.h"
#include "core/io/npyfile.h"
#include "core/io/npzfile.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <cmath>

namespace graft {

namespace {

constexpr int maxClasses = 100000;

QString findSibling(const QDir &dir, const QStringList &names)
{
    for (const QString &name : names) {
        if (QFileInfo::exists(dir.filePath(name)))
            return dir.filePath(name);
    }
    return QString();
}

QString defaultClassNamesFile(const QDir &dir)
{
    return findSibling(dir, {QStringLiteral("class_names.txt"), QStringLiteral("classes.txt"),
                             QStringLiteral("class_names.json"), QStringLiteral("classes.json")});
}

} // namespace

Expected<ArrayDataset> ArrayDatasetLoader::withClassNames(Expected<ArrayDataset> dataset, const QString &explicitPath,
                                                          const QString &dataDir)
{
    if (!dataset)
        return dataset;
    const QString path = explicitPath.isEmpty() ? defaultClassNamesFile(QDir(dataDir)) : explicitPath;
    if (path.isEmpty())
        return dataset;
    auto names = ClassNamesFile::read(path);
    if (!names)
        return names.error();
    if (names->size() < dataset->classNames.size())
        return Error{
            QStringLiteral("%1 lists %2 class names but the labels of %3 go up to class %4; add the missing names")
                .arg(path)
                .arg(names->size())
                .arg(dataset->sourcePath)
                .arg(dataset->classNames.size() - 1)};
    if (names->size() > dataset->classNames.size())
        dataset->warnings << QStringLiteral("%1 lists %2 classes; classes %3 and above have no samples")
                                 .arg(path)
                                 .arg(names->size())
                                 .arg(dataset->classNames.size());
    dataset->classNames = *names;
    return dataset;
}

QVector<int> ArrayDataset::classCounts() const
{
    QVector<int> counts(classNames.size(), 0);
    for (int label : labels) {
        if (label >= 0 && label < counts.size())
            ++counts[label];
    }
    return counts;
}

Expected<ArrayDataset> ArrayDatasetLoader::fromArrays(const NpyArray &x, const NpyArray &y, const QString &sourceName)
{
    if (x.rank() < 1 || x.shape().front() == 0)
        return Error{QStringLiteral("%1: the features array (%2) has no samples").arg(sourceName, x.description())};
    const std::int64_t n = x.shape().front();
    if (y.rank() < 1 || y.shape().front() != n)
        return Error{QStringLiteral(
                         "%1: the labels array (%2) does not have one entry per sample; the features array has %3 (%4)")
                         .arg(sourceName, y.description())
                         .arg(n)
                         .arg(x.description())};
    if (y.rank() > 2)
        return Error{QStringLiteral("%1: labels must be (N,) integers or (N, classes) one-hot rows, not %2")
                         .arg(sourceName, y.description())};

    ArrayDataset dataset;
    dataset.sourcePath = sourceName;
    dataset.labels.reserve(int(n));
    int classCount = 0;
    const std::int64_t width = y.rank() == 2 ? y.shape()[1] : 1;
    if (width <= 1) {
        auto values = y.toInt64();
        if (!values)
            return Error{
                QStringLiteral("%1: labels must be whole class indices: %2").arg(sourceName, values.errorString())};
        for (std::int64_t i = 0; i < n; ++i) {
            const std::int64_t label = (*values)[std::size_t(i)];
            if (label < 0 || label >= maxClasses)
                return Error{QStringLiteral("%1: label %2 of sample %3 is not a class index (0 to %4)")
                                 .arg(sourceName)
                                 .arg(label)
                                 .arg(i)
                                 .arg(maxClasses - 1)};
            dataset.labels.append(int(label));
            classCount = std::max(classCount, int(label) + 1);
        }
    } else {
        if (width > maxClasses)
            return Error{QStringLiteral("%1: %2 label columns are too many classes").arg(sourceName).arg(width)};
        const std::vector<double> values = y.toFloat64();
        std::int64_t notOneHot = 0;
        for (std::int64_t i = 0; i < n; ++i) {
            const double *row = values.data() + i * width;
            const double *best = std::max_element(row, row + width);
            int ones = 0;
            bool exact = true;
            for (std::int64_t k = 0; k < width; ++k) {
                if (!std::isfinite(row[k]))
                    return Error{QStringLiteral("%1: label row %2 holds a non-finite value").arg(sourceName).arg(i)};
                if (row[k] == 1.0)
                    ++ones;
                else if (row[k] != 0.0)
                    exact = false;
            }
            if (!exact || ones != 1)
                ++notOneHot;
            dataset.labels.append(int(best - row));
        }
        classCount = int(width);
        dataset.oneHotLabels = true;
        if (notOneHot > 0)
            dataset.warnings
                << QStringLiteral(
                       "%1 of %2 label rows are not exactly one-hot; their largest entry was taken as the class")
                       .arg(notOneHot)
                       .arg(n);
    }
    for (int k = 0; k < classCount; ++k)
        dataset.classNames << QString::number(k);

    dataset.shape = x.shape();
    dataset.features = x.toFloat32();
    const auto nonFinite =
        std::count_if(dataset.features.begin(), dataset.features.end(), [](float v) { return !std::isfinite(v); });
    if (nonFinite > 0)
        dataset.warnings << QStringLiteral("the features hold %1 NaN or infinite values").arg(nonFinite);
    return dataset;
}

Expected<ArrayDataset> ArrayDatasetLoader::fromNpyFiles(const QString &featuresPath, const QString &labelsPath,
                                                        const QString &classNamesPath)
{
    auto x = NpyFile::read(featuresPath);
    if (!x)
        return x.error();
    auto y = NpyFile::read(labelsPath);
    if (!y)
        return y.error();
    auto dataset = fromArrays(*x, *y, featuresPath);
    if (dataset) {
        dataset->format = QStringLiteral("npy");
        dataset->featuresName = QFileInfo(featuresPath).fileName();
        dataset->labelsName = QFileInfo(labelsPath).fileName();
    }
    return withClassNames(std::move(dataset), classNamesPath, QFileInfo(featuresPath).path());
}

Expected<ArrayDataset> ArrayDatasetLoader::fromNpz(const QString &path, const QString &classNamesPath)
{
    auto contents = NpzFile::read(path);
    if (!contents)
        return contents.error();
    const NpyArray *x = nullptr;
    const NpyArray *y = nullptr;
    QString xName, yName;
    for (const auto &[xKey, yKey] :
         {std::pair{"x", "y"}, std::pair{"X", "Y"}, std::pair{"x_train", "y_train"}, std::pair{"X_train", "y_train"}}) {
        x = NpzFile::find(*contents, QString::fromLatin1(xKey));
        y = NpzFile::find(*contents, QString::fromLatin1(yKey));
        if (x && y) {
            xName = QString::fromLatin1(xKey);
            yName = QString::fromLatin1(yKey);
            break;
        }
    }
    if (!x || !y) {
        if (contents->size() < 2)
            return Error{QStringLiteral("%1 holds %2 array(s); a dataset needs features and labels (keys x and y)")
                             .arg(path)
                             .arg(contents->size())};
        x = &(*contents)[0].array;
        y = &(*contents)[1].array;
        xName = (*contents)[0].name;
        yName = (*contents)[1].name;
    }
    auto dataset = fromArrays(*x, *y, path);
    if (dataset) {
        dataset->format = QStringLiteral("npz");
        dataset->featuresName = xName;
        dataset->labelsName = yName;
        if (contents->size() > 2 && xName == (*contents)[0].name)
            dataset->warnings << QStringLiteral("%1 holds %2 arrays; used '%3' as features and '%4' as labels")
                                     .arg(path)
                                     .arg(contents->size())
                                     .arg(xName, yName);
    }
    return withClassNames(std::move(dataset), classNamesPath, QFileInfo(path).path());
}

Expected<ArrayDataset> ArrayDatasetLoader::load(const QString &path, const QString &classNamesPath)
{
    const QFileInfo info(path);
    if (!info.exists())
        return Error{QStringLiteral("%1 does not exist").arg(path)};
    if (info.isDir()) {
        const QDir dir(path);
        const QString x =
            findSibling(dir, {QStringLiteral("X.npy"), QStringLiteral("x.npy"), QStringLiteral("features.npy")});
        const QString y =
            findSibling(dir, {QStringLiteral("y.npy"), QStringLiteral("Y.npy"), QStringLiteral("labels.npy")});
        if (x.isEmpty() || y.isEmpty())
            return Error{QStringLiteral("%1 has no X.npy and y.npy").arg(path)};
        return fromNpyFiles(x, y, classNamesPath);
    }
    const QString suffix = info.suffix().toLower();
    if (suffix == QLatin1String("npz"))
        return fromNpz(path, classNamesPath);
    if (suffix == QLatin1String("h5") || suffix == QLatin1String("hdf5") || suffix == QLatin1String("hdf"))
        return fromHdf5(path, classNamesPath);
    if (suffix == QLatin1String("npy")) {
        const QString y =
            findSibling(info.dir(), {QStringLiteral("y.npy"), QStringLiteral("Y.npy"), QStringLiteral("labels.npy")});
        if (y.isEmpty() || QFileInfo(y).canonicalFilePath() == info.canonicalFilePath())
            return Error{QStringLiteral("%1: no y.npy with the labels beside it").arg(path)};
        return fromNpyFiles(path, y, classNamesPath);
    }
    return Error{
        QStringLiteral("%1: not an array dataset (expected a folder with X.npy and y.npy, an .npz or an HDF5 file)")
            .arg(path)};
}

} // namespace graft
