#pragma once

#include "core/common/expected.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <vector>

namespace graft {

/**
 * A read-only zip archive (RAII over libzip), opened from a path or from
 * memory. Reading a member is bounded: a member whose header or whose actual
 * inflated data exceeds maxMemberBytes() is refused, since headers can lie.
 * Not thread-safe: use one ZipArchive per thread.
 */
class ZipArchive final
{
public:
    /** Opens `path` read-only; fails on a missing file, a non-zip or a damaged central directory. */
    static Expected<ZipArchive> open(const QString &path);
    /** Opens an in-memory archive (the bytes are shared, not copied); `displayName` appears in errors. */
    static Expected<ZipArchive> fromBytes(const QByteArray &bytes, const QString &displayName);

    ZipArchive(ZipArchive &&other) noexcept;
    ZipArchive &operator=(ZipArchive &&other) noexcept;
    ~ZipArchive();

    /** The path or display name used in error messages. */
    QString displayName() const;

    /** Member names in archive order (directory entries included, ending in '/'). */
    QStringList memberNames() const;
    bool contains(const QString &member) const;
    /** The uncompressed size the archive's header claims for `member`. */
    Expected<std::int64_t> declaredSize(const QString &member) const;

    /** Upper bound for one member's inflated size; defaults to limits::maxZipMemberBytes. */
    void setMaxMemberBytes(std::int64_t bytes);
    std::int64_t maxMemberBytes() const;

    /** The whole member, inflated and CRC-checked. */
    Expected<QByteArray> read(const QString &member) const;
    /**
     * Streams `member` into a new file at `destinationPath` (atomically), for
     * members too large to hold in memory, e.g. model.weights.h5.
     */
    Expected<void> extractTo(const QString &member, const QString &destinationPath) const;

private:
    struct Impl;
    explicit ZipArchive(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

/**
 * Creates a new zip archive at a path. Members are collected by addMember()/
 * addFile() and written by finish() through a temporary file renamed over the
 * target, so an unfinished or failed archive never appears at the path.
 */
class ZipWriter final
{
public:
    enum class Compression { Deflated, Stored };

    explicit ZipWriter(QString path);
    ~ZipWriter();

    ZipWriter(const ZipWriter &) = delete;
    ZipWriter &operator=(const ZipWriter &) = delete;

    /** Adds a member from memory; fails on an empty or duplicate name. */
    Expected<void> addMember(const QString &name, const QByteArray &data,
                             Compression compression = Compression::Deflated);
    /** Adds a member read from `sourcePath` during finish() (not loaded into memory now). */
    Expected<void> addFile(const QString &name, const QString &sourcePath,
                           Compression compression = Compression::Deflated);

    /** Writes the archive and renames it over the target path. */
    Expected<void> finish();

private:
    struct Member
    {
        QString name;
        QByteArray data;
        QString sourcePath; // non-empty: streamed from this file instead of `data`
        Compression compression;
    };
    QString m_path;
    std::vector<Member> m_members;
    bool m_finished = false;
};

} // namespace graft
