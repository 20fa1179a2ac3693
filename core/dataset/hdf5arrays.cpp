// HDF5 stays inside this file: the rest of the module sees NpyArray only.

#include "core/dataset/arraydataset.h"

#include "core/common/limits.h"

#include <H5Cpp.h>

#include <QFileInfo>

#include <algorithm>

namespace graft {

namespace {

struct H5DatasetInfo
{
    QString name;
    std::vector<std::int64_t> shape;
    std::int64_t elements = 0;
    bool numeric = false;
};

void collectDatasets(const H5::Group &group, const QString &prefix, QVector<H5DatasetInfo> &out, int depth)
{
    if (depth > 8)
        return;
    const hsize_t count = group.getNumObjs();
    for (hsize_t i = 0; i < count; ++i) {
        const QString name = QString::fromStdString(group.getObjnameByIdx(i));
        const QString path = prefix.isEmpty() ? name : prefix + QLatin1Char('/') + name;
        const H5G_obj_t type = group.getObjTypeByIdx(i);
        if (type == H5G_GROUP) {
            collectDatasets(group.openGroup(name.toStdString()), path, out, depth + 1);
        } else if (type == H5G_DATASET) {
            const H5::DataSet dataset = group.openDataSet(name.toStdString());
            const H5::DataSpace space = dataset.getSpace();
            const int rank = space.getSimpleExtentNdims();
            H5DatasetInfo info;
            info.name = path;
            if (rank > 0 && rank <= limits::maxTensorRank) {
                std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
                space.getSimpleExtentDims(dims.data());
                info.elements = 1;
                for (hsize_t d : dims) {
                    info.shape.push_back(std::int64_t(d));
                    info.elements = std::int64_t(d) > 0 && info.elements > limits::maxTensorElements / std::int64_t(d)
                                        ? limits::maxTensorElements + 1
                                        : info.elements * std::int64_t(d);
                }
            }
            const H5T_class_t typeClass = dataset.getTypeClass();
            info.numeric = typeClass == H5T_INTEGER || typeClass == H5T_FLOAT;
            out.append(info);
        }
    }
}

Expected<NpyArray> readArray(const H5::H5File &file, const H5DatasetInfo &info, const QString &path, bool asDouble)
{
    if (!info.numeric)
        return Error{QStringLiteral("%1: dataset '%2' is not numeric").arg(path, info.name)};
    if (info.shape.empty())
        return Error{QStringLiteral("%1: dataset '%2' is a scalar or has more than %3 dimensions")
                         .arg(path, info.name)
                         .arg(limits::maxTensorRank)};
    if (info.elements > limits::maxTensorElements)
        return Error{QStringLiteral("%1: dataset '%2' of shape %3 is larger than Graft's limit")
                         .arg(path, info.name, npyShapeString(info.shape))};
    const H5::DataSet dataset = file.openDataSet(info.name.toStdString());
    if (asDouble) {
        std::vector<double> values(std::size_t(info.elements));
        if (!values.empty())
            dataset.read(values.data(), H5::PredType::NATIVE_DOUBLE);
        return NpyArray::fromFloat64(std::move(values), info.shape);
    }
    std::vector<float> values(std::size_t(info.elements));
    if (!values.empty())
        dataset.read(values.data(), H5::PredType::NATIVE_FLOAT);
    return NpyArray::fromFloat32(std::move(values), info.shape);
}

Expected<ArrayDataset> loadHdf5(const QString &path)
{
    H5::Exception::dontPrint();
    const H5::H5File file(QFileInfo(path).absoluteFilePath().toStdString(), H5F_ACC_RDONLY);
    QVector<H5DatasetInfo> datasets;
    collectDatasets(file, QString(), datasets, 0);

    auto find = [&](const QString &name) -> const H5DatasetInfo * {
        for (const H5DatasetInfo &info : datasets) {
            if (info.name == name)
                return &info;
        }
        return nullptr;
    };
    const H5DatasetInfo *x = nullptr;
    const H5DatasetInfo *y = nullptr;
    static const std::pair<const char *, const char *> pairs[] = {{"x", "y"},
                                                                  {"X", "Y"},
                                                                  {"x_train", "y_train"},
                                                                  {"X_train", "y_train"},
                                                                  {"features", "labels"},
                                                                  {"data", "labels"},
                                                                  {"images", "labels"},
                                                                  {"data", "label"},
                                                                  {"features", "targets"}};
    for (const auto &[xName, yName] : pairs) {
        x = find(QString::fromLatin1(xName));
        y = find(QString::fromLatin1(yName));
        if (x && y)
            break;
    }
    if (!x || !y) {
        if (datasets.size() != 2)
            return Error{QStringLiteral(
                             "%1: expected datasets named x and y (or X and Y), or exactly two datasets; found %2 (%3)")
                             .arg(path)
                             .arg(datasets.size())
                             .arg([&] {
                                 QStringList names;
                                 for (const H5DatasetInfo &info : datasets)
                                     names << info.name;
                                 return names.join(QStringLiteral(", "));
                             }())};
        // Labels are the smaller array: (N,) or (N, K) against (N, features...).
        const bool firstIsLabels = datasets[0].elements < datasets[1].elements;
        x = &datasets[firstIsLabels ? 1 : 0];
        y = &datasets[firstIsLabels ? 0 : 1];
    }
    auto xArray = readArray(file, *x, path, false);
    if (!xArray)
        return xArray.error();
    auto yArray = readArray(file, *y, path, true);
    if (!yArray)
        return yArray.error();
    auto dataset = ArrayDatasetLoader::fromArrays(*xArray, *yArray, path);
    if (!dataset)
        return dataset.error();
    dataset->featuresName = x->name;
    dataset->labelsName = y->name;
    return dataset;
}

} // namespace

Expected<ArrayDataset> ArrayDatasetLoader::fromHdf5(const QString &path, const QString &classNamesPath)
{
    Expected<ArrayDataset> dataset = Error{};
    try {
        dataset = loadHdf5(path);
    } catch (const H5::Exception &e) {
        return Error{QStringLiteral("%1: cannot be read as HDF5 (%2: %3)")
                         .arg(path, QString::fromStdString(e.getFuncName()), QString::fromStdString(e.getDetailMsg()))};
    } catch (const std::exception &e) {
        return Error{QStringLiteral("%1: %2").arg(path, QString::fromLocal8Bit(e.what()))};
    }
    if (!dataset)
        return dataset;
    dataset->format = QStringLiteral("hdf5");
    return withClassNames(std::move(dataset), classNamesPath, QFileInfo(path).path());
}

} // namespace graft
