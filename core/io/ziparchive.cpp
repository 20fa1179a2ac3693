#include "core/io/ziparchive.h"

#include "core/common/atomicfiletarget.h"
#include "core/common/limits.h"

#include <QFile>
#include <QFileInfo>
#include <QSet>

#include <algorithm>
#include <limits>

#include <zip.h>

namespace graft {

namespace {

// Members are inflated in chunks so that a member whose header under-states its
// size is caught after at most one chunk past the bound, not after inflating it all.
constexpr std::int64_t kChunkBytes = 1 << 16;

QString zipErrorString(int code)
{
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    const QString text = QString::fromUtf8(zip_error_strerror(&error));
    zip_error_fini(&error);
    return text;
}

/** `start`: the first bytes of the file, to tell a cut-off archive from something else entirely. */
QString describeOpenError(int code, const QByteArray &start = QByteArray())
{
    switch (code) {
    case ZIP_ER_NOZIP:
        if (start.startsWith("PK\x03\x04"))
            return QStringLiteral("the zip archive is truncated or damaged (its central directory "
                                  "is missing).");
        return QStringLiteral("it is not a zip archive.");
    case ZIP_ER_NOENT: return QStringLiteral("the file does not exist.");
    case ZIP_ER_INCONS:
        return QStringLiteral("the zip archive is truncated or damaged (its directory is inconsistent).");
    case ZIP_ER_EOF:
    case ZIP_ER_READ:
    case ZIP_ER_SEEK:
        return QStringLiteral("the zip archive is truncated or unreadable (%1).").arg(zipErrorString(code));
    default: return zipErrorString(code) + QLatin1Char('.');
    }
}

struct ZipFileCloser
{
    void operator()(zip_file_t *file) const { zip_fclose(file); }
};
using ZipFilePtr = std::unique_ptr<zip_file_t, ZipFileCloser>;

} // namespace

struct ZipArchive::Impl
{
    ~Impl()
    {
        if (archive)
            zip_discard(archive); // read-only: nothing to write back
    }

    QString name;
    QByteArray memory; // keeps an in-memory archive's bytes alive for libzip
    zip_t *archive = nullptr;
    std::int64_t maxMemberBytes = limits::maxZipMemberBytes;

    Error memberError(const QString &member, const QString &what) const
    {
        return makeError(QStringLiteral("Cannot read %1 from %2: %3").arg(member, name, what));
    }

    Expected<zip_uint64_t> locate(const QString &member) const
    {
        const zip_int64_t index = zip_name_locate(archive, member.toUtf8().constData(), 0);
        if (index < 0) {
            QStringList names;
            const zip_int64_t count = zip_get_num_entries(archive, 0);
            for (zip_int64_t i = 0; i < count && i < 10; ++i)
                names << QString::fromUtf8(zip_get_name(archive, zip_uint64_t(i), 0));
            if (count > 10)
                names << QStringLiteral("...");
            return memberError(
                member, QStringLiteral("the archive has no such member (it holds: %1).")
                            .arg(names.isEmpty() ? QStringLiteral("nothing") : names.join(QStringLiteral(", "))));
        }
        return zip_uint64_t(index);
    }

    Expected<std::int64_t> declaredSize(const QString &member, zip_uint64_t index) const
    {
        zip_stat_t stat;
        zip_stat_init(&stat);
        if (zip_stat_index(archive, index, 0, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE))
            return memberError(member, QString::fromUtf8(zip_strerror(archive)) + QLatin1Char('.'));
        if (stat.size > zip_uint64_t(std::numeric_limits<std::int64_t>::max()))
            return memberError(member, QStringLiteral("its size field is impossible."));
        return std::int64_t(stat.size);
    }

