#include "core/io/npyfile.h"
#include "tests/common/testdata.h"

#include "npycompare.h"
#include "pythonrunner.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <limits>
#include <stdexcept>

using namespace graft;

/** NpyFile against files numpy writes at test time, numpy reading what NpyFile writes, and the shared fixtures. */
class TestNpyFile final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QJsonArray m_manifest;

    QJsonObject dumpWithNumpy(const QStringList &paths)
    {
        const PythonResult result = runPythonScript(QStringLiteral("npy_dump.py"), paths);
        if (!result.ok)
            qWarning().noquote() << result.failure;
        return QJsonDocument::fromJson(result.output).object();
    }

    void addManifestRows(bool errors)
    {
        QTest::addColumn<QJsonObject>("entry");
        for (const QJsonValue &value : m_manifest) {
            const QJsonObject entry = value.toObject();
            if (entry.contains(QStringLiteral("errors")) == errors)
                QTest::newRow(qPrintable(entry.value(QStringLiteral("name")).toString())) << entry;
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const PythonResult made = runPythonScript(QStringLiteral("npy_reference.py"), {m_dir.path()});
        QVERIFY2(made.ok, qPrintable(made.failure));
        QFile manifest(m_dir.filePath(QStringLiteral("manifest.json")));
        QVERIFY(manifest.open(QIODevice::ReadOnly));
        m_manifest = QJsonDocument::fromJson(manifest.readAll()).array();
        QVERIFY(m_manifest.size() > 40);
    }

    void readsWhatNumpyWrote_data() { addManifestRows(false); }
    void readsWhatNumpyWrote()
    {
        QFETCH(QJsonObject, entry);
        const QString path = entry.value(QStringLiteral("file")).toString();
        const Expected<NpyArray> array = NpyFile::read(path);
        QVERIFY2(array, qPrintable(array.errorString()));
        const QString mismatch = compareWithNumpy(*array, entry);
        QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));

        // An in-memory image must read exactly like the file.
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const Expected<NpyArray> fromMemory = NpyFile::fromBytes(file.readAll(), path);
        QVERIFY2(fromMemory, qPrintable(fromMemory.errorString()));
        QVERIFY(*fromMemory == *array);
    }

    void refusesBadFiles_data() { addManifestRows(true); }
    void refusesBadFiles()
    {
        QFETCH(QJsonObject, entry);
        const QString path = entry.value(QStringLiteral("file")).toString();
        const Expected<NpyArray> array = NpyFile::read(path);
        QVERIFY2(!array, "a file numpy's reference marks as bad was accepted");
        const QString message = array.errorString();
        QVERIFY2(message.contains(path), qPrintable(message));
        for (const QJsonValue &part : entry.value(QStringLiteral("errors")).toArray())
            QVERIFY2(message.contains(part.toString()), qPrintable(message + " lacks: " + part.toString()));

        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const Expected<NpyArray> fromMemory = NpyFile::fromBytes(file.readAll(), QStringLiteral("memory image"));
        QVERIFY(!fromMemory);
        QCOMPARE(fromMemory.errorString(), QString(message).replace(path, QStringLiteral("memory image")));
    }

    void survivesDamagedImages()
    {
        const QString path = m_dir.filePath(QStringLiteral("fortran_f8_big_2d.npy"));
        const QByteArray image = [&] {
            QFile file(path);
            return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        }();
        QVERIFY(image.size() > 128);
        const Expected<NpyArray> whole = NpyFile::fromBytes(image, path);
        QVERIFY2(whole, qPrintable(whole.errorString()));
        // Every proper prefix is refused.
        for (qsizetype length = 0; length < image.size(); ++length)
            QVERIFY2(!NpyFile::fromBytes(image.left(length), path), qPrintable(QString::number(length)));
        // Damaged headers either fail or give an array consistent with itself; never crash
        // (this test also runs under the sanitizer build).
        QRandomGenerator random(20240611);
        const qsizetype headerEnd = 10 + quint8(image[8]) + 256 * quint8(image[9]);
        for (int trial = 0; trial < 5000; ++trial) {
            QByteArray damaged = image;
            const int flips = 1 + random.bounded(3);
            for (int f = 0; f < flips; ++f)
                damaged[random.bounded(int(headerEnd))] = char(random.bounded(256));
            const Expected<NpyArray> array = NpyFile::fromBytes(damaged, path);
            if (array)
                QCOMPARE(array->rawBytes().size(), array->elementCount() * npyDtypeSize(array->dtype()));
            else
                QVERIFY(array.errorString().contains(path));
        }
    }

    void missingFileNamesThePath()
    {
        const QString path = m_dir.filePath(QStringLiteral("does-not-exist.npy"));
        const Expected<NpyArray> array = NpyFile::read(path);
        QVERIFY(!array);
        QVERIFY2(array.errorString().contains(path), qPrintable(array.errorString()));
    }

    void numpyReadsWhatWeWrite()
    {
        // Every array read back from numpy's files, plus arrays built directly.
        QDir out(m_dir.filePath(QStringLiteral("written")));
        QVERIFY(out.mkpath(QStringLiteral(".")));
        QHash<QString, QJsonObject> expected;
        QStringList paths;
        for (const QJsonValue &value : m_manifest) {
            const QJsonObject entry = value.toObject();
            if (entry.contains(QStringLiteral("errors")))
                continue;
            const Expected<NpyArray> array = NpyFile::read(entry.value(QStringLiteral("file")).toString());
            QVERIFY2(array, qPrintable(array.errorString()));
            const QString path = out.filePath(entry.value(QStringLiteral("name")).toString() + ".npy");
            const Expected<void> written = NpyFile::write(path, *array);
            QVERIFY2(written, qPrintable(written.errorString()));
            expected.insert(path, entry);
            paths << path;
        }

        struct Built
        {
            QString name;
            NpyArray array;
            QJsonArray values;
            QString dtype;
        };
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const std::vector<Built> built = {
            {QStringLiteral("built_f32"), NpyArray(std::vector<float>{1.5f, -0.0f, nan, 3e-38f, 1e30f, 7.0f}, {2, 3}),
             QJsonArray{"1.5", "-0.0", "nan", "2.9999999e-38", "1.0000000150474662e+30", "7.0"}, "float32"},
            {QStringLiteral("built_i64"),
             NpyArray(std::vector<std::int64_t>{std::numeric_limits<std::int64_t>::min(), -1, 0,
                                                std::numeric_limits<std::int64_t>::max()},
                      {4}),
             QJsonArray{"-9223372036854775808", "-1", "0", "9223372036854775807"}, "int64"},
            {QStringLiteral("built_f64_scalar"), NpyArray(std::vector<double>{0.1}, {}), QJsonArray{"0.1"}, "float64"},
            {QStringLiteral("built_i32"), *NpyArray::fromInt32({-5, 2147483647, 9, 0}, {2, 1, 2}),
             QJsonArray{"-5", "2147483647", "9", "0"}, "int32"},
            {QStringLiteral("built_u8"), *NpyArray::fromUInt8({0, 255, 128}, {3, 1}), QJsonArray{"0", "255", "128"},
             "uint8"},
            {QStringLiteral("built_empty"), NpyArray(), QJsonArray{}, "float32"},
        };
        for (const Built &b : built) {
            const QString path = out.filePath(b.name + ".npy");
            const Expected<void> written = NpyFile::write(path, b.array);
            QVERIFY2(written, qPrintable(written.errorString()));
            QJsonArray shape;
            for (std::int64_t dim : b.array.shape())
                shape.append(qint64(dim));
            // 3e-38f is not exactly 3e-38: compare against what float32 really holds.
            QJsonArray values = b.values;
            if (b.name == QLatin1String("built_f32"))
                values[3] = QString::number(double(3e-38f), 'g', 17);
            expected.insert(path, QJsonObject{{"dtype", b.dtype}, {"shape", shape}, {"values", values}});
            paths << path;
        }

        const QJsonObject numpy = dumpWithNumpy(paths);
        QCOMPARE(numpy.size(), paths.size());
        for (const QString &path : paths) {
            const QJsonObject seen = numpy.value(path).toObject();
            QCOMPARE(seen.value(QStringLiteral("version")).toString(), QStringLiteral("1.0"));
            QCOMPARE(seen.value(QStringLiteral("fortran_order")).toBool(), false);
            const QString order = seen.value(QStringLiteral("byteorder")).toString();
            QVERIFY2(order == "=" || order == "<" || order == "|", qPrintable(path + " byte order " + order));
            // What numpy reads must equal what we meant to write.
            const QJsonObject want = expected.value(path);
            QCOMPARE(seen.value(QStringLiteral("dtype")).toString(), want.value(QStringLiteral("dtype")).toString());
            QCOMPARE(seen.value(QStringLiteral("shape")).toArray(), want.value(QStringLiteral("shape")).toArray());
            const QJsonArray seenValues = seen.value(QStringLiteral("values")).toArray();
            const QJsonArray wantValues = want.value(QStringLiteral("values")).toArray();
            QCOMPARE(seenValues.size(), wantValues.size());
            for (int i = 0; i < seenValues.size(); ++i) {
                const QString a = seenValues[i].toString(), b = wantValues[i].toString();
                const bool same = a == b
                                  || (a.toDouble() == b.toDouble() && !a.startsWith('-') == !b.startsWith('-')
                                      && a != "nan" && b != "nan");
                QVERIFY2(same,
                         qPrintable(
                             QStringLiteral("%1 element %2: numpy reads %3, expected %4").arg(path).arg(i).arg(a, b)));
            }
            // The files are 64-byte aligned like numpy's own.
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray head = file.read(10);
            QCOMPARE((10 + quint8(head[8]) + 256 * quint8(head[9])) % 64, 0);
        }
    }

    void writeIsAtomicAndReportsFailures()
    {
        const NpyArray array(std::vector<float>{1, 2, 3}, {3});
        const QString missingFolder = m_dir.filePath(QStringLiteral("no/such/folder/a.npy"));
        const Expected<void> failed = NpyFile::write(missingFolder, array);
        QVERIFY(!failed);
        QVERIFY2(failed.errorString().contains(missingFolder), qPrintable(failed.errorString()));

        // Overwriting replaces the old contents whole and leaves no temporary file behind.
        const QString path = m_dir.filePath(QStringLiteral("atomic/a.npy"));
        QVERIFY(QDir().mkpath(QFileInfo(path).path()));
        QVERIFY(NpyFile::write(path, NpyArray(std::vector<float>(1000, 1.0f), {1000})));
        QVERIFY(NpyFile::write(path, array));
        const Expected<NpyArray> back = NpyFile::read(path);
        QVERIFY2(back, qPrintable(back.errorString()));
        QVERIFY(*back == array);
        QCOMPARE(QDir(QFileInfo(path).path()).entryList(QDir::Files | QDir::Hidden).size(), 1);
    }

    void conversions()
    {
        const NpyArray floats(std::vector<float>{1.0f, -2.0f, 3.5f}, {3});
        QCOMPARE(floats.toFloat64(), (std::vector<double>{1.0, -2.0, 3.5}));
        const Expected<std::vector<std::int64_t>> notWhole = floats.toInt64();
        QVERIFY(!notWhole);
        QVERIFY2(notWhole.errorString().contains("Element 2"), qPrintable(notWhole.errorString()));

        const NpyArray whole(std::vector<double>{4.0, -0.0, 1e15}, {3});
        const Expected<std::vector<std::int64_t>> asInt = whole.toInt64();
        QVERIFY2(asInt, qPrintable(asInt.errorString()));
        QCOMPARE(*asInt, (std::vector<std::int64_t>{4, 0, 1000000000000000}));
        QVERIFY(!NpyArray(std::vector<double>{9.3e18}, {1}).toInt64());

        const NpyArray ints(std::vector<std::int64_t>{-3, 16777217, 0}, {3, 1});
        QCOMPARE(ints.toFloat32(), (std::vector<float>{-3.0f, 16777216.0f, 0.0f}));

        const Expected<NpyArray> bigUnsigned = NpyArray::fromRawBytes(
            NpyDtype::UInt64, {2}, QByteArray("\xff\xff\xff\xff\xff\xff\xff\xff\x05\0\0\0\0\0\0\0", 16));
        QVERIFY(bigUnsigned);
        QVERIFY(!bigUnsigned->toInt64());

        const Expected<NpyArray> bools = NpyArray::fromRawBytes(NpyDtype::Bool, {3}, QByteArray("\x00\x07\x01", 3));
        QVERIFY(bools);
        QCOMPARE(bools->toInt64().value(), (std::vector<std::int64_t>{0, 1, 1}));
    }

    void factoriesCheckShapes()
    {
        QVERIFY(!NpyArray::fromFloat32({1, 2, 3}, {2, 2}));
        QVERIFY(!NpyArray::fromInt64({1}, {-1}));
        QVERIFY(!NpyArray::fromFloat32({}, {1, 1, 1, 1, 1, 1, 1, 1, 0}));
        QVERIFY(!NpyArray::fromRawBytes(NpyDtype::Float32, {1 << 20, 1 << 20}, QByteArray()));
        QVERIFY(NpyArray::fromFloat32({}, {4, 0}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, NpyArray(std::vector<float>{1, 2}, {3}));
        const NpyArray scalar(std::vector<float>{2.0f}, {});
        QCOMPARE(scalar.elementCount(), 1);
        QCOMPARE(scalar.rank(), 0);
        QCOMPARE(npyShapeString({}), QStringLiteral("()"));
        QCOMPARE(npyShapeString({3}), QStringLiteral("(3,)"));
        QCOMPARE(npyShapeString({2, 3}), QStringLiteral("(2, 3)"));
    }

    void kerasJsInputs_data()
    {
        QTest::addColumn<QString>("npyPath");
        QTest::addColumn<QString>("casePath");
        const QDir root(graft::testing::dataPath(QStringLiteral("keras-js")));
        const QStringList cases = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        int rows = 0;
        for (const QString &name : cases) {
            const QString npy = root.filePath(name + "/input.npy");
            if (QFileInfo::exists(npy)) {
                QTest::newRow(qPrintable(name)) << npy << root.filePath(name + "/case.json");
                ++rows;
            }
        }
        if (rows == 0)
            QTest::newRow("missing fixtures") << root.filePath("none/input.npy") << QString();
    }
    void kerasJsInputs()
    {
        QFETCH(QString, npyPath);
        QFETCH(QString, casePath);
        const Expected<NpyArray> array = NpyFile::read(npyPath);
        QVERIFY2(array, qPrintable(array.errorString()));
        QFile caseFile(casePath);
        QVERIFY(caseFile.open(QIODevice::ReadOnly));
        const QJsonArray inputShape =
            QJsonDocument::fromJson(caseFile.readAll()).object().value("input_shape").toArray();
        QVERIFY(!inputShape.isEmpty());
        std::vector<std::int64_t> shape;
        for (const QJsonValue &dim : inputShape)
            shape.push_back(dim.toInteger());
        QCOMPARE(npyShapeString(array->shape()), npyShapeString(shape));
        QCOMPARE(array->dtype(), NpyDtype::Float32);
    }

    void kerasJsInputsMatchNumpy()
    {
        const QStringList paths = [] {
            QStringList found;
            const QDir root(graft::testing::dataPath(QStringLiteral("keras-js")));
            for (const QString &name : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
                if (QFileInfo::exists(root.filePath(name + "/input.npy")))
                    found << root.filePath(name + "/input.npy");
            return found;
        }();
        QVERIFY(!paths.isEmpty());
        const QJsonObject numpy = dumpWithNumpy(paths);
        QCOMPARE(numpy.size(), paths.size());
        for (const QString &path : paths) {
            const Expected<NpyArray> array = NpyFile::read(path);
            QVERIFY2(array, qPrintable(array.errorString()));
            const QString mismatch = compareWithNumpy(*array, numpy.value(path).toObject());
            QVERIFY2(mismatch.isEmpty(), qPrintable(path + ": " + mismatch));
        }
    }

    void mfccArrays_data()
    {
        QTest::addColumn<QString>("npyPath");
        QTest::addColumn<QJsonObject>("stats");
        const QDir root(graft::testing::dataPath(QStringLiteral("mfcc")));
        int rows = 0;
        for (const QString &name : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
            QFile params(root.filePath(name + "/params.json"));
            if (!params.open(QIODevice::ReadOnly))
                continue;
            const QJsonObject all = QJsonDocument::fromJson(params.readAll()).object();
            for (const QString &file : QDir(root.filePath(name)).entryList({"*.npy"}, QDir::Files, QDir::Name)) {
                const QString key = QFileInfo(file).completeBaseName();
                if (!all.value(key).isObject())
                    continue;
                QTest::newRow(qPrintable(name + "/" + file))
                    << root.filePath(name + "/" + file) << all.value(key).toObject();
                ++rows;
            }
        }
        if (rows == 0)
            QTest::newRow("missing fixtures") << root.filePath("none/y.npy") << QJsonObject();
    }
    void mfccArrays()
    {
        QFETCH(QString, npyPath);
        QFETCH(QJsonObject, stats);
        const Expected<NpyArray> array = NpyFile::read(npyPath);
        QVERIFY2(array, qPrintable(array.errorString()));
        QCOMPARE(npyDtypeName(array->dtype()), stats.value("dtype").toString());
        std::vector<std::int64_t> shape;
        for (const QJsonValue &dim : stats.value("shape").toArray())
            shape.push_back(dim.toInteger());
        QCOMPARE(npyShapeString(array->shape()), npyShapeString(shape));
        const std::vector<double> values = array->toFloat64();
        QVERIFY(!values.empty());
        QCOMPARE(*std::min_element(values.begin(), values.end()), stats.value("min").toDouble());
        QCOMPARE(*std::max_element(values.begin(), values.end()), stats.value("max").toDouble());
        if (stats.contains("mean")) {
            double sum = 0;
            for (double v : values)
                sum += v;
            const double mean = sum / double(values.size());
            // numpy sums float32 pairwise in float32: agree to float32 precision.
            QVERIFY2(std::abs(mean - stats.value("mean").toDouble()) <= 1e-5 * std::max(1.0, std::abs(mean)),
                     qPrintable(QString::number(mean, 'g', 17)));
        }
        const QJsonArray first = stats.value("first5_row0").toArray();
        for (int i = 0; i < first.size(); ++i)
            QCOMPARE(values[std::size_t(i)], first[i].toDouble());
    }
};

GRAFT_TEST_APPLESS_MAIN(TestNpyFile)
#include "tst_npyfile.moc"
