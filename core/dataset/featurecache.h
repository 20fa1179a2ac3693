#pragma once

#include <QString>
#include <QVector>

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

namespace graft {

/** One cached sample: its shape and values (C order). */
struct CachedFeatures
{
    std::vector<std::int64_t> shape;
    std::vector<float> values;
};

/**
 * Per-file features on disk, keyed by the file's absolute path, size and
 * modification time and by the full settings key, so an edited file or any
 * changed parameter misses. Entries are written atomically; a damaged entry is
 * a miss. Safe to use from many threads at once.
 */
class FeatureCache final
{
public:
    /** `directory` empty: defaultDirectory(). */
    explicit FeatureCache(QString directory = QString());

    /** QStandardPaths::CacheLocation/graft/features. */
    static QString defaultDirectory();
    QString directory() const { return m_directory; }

    /** The key of `path` with its current size and mtime; empty when the file cannot be stat'ed. */
    QString keyFor(const QString &path, const QString &settingsKey) const;

    std::optional<CachedFeatures> load(const QString &key);
    /** Best effort: a cache that cannot be written only costs speed. */
    bool store(const QString &key, const CachedFeatures &features);

    /**
     * A whole dataset's features in one entry, keyed by every file's path, size and mtime and the
     * settings: a warm rerun is then one stat per file and one read, not a key and a read per file.
     * Empty when a file cannot be stat'ed.
     */
    QString packKeyFor(const QVector<QString> &paths, const QString &settingsKey) const;
    /** The `count` samples of a pack, in the order they were stored; nothing when missing or damaged. */
    std::optional<std::vector<CachedFeatures>> loadPack(const QString &key, int count);
    /** `count` samples of one shape, contiguous in `values`. Best effort, like store(). */
    bool storePack(const QString &key, const std::vector<std::int64_t> &sampleShape, const float *values, int count);
    bool storePack(const QString &key, const std::vector<CachedFeatures> &samples);

    std::int64_t hits() const { return m_hits.load(); }
    std::int64_t misses() const { return m_misses.load(); }

private:
    QString entryPath(const QString &key) const;
    QString packPath(const QString &key) const;

    QString m_directory;
    std::atomic<std::int64_t> m_hits{0};
    std::atomic<std::int64_t> m_misses{0};
};

} // namespace graft