    /** Inflates `member`, handing each chunk to `sink`; enforces the bound and the declared size. */
    template <typename Sink> Expected<void> stream(const QString &member, Sink &&sink) const
    {
        const Expected<zip_uint64_t> index = locate(member);
        if (!index)
            return index.error();
        const Expected<std::int64_t> declared = declaredSize(member, *index);
        if (!declared)
            return declared.error();
        if (*declared > maxMemberBytes)
            return memberError(member, QStringLiteral("its header says it inflates to %1 bytes, "
                                                      "more than the limit of %2 bytes.")
                                           .arg(*declared)
                                           .arg(maxMemberBytes));
        ZipFilePtr file(zip_fopen_index(archive, *index, 0));
        if (!file)
            return memberError(member, QString::fromUtf8(zip_strerror(archive)) + QLatin1Char('.'));
        QByteArray chunk(kChunkBytes, Qt::Uninitialized);
        std::int64_t total = 0;
        for (;;) {
            const zip_int64_t got = zip_fread(file.get(), chunk.data(), zip_uint64_t(chunk.size()));
            if (got < 0)
                return memberError(member,
                                   QStringLiteral("the member is corrupted (%1).")
                                       .arg(QString::fromUtf8(zip_error_strerror(zip_file_get_error(file.get())))));
            if (got == 0)
                break;
            total += got;
            if (total > maxMemberBytes)
                return memberError(member, QStringLiteral("it inflates to more than the limit of "
                                                          "%1 bytes (its header claims %2).")
                                               .arg(maxMemberBytes)
                                               .arg(*declared));
            if (total > *declared)
                return memberError(member, QStringLiteral("it inflates to more than the %1 bytes "
                                                          "its header claims; the archive is "
                                                          "corrupted or forged.")
                                               .arg(*declared));
            const Expected<void> sunk = sink(chunk.constData(), got);
            if (!sunk)
                return sunk;
        }
        if (total != *declared)
            return memberError(member, QStringLiteral("it inflates to %1 bytes but its header "
                                                      "claims %2; the archive is corrupted.")
                                           .arg(total)
                                           .arg(*declared));
        return {};
    }
};

ZipArchive::ZipArchive(std::unique_ptr<Impl> impl) : m_impl(std::move(impl))
{ }
ZipArchive::ZipArchive(ZipArchive &&other) noexcept = default;
ZipArchive &ZipArchive::operator=(ZipArchive &&other) noexcept = default;
ZipArchive::~ZipArchive() = default;

Expected<ZipArchive> ZipArchive::open(const QString &path)
{
    auto impl = std::make_unique<Impl>();
    impl->name = path;
    int code = 0;
    impl->archive = zip_open(QFile::encodeName(path).constData(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
    if (!impl->archive) {
        QFile file(path);
        const QByteArray start = file.open(QIODevice::ReadOnly) ? file.read(4) : QByteArray();
        return makeError(QStringLiteral("Cannot open %1: %2").arg(path, describeOpenError(code, start)));
    }
    return ZipArchive(std::move(impl));
}

Expected<ZipArchive> ZipArchive::fromBytes(const QByteArray &bytes, const QString &displayName)
{
    auto impl = std::make_unique<Impl>();
    impl->name = displayName;
    impl->memory = bytes;
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t *source =
        zip_source_buffer_create(impl->memory.constData(), zip_uint64_t(impl->memory.size()), 0, &error);
    if (!source) {
        const QString text = QString::fromUtf8(zip_error_strerror(&error));
        zip_error_fini(&error);
        return makeError(QStringLiteral("Cannot open %1: %2.").arg(displayName, text));
    }
    impl->archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
    if (!impl->archive) {
        const int code = zip_error_code_zip(&error);
        zip_source_free(source);
        zip_error_fini(&error);
        return makeError(QStringLiteral("Cannot open %1: %2").arg(displayName, describeOpenError(code, bytes.left(4))));
    }
    zip_error_fini(&error);
    return ZipArchive(std::move(impl));
}

QString ZipArchive::displayName() const
{
    return m_impl->name;
}

QStringList ZipArchive::memberNames() const
{
    QStringList names;
    const zip_int64_t count = zip_get_num_entries(m_impl->archive, 0);
    for (zip_int64_t i = 0; i < count; ++i) {
        if (const char *name = zip_get_name(m_impl->archive, zip_uint64_t(i), 0))
            names << QString::fromUtf8(name);
    }
    return names;
}

bool ZipArchive::contains(const QString &member) const
{
    return zip_name_locate(m_impl->archive, member.toUtf8().constData(), 0) >= 0;
}

Expected<std::int64_t> ZipArchive::declaredSize(const QString &member) const
{
    const Expected<zip_uint64_t> index = m_impl->locate(member);
    if (!index)
        return index.error();
    return m_impl->declaredSize(member, *index);
}

void ZipArchive::setMaxMemberBytes(std::int64_t bytes)
{
    m_impl->maxMemberBytes = bytes;
}

std::int64_t ZipArchive::maxMemberBytes() const
{
    return m_impl->maxMemberBytes;
}

Expected<QByteArray> ZipArchive::read(const QString &member) const
{
    QByteArray data;
    // Reserve what the header claims, but not more than a modest amount up front:
    // the claim is only trusted once the data has actually inflated to it.
    constexpr std::int64_t maxUpfrontReserve = std::int64_t(64) << 20;
    const Expected<std::int64_t> declared = declaredSize(member);
    if (declared)
        data.reserve(qsizetype(std::min({*declared, m_impl->maxMemberBytes, maxUpfrontReserve})));
    const Expected<void> streamed = m_impl->stream(member, [&data](const char *bytes, zip_int64_t size) {
        data.append(bytes, qsizetype(size));
        return Expected<void>();
    });
    if (!streamed)
        return streamed.error();
    return data;
}

Expected<void> ZipArchive::extractTo(const QString &member, const QString &destinationPath) const
{
    AtomicFileTarget target(destinationPath);
    const Expected<void> prepared = target.prepare();
    if (!prepared)
        return prepared;
    QFile out(target.temporaryPath());
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return makeError(QStringLiteral("Cannot write %1: %2.").arg(destinationPath, out.errorString()));
    const Expected<void> streamed = m_impl->stream(member, [&](const char *bytes, zip_int64_t size) {
        if (out.write(bytes, size) != size)
            return Expected<void>(
                makeError(QStringLiteral("Cannot write %1: %2.").arg(destinationPath, out.errorString())));
        return Expected<void>();
    });
    if (!streamed)
        return streamed;
    out.close();
    return target.commit();
}

// ---------------------------------------------------------------------------

ZipWriter::ZipWriter(QString path) : m_path(std::move(path))
{ }
ZipWriter::~ZipWriter() = default;

Expected<void> ZipWriter::addMember(const QString &name, const QByteArray &data, Compression compression)
{
    if (m_finished)
        return makeError(QStringLiteral("Cannot add %1 to %2: the archive is already finished.").arg(name, m_path));
    if (name.isEmpty())
        return makeError(QStringLiteral("Cannot add a member with an empty name to %1.").arg(m_path));
    for (const Member &member : m_members) {
        if (member.name == name)
            return makeError(QStringLiteral("Cannot add %1 to %2 twice.").arg(name, m_path));
    }
    m_members.push_back(Member{name, data, QString(), compression});
    return {};
}

Expected<void> ZipWriter::addFile(const QString &name, const QString &sourcePath, Compression compression)
{
    if (!QFile::exists(sourcePath))
        return makeError(QStringLiteral("Cannot add %1 to %2: %3 does not exist.").arg(name, m_path, sourcePath));
    const Expected<void> added = addMember(name, QByteArray(), compression);
    if (!added)
        return added;
    m_members.back().sourcePath = sourcePath;
    return {};
}

Expected<void> ZipWriter::finish()
{
    if (m_finished)
        return makeError(QStringLiteral("Cannot write %1: the archive is already finished.").arg(m_path));
    // The atomic rename would replace a device node or FIFO itself, not write into it.
    if (const QFileInfo existing(m_path); existing.exists() && !existing.isFile())
        return makeError(
            QStringLiteral("Cannot write %1: it exists and is not a regular file (a folder, device or pipe); "
                           "give a file path.")
                .arg(m_path));
    AtomicFileTarget target(m_path);
    const Expected<void> prepared = target.prepare();
    if (!prepared)
        return prepared;
    const auto failure = [this](const QString &what) {
        return makeError(QStringLiteral("Cannot write %1: %2").arg(m_path, what));
    };

    if (m_members.empty()) {
        // libzip deletes an archive left with no members; numpy writes an empty
        // .npz as a bare end-of-central-directory record, and so do we.
        QFile empty(target.temporaryPath());
        QByteArray eocd("PK\x05\x06", 4);
        eocd.append(18, '\0');
        if (!empty.open(QIODevice::WriteOnly | QIODevice::Truncate) || empty.write(eocd) != eocd.size())
            return failure(empty.errorString() + QLatin1Char('.'));
        empty.close();
    } else {
        int code = 0;
        zip_t *archive =
            zip_open(QFile::encodeName(target.temporaryPath()).constData(), ZIP_CREATE | ZIP_TRUNCATE, &code);
        if (!archive)
            return failure(describeOpenError(code));
        for (const Member &member : m_members) {
            zip_source_t *source =
                member.sourcePath.isEmpty()
                    ? zip_source_buffer(archive, member.data.constData(), zip_uint64_t(member.data.size()), 0)
                    : zip_source_file(archive, QFile::encodeName(member.sourcePath).constData(), 0, 0);
            zip_int64_t index = -1;
            if (source) {
                index = zip_file_add(archive, member.name.toUtf8().constData(), source, ZIP_FL_ENC_UTF_8);
                if (index < 0)
                    zip_source_free(source);
            }
            const zip_int32_t method = member.compression == Compression::Deflated ? ZIP_CM_DEFLATE : ZIP_CM_STORE;
            if (index < 0 || zip_set_file_compression(archive, zip_uint64_t(index), method, 0) != 0) {
                const QString text = QString::fromUtf8(zip_strerror(archive));
                zip_discard(archive);
                return failure(QStringLiteral("adding %1 failed (%2).").arg(member.name, text));
            }
        }
        if (zip_close(archive) != 0) {
            const QString text = QString::fromUtf8(zip_strerror(archive));
            zip_discard(archive);
            return failure(text + QLatin1Char('.'));
        }
    }
    // The temporary file was created owner-only; the archive is an ordinary document.
    QFile::setPermissions(target.temporaryPath(),
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
    const Expected<void> committed = target.commit();
    if (!committed)
        return committed;
    m_finished = true;
    m_members.clear();
    return {};
}

} // namespace graft
