#include "core/model/tensordata.h"

#include "core/common/limits.h"

#include <QStringList>

namespace graft {

QString shapeToString(const Shape &shape, bool withBatchAxis)
{
    QStringList parts;
    if (withBatchAxis)
        parts << QStringLiteral("None");
    for (std::int64_t d : shape)
        parts << (d < 0 ? QStringLiteral("None") : QString::number(d));
    if (parts.size() == 1)
        return QStringLiteral("(%1,)").arg(parts.front());
    return QStringLiteral("(%1)").arg(parts.join(QStringLiteral(", ")));
}

std::int64_t elementCountOf(const std::vector<std::int64_t> &shape)
{
    std::int64_t count = 1;
    for (std::int64_t d : shape) {
        if (d < 0)
            return -1;
        if (d != 0 && count > limits::maxTensorElements / d)
            return -1;
        count *= d;
    }
    return count;
}

std::int64_t TensorData::elementCount() const
{
    return elementCountOf(shape);
}

QString TensorData::shapeString() const
{
    return shapeToString(Shape(shape.begin(), shape.end()), false);
}

} // namespace graft
