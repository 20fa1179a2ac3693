// Shape inference against real Keras configs: the speaker-ID seed model, every
// keras-js per-layer case and the model configs inside the Keras fixture files.

#include "core/model/kerasconfigparser.h"
#include "core/model/shapeinference.h"
#include "tests/common/testdata.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using namespace graft;

namespace {

using graft::testing::dataPath;

QJsonObject readJsonObject(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

Shape shapeFromArray(const QJsonArray &a, bool dropBatch)
{
    Shape s;
    for (int i = dropBatch ? 1 : 0; i < a.size(); ++i)
        s.push_back(a.at(i).isDouble() ? std::int64_t(a.at(i).toDouble()) : -1);
    return s;
}

QJsonArray intArray(std::initializer_list<int> values)
{
    QJsonArray a;
    for (int v : values)
        a.append(v);
    return a;
}

/** One Keras 2 functional-model layer entry, called on `input`. */
QJsonObject layerEntry(const QString &className, const QString &name, QJsonObject config, const QString &input)
{
    config.insert(QStringLiteral("name"), name);
    config.insert(QStringLiteral("trainable"), true);
    config.insert(QStringLiteral("dtype"), QStringLiteral("float32"));
    QJsonArray node;
    node.append(QJsonArray{input, 0, 0, QJsonObject()});
    return QJsonObject{{QStringLiteral("class_name"), className},
                       {QStringLiteral("name"), name},
                       {QStringLiteral("config"), config},
                       {QStringLiteral("inbound_nodes"), QJsonArray{node}}};
}

/** The speaker-ID architecture of fixtures/seed/createModel.py, as TF 2.x Keras writes its config. */
QJsonObject speakerIdModelConfig(const Shape &input, int classes)
{
    QJsonArray layers;
    QJsonArray batchShape{QJsonValue::Null};
    for (std::int64_t d : input)
        batchShape.append(qint64(d));
    layers.append(
        QJsonObject{{QStringLiteral("class_name"), QStringLiteral("InputLayer")},
                    {QStringLiteral("name"), QStringLiteral("input_1")},
                    {QStringLiteral("config"), QJsonObject{{QStringLiteral("batch_input_shape"), batchShape},
                                                           {QStringLiteral("dtype"), QStringLiteral("float32")},
                                                           {QStringLiteral("sparse"), false},
                                                           {QStringLiteral("name"), QStringLiteral("input_1")}}},
                    {QStringLiteral("inbound_nodes"), QJsonArray()}});
    QString previous = QStringLiteral("input_1");
    int convIndex = 0, poolIndex = 0, dropoutIndex = 0, denseIndex = 0;
    auto suffixed = [](const QString &base, int index) {
        return index == 0 ? base : QStringLiteral("%1_%2").arg(base).arg(index);
    };
    auto add = [&](const QString &className, const QString &name, const QJsonObject &config) {
        layers.append(layerEntry(className, name, config, previous));
        previous = name;
    };
    auto conv = [&](int filters, int kernel) {
        add(QStringLiteral("Conv2D"), suffixed(QStringLiteral("conv2d"), convIndex++),
            QJsonObject{{QStringLiteral("filters"), filters},
                        {QStringLiteral("kernel_size"), intArray({kernel, kernel})},
                        {QStringLiteral("strides"), intArray({3, 3})},
                        {QStringLiteral("padding"), QStringLiteral("same")},
                        {QStringLiteral("data_format"), QStringLiteral("channels_last")},
                        {QStringLiteral("dilation_rate"), intArray({1, 1})},
                        {QStringLiteral("groups"), 1},
                        {QStringLiteral("activation"), QStringLiteral("relu")},
                        {QStringLiteral("use_bias"), true}});
    };
    auto pool = [&]() {
        add(QStringLiteral("MaxPooling2D"), suffixed(QStringLiteral("max_pooling2d"), poolIndex++),
            QJsonObject{{QStringLiteral("pool_size"), intArray({3, 3})},
                        {QStringLiteral("padding"), QStringLiteral("same")},
                        {QStringLiteral("strides"), intArray({3, 3})},
                        {QStringLiteral("data_format"), QStringLiteral("channels_last")}});
    };
    auto dropout = [&](double rate) {
        add(QStringLiteral("Dropout"), suffixed(QStringLiteral("dropout"), dropoutIndex++),
            QJsonObject{{QStringLiteral("rate"), rate},
                        {QStringLiteral("noise_shape"), QJsonValue::Null},
                        {QStringLiteral("seed"), QJsonValue::Null}});
    };
    auto dense = [&](int units, const QString &activation) {
        add(QStringLiteral("Dense"), suffixed(QStringLiteral("dense"), denseIndex++),
            QJsonObject{{QStringLiteral("units"), units},
                        {QStringLiteral("activation"), activation},
                        {QStringLiteral("use_bias"), true}});
    };
    for (int filters : {32, 64, 128}) {
        const int kernel = filters == 32 ? 5 : 3;
        conv(filters, kernel);
        conv(filters, kernel);
        pool();
        dropout(0.3);
    }
    add(QStringLiteral("Flatten"), QStringLiteral("flatten"),
        QJsonObject{{QStringLiteral("data_format"), QStringLiteral("channels_last")}});
    dense(256, QStringLiteral("relu"));
    dropout(0.2);
    dense(128, QStringLiteral("relu"));
    dropout(0.2);
    dense(classes, QStringLiteral("softmax"));
    const QJsonObject config{{QStringLiteral("name"), QStringLiteral("model")},
                             {QStringLiteral("layers"), layers},
                             {QStringLiteral("input_layers"), QJsonArray{QJsonArray{QStringLiteral("input_1"), 0, 0}}},
                             {QStringLiteral("output_layers"), QJsonArray{QJsonArray{previous, 0, 0}}}};
    return QJsonObject{{QStringLiteral("class_name"), QStringLiteral("Functional")},
                       {QStringLiteral("config"), config}};
}

/** keras-js full weight names ("bidirectional_1/forward_lstm_1/kernel:0") as Graft short names. */
QString shortWeightName(QString full)
{
    full.remove(QRegularExpression(QStringLiteral(":\\d+$")));
    full = full.section(QLatin1Char('/'), 1);
    full.replace(QRegularExpression(QStringLiteral("^forward_[^/]+/")), QStringLiteral("forward/"));
    full.replace(QRegularExpression(QStringLiteral("^backward_[^/]+/")), QStringLiteral("backward/"));
    return full;
}

Expected<QByteArray> h5ModelConfig(const QString &path)
{
    QProcess process;
    process.start(QStringLiteral("/usr/bin/python3"),
                  {QStringLiteral(GRAFT_SOURCE_DIR "/tests/core/model/h5_model_config.py"), path});
    if (!process.waitForFinished(120000))
        return makeError(QStringLiteral("python3 did not finish: %1").arg(process.errorString()));
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return makeError(QStringLiteral("reading model_config of %1 failed: %2")
                             .arg(path, QString::fromUtf8(process.readAllStandardError())));
    return process.readAllStandardOutput();
}

QString issuesText(const ShapeInferenceReport &report)
{
    return report.issues.join(QStringLiteral("\n"));
}

} // namespace

class TestShapeInference final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void speakerIdSeedModel();
    void kerasJsCases_data();
    void kerasJsCases();
    void kerasFixtureModels_data();
    void kerasFixtureModels();
};

