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
    struct stat st
    { };
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
{ }

QString FeatureCache::defaultDirectory()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::CacheLocation))
        .filePath(QStringLiteral("graft/features"));
}

QString FeatureCache::keyFor(const QString &path, const QString &settingsKey) const
{
    // One stat(), no QDateTime, BLAKE2b rather than Qt's SHA-256 (7 µs here for these ~400 bytes, 2 µs):
    // a warm rerun is a key and a read per file, so both stay cheap.
    const QString absolute = QDir::isAbsolutePath(path) ? path : QFileInfo(path).absoluteFilePath();
    struct stat st
    { };
    if (::stat(QFile::encodeName(absolute).constData(), &st) != 0)
        return QString();
    QCryptographicHash hash(QCryptographicHash::Blake2b_256);
    hash.addData(QByteArray("v") + QByteArray::number(cacheVersion) + '.' + QByteArray::number(keyVersion) + '\n');
    hash.addData(absolute.toUtf8());
    hash.addData(QByteArray("\n") + QByteArray::number(qint64(st.st_size)) + '\n'
                 + QByteArray::number(qint64(st.st_mtim.tv_sec)) + '.' + QByteArray::number(qint64(st.st_mtim.tv_nsec))
                 + '\n');
    hash.addData(settingsKey.toUtf8());
    return QString::fromLatin1(hash.result().toHex());
}

QString FeatureCache::entryPath(const QString &key) const
{
    // Two-character shards keep folders small for datasets of 100k files.
    return m_directory + QLatin1Char('/') + key.left(2) + QLatin1Char('/') + key + QStringLiteral(".f32");
}

namespace {

constexpr quint32 packMagic = 0x50465247; // "GRFP"

/** Appends one sample as rank, dims and float32 values (little-endian). */
void appendFeatures(QByteArray &bytes, const std::vector<std::int64_t> &shape, const float *values, std::size_t count)
{
    const qsizetype at = bytes.size();
    bytes.resize(at + 4 + 8 * qsizetype(shape.size()));
    qToLittleEndian<quint32>(quint32(shape.size()), bytes.data() + at);
    for (std::size_t i = 0; i < shape.size(); ++i)
        qToLittleEndian<qint64>(shape[i], bytes.data() + at + 4 + 8 * qsizetype(i));
    bytes.append(reinterpret_cast<const char *>(values), qsizetype(count * sizeof(float)));
}

/** Reads one sample written by appendFeatures at `offset`; the offset after it, or -1 when damaged. */
qsizetype parseFeatures(const QByteArray &bytes, qsizetype offset, CachedFeatures *features)
{
    if (bytes.size() - offset < 4)
        return -1;
    const quint32 rank = qFromLittleEndian<quint32>(bytes.constData() + offset);
    if (rank > quint32(limits::maxTensorRank) || bytes.size() - offset < qsizetype(4 + 8 * rank))
        return -1;
    features->shape.clear();
    std::int64_t count = 1;
    for (quint32 i = 0; i < rank; ++i) {
        const qint64 dim = qFromLittleEndian<qint64>(bytes.constData() + offset + 4 + 8 * i);
        if (dim < 0 || dim > limits::maxTensorElements || (dim > 0 && count > limits::maxTensorElements / dim))
            return -1;
        count *= dim;
        features->shape.push_back(dim);
    }
    const qsizetype dataOffset = offset + 4 + 8 * rank;
    const qsizetype end = dataOffset + qsizetype(count) * qsizetype(sizeof(float));
    if (end > bytes.size())
        return -1;
    features->values.resize(std::size_t(count));
    // Entries are written little-endian; every platform Graft targets is too.
    std::memcpy(features->values.data(), bytes.constData() + dataOffset, std::size_t(count) * sizeof(float));
    return end;
}

bool writeEntry(const QString &path, const QByteArray &bytes)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return false;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(bytes);
    return file.commit();
}

} // namespace

std::optional<CachedFeatures> FeatureCache::load(const QString &key)
{
    std::optional<QByteArray> entry = key.isEmpty() ? std::nullopt : readWholeFile(entryPath(key));
    CachedFeatures features;
    if (!entry || entry->size() < 8 || qFromLittleEndian<quint32>(entry->constData()) != cacheMagic
        || qFromLittleEndian<quint32>(entry->constData() + 4) != cacheVersion
        || parseFeatures(*entry, 8, &features) != entry->size()) {
        ++m_misses;
        return std::nullopt;
    }
    ++m_hits;
    return features;
}

