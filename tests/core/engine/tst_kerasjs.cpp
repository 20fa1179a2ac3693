#include "core/engine/inferencemodel.h"
#include "core/formats/kerasfileloader.h"

#include "enginetesthelpers.h"

#include <QDir>
#include <QJsonArray>
#include <QtTest>

using namespace graft;
using namespace graft::testing;

/**
 * Every keras-js per-layer case (outputs computed by Keras 2.1.2): Graft loads
 * model.h5, predicts on input.npy (twice for stateful cases) and must match
 * expected.npy to 1e-4.
 */
class TestKerasJs final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesKeras_data()
    {
        QTest::addColumn<QString>("folder");
        QTest::addColumn<int>("predictCalls");
        const QJsonObject manifest = readJson(fixturePath(QStringLiteral("keras-js/MANIFEST.json")));
        const QJsonArray cases = manifest.value(QStringLiteral("cases")).toArray();
        QVERIFY2(cases.size() >= 90, "keras-js/MANIFEST.json is missing or lists too few cases");
        for (const QJsonValue &v : cases) {
            const QJsonObject c = v.toObject();
            const QString folder = c.value(QStringLiteral("folder")).toString();
            QTest::newRow(qPrintable(folder)) << folder << c.value(QStringLiteral("predict_calls")).toInt(1);
        }
    }

    void matchesKeras()
    {
        QFETCH(QString, folder);
        QFETCH(int, predictCalls);
        const QString dir = fixturePath(QStringLiteral("keras-js/") + folder);
        auto loaded = KerasFileLoader::load(dir + QStringLiteral("/model.h5"));
        QVERIFY2(loaded, qPrintable(loaded.errorString()));
        auto model = InferenceModel::build(*loaded);
        QVERIFY2(model, qPrintable(model.errorString()));
        auto input = readNpy(dir + QStringLiteral("/input.npy"));
        QVERIFY2(input, qPrintable(input.errorString()));
        auto expected = readNpy(dir + QStringLiteral("/expected.npy"));
        QVERIFY2(expected, qPrintable(expected.errorString()));

        Expected<std::vector<TensorData>> output = makeError(QStringLiteral("not run"));
        for (int call = 0; call < predictCalls; ++call) {
            output = model->predict({*input}, 32);
            QVERIFY2(output, qPrintable(output.errorString()));
        }
        QCOMPARE(int(output->size()), 1);
        const TensorData &y = output->front();
        QCOMPARE(QString(shapeToString(std::vector<std::int64_t>(y.shape.begin() + 1, y.shape.end()))),
                 QString(shapeToString(std::vector<std::int64_t>(expected->shape.begin() + 1, expected->shape.end()))));
        const double error = maxAbsError(y, *expected);
        qInfo().noquote() << folder << "max abs error" << error;
        QVERIFY2(error <= 1e-4, qPrintable(QStringLiteral("max abs error %1 > 1e-4").arg(error)));
    }
};

QTEST_APPLESS_MAIN(TestKerasJs)
#include "tst_kerasjs.moc"
