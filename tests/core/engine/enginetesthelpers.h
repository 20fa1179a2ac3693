#pragma once

// Shared by the engine tests: reading fixtures and comparing outputs.

#include "core/engine/inferencemodel.h"
#include "tests/common/testdata.h"
#include "core/io/npyfile.h"
#include "core/model/tensordata.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <cmath>
#include <limits>
#include <vector>

namespace graft::testing {

inline QString fixturePath(const QString &relative)
{
    return graft::testing::dataPath(relative);
}

inline Expected<TensorData> readNpy(const QString &path)
{
    auto array = NpyFile::read(path);
    if (!array)
        return array.error();
    TensorData data;
    data.shape = array->shape();
    data.values = array->toFloat32();
    return data;
}

inline QJsonObject readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

/** Max |a - b|, or +inf when the shapes differ. */
inline double maxAbsError(const TensorData &a, const TensorData &b)
{
    if (a.shape != b.shape || a.values.size() != b.values.size())
        return std::numeric_limits<double>::infinity();
    double worst = 0.0;
    for (std::size_t i = 0; i < a.values.size(); ++i) {
        const double d = std::fabs(double(a.values[i]) - double(b.values[i]));
        if (std::isnan(d))
            return std::numeric_limits<double>::infinity();
        worst = std::max(worst, d);
    }
    return worst;
}

/** A float32 TensorData from a shape and values. */
inline TensorData tensor(std::vector<std::int64_t> shape, std::vector<float> values)
{
    TensorData t;
    t.shape = std::move(shape);
    t.values = std::move(values);
    return t;
}

} // namespace graft::testing