bool FeatureCache::store(const QString &key, const CachedFeatures &features)
{
    if (key.isEmpty())
        return false;
    QByteArray bytes(8, Qt::Uninitialized);
    qToLittleEndian<quint32>(cacheMagic, bytes.data());
    qToLittleEndian<quint32>(cacheVersion, bytes.data() + 4);
    appendFeatures(bytes, features.shape, features.values.data(), features.values.size());
    return writeEntry(entryPath(key), bytes);
}

QString FeatureCache::packKeyFor(const QVector<QString> &paths, const QString &settingsKey) const
{
    // Every file's path, size and mtime: a changed, added or removed file misses the pack, and
    // the per-file entries then serve the files that did not change.
    QCryptographicHash hash(QCryptographicHash::Blake2b_256);
    hash.addData(QByteArray("pack v") + QByteArray::number(cacheVersion) + '.' + QByteArray::number(keyVersion) + '\n');
    hash.addData(settingsKey.toUtf8());
    QByteArray record;
    for (const QString &path : paths) {
        const QString absolute = QDir::isAbsolutePath(path) ? path : QFileInfo(path).absoluteFilePath();
        const QByteArray local = QFile::encodeName(absolute);
        struct stat st
        { };
        if (::stat(local.constData(), &st) != 0)
            return QString();
        record = '\n' + local + '\n' + QByteArray::number(qint64(st.st_size)) + '\n'
                 + QByteArray::number(qint64(st.st_mtim.tv_sec)) + '.' + QByteArray::number(qint64(st.st_mtim.tv_nsec));
        hash.addData(record);
    }
    return QString::fromLatin1(hash.result().toHex());
}

std::optional<std::vector<CachedFeatures>> FeatureCache::loadPack(const QString &key, int count)
{
    std::optional<QByteArray> entry = key.isEmpty() ? std::nullopt : readWholeFile(packPath(key));
    if (!entry || entry->size() < 12 || qFromLittleEndian<quint32>(entry->constData()) != packMagic
        || qFromLittleEndian<quint32>(entry->constData() + 4) != cacheVersion
        || qFromLittleEndian<quint32>(entry->constData() + 8) != quint32(count))
        return std::nullopt;
    std::vector<CachedFeatures> samples(std::size_t(std::max(count, 0)));
    qsizetype offset = 12;
    for (CachedFeatures &sample : samples) {
        offset = parseFeatures(*entry, offset, &sample);
        if (offset < 0)
            return std::nullopt;
    }
    if (offset != entry->size())
        return std::nullopt;
    m_hits += count;
    return samples;
}

bool FeatureCache::storePack(const QString &key, const std::vector<std::int64_t> &sampleShape, const float *values,
                             int count)
{
    if (key.isEmpty())
        return false;
    std::int64_t sampleSize = 1;
    for (const std::int64_t d : sampleShape)
        sampleSize *= d;
    QByteArray bytes(12, Qt::Uninitialized);
    qToLittleEndian<quint32>(packMagic, bytes.data());
    qToLittleEndian<quint32>(cacheVersion, bytes.data() + 4);
    qToLittleEndian<quint32>(quint32(count), bytes.data() + 8);
    bytes.reserve(12 + qsizetype(count) * (4 + 8 * qsizetype(sampleShape.size()) + qsizetype(sampleSize) * 4));
    for (int i = 0; i < count; ++i)
        appendFeatures(bytes, sampleShape, values + std::size_t(i) * std::size_t(sampleSize), std::size_t(sampleSize));
    return writeEntry(packPath(key), bytes);
}

bool FeatureCache::storePack(const QString &key, const std::vector<CachedFeatures> &samples)
{
    if (key.isEmpty())
        return false;
    QByteArray bytes(12, Qt::Uninitialized);
    qToLittleEndian<quint32>(packMagic, bytes.data());
    qToLittleEndian<quint32>(cacheVersion, bytes.data() + 4);
    qToLittleEndian<quint32>(quint32(samples.size()), bytes.data() + 8);
    for (const CachedFeatures &sample : samples)
        appendFeatures(bytes, sample.shape, sample.values.data(), sample.values.size());
    return writeEntry(packPath(key), bytes);
}

QString FeatureCache::packPath(const QString &key) const
{
    return m_directory + QStringLiteral("/packs/") + key + QStringLiteral(".f32pack");
}

} // namespace graft
