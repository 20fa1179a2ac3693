#include "core/dataset/featurecache.h"

#include "core/common/limits.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>
#include <QtEndian>

#include <cstring>

namespace graft {

namespace {

// Bump when the entry layout or the meaning of any settings key changes.
constexpr quint32 cacheMagic = 0x43465247; // "GRFC"
constexpr quint32 cacheVersion = 1;

} // namespace

FeatureCache::FeatureCache(QString directory)
    : m_directory(directory.isEmpty() ? defaultDirectory() : std::move(directory))
{
}

QString FeatureCache::defaultDirectory()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::CacheLocation)).filePath(QStringLiteral("graft/features"));
}

QString FeatureCache::keyFor(const QString &path, const QString &settingsKey) const
{
    const QFileInfo info(path);
    if (!info.exists())
        return QString();
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(QStringLiteral("v%1\n").arg(cacheVersion).toUtf8());
    hash.addData(info.absoluteFilePath().toUtf8());
    hash.addData(QStringLiteral("\n%1\n%2\n")
                     .arg(info.size())
                     .arg(info.lastModified().toMSecsSinceEpoch())
                     .toUtf8());
    hash.addData(settingsKey.toUtf8());
    return QString::fromLatin1(hash.result().toHex());
}

QString FeatureCache::entryPath(const QString &key) const
{
    // Two-character shards keep folders small for datasets of 100k files.
    return QDir(m_directory).filePath(key.left(2) + QLatin1Char('/') + key + QStringLiteral(".f32"));
}

std::optional<CachedFeatures> FeatureCache::load(const QString &key)
{
    if (key.isEmpty()) {
        ++m_misses;
        return std::nullopt;
    }
    QFile file(entryPath(key));
    if (!file.open(QIODevice::ReadOnly)) {
        ++m_misses;
        return std::nullopt;
    }
    const QByteArray bytes = file.readAll();
    auto readU32 = [&](qsizetype offset) { return qFromLittleEndian<quint32>(bytes.constData() + offset); };
    auto readI64 = [&](qsizetype offset) { return qFromLittleEndian<qint64>(bytes.constData() + offset); };
    if (bytes.size() < 12 || readU32(0) != cacheMagic || readU32(4) != cacheVersion) {
        ++m_misses;
        return std::nullopt;
    }
    const quint32 rank = readU32(8);
    if (rank > quint32(limits::maxTensorRank) || bytes.size() < qsizetype(12 + 8 * rank)) {
        ++m_misses;
        return std::nullopt;
    }
    CachedFeatures features;
    std::int64_t count = 1;
    for (quint32 i = 0; i < rank; ++i) {
        const qint64 dim = readI64(12 + 8 * i);
        if (dim < 0 || dim > limits::maxTensorElements || (dim > 0 && count > limits::maxTensorElements / dim)) {
            ++m_misses;
            return std::nullopt;
        }
        count *= dim;
        features.shape.push_back(dim);
    }
    const qsizetype dataOffset = 12 + 8 * rank;
    if (bytes.size() != dataOffset + qsizetype(count) * qsizetype(sizeof(float))) {
        ++m_misses;
        return std::nullopt;
    }
    features.values.resize(std::size_t(count));
    // Entries are written little-endian; every platform Graft targets is too.
    std::memcpy(features.values.data(), bytes.constData() + dataOffset, std::size_t(count) * sizeof(float));
    ++m_hits;
    return features;
}

bool FeatureCache::store(const QString &key, const CachedFeatures &features)
{
    if (key.isEmpty())
        return false;
    const QString path = entryPath(key);
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return false;
    QByteArray bytes(12 + 8 * qsizetype(features.shape.size()), Qt::Uninitialized);
    qToLittleEndian<quint32>(cacheMagic, bytes.data());
    qToLittleEndian<quint32>(cacheVersion, bytes.data() + 4);
    qToLittleEndian<quint32>(quint32(features.shape.size()), bytes.data() + 8);
    for (std::size_t i = 0; i < features.shape.size(); ++i)
        qToLittleEndian<qint64>(features.shape[i], bytes.data() + 12 + 8 * i);
    bytes.append(reinterpret_cast<const char *>(features.values.data()), qsizetype(features.values.size() * sizeof(float)));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(bytes);
    return file.commit();
}

} // namespace graft
