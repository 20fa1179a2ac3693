#include "core/engine/inferencemodel.h"
#include "core/formats/kerasfileloader.h"
#include "core/model/kerasconfigparser.h"

#include "enginetesthelpers.h"

#include <QJsonArray>
#include <QtTest>

using namespace graft;
using namespace graft::testing;

namespace {

QJsonObject kerasTensor(const QJsonArray &history)
{
    return QJsonObject{
        {"class_name", "__keras_tensor__"},
        {"config", QJsonObject{{"shape", QJsonArray()},
                               {"dtype", "float32"},
                               {"keras_history", QJsonArray{history.at(0), history.at(1), history.at(2)}}}}};
}

/** Rewrites initializer/regularizer objects the way Keras 3 serializes them. */
QJsonValue keras3Object(const QJsonValue &v, const QString &module)
{
    if (!v.isObject() || !v.toObject().contains("class_name"))
        return v;
    QJsonObject o = v.toObject();
    o.insert("module", module);
    o.insert("registered_name", QJsonValue());
    return o;
}

QJsonObject keras3LayerConfig(const QString &className, QJsonObject config)
{
    config.remove("batch_input_shape");
    config.remove("input_dim");
    if (className == "Embedding") {
        config.remove("input_length");
    }
    config.insert("dtype", QJsonObject{{"module", "keras"},
                                       {"class_name", "DTypePolicy"},
                                       {"config", QJsonObject{{"name", "float32"}}},
                                       {"registered_name", QJsonValue()}});
    for (const QString &key : config.keys())
        if (key.endsWith("_initializer") || key.endsWith("_regularizer") || key.endsWith("_constraint"))
            config.insert(key, keras3Object(config.value(key), "keras.initializers"));
    if (className == "LeakyReLU" && config.contains("alpha"))
        config.insert("negative_slope", config.take("alpha"));
    if (className == "GRU" && !config.contains("reset_after"))
        config.insert("reset_after", false); // Keras 2.1 GRUs are the classic form; Keras 3 must say so
    if (className == "Bidirectional" || className == "TimeDistributed") {
        QJsonObject inner = config.value("layer").toObject();
        const QString innerClass = inner.value("class_name").toString();
        QJsonObject innerConfig = inner.value("config").toObject();
        if (innerClass == "Dense" || className == "TimeDistributed")
            innerConfig.remove("input_dim");
        config.insert("layer", QJsonObject{{"module", "keras.layers"},
                                           {"class_name", innerClass},
                                           {"config", keras3LayerConfig(innerClass, innerConfig)},
                                           {"registered_name", QJsonValue()}});
    }
    return config;
}

/** A Keras 2 functional model config re-spelled as Keras 3 writes it. */
QJsonObject toKeras3(const QJsonObject &keras2)
{
    const QJsonObject config2 = keras2.value("config").toObject();
    QJsonArray layers;
    for (const QJsonValue &lv : config2.value("layers").toArray()) {
        const QJsonObject l = lv.toObject();
        const QString cls = l.value("class_name").toString();
        QJsonObject config = l.value("config").toObject();
        QJsonArray nodes;
        if (cls == "InputLayer") {
            config = QJsonObject{{"batch_shape", config.value("batch_input_shape")},
                                 {"dtype", "float32"},
                                 {"sparse", false},
                                 {"name", l.value("name")}};
        } else {
            config = keras3LayerConfig(cls, config);
            for (const QJsonValue &nv : l.value("inbound_nodes").toArray()) {
                const QJsonArray node = nv.toArray();
                QJsonArray tensors;
                for (const QJsonValue &ref : node)
                    tensors.append(kerasTensor(ref.toArray()));
                // Merge layers take one list argument; others one tensor.
                nodes.append(
                    QJsonObject{{"args", node.size() > 1 ? QJsonArray{tensors} : tensors}, {"kwargs", QJsonObject()}});
            }
        }
        layers.append(QJsonObject{{"module", "keras.layers"},
                                  {"class_name", cls},
                                  {"config", config},
                                  {"registered_name", QJsonValue()},
                                  {"name", l.value("name")},
                                  {"inbound_nodes", nodes}});
    }
    const QJsonArray outputs = config2.value("output_layers").toArray();
    return QJsonObject{
        {"module", "keras.src.models.functional"},
        {"class_name", "Functional"},
        {"registered_name", "Functional"},
        {"config", QJsonObject{{"name", config2.value("name")},
                               {"trainable", true},
                               {"layers", layers},
                               {"input_layers", config2.value("input_layers")},
                               // Keras 3 writes a single output flat
                               {"output_layers", outputs.size() == 1 ? outputs.at(0) : QJsonValue(outputs)}}}};
}

} // namespace

