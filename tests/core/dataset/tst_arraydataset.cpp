#include "core/dataset/arraydataset.h"
#include "core/dataset/datasetreport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace graft;

namespace {

// Every array file is written by numpy / h5py themselves, so the reader is
// checked against the real writers. X[i] = i * 0.5 + offset, labels i % 3.
const char *writerScript = R"PY(
import json, sys
import numpy as np
import h5py
out = sys.argv[1]
n = 12
X = (np.arange(n * 4 * 3, dtype=np.float32) * 0.5).reshape(n, 4, 3)
y = (np.arange(n) % 3).astype(np.int64)
onehot = np.eye(3, dtype=np.float32)[y]
np.save(f"{out}/pair/X.npy", X)
np.save(f"{out}/pair/y.npy", y.astype(np.int32))
with open(f"{out}/pair/class_names.txt", "w") as f:
    f.write("cat\ndog\nbird\n")
np.save(f"{out}/onehot/X.npy", X.astype(np.float64))
np.save(f"{out}/onehot/y.npy", onehot)
np.savez(f"{out}/xy.npz", x=X, y=y)
np.savez_compressed(f"{out}/upper.npz", Y=y, X=X)
np.savez(f"{out}/positional.npz", X, y)
with h5py.File(f"{out}/xy.h5", "w") as h:
    h.create_dataset("x", data=X)
    h.create_dataset("y", data=y)
with h5py.File(f"{out}/named.hdf5", "w") as h:
    h.create_dataset("lbl", data=onehot)
    h.create_dataset("mfcc", data=X.astype(np.float16))
np.save(f"{out}/bad/X.npy", X)
np.save(f"{out}/bad/y.npy", y[:5])
np.save(f"{out}/neg/X.npy", X)
np.save(f"{out}/neg/y.npy", y - 1)
np.save(f"{out}/frac/X.npy", X)
np.save(f"{out}/frac/y.npy", y + 0.5)
with open(f"{out}/names.json", "w") as f:
    json.dump(["a", "b", "c", "d"], f)
)PY";

} // namespace

class TestArrayDataset final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void loads_data();
    void loads();
    void explicitClassNames();
    void rejectsBadLabels_data();
    void rejectsBadLabels();
    void report();

private:
    QTemporaryDir m_dir;
};

