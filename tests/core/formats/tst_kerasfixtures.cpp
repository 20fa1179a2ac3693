// Every real Keras file in the shared fixtures loads, and its per-layer and total
// parameter counts equal what model.summary() reports (fixtures/keras/EXPECTED.json).

#include "core/formats/kerasfileloader.h"
#include "tests/common/testdata.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace graft;

class TestKerasFixtures : public QObject
{
    Q_OBJECT

private:
    static QString fixtures() { return graft::testing::dataPath(QStringLiteral("keras")); }
    /** A fixture file in the repository's tests/data/keras, or in the shared fixtures (files without a licence). */
    static QString file(const QString &relativePath)
    {
        return graft::testing::dataPath(QStringLiteral("keras/") + relativePath);
    }
    static QJsonObject expected()
    {
        QFile file(fixtures() + QStringLiteral("/EXPECTED.json"));
        if (!file.open(QIODevice::ReadOnly))
            return {};
        return QJsonDocument::fromJson(file.readAll()).object();
    }

private Q_SLOTS:
    void everyFixtureIsListed()
    {
        // A new fixture file must come with expectations, or this test silently covers less.
        const QJsonObject all = expected();
        QVERIFY2(!all.isEmpty(), "EXPECTED.json missing or empty");
        QDir dir(fixtures());
        for (const QString &sub : {QStringLiteral("keras2"), QStringLiteral("keras3")}) {
            const QStringList files =
                QDir(dir.filePath(sub))
                    .entryList({QStringLiteral("*.h5"), QStringLiteral("*.keras"), QStringLiteral("*.hdf5")},
                               QDir::Files);
            for (const QString &f : files)
                QVERIFY2(all.contains(sub + QLatin1Char('/') + f), qPrintable(sub + QLatin1Char('/') + f));
        }
    }

    void parameterCounts_data()
    {
        QTest::addColumn<QString>("relativePath");
        const QJsonObject all = expected();
        for (auto it = all.begin(); it != all.end(); ++it)
            QTest::newRow(qPrintable(it.key())) << it.key();
    }

    void parameterCounts()
    {
        QFETCH(QString, relativePath);
        GRAFT_REQUIRE_PATH(file(relativePath));
        const QJsonObject want = expected().value(relativePath).toObject();
        const auto loaded = KerasFileLoader::load(file(relativePath));
        QVERIFY2(loaded.hasValue(), qPrintable(loaded.errorString()));
        QCOMPARE(loaded->format, want.value(QStringLiteral("format")).toString());
        if (want.value(QStringLiteral("keras_version")).isString())
            QCOMPARE(loaded->kerasVersion, want.value(QStringLiteral("keras_version")).toString());

        const QJsonArray layers = want.value(QStringLiteral("layers")).toArray();
        QCOMPARE(loaded->model.layers.size(), layers.size());
        for (int i = 0; i < layers.size(); ++i) {
            const QJsonObject w = layers.at(i).toObject();
            const Layer &layer = loaded->model.layers.at(i);
            if (w.contains(QStringLiteral("path")))
                QCOMPARE(layer.keras3Path, w.value(QStringLiteral("path")).toString());
            QCOMPARE(layer.name, w.value(QStringLiteral("name")).toString());
            const ParamCount p = layer.params();
            QCOMPARE(qint64(p.total), qint64(w.value(QStringLiteral("params")).toDouble()));
            QCOMPARE(qint64(p.trainable), qint64(w.value(QStringLiteral("trainable")).toDouble()));
            QCOMPARE(qint64(p.nonTrainable), qint64(w.value(QStringLiteral("non_trainable")).toDouble()));
        }
        const ParamCount total = loaded->params();
        QCOMPARE(qint64(total.total), qint64(want.value(QStringLiteral("total")).toDouble()));
        QCOMPARE(qint64(total.trainable), qint64(want.value(QStringLiteral("trainable")).toDouble()));
        QCOMPARE(qint64(total.nonTrainable), qint64(want.value(QStringLiteral("non_trainable")).toDouble()));
    }

    void fullModelsMatchEveryWeight_data()
    {
        QTest::addColumn<QString>("relativePath");
        const QJsonObject all = expected();
        for (auto it = all.begin(); it != all.end(); ++it)
            if (it.value().toObject().value(QStringLiteral("format")).toString() == QLatin1String("keras2-h5-full"))
                QTest::newRow(qPrintable(it.key())) << it.key();
    }

