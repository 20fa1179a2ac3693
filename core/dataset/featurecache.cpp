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

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace graft {

namespace {

// Bump when the entry layout or the meaning of any settings key changes.
constexpr quint32 cacheMagic = 0x43465247; // "GRFC"
constexpr quint32 cacheVersion = 1;
// The key derivation's own version: v2 keys are BLAKE2b of the mtime in nanoseconds from stat().
constexpr int keyVersion = 2;

/** The whole file, or nothing; POSIX calls because a warm rerun is little else (see bench_dataset). */
std::optional<QByteArray> readWholeFile(const QString &path)
{
    const QByteArray local = QFile::encodeName(path);
    const int fd = ::open(local.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    std::optional<QByteArray> result;
    struct stat st{};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= qint64(limits::maxTensorElements) * 4 + 4096) {
        QByteArray bytes(qsizetype(st.st_size), Qt::Uninitialized);
        qsizetype got = 0;
        while (got < bytes.size()) {
            const ssize_t n = ::read(fd, bytes.data() + got, size_t(bytes.size() - got));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            got += n;
        }
        if (got == bytes.size())
            result = std::move(bytes);
    }
    ::close(fd);
    return result;
}

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
    // One stat(), no QDateTime, BLAKE2b rather than Qt's SHA-256 (7 µs here for these ~400 bytes, 2 µs):
    // a warm rerun is a key and a read per file, so both stay cheap.
    const QString absolute = QDir::isAbsolutePath(path) ? path : QFileInfo(path).absoluteFilePath();
    struct stat st{};
    if (::stat(QFile::encodeName(absolute).constData(), &st) != 0)
        return QString();
    QCryptographicHash hash(QCryptographicHash::Blake2b_256);
    hash.addData(QByteArray("v") + QByteArray::number(cacheVersion) + '.' + QByteArray::number(keyVersion) + '\n');
    hash.addData(absolute.toUtf8());
    hash.addData(QByteArray("\n") + QByteArray::number(qint64(st.st_size)) + '\n'
                 + QByteArray::number(qint64(st.st_mtim.tv_sec)) + '.' + QByteArray::number(qint64(st.st_mtim.tv_nsec)) + '\n');
    hash.addData(settingsKey.toUtf8());
    return QString::fromLatin1(hash.result().toHex());
}

QString FeatureCache::entryPath(const QString &key) const
{
    // Two-character shards keep folders small for datasets of 100k files.
    return m_directory + QLatin1Char('/') + key.left(2) + QLatin1Char('/') + key + QStringLiteral(".f32");
}

std::optional<CachedFeatures> FeatureCache::load(const QString &key)
{
    if (key.isEmpty()) {
        ++m_misses;
        return std::nullopt;
    }
    const std::optional<QByteArray> entry = readWholeFile(entryPath(key));
    if (!entry) {
        ++m_misses;
        return std::nullopt;
    }
    const QByteArray &bytes = *entry;
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
