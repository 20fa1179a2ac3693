#pragma once

// A minimal .npy reader for the fixture comparisons in these tests only
// (little-endian float32/float64, C order). The project's reader is core/io.

#include <QByteArray>
#include <QFile>
#include <QRegularExpression>
#include <QString>

#include <cstring>
#include <vector>

namespace graft::test {

struct NpyArray
{
    std::vector<qint64> shape;
    std::vector<double> values;
    QString error;

    bool ok() const { return error.isEmpty(); }
    qint64 size() const { return qint64(values.size()); }
};

inline NpyArray readNpy(const QString &path)
{
    NpyArray array;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        array.error = QStringLiteral("cannot open %1").arg(path);
        return array;
    }
    const QByteArray data = file.readAll();
    if (data.size() < 10 || !data.startsWith("\x93NUMPY")) {
        array.error = QStringLiteral("%1 is not a .npy file").arg(path);
        return array;
    }
    const int major = quint8(data[6]);
    qint64 headerLength = 0;
    int headerStart = 0;
    if (major == 1) {
        headerLength = quint8(data[8]) | (quint8(data[9]) << 8);
        headerStart = 10;
    } else {
        headerLength = qint64(quint8(data[8])) | (qint64(quint8(data[9])) << 8) | (qint64(quint8(data[10])) << 16)
                       | (qint64(quint8(data[11])) << 24);
        headerStart = 12;
    }
    const QString header = QString::fromLatin1(data.mid(headerStart, int(headerLength)));
    const auto descr = QRegularExpression(QStringLiteral("'descr':\\s*'([^']+)'")).match(header);
    const auto order = QRegularExpression(QStringLiteral("'fortran_order':\\s*(True|False)")).match(header);
    const auto shape = QRegularExpression(QStringLiteral("'shape':\\s*\\(([^)]*)\\)")).match(header);
    if (!descr.hasMatch() || !order.hasMatch() || !shape.hasMatch() || order.captured(1) == QLatin1String("True")) {
        array.error = QStringLiteral("%1: unsupported header %2").arg(path, header);
        return array;
    }
    qint64 count = 1;
    for (const QString &part : shape.captured(1).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        array.shape.push_back(part.trimmed().toLongLong());
        count *= array.shape.back();
    }
    const QString type = descr.captured(1);
    const int itemSize = type == QLatin1String("<f4") ? 4 : type == QLatin1String("<f8") ? 8 : 0;
    if (itemSize == 0) {
        array.error = QStringLiteral("%1: dtype %2 is not float32/float64").arg(path, type);
        return array;
    }
    const char *payload = data.constData() + headerStart + headerLength;
    if (data.size() - headerStart - headerLength < count * itemSize) {
        array.error = QStringLiteral("%1 is truncated").arg(path);
        return array;
    }
    array.values.resize(std::size_t(count));
    for (qint64 i = 0; i < count; ++i) {
        if (itemSize == 4) {
            float value;
            std::memcpy(&value, payload + i * 4, 4);
            array.values[std::size_t(i)] = value;
        } else {
            double value;
            std::memcpy(&value, payload + i * 8, 8);
            array.values[std::size_t(i)] = value;
        }
    }
    return array;
}

} // namespace graft::test