/**
 * The same architecture and weights, saved with Keras 2 and Keras 3 spellings,
 * must predict the same: each keras-js case's model re-spelled as Keras 3
 * (inbound nodes as __keras_tensor__ args, batch_shape, DTypePolicy, negative_slope).
 */
class TestKeras2Vs3 final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void samePredictions_data()
    {
        QTest::addColumn<QString>("folder");
        const QJsonArray cases = readJson(fixturePath("keras-js/MANIFEST.json")).value("cases").toArray();
        int rows = 0;
        for (const QJsonValue &v : cases) {
            const QString folder = v.toObject().value("folder").toString();
            const QJsonObject c = readJson(fixturePath("keras-js/" + folder + "/case.json"));
            // Keras 3 redefined hard_sigmoid (relu6(x + 3) / 6): those models really differ.
            if (QJsonDocument(c.value("model_config").toObject()).toJson().contains("hard_sigmoid"))
                continue;
            if (c.value("predict_calls").toInt(1) != 1)
                continue;
            QTest::newRow(qPrintable(folder)) << folder;
            ++rows;
        }
        QVERIFY(rows >= 60);
    }

    void samePredictions()
    {
        QFETCH(QString, folder);
        const QString dir = fixturePath("keras-js/" + folder);
        auto loaded = KerasFileLoader::load(dir + "/model.h5");
        QVERIFY2(loaded, qPrintable(loaded.errorString()));
        const QJsonObject keras2 = readJson(dir + "/case.json").value("model_config").toObject();
        auto spec3 = KerasConfigParser::parse(toKeras3(keras2));
        QVERIFY2(spec3, qPrintable(spec3.errorString()));
        QCOMPARE(spec3->layers.size(), loaded->model.layers.size());
        for (Layer &layer : spec3->layers) {
            const Layer *source = loaded->model.layer(layer.name);
            QVERIFY(source);
            layer.weights = source->weights;
        }
        auto model2 = InferenceModel::build(*loaded);
        QVERIFY2(model2, qPrintable(model2.errorString()));
        auto model3 = InferenceModel::build(*spec3, EngineOptions::forKerasVersion("3.3.3"));
        QVERIFY2(model3, qPrintable(model3.errorString()));
        auto input = readNpy(dir + "/input.npy");
        QVERIFY2(input, qPrintable(input.errorString()));
        auto y2 = model2->predict({*input});
        auto y3 = model3->predict({*input});
        QVERIFY2(y2 && y3, qPrintable(y2.errorString() + y3.errorString()));
        QCOMPARE(maxAbsError(y2->front(), y3->front()), 0.0);
        auto expected = readNpy(dir + "/expected.npy");
        QVERIFY(maxAbsError(y3->front(), *expected) <= 1e-4);
    }

    void hardSigmoidModelsDifferUnderKeras3()
    {
        // LSTM.0 uses recurrent_activation='hard_sigmoid': read as Keras 3 it must not match Keras 2.1.2.
        const QString dir = fixturePath("keras-js/LSTM.0");
        auto loaded = KerasFileLoader::load(dir + "/model.h5");
        QVERIFY2(loaded, qPrintable(loaded.errorString()));
        auto keras3 = InferenceModel::build(loaded->model, EngineOptions::forKerasVersion("3.0.0"));
        QVERIFY2(keras3, qPrintable(keras3.errorString()));
        auto input = readNpy(dir + "/input.npy");
        auto expected = readNpy(dir + "/expected.npy");
        auto y = keras3->predict({*input});
        QVERIFY2(y, qPrintable(y.errorString()));
        QVERIFY(maxAbsError(y->front(), *expected) > 1e-3);
    }
};

QTEST_APPLESS_MAIN(TestKeras2Vs3)
#include "tst_keras2vs3.moc"