    void fullModelsMatchEveryWeight()
    {
        // A full model's own config and weights must agree with no warning at all.
        QFETCH(QString, relativePath);
        GRAFT_REQUIRE_PATH(file(relativePath));
        const auto loaded = KerasFileLoader::load(file(relativePath));
        QVERIFY2(loaded.hasValue(), qPrintable(loaded.errorString()));
        QVERIFY(loaded->hasArchitecture);
        QVERIFY2(loaded->warnings.isEmpty(), qPrintable(loaded->warnings.join(QLatin1Char('\n'))));
        for (const Layer &layer : loaded->model.layers) {
            QVERIFY2(layer.supported, qPrintable(layer.name));
            QCOMPARE(layer.weights.size(), layer.expectedWeights.size());
        }
    }

    void qkerasLayersAreReportedUnsupported()
    {
        GRAFT_REQUIRE_PATH(file(QStringLiteral("keras2/qkeras_mnist_cnn_weights.h5")));
        const auto loaded = KerasFileLoader::load(file(QStringLiteral("keras2/qkeras_mnist_cnn_weights.h5")));
        QVERIFY2(loaded.hasValue(), qPrintable(loaded.errorString()));
        QStringList unsupported;
        for (const Layer &layer : loaded->model.layers)
            if (!layer.supported)
                unsupported << layer.className;
        QCOMPARE(unsupported, (QStringList{"QConv2D", "QActivation", "QConv2D", "QActivation", "QDense"}));
        QVERIFY(loaded->warnings.join(QLatin1Char(' ')).contains(QLatin1String("QConv2D")));
    }

    void formatIsDetectedFromContentNotExtension()
    {
        const QString path = fixtures() + QStringLiteral("/keras2/hdf5_named_dot_keras.keras");
        QCOMPARE(KerasFileLoader::detectContainer(path), KerasFileLoader::Container::Hdf5);
        QCOMPARE(KerasFileLoader::detectContainer(fixtures() + QStringLiteral("/keras3/nested_container.keras")),
                 KerasFileLoader::Container::Zip);
    }

    void architectureFromBesideJson()
    {
        // conv1d_1layer_weights.h5 is weights-only; with conv1d_1layer.json given, shapes are known.
        LoadOptions options;
        options.architectureJsonPath = fixtures() + QStringLiteral("/keras2/conv1d_1layer.json");
        const auto loaded =
            KerasFileLoader::load(fixtures() + QStringLiteral("/keras2/conv1d_1layer_weights.h5"), options);
        QVERIFY2(loaded.hasValue(), qPrintable(loaded.errorString()));
        QVERIFY(loaded->hasArchitecture);
        QVERIFY2(loaded->warnings.isEmpty(), qPrintable(loaded->warnings.join(QLatin1Char('\n'))));
        const Layer &last = loaded->model.layers.back();
        QVERIFY(!last.outputShapes.isEmpty());
        QVERIFY(last.hasWeights());
    }

    void missingArchitectureIsSaid()
    {
        const auto loaded = KerasFileLoader::load(fixtures() + QStringLiteral("/keras2/conv2d_model_weights.h5"));
        QVERIFY2(loaded.hasValue(), qPrintable(loaded.errorString()));
        QVERIFY(!loaded->hasArchitecture);
        QVERIFY(loaded->warnings.join(QLatin1Char(' ')).contains(QLatin1String("without an architecture")));
    }

    void badFilesGiveMessagesNamingTheFile_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("phrase");
        QTest::newRow("empty") << QByteArray() << "is empty";
        QTest::newRow("text") << QByteArray("hello world, not a model") << "neither an HDF5 file nor a zip";
        QTest::newRow("truncated hdf5") << QByteArray("\x89HDF\r\n\x1a\n\0\0\0\0", 12) << "cannot be opened";
        QTest::newRow("zip without config") << QByteArray("PK\x05\x06" + QByteArray(18, '\0')) << "no config.json";
    }

    void badFilesGiveMessagesNamingTheFile()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, phrase);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad model.h5"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
        file.close();
        const auto loaded = KerasFileLoader::load(path);
        QVERIFY(!loaded.hasValue());
        QVERIFY2(loaded.errorString().contains(path), qPrintable(loaded.errorString()));
        QVERIFY2(loaded.errorString().contains(phrase), qPrintable(loaded.errorString()));
    }
};

GRAFT_TEST_APPLESS_MAIN(TestKerasFixtures)
#include "tst_kerasfixtures.moc"
