#include "core/io/npzfile.h"

#include "core/io/npyfile.h"
#include "core/io/ziparchive.h"

namespace graft {

namespace {

const QString kSuffix = QStringLiteral(".npy");

Expected<NpzContents> readArchive(const ZipArchive &archive)
{
    NpzContents contents;
    const QStringList members = archive.memberNames();
    for (const QString &member : members) {
        if (!member.endsWith(kSuffix))
            return makeError(QStringLiteral("Cannot read %1: its member %2 is not a .npy array; "
                                            "an .npz holds only .npy members.")
                                 .arg(archive.displayName(), member));
        const Expected<QByteArray> bytes = archive.read(member);
        if (!bytes)
            return bytes.error();
        Expected<NpyArray> array =
            NpyFile::fromBytes(*bytes, QStringLiteral("%1 (member %2)").arg(archive.displayName(), member));
        if (!array)
            return array.error();
        contents.push_back(NpzEntry{member.chopped(kSuffix.size()), std::move(array).value()});
    }
    return contents;
}

} // namespace

Expected<NpzContents> NpzFile::read(const QString &path)
{
    const Expected<ZipArchive> archive = ZipArchive::open(path);
    if (!archive)
        return archive.error();
    return readArchive(*archive);
}

Expected<NpzContents> NpzFile::fromBytes(const QByteArray &bytes, const QString &sourceName)
{
    const Expected<ZipArchive> archive = ZipArchive::fromBytes(bytes, sourceName);
    if (!archive)
        return archive.error();
    return readArchive(*archive);
}

Expected<void> NpzFile::write(const QString &path, const NpzContents &contents, Compression compression)
{
    ZipWriter writer(path);
    for (const NpzEntry &entry : contents) {
        if (entry.name.isEmpty())
            return makeError(QStringLiteral("Cannot write %1: an array has an empty name.").arg(path));
        const Expected<void> added = writer.addMember(
            entry.name + kSuffix, NpyFile::toBytes(entry.array),
            compression == Compression::Deflated ? ZipWriter::Compression::Deflated : ZipWriter::Compression::Stored);
        if (!added)
            return added;
    }
    return writer.finish();
}

const NpyArray *NpzFile::find(const NpzContents &contents, const QString &name)
{
    for (const NpzEntry &entry : contents) {
        if (entry.name == name)
            return &entry.array;
    }
    return nullptr;
}

} // namespace graft