void TestShapeInference::speakerIdSeedModel()
{
    const QJsonObject expected = readJsonObject(dataPath(QStringLiteral("seed/EXPECTED.json")));
    QVERIFY2(!expected.isEmpty(), "seed/EXPECTED.json is missing or not JSON");
    const Shape input = shapeFromArray(expected.value(QStringLiteral("input_shape")).toArray(), false);
    const QJsonArray expectedLayers = expected.value(QStringLiteral("layers")).toArray();
    const QJsonArray lastLayer = expectedLayers.last().toArray();
    const int classes = lastLayer.at(2).toArray().last().toInt();

    auto model = KerasConfigParser::parse(speakerIdModelConfig(input, classes));
    QVERIFY2(model, qPrintable(model.errorString()));
    auto report = ShapeInference::run(*model);
    QVERIFY2(report, qPrintable(report.errorString()));
    QVERIFY2(report->complete(), qPrintable(issuesText(*report)));

    QCOMPARE(model->layers.size(), expectedLayers.size());
    for (int i = 0; i < expectedLayers.size(); ++i) {
        const QJsonArray row = expectedLayers.at(i).toArray();
        const Layer &layer = model->layers.at(i);
        QCOMPARE(layer.name, row.at(0).toString());
        QCOMPARE(layer.className, row.at(1).toString());
        QCOMPARE(layer.outputShapes.size(), 1);
        QCOMPARE(shapeToString(layer.outputShapes.front()), shapeToString(shapeFromArray(row.at(2).toArray(), false)));
        QCOMPARE(layer.params().total, qint64(row.at(3).toDouble()));
    }
    const ParamCount total = model->params();
    QCOMPARE(total.total, qint64(expected.value(QStringLiteral("total_params")).toDouble()));
    QCOMPARE(total.trainable, qint64(expected.value(QStringLiteral("trainable_params")).toDouble()));
    QCOMPARE(total.nonTrainable, qint64(expected.value(QStringLiteral("non_trainable_params")).toDouble()));
    QCOMPARE(total.total, qint64(374408));
}