void TestArrayDataset::initTestCase()
{
    QVERIFY(m_dir.isValid());
    for (const char *sub : {"pair", "onehot", "bad", "neg", "frac"})
        QVERIFY(QDir(m_dir.path()).mkpath(QLatin1String(sub)));
    QProcess python;
    python.start(QStringLiteral("/usr/bin/python3"),
                 {QStringLiteral("-c"), QString::fromUtf8(writerScript), m_dir.path()});
    QVERIFY(python.waitForFinished(120000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
}

void TestArrayDataset::loads_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("featuresName");
    QTest::addColumn<bool>("oneHot");
    QTest::addColumn<QStringList>("classNames");
    const QStringList numbered{QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("2")};
    QTest::newRow("X.npy + y.npy + class_names.txt")
        << QStringLiteral("pair") << QStringLiteral("npy") << QStringLiteral("X.npy") << false
        << QStringList{QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("bird")};
    QTest::newRow("one-hot float64") << QStringLiteral("onehot") << QStringLiteral("npy") << QStringLiteral("X.npy")
                                     << true << numbered;
    QTest::newRow("npz x/y") << QStringLiteral("xy.npz") << QStringLiteral("npz") << QStringLiteral("x") << false
                             << numbered;
    QTest::newRow("npz X/Y deflated") << QStringLiteral("upper.npz") << QStringLiteral("npz") << QStringLiteral("X")
                                      << false << numbered;
    QTest::newRow("npz arr_0/arr_1") << QStringLiteral("positional.npz") << QStringLiteral("npz")
                                     << QStringLiteral("arr_0") << false << numbered;
    QTest::newRow("hdf5 x/y") << QStringLiteral("xy.h5") << QStringLiteral("hdf5") << QStringLiteral("x") << false
                              << numbered;
    QTest::newRow("hdf5 two datasets, float16")
        << QStringLiteral("named.hdf5") << QStringLiteral("hdf5") << QStringLiteral("mfcc") << true << numbered;
}

void TestArrayDataset::loads()
{
    QFETCH(QString, path);
    QFETCH(QString, format);
    QFETCH(QString, featuresName);
    QFETCH(bool, oneHot);
    QFETCH(QStringList, classNames);
    const auto dataset = ArrayDatasetLoader::load(m_dir.filePath(path));
    QVERIFY2(dataset.hasValue(), qPrintable(dataset.errorString()));
    QCOMPARE(dataset->format, format);
    QCOMPARE(dataset->featuresName, featuresName);
    QCOMPARE(dataset->oneHotLabels, oneHot);
    QCOMPARE(dataset->shape, (std::vector<std::int64_t>{12, 4, 3}));
    QCOMPARE(dataset->classNames, classNames);
    QCOMPARE(dataset->labels.size(), 12);
    for (int i = 0; i < 12; ++i)
        QCOMPARE(dataset->labels[i], i % 3);
    QCOMPARE(dataset->features.size(), std::size_t(12 * 4 * 3));
    for (std::size_t i = 0; i < dataset->features.size(); ++i)
        QCOMPARE(dataset->features[i], float(i) * 0.5f); // exact in float16 too up to 71.5
    QCOMPARE(dataset->classCounts(), (QVector<int>{4, 4, 4}));
}

void TestArrayDataset::explicitClassNames()
{
    const auto dataset = ArrayDatasetLoader::load(m_dir.filePath(QStringLiteral("xy.npz")),
                                                  m_dir.filePath(QStringLiteral("names.json")));
    QVERIFY2(dataset.hasValue(), qPrintable(dataset.errorString()));
    QCOMPARE(dataset->classNames,
             (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")}));
    QVERIFY(!dataset->warnings.isEmpty()); // class 'd' has no samples
    QCOMPARE(dataset->classCounts(), (QVector<int>{4, 4, 4, 0}));

    QFile tooFew(m_dir.filePath(QStringLiteral("two.txt")));
    QVERIFY(tooFew.open(QIODevice::WriteOnly));
    tooFew.write("a\nb\n");
    tooFew.close();
    const auto refused = ArrayDatasetLoader::load(m_dir.filePath(QStringLiteral("xy.h5")), tooFew.fileName());
    QVERIFY(!refused.hasValue());
    QVERIFY(refused.errorString().contains(QStringLiteral("two.txt")));
}

void TestArrayDataset::rejectsBadLabels_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("count mismatch") << QStringLiteral("bad") << QStringLiteral("one entry per sample");
    QTest::newRow("negative label") << QStringLiteral("neg") << QStringLiteral("not a class index");
    QTest::newRow("fractional label") << QStringLiteral("frac") << QStringLiteral("whole class indices");
    QTest::newRow("missing") << QStringLiteral("nothing.npz") << QStringLiteral("does not exist");
}

void TestArrayDataset::rejectsBadLabels()
{
    QFETCH(QString, path);
    QFETCH(QString, messagePart);
    const auto dataset = ArrayDatasetLoader::load(m_dir.filePath(path));
    QVERIFY(!dataset.hasValue());
    QVERIFY2(dataset.errorString().contains(messagePart), qPrintable(dataset.errorString()));
}

void TestArrayDataset::report()
{
    const auto dataset = ArrayDatasetLoader::load(m_dir.filePath(QStringLiteral("pair")));
    QVERIFY(dataset.hasValue());
    const QJsonObject json = DatasetReport::json(*dataset);
    QCOMPARE(json.value(QStringLiteral("samples")).toInt(), 12);
    QCOMPARE(json.value(QStringLiteral("classes")).toArray().size(), 3);
    QCOMPARE(json.value(QStringLiteral("classes")).toArray()[1].toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("dog"));
    QVERIFY(DatasetReport::text(*dataset).contains(QStringLiteral("(4, 3)")));
}

QTEST_APPLESS_MAIN(TestArrayDataset)
#include "tst_arraydataset.moc"
