#include "core/common/limits.h"
#include "tests/common/testdata.h"
#include "core/io/npyfile.h"
#include "core/io/npzfile.h"
#include "core/io/ziparchive.h"

#include "npycompare.h"
#include "pythonrunner.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

using namespace graft;

namespace {

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QString sha256(const QByteArray &data)
{
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

} // namespace

/** ZipArchive, ZipWriter and NpzFile against archives Python's zipfile and numpy make, honest and forged. */
class TestZipArchive final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QJsonObject m_manifest;

    QJsonObject dumpWithPython(const QStringList &paths)
    {
        const PythonResult result = runPythonScript(QStringLiteral("zip_dump.py"), paths);
        if (!result.ok)
            qWarning().noquote() << result.failure;
        return QJsonDocument::fromJson(result.output).object();
    }

    static void compareEntries(const NpzContents &contents, const QJsonArray &arrays)
    {
        QCOMPARE(int(contents.size()), arrays.size());
        for (int i = 0; i < arrays.size(); ++i) {
            const QJsonObject want = arrays[i].toObject();
            QCOMPARE(contents[std::size_t(i)].name, want.value("name").toString());
            const QString mismatch = compareWithNumpy(contents[std::size_t(i)].array, want);
            QVERIFY2(mismatch.isEmpty(), qPrintable(contents[std::size_t(i)].name + ": " + mismatch));
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const PythonResult made = runPythonScript(QStringLiteral("zip_reference.py"), {m_dir.path()});
        QVERIFY2(made.ok, qPrintable(made.failure));
        m_manifest = QJsonDocument::fromJson(readAll(m_dir.filePath("manifest.json"))).object();
        QVERIFY(m_manifest.value("zip").toArray().size() >= 8);
        QVERIFY(m_manifest.value("npz").toArray().size() >= 4);
    }

    void readsReferenceArchives_data()
    {
        QTest::addColumn<QJsonObject>("entry");
        const QJsonArray zips = m_manifest.value("zip").toArray();
        for (int i = 0; i < zips.size(); ++i) {
            const QJsonObject entry = zips[i].toObject();
            QTest::newRow(
                qPrintable(QStringLiteral("%1 #%2").arg(QFileInfo(entry.value("file").toString()).fileName()).arg(i)))
                << entry;
        }
    }
    void readsReferenceArchives()
    {
        QFETCH(QJsonObject, entry);
        const QString path = entry.value("file").toString();
        for (const bool fromMemory : {false, true}) {
            const Expected<ZipArchive> archive =
                fromMemory ? ZipArchive::fromBytes(readAll(path), path) : ZipArchive::open(path);
            if (entry.contains("errors")) {
                QVERIFY2(!archive, "a damaged archive opened");
                for (const QJsonValue &part : entry.value("errors").toArray())
                    QVERIFY2(archive.errorString().contains(part.toString()),
                             qPrintable(archive.errorString() + " lacks: " + part.toString()));
                continue;
            }
            QVERIFY2(archive, qPrintable(archive.errorString()));
            QCOMPARE(archive->maxMemberBytes(), limits::maxZipMemberBytes);
            if (entry.contains("max_bytes"))
                const_cast<ZipArchive &>(*archive).setMaxMemberBytes(entry.value("max_bytes").toInteger());
            for (const QJsonValue &value : entry.value("members").toArray()) {
                const QJsonObject member = value.toObject();
                const QString name = member.value("name").toString();
                QVERIFY2(archive->contains(name), qPrintable(name));
                const Expected<QByteArray> data = archive->read(name);
                if (member.contains("errors")) {
                    QVERIFY2(!data, qPrintable(name + " was read although it lies or exceeds the bound"));
                    for (const QJsonValue &part : member.value("errors").toArray())
                        QVERIFY2(data.errorString().contains(part.toString()),
                                 qPrintable(data.errorString() + " lacks: " + part.toString()));
                    continue;
                }
                QVERIFY2(data, qPrintable(data.errorString()));
                QCOMPARE(data->size(), member.value("size").toInteger());
                QCOMPARE(sha256(*data), member.value("sha256").toString());
            }
        }
    }

    void listsMembersInArchiveOrder()
    {
        const Expected<ZipArchive> archive = ZipArchive::open(m_dir.filePath("plain.zip"));
        QVERIFY2(archive, qPrintable(archive.errorString()));
        QStringList expected;
        for (const QJsonValue &zip : m_manifest.value("zip").toArray())
            if (zip.toObject().value("file").toString().endsWith("/plain.zip"))
                for (const QJsonValue &member : zip.toObject().value("members").toArray())
                    expected << member.toObject().value("name").toString();
        QCOMPARE(archive->memberNames(), expected);
        QCOMPARE(archive->declaredSize("model.weights.h5").value(), 256 * 300);

        const Expected<QByteArray> missing = archive->read("model.keras");
        QVERIFY(!missing);
        QVERIFY2(missing.errorString().contains("plain.zip") && missing.errorString().contains("model.keras"),
                 qPrintable(missing.errorString()));
        QVERIFY(!archive->declaredSize("nope"));
        QVERIFY(!archive->contains("nope"));
    }

    void survivesDamagedArchives()
    {
        const QString path = m_dir.filePath("plain.zip");
        const QByteArray image = readAll(path);
        QVERIFY(!image.isEmpty());
        const auto readEverything = [](const QByteArray &bytes) {
            const Expected<ZipArchive> archive = ZipArchive::fromBytes(bytes, QStringLiteral("damaged.zip"));
            if (!archive)
                return archive.errorString().contains("damaged.zip");
            bool named = true;
            for (const QString &member : archive->memberNames()) {
                const Expected<QByteArray> data = archive->read(member);
                if (!data)
                    named = named && data.errorString().contains("damaged.zip");
            }
            return named;
        };
        for (qsizetype length = 0; length < image.size(); ++length)
            QVERIFY2(readEverything(image.left(length)), qPrintable(QString::number(length)));
        // Random damage anywhere: errors name the archive, nothing crashes (see the sanitizer build).
        QRandomGenerator random(7);
        for (int trial = 0; trial < 3000; ++trial) {
            QByteArray damaged = image;
            for (int f = 0; f < 1 + random.bounded(4); ++f)
                damaged[random.bounded(int(image.size()))] = char(random.bounded(256));
            QVERIFY2(readEverything(damaged), qPrintable(QString::number(trial)));
        }
    }

    void readsKerasFixtures_data()
    {
        QTest::addColumn<QString>("path");
        QDirIterator it(graft::testing::dataPath(QStringLiteral("keras")), {"*.keras"}, QDir::Files,
                        QDirIterator::Subdirectories);
        int rows = 0;
        while (it.hasNext()) {
            const QString path = it.next();
            QTest::newRow(qPrintable(QFileInfo(path).dir().dirName() + "/" + QFileInfo(path).fileName())) << path;
            ++rows;
        }
        if (rows == 0)
            QTest::newRow("missing fixtures") << graft::testing::dataPath(QStringLiteral("keras/none.keras"));
    }
    void readsKerasFixtures()
    {
        QFETCH(QString, path);
        QVERIFY2(QFileInfo::exists(path), qPrintable(path));
        const QJsonObject python = dumpWithPython({path}).value(path).toObject();
        QVERIFY(!python.isEmpty());
        const Expected<ZipArchive> archive = ZipArchive::open(path);
        if (python.value("not_zip").toBool()) {
            // e.g. an HDF5 file someone named .keras: refused as what it is.
            QVERIFY(!archive);
            QVERIFY2(archive.errorString().contains("not a zip archive"), qPrintable(archive.errorString()));
            return;
        }
        QVERIFY2(archive, qPrintable(archive.errorString()));
        QStringList names;
        for (const QJsonValue &value : python.value("members").toArray()) {
            const QJsonObject member = value.toObject();
            names << member.value("name").toString();
            const Expected<QByteArray> data = archive->read(member.value("name").toString());
            QVERIFY2(data, qPrintable(data.errorString()));
            QCOMPARE(sha256(*data), member.value("sha256").toString());
        }
        QCOMPARE(archive->memberNames(), names);
        QVERIFY(names.contains("config.json"));
    }

    void missingArchiveNamesThePath()
    {
        const QString path = m_dir.filePath("absent.zip");
        const Expected<ZipArchive> archive = ZipArchive::open(path);
        QVERIFY(!archive);
        QVERIFY2(archive.errorString().contains(path) && archive.errorString().contains("does not exist"),
                 qPrintable(archive.errorString()));
    }

    void extractsToFile()
    {
        const Expected<ZipArchive> archive = ZipArchive::open(m_dir.filePath("plain.zip"));
        QVERIFY(archive);
        const QString target = m_dir.filePath("extracted.h5");
        const Expected<void> done = archive->extractTo("model.weights.h5", target);
        QVERIFY2(done, qPrintable(done.errorString()));
        QCOMPARE(readAll(target), archive->read("model.weights.h5").value());

        // A refused member leaves no file behind.
        const Expected<ZipArchive> bomb = ZipArchive::open(m_dir.filePath("lying_small.zip"));
        QVERIFY(bomb);
        const QString bombTarget = m_dir.filePath("bomb-out/zeros.bin");
        QVERIFY(QDir().mkpath(QFileInfo(bombTarget).path()));
        QVERIFY(!bomb->extractTo("zeros.bin", bombTarget));
        QVERIFY(QDir(QFileInfo(bombTarget).path()).entryList(QDir::Files | QDir::Hidden).isEmpty());
    }

    void writerRoundTrip()
    {
        QByteArray allBytes;
        for (int i = 0; i < 256 * 40; ++i)
            allBytes.append(char(i * 7 + i / 256));
        const QByteArray repetitive = QByteArray("0123456789abcdef").repeated(100000);
        const QString sourceFile = m_dir.filePath("source.bin");
        {
            QFile file(sourceFile);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(allBytes);
        }
        struct Item
        {
            QString name;
            QByteArray data;
            ZipWriter::Compression compression;
            bool fromFile;
        };
        const std::vector<Item> items = {
            {"metadata.json", R"({"keras_version": "3.3.3"})", ZipWriter::Compression::Stored, false},
            {"config.json", repetitive, ZipWriter::Compression::Deflated, false},
            {"model.weights.h5", allBytes, ZipWriter::Compression::Stored, true},
            {"empty", QByteArray(), ZipWriter::Compression::Deflated, false},
            {QStringLiteral("dir/données.bin"), allBytes, ZipWriter::Compression::Deflated, false},
        };
        const QString path = m_dir.filePath("written/roundtrip.keras");
        QVERIFY(QDir().mkpath(QFileInfo(path).path()));
        {
            ZipWriter writer(path);
            for (const Item &item : items) {
                const Expected<void> added = item.fromFile ? writer.addFile(item.name, sourceFile, item.compression)
                                                           : writer.addMember(item.name, item.data, item.compression);
                QVERIFY2(added, qPrintable(added.errorString()));
            }
            QVERIFY(!writer.addMember("config.json", "again"));
            QVERIFY(!writer.addMember(QString(), "x"));
            QVERIFY2(!QFileInfo::exists(path), "the archive appeared before finish()");
            const Expected<void> finished = writer.finish();
            QVERIFY2(finished, qPrintable(finished.errorString()));
            QVERIFY(!writer.finish());
        }
        QCOMPARE(QDir(QFileInfo(path).path()).entryList(QDir::Files | QDir::Hidden), QStringList{"roundtrip.keras"});
        QVERIFY(QFileInfo(path).permissions() & QFile::ReadOther);
        QVERIFY(QFileInfo(path).size() < repetitive.size() / 10);

        const Expected<ZipArchive> archive = ZipArchive::open(path);
        QVERIFY2(archive, qPrintable(archive.errorString()));
        QStringList names;
        for (const Item &item : items)
            names << item.name;
        QCOMPARE(archive->memberNames(), names);
        for (const Item &item : items)
            QCOMPARE(archive->read(item.name).value(), item.data);

        // Python's zipfile agrees on names, contents and compression.
        const QJsonObject python = dumpWithPython({path}).value(path).toObject();
        QVERIFY(python.value("testzip").isNull());
        const QJsonArray members = python.value("members").toArray();
        QCOMPARE(members.size(), int(items.size()));
        for (int i = 0; i < members.size(); ++i) {
            const QJsonObject m = members[i].toObject();
            const Item &item = items[std::size_t(i)];
            QCOMPARE(m.value("name").toString(), item.name);
            QCOMPARE(m.value("size").toInteger(), item.data.size());
            QCOMPARE(m.value("sha256").toString(), sha256(item.data));
            if (!item.data.isEmpty())
                QCOMPARE(m.value("deflated").toBool(), item.compression == ZipWriter::Compression::Deflated);
        }
    }

    void writerFailsCleanly()
    {
        ZipWriter unfinished(m_dir.filePath("never.zip"));
        QVERIFY(unfinished.addMember("a", "b"));
        // Destroyed without finish(): nothing appears.
        QVERIFY(!QFileInfo::exists(m_dir.filePath("never.zip")));

        const QString badFolder = m_dir.filePath("no/such/dir/x.zip");
        ZipWriter writer(badFolder);
        QVERIFY(writer.addMember("a", "b"));
        const Expected<void> finished = writer.finish();
        QVERIFY(!finished);
        QVERIFY2(finished.errorString().contains(badFolder), qPrintable(finished.errorString()));

        ZipWriter fromMissing(m_dir.filePath("y.zip"));
        QVERIFY(!fromMissing.addFile("w.h5", m_dir.filePath("no-such-file.h5")));
    }

    void readsNumpyNpz_data()
    {
        QTest::addColumn<QJsonObject>("entry");
        for (const QJsonValue &value : m_manifest.value("npz").toArray())
            QTest::newRow(qPrintable(QFileInfo(value.toObject().value("file").toString()).fileName()))
                << value.toObject();
    }
    void readsNumpyNpz()
    {
        QFETCH(QJsonObject, entry);
        const QString path = entry.value("file").toString();
        for (const bool fromMemory : {false, true}) {
            const Expected<NpzContents> contents =
                fromMemory ? NpzFile::fromBytes(readAll(path), path) : NpzFile::read(path);
            if (entry.contains("errors")) {
                QVERIFY(!contents);
                for (const QJsonValue &part : entry.value("errors").toArray())
                    QVERIFY2(contents.errorString().contains(part.toString()),
                             qPrintable(contents.errorString() + " lacks: " + part.toString()));
                QVERIFY2(contents.errorString().contains(path), qPrintable(contents.errorString()));
                continue;
            }
            QVERIFY2(contents, qPrintable(contents.errorString()));
            compareEntries(*contents, entry.value("arrays").toArray());
            if (QTest::currentTestFailed())
                return;
        }
    }

    void numpyReadsWrittenNpz()
    {
        const Expected<NpzContents> source = NpzFile::read(m_dir.filePath("stored.npz"));
        QVERIFY2(source, qPrintable(source.errorString()));
        QVERIFY(NpzFile::find(*source, "y_train"));
        QVERIFY(!NpzFile::find(*source, "y_train.npy"));

        const QString stored = m_dir.filePath("written/ours_stored.npz");
        const QString deflated = m_dir.filePath("written/ours_deflated.npz");
        const QString empty = m_dir.filePath("written/ours_empty.npz");
        QVERIFY(QDir().mkpath(m_dir.filePath("written")));
        QVERIFY(NpzFile::write(stored, *source, NpzFile::Compression::Stored));
        QVERIFY(NpzFile::write(deflated, *source, NpzFile::Compression::Deflated));
        QVERIFY(NpzFile::write(empty, {}));
        QVERIFY(!NpzFile::write(m_dir.filePath("written/bad.npz"), {{QString(), NpyArray()}}));
        QVERIFY(!NpzFile::write(m_dir.filePath("written/dup.npz"), {{"a", NpyArray()}, {"a", NpyArray()}}));

        const QJsonObject python = dumpWithPython({stored, deflated, empty});
        QJsonArray expected;
        for (const QJsonValue &npz : m_manifest.value("npz").toArray())
            if (npz.toObject().value("file").toString().endsWith("/stored.npz"))
                expected = npz.toObject().value("arrays").toArray();
        for (const QString &path : {stored, deflated}) {
            const QJsonObject seen = python.value(path).toObject();
            QVERIFY(seen.value("testzip").isNull());
            const QJsonArray arrays = seen.value("arrays").toArray();
            QCOMPARE(arrays.size(), expected.size());
            for (int i = 0; i < arrays.size(); ++i) {
                const QJsonObject a = arrays[i].toObject(), b = expected[i].toObject();
                QCOMPARE(a.value("name").toString(), b.value("name").toString());
                // Big-endian input is written little-endian: same dtype name, same values.
                QCOMPARE(a.value("dtype").toString(), b.value("dtype").toString());
                QCOMPARE(a.value("shape").toArray(), b.value("shape").toArray());
                QCOMPARE(a.value("values").toArray(), b.value("values").toArray());
            }
            for (const QJsonValue &member : seen.value("members").toArray())
                QCOMPARE(member.toObject().value("deflated").toBool(), path == deflated);
        }
        QCOMPARE(python.value(empty).toObject().value("arrays").toArray().size(), 0);

        // And we read our own files back identically.
        const Expected<NpzContents> back = NpzFile::read(deflated);
        QVERIFY2(back, qPrintable(back.errorString()));
        QCOMPARE(back->size(), source->size());
        for (std::size_t i = 0; i < back->size(); ++i) {
            QCOMPARE((*back)[i].name, (*source)[i].name);
            QVERIFY((*back)[i].array == (*source)[i].array);
        }
        const Expected<NpzContents> none = NpzFile::read(empty);
        QVERIFY2(none, qPrintable(none.errorString()));
        QVERIFY(none->empty());
    }
};

GRAFT_TEST_APPLESS_MAIN(TestZipArchive)
#include "tst_ziparchive.moc"