void TestShapeInference::kerasJsCases_data()
{
    QTest::addColumn<QString>("casePath");
    const QDir dir(dataPath(QStringLiteral("keras-js")));
    const QStringList folders = dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString &folder : folders)
        if (QFile::exists(dir.filePath(folder + QStringLiteral("/case.json"))))
            QTest::newRow(qPrintable(folder)) << dir.filePath(folder + QStringLiteral("/case.json"));
    if (folders.size() < 90)
        QFAIL(qPrintable(
            QStringLiteral("expected ~97 keras-js cases in %1, found %2").arg(dir.path()).arg(folders.size())));
}

void TestShapeInference::kerasJsCases()
{
    QFETCH(QString, casePath);
    const QJsonObject testCase = readJsonObject(casePath);
    QVERIFY2(testCase.value(QStringLiteral("model_config")).isObject(), "case.json has no model_config");
    auto model = KerasConfigParser::parse(testCase.value(QStringLiteral("model_config")).toObject());
    QVERIFY2(model, qPrintable(model.errorString()));
    const Shape input = shapeFromArray(testCase.value(QStringLiteral("input_shape")).toArray(), true);
    QCOMPARE(model->inputs.size(), 1);
    QCOMPARE(shapeToString(model->inputs.front().shape), shapeToString(input));

    auto report = ShapeInference::run(*model);
    QVERIFY2(report, qPrintable(report.errorString()));
    QVERIFY2(report->complete(), qPrintable(issuesText(*report)));
    QVERIFY(report->outputsKnown);
    QCOMPARE(report->modelOutputShapes.size(), 1);
    QCOMPARE(shapeToString(report->modelOutputShapes.front()),
             shapeToString(shapeFromArray(testCase.value(QStringLiteral("expected_shape")).toArray(), true)));

    QStringList actual, expected;
    for (const Layer &layer : model->layers)
        for (const WeightSpec &w : layer.expectedWeights)
            actual << w.name + shapeToString(w.shape, false);
    for (const QJsonValue &w : testCase.value(QStringLiteral("weights")).toArray())
        expected << shortWeightName(w.toObject().value(QStringLiteral("name")).toString())
                        + shapeToString(shapeFromArray(w.toObject().value(QStringLiteral("shape")).toArray(), false),
                                        false);
    QCOMPARE(actual.join(QStringLiteral(" ")), expected.join(QStringLiteral(" ")));
}

void TestShapeInference::kerasFixtureModels_data()
{
    QTest::addColumn<QString>("configSource"); // an .h5 file (model_config attribute) or a .json file
    QTest::addColumn<QString>("expectedKey");  // the entry of keras/EXPECTED.json with the per-layer counts
    const QJsonObject expected = readJsonObject(dataPath(QStringLiteral("keras/EXPECTED.json")));
    if (expected.isEmpty())
        QFAIL("keras/EXPECTED.json is missing or not JSON");
    for (auto it = expected.begin(); it != expected.end(); ++it)
        if (it.value().toObject().value(QStringLiteral("format")).toString() == QLatin1String("keras2-h5-full"))
            QTest::newRow(qPrintable(it.key())) << dataPath(QStringLiteral("keras/") + it.key()) << it.key();
    const QStringList jsonFiles = {QStringLiteral("lstm_model.json"), QStringLiteral("gru_model.json"),
                                   QStringLiteral("conv1d_1layer.json"), QStringLiteral("conv2d_1layer.json")};
    const QStringList keys = {QStringLiteral("keras2/lstm_model_weights.h5"),
                              QStringLiteral("keras2/gru_model_weights.h5"), QStringLiteral("keras2/conv1d_1layer.h5"),
                              QStringLiteral("keras2/conv2d_1layer.h5")};
    for (int i = 0; i < jsonFiles.size(); ++i)
        QTest::newRow(qPrintable(QStringLiteral("keras2/") + jsonFiles[i]))
            << dataPath(QStringLiteral("keras/keras2/") + jsonFiles[i]) << keys[i];
}

void TestShapeInference::kerasFixtureModels()
{
    QFETCH(QString, configSource);
    QFETCH(QString, expectedKey);
    GRAFT_REQUIRE_PATH(configSource);
    QByteArray json;
    if (configSource.endsWith(QLatin1String(".json"))) {
        QFile file(configSource);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(configSource));
        json = file.readAll();
    } else {
        if (!QFile::exists(QStringLiteral("/usr/bin/python3")))
            QSKIP("/usr/bin/python3 (with h5py) is needed to read model_config from HDF5 fixtures");
        auto text = h5ModelConfig(configSource);
        QVERIFY2(text, qPrintable(text.errorString()));
        json = *text;
    }
    auto model = KerasConfigParser::parse(json, configSource);
    QVERIFY2(model, qPrintable(model.errorString()));
    auto report = ShapeInference::run(*model);
    QVERIFY2(report, qPrintable(report.errorString()));
    QVERIFY2(report->complete(), qPrintable(issuesText(*report)));

    const QJsonObject expected =
        readJsonObject(dataPath(QStringLiteral("keras/EXPECTED.json"))).value(expectedKey).toObject();
    for (const QJsonValue &v : expected.value(QStringLiteral("layers")).toArray()) {
        const QJsonObject row = v.toObject();
        const QString name = row.value(QStringLiteral("name")).toString();
        const Layer *layer = model->layer(name);
        QVERIFY2(layer, qPrintable(QStringLiteral("layer %1 of EXPECTED.json is not in the parsed model").arg(name)));
        const ParamCount p = layer->params();
        QCOMPARE(p.total, qint64(row.value(QStringLiteral("params")).toDouble()));
        QCOMPARE(p.trainable, qint64(row.value(QStringLiteral("trainable")).toDouble()));
        QCOMPARE(p.nonTrainable, qint64(row.value(QStringLiteral("non_trainable")).toDouble()));
    }
    const ParamCount total = model->params();
    QCOMPARE(total.total, qint64(expected.value(QStringLiteral("total")).toDouble()));
    QCOMPARE(total.trainable, qint64(expected.value(QStringLiteral("trainable")).toDouble()));
    QCOMPARE(total.nonTrainable, qint64(expected.value(QStringLiteral("non_trainable")).toDouble()));
}

GRAFT_TEST_APPLESS_MAIN(TestShapeInference)
#include "tst_shapeinference.moc"
