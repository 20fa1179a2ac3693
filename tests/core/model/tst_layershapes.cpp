// Per-class shape and weight rules through the whole path (config JSON → parser →
// ShapeInference), and the walker's behaviour on graphs that are not simple chains.
// Expected values are Keras's own (compute_output_shape / build) worked by hand.

#include "core/model/kerasconfigparser.h"
#include "core/model/layershapes.h"
#include "core/model/shapeinference.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace graft;

namespace {

QJsonObject parseObject(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

/** Input shapes written "3,4|5" (one input per '|', "N" = None) as Keras batch shapes. */
QVector<QJsonArray> batchShapes(const QString &text)
{
    QVector<QJsonArray> shapes;
    for (const QString &part : text.split(QLatin1Char('|'))) {
        QJsonArray a{QJsonValue::Null};
        for (const QString &d : part.split(QLatin1Char(','), Qt::SkipEmptyParts))
            a.append(d == QLatin1String("N") ? QJsonValue(QJsonValue::Null) : QJsonValue(d.toInt()));
        shapes << a;
    }
    return shapes;
}

/** A Keras 2 functional model: InputLayers in_0.., then `className` called on all of them. */
QJsonObject singleLayerModel(const QString &className, QJsonObject config, const QString &inputs)
{
    QJsonArray layers, inputLayers, node;
    const QVector<QJsonArray> shapes = batchShapes(inputs);
    for (int i = 0; i < shapes.size(); ++i) {
        const QString name = QStringLiteral("in_%1").arg(i);
        layers.append(
            QJsonObject{{QStringLiteral("class_name"), QStringLiteral("InputLayer")},
                        {QStringLiteral("name"), name},
                        {QStringLiteral("config"),
                         QJsonObject{{QStringLiteral("batch_input_shape"), shapes[i]}, {QStringLiteral("name"), name}}},
                        {QStringLiteral("inbound_nodes"), QJsonArray()}});
        inputLayers.append(QJsonArray{name, 0, 0});
        node.append(QJsonArray{name, 0, 0, QJsonObject()});
    }
    config.insert(QStringLiteral("name"), QStringLiteral("layer_under_test"));
    layers.append(QJsonObject{{QStringLiteral("class_name"), className},
                              {QStringLiteral("name"), QStringLiteral("layer_under_test")},
                              {QStringLiteral("config"), config},
                              {QStringLiteral("inbound_nodes"), QJsonArray{node}}});
    return QJsonObject{
        {QStringLiteral("class_name"), QStringLiteral("Model")},
        {QStringLiteral("config"), QJsonObject{{QStringLiteral("name"), QStringLiteral("m")},
                                               {QStringLiteral("layers"), layers},
                                               {QStringLiteral("input_layers"), inputLayers},
                                               {QStringLiteral("output_layers"),
                                                QJsonArray{QJsonArray{QStringLiteral("layer_under_test"), 0, 0}}}}}};
}

QString shapesText(const QVector<Shape> &shapes)
{
    QStringList parts;
    for (const Shape &s : shapes)
        parts << shapeToString(s);
    return parts.join(QLatin1Char(' '));
}

QString weightsText(const QVector<WeightSpec> &specs)
{
    QStringList parts;
    for (const WeightSpec &w : specs)
        parts << w.name + shapeToString(w.shape, false) + (w.trainable ? QString() : QStringLiteral("*"));
    return parts.join(QLatin1Char(' '));
}

bool anyIssueContains(const Layer &layer, const QString &text)
{
    for (const QString &issue : layer.issues)
        if (issue.contains(text))
            return true;
    return false;
}

} // namespace

class TestLayerShapes final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void convOutputLength_data();
    void convOutputLength();
    void layerRules_data();
    void layerRules();
    void inconsistentConfigs_data();
    void inconsistentConfigs();
    void unknownClassPropagates();
    void sharedLayerCalledTwice();
    void nestedSequentialModel();
    void nestedModelCalledTwice();
    void keras3FunctionalConfig();
    void oldSequentialListConfig();
    void rerunReplacesIssues();
};

void TestLayerShapes::convOutputLength_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("kernel");
    QTest::addColumn<QString>("padding");
    QTest::addColumn<int>("stride");
    QTest::addColumn<int>("dilation");
    QTest::addColumn<int>("expected");
    // same → ceil(n/s); valid → floor((n - (k-1)d - 1)/s) + 1
    QTest::newRow("same 40/3") << 40 << 5 << "same" << 3 << 1 << 14;
    QTest::newRow("same 87/3") << 87 << 5 << "same" << 3 << 1 << 29;
    QTest::newRow("same 1/3") << 1 << 3 << "same" << 3 << 1 << 1;
    QTest::newRow("valid 10 k3") << 10 << 3 << "valid" << 1 << 1 << 8;
    QTest::newRow("valid 10 k3 s2") << 10 << 3 << "valid" << 2 << 1 << 4;
    QTest::newRow("valid 10 k3 d3") << 10 << 3 << "valid" << 1 << 3 << 4;
    QTest::newRow("valid 7 k3 s3") << 7 << 3 << "valid" << 3 << 1 << 2;
    QTest::newRow("causal 10 k3 d2") << 10 << 3 << "causal" << 1 << 2 << 10;
    QTest::newRow("full 5 k3") << 5 << 3 << "full" << 1 << 1 << 7;
    QTest::newRow("unknown stays unknown") << -1 << 3 << "valid" << 1 << 1 << -1;
    QTest::newRow("too small") << 2 << 3 << "valid" << 1 << 1 << 0;
}

void TestLayerShapes::convOutputLength()
{
    QFETCH(int, n);
    QFETCH(int, kernel);
    QFETCH(QString, padding);
    QFETCH(int, stride);
    QFETCH(int, dilation);
    QFETCH(int, expected);
    QCOMPARE(LayerShapes::convOutputLength(n, kernel, padding, stride, dilation), std::int64_t(expected));
}

void TestLayerShapes::layerRules_data()
{
    QTest::addColumn<QString>("className");
    QTest::addColumn<QString>("config");
    QTest::addColumn<QString>("inputs");
    QTest::addColumn<QString>("outputs");
    QTest::addColumn<QString>("weights"); // name(shape), '*' marks intrinsic non-trainable

    QTest::newRow("Dense rank 3") << "Dense"
                                  << R"({"units": 7})"
                                  << "5,3"
                                  << "(None, 5, 7)"
                                  << "kernel(3, 7) bias(7,)";
    QTest::newRow("Dense no bias") << "Dense"
                                   << R"({"units": 2, "use_bias": false})"
                                   << "6"
                                   << "(None, 2)"
                                   << "kernel(6, 2)";
    QTest::newRow("Conv1D causal dilated")
        << "Conv1D"
        << R"({"filters": 4, "kernel_size": 3, "padding": "causal", "dilation_rate": 2})"
        << "10,3"
        << "(None, 10, 4)"
        << "kernel(3, 3, 4) bias(4,)";
    QTest::newRow("Conv1D valid dilated list")
        << "Conv1D"
        << R"({"filters": 4, "kernel_size": [3], "strides": [1], "padding": "valid", "dilation_rate": [2]})"
        << "10,3"
        << "(None, 6, 4)"
        << "kernel(3, 3, 4) bias(4,)";
    QTest::newRow("Conv2D same strided")
        << "Conv2D"
        << R"({"filters": 8, "kernel_size": [3, 3], "strides": [2, 2], "padding": "same"})"
        << "7,9,3"
        << "(None, 4, 5, 8)"
        << "kernel(3, 3, 3, 8) bias(8,)";
    QTest::newRow("Conv2D channels_first")
        << "Conv2D"
        << R"({"filters": 8, "kernel_size": [3, 2], "padding": "valid", "data_format": "channels_first"})"
        << "3,7,9"
        << "(None, 8, 5, 8)"
        << "kernel(3, 2, 3, 8) bias(8,)";
    QTest::newRow("Conv2D groups no bias") << "Conv2D"
                                           << R"({"filters": 6, "kernel_size": 1, "groups": 2, "use_bias": false})"
                                           << "5,5,4"
                                           << "(None, 5, 5, 6)"
                                           << "kernel(1, 1, 2, 6)";
    QTest::newRow("Conv2D unknown spatial") << "Conv2D"
                                            << R"({"filters": 2, "kernel_size": 3, "strides": 2})"
                                            << "N,N,1"
                                            << "(None, None, None, 2)"
                                            << "kernel(3, 3, 1, 2) bias(2,)";
    QTest::newRow("DepthwiseConv2D") << "DepthwiseConv2D"
                                     << R"({"kernel_size": [3, 3], "depth_multiplier": 2})"
                                     << "8,8,3"
                                     << "(None, 6, 6, 6)"
                                     << "depthwise_kernel(3, 3, 3, 2) bias(6,)";
    QTest::newRow("SeparableConv2D") << "SeparableConv2D"
                                     << R"({"filters": 5, "kernel_size": 3, "depth_multiplier": 2, "padding": "same"})"
                                     << "8,8,3"
                                     << "(None, 8, 8, 5)"
                                     << "depthwise_kernel(3, 3, 3, 2) pointwise_kernel(1, 1, 6, 5) bias(5,)";
    // keras.layers.DepthwiseConv1D(3, depth_multiplier=2) (Keras 3) on (9, 3).
    QTest::newRow("DepthwiseConv1D") << "DepthwiseConv1D"
                                     << R"({"kernel_size": [3], "depth_multiplier": 2})"
                                     << "9,3"
                                     << "(None, 7, 6)"
                                     << "depthwise_kernel(3, 3, 2) bias(6,)";
    // keras.layers.SeparableConv1D(4, 3, strides=2, padding="same", depth_multiplier=2) on (9, 3).
    QTest::newRow("SeparableConv1D")
        << "SeparableConv1D"
        << R"({"filters": 4, "kernel_size": [3], "strides": [2], "depth_multiplier": 2, "padding": "same"})"
        << "9,3"
        << "(None, 5, 4)"
        << "depthwise_kernel(3, 3, 2) pointwise_kernel(1, 6, 4) bias(4,)";
    QTest::newRow("MaxPooling2D strides null") << "MaxPooling2D"
                                               << R"({"pool_size": [2, 2], "strides": null})"
                                               << "5,7,3"
                                               << "(None, 2, 3, 3)"
                                               << "";
    QTest::newRow("AveragePooling1D same") << "AveragePooling1D"
                                           << R"({"pool_size": 3, "strides": 2, "padding": "same"})"
                                           << "10,4"
                                           << "(None, 5, 4)"
                                           << "";
    QTest::newRow("MaxPooling2D same keras3")
        << "MaxPooling2D"
        << R"({"pool_size": [3, 3], "strides": [2, 2], "padding": "same", "data_format": "channels_last"})"
        << "40,87,1"
        << "(None, 20, 44, 1)"
        << "";
    QTest::newRow("MaxPooling1D channels_first") << "MaxPooling1D"
                                                 << R"({"pool_size": 2, "data_format": "channels_first"})"
                                                 << "4,9"
                                                 << "(None, 4, 4)"
                                                 << "";
    QTest::newRow("GlobalAveragePooling2D keepdims") << "GlobalAveragePooling2D"
                                                     << R"({"keepdims": true})"
                                                     << "5,6,3"
                                                     << "(None, 1, 1, 3)"
                                                     << "";
    QTest::newRow("GlobalMaxPooling1D channels_first") << "GlobalMaxPooling1D"
                                                       << R"({"data_format": "channels_first"})"
                                                       << "4,10"
                                                       << "(None, 4)"
                                                       << "";
    QTest::newRow("ZeroPadding2D tuple of tuples") << "ZeroPadding2D"
                                                   << R"({"padding": [[1, 2], [3, 4]]})"
                                                   << "5,5,2"
                                                   << "(None, 8, 12, 2)"
                                                   << "";
    QTest::newRow("ZeroPadding2D int") << "ZeroPadding2D"
                                       << R"({"padding": 2})"
                                       << "5,5,2"
                                       << "(None, 9, 9, 2)"
                                       << "";
    QTest::newRow("ZeroPadding2D symmetric pair") << "ZeroPadding2D"
                                                  << R"({"padding": [1, 2]})"
                                                  << "5,5,2"
                                                  << "(None, 7, 9, 2)"
                                                  << "";
    QTest::newRow("ZeroPadding1D pair") << "ZeroPadding1D"
                                        << R"({"padding": [1, 2]})"
                                        << "5,3"
                                        << "(None, 8, 3)"
                                        << "";
    QTest::newRow("Cropping2D") << "Cropping2D"
                                << R"({"cropping": [[1, 1], [2, 0]]})"
                                << "6,7,2"
                                << "(None, 4, 5, 2)"
                                << "";
    QTest::newRow("Cropping1D") << "Cropping1D"
                                << R"({"cropping": [1, 2]})"
                                << "6,3"
                                << "(None, 3, 3)"
                                << "";
    QTest::newRow("UpSampling1D") << "UpSampling1D"
                                  << R"({"size": 3})"
                                  << "4,2"
                                  << "(None, 12, 2)"
                                  << "";
    QTest::newRow("UpSampling2D") << "UpSampling2D"
                                  << R"({"size": [2, 3]})"
                                  << "2,2,1"
                                  << "(None, 4, 6, 1)"
                                  << "";
    QTest::newRow("Flatten") << "Flatten"
                             << "{}"
                             << "3,4,5"
                             << "(None, 60)"
                             << "";
    QTest::newRow("Flatten unknown") << "Flatten"
                                     << "{}"
                                     << "N,4"
                                     << "(None, None)"
                                     << "";
    QTest::newRow("Reshape -1") << "Reshape"
                                << R"({"target_shape": [-1, 4]})"
                                << "3,8"
                                << "(None, 6, 4)"
                                << "";
    QTest::newRow("Reshape unknown input") << "Reshape"
                                           << R"({"target_shape": [2, -1]})"
                                           << "N,4"
                                           << "(None, 2, None)"
                                           << "";
    QTest::newRow("Permute") << "Permute"
                             << R"({"dims": [2, 1, 3]})"
                             << "3,4,5"
                             << "(None, 4, 3, 5)"
                             << "";
    QTest::newRow("RepeatVector") << "RepeatVector"
                                  << R"({"n": 3})"
                                  << "5"
                                  << "(None, 3, 5)"
                                  << "";
    QTest::newRow("BatchNormalization list axes")
        << "BatchNormalization"
        << R"({"axis": [1, 3]})"
        << "4,5,6"
        << "(None, 4, 5, 6)"
        << "gamma(1, 4, 1, 6) beta(1, 4, 1, 6) moving_mean(1, 4, 1, 6)* moving_variance(1, 4, 1, 6)*";
    QTest::newRow("BatchNormalization negative axis no center") << "BatchNormalization"
                                                                << R"({"axis": -2, "center": false})"
                                                                << "4,5,6"
                                                                << "(None, 4, 5, 6)"
                                                                << "gamma(5,) moving_mean(5,)* moving_variance(5,)*";
    QTest::newRow("BatchNormalization axis 1 list") << "BatchNormalization"
                                                    << R"({"axis": [1], "scale": false})"
                                                    << "4,5,6"
                                                    << "(None, 4, 5, 6)"
                                                    << "beta(4,) moving_mean(4,)* moving_variance(4,)*";
    QTest::newRow("LayerNormalization two axes") << "LayerNormalization"
                                                 << R"({"axis": [-2, -1]})"
                                                 << "4,5,6"
                                                 << "(None, 4, 5, 6)"
                                                 << "gamma(5, 6) beta(5, 6)";
    QTest::newRow("LayerNormalization no scale") << "LayerNormalization"
                                                 << R"({"axis": -1, "scale": false})"
                                                 << "4,5"
                                                 << "(None, 4, 5)"
                                                 << "beta(5,)";
    QTest::newRow("Embedding input_length") << "Embedding"
                                            << R"({"input_dim": 100, "output_dim": 8, "input_length": 10})"
                                            << "N"
                                            << "(None, 10, 8)"
                                            << "embeddings(100, 8)";
    QTest::newRow("LSTM sequences and state") << "LSTM"
                                              << R"({"units": 5, "return_sequences": true, "return_state": true})"
                                              << "7,3"
                                              << "(None, 7, 5) (None, 5) (None, 5)"
                                              << "kernel(3, 20) recurrent_kernel(5, 20) bias(20,)";
    QTest::newRow("GRU reset_after") << "GRU"
                                     << R"({"units": 4, "reset_after": true})"
                                     << "6,3"
                                     << "(None, 4)"
                                     << "kernel(3, 12) recurrent_kernel(4, 12) bias(2, 12)";
    QTest::newRow("GRU no bias") << "GRU"
                                 << R"({"units": 4, "reset_after": false, "use_bias": false})"
                                 << "N,3"
                                 << "(None, 4)"
                                 << "kernel(3, 12) recurrent_kernel(4, 12)";
    QTest::newRow("SimpleRNN state") << "SimpleRNN"
                                     << R"({"units": 2, "return_state": true})"
                                     << "6,3"
                                     << "(None, 2) (None, 2)"
                                     << "kernel(3, 2) recurrent_kernel(2, 2) bias(2,)";
    QTest::newRow("CuDNNLSTM") << "CuDNNLSTM"
                               << R"({"units": 4, "return_sequences": true})"
                               << "6,3"
                               << "(None, 6, 4)"
                               << "kernel(3, 16) recurrent_kernel(4, 16) bias(32,)";
    QTest::newRow("CuDNNGRU") << "CuDNNGRU"
                              << R"({"units": 4})"
                              << "6,3"
                              << "(None, 4)"
                              << "kernel(3, 12) recurrent_kernel(4, 12) bias(24,)";
    QTest::newRow("Bidirectional merge None")
        << "Bidirectional"
        << R"({"merge_mode": null, "layer": {"class_name": "LSTM", "config": {"units": 3, "return_sequences": true}}})"
        << "5,2"
        << "(None, 5, 3) (None, 5, 3)"
        << "forward/kernel(2, 12) forward/recurrent_kernel(3, 12) forward/bias(12,) "
           "backward/kernel(2, 12) backward/recurrent_kernel(3, 12) backward/bias(12,)";
    QTest::newRow("Bidirectional sum GRU")
        << "Bidirectional"
        << R"({"merge_mode": "sum", "layer": {"class_name": "GRU", "config": {"units": 3, "reset_after": true}}})"
        << "5,2"
        << "(None, 3)"
        << "forward/kernel(2, 9) forward/recurrent_kernel(3, 9) forward/bias(2, 9) "
           "backward/kernel(2, 9) backward/recurrent_kernel(3, 9) backward/bias(2, 9)";
    QTest::newRow("Bidirectional concat states")
        << "Bidirectional"
        << R"({"merge_mode": "concat", "layer": {"class_name": "LSTM", "config": {"units": 2, "return_state": true}}})"
        << "5,2"
        << "(None, 4) (None, 2) (None, 2) (None, 2) (None, 2)"
        << "forward/kernel(2, 8) forward/recurrent_kernel(2, 8) forward/bias(8,) "
           "backward/kernel(2, 8) backward/recurrent_kernel(2, 8) backward/bias(8,)";
    QTest::newRow("Bidirectional keras3 backward_layer")
        << "Bidirectional"
        << R"({"merge_mode": "concat",
               "layer": {"module": "keras.layers", "class_name": "SimpleRNN", "config": {"units": 2}},
               "backward_layer": {"module": "keras.layers", "class_name": "SimpleRNN", "config": {"units": 3, "go_backwards": true}}})"
        << "5,2"
        << "(None, 5)"
        << "forward/kernel(2, 2) forward/recurrent_kernel(2, 2) forward/bias(2,) "
           "backward/kernel(2, 3) backward/recurrent_kernel(3, 3) backward/bias(3,)";
    QTest::newRow("TimeDistributed Dense") << "TimeDistributed"
                                           << R"({"layer": {"class_name": "Dense", "config": {"units": 4}}})"
                                           << "5,3"
                                           << "(None, 5, 4)"
                                           << "kernel(3, 4) bias(4,)";
    QTest::newRow("TimeDistributed Conv2D")
        << "TimeDistributed"
        << R"({"layer": {"class_name": "Conv2D", "config": {"filters": 2, "kernel_size": 3}}})"
        << "5,8,8,3"
        << "(None, 5, 6, 6, 2)"
        << "kernel(3, 3, 3, 2) bias(2,)";
    QTest::newRow("PReLU shared axes") << "PReLU"
                                       << R"({"shared_axes": [1, 2]})"
                                       << "4,5,3"
                                       << "(None, 4, 5, 3)"
                                       << "alpha(1, 1, 3)";
    QTest::newRow("PReLU unknown shared") << "PReLU"
                                          << R"({"shared_axes": [1]})"
                                          << "N,3"
                                          << "(None, None, 3)"
                                          << "alpha(1, 3)";
    QTest::newRow("Normalization") << "Normalization"
                                   << R"({"axis": -1, "mean": null, "variance": null})"
                                   << "4,3"
                                   << "(None, 4, 3)"
                                   << "mean(3,)* variance(3,)* count()*";
    QTest::newRow("Normalization constants") << "Normalization"
                                             << R"({"axis": -1, "mean": [1, 2, 3], "variance": [1, 1, 1]})"
                                             << "3"
                                             << "(None, 3)"
                                             << "";
    QTest::newRow("Rescaling") << "Rescaling"
                               << R"({"scale": 0.5, "offset": 0})"
                               << "4,4,3"
                               << "(None, 4, 4, 3)"
                               << "";
    QTest::newRow("Activation") << "Activation"
                                << R"({"activation": "relu"})"
                                << "7"
                                << "(None, 7)"
                                << "";
    QTest::newRow("Add broadcast") << "Add"
                                   << "{}"
                                   << "4,1|1,5"
                                   << "(None, 4, 5)"
                                   << "";
    QTest::newRow("Multiply rank broadcast") << "Multiply"
                                             << "{}"
                                             << "3|2,3"
                                             << "(None, 2, 3)"
                                             << "";
    QTest::newRow("Average unknown") << "Average"
                                     << "{}"
                                     << "N,3|4,3"
                                     << "(None, None, 3)"
                                     << "";
    QTest::newRow("Concatenate axis 1") << "Concatenate"
                                        << R"({"axis": 1})"
                                        << "3,4|5,4"
                                        << "(None, 8, 4)"
                                        << "";
    QTest::newRow("Concatenate last") << "Concatenate"
                                      << R"({"axis": -1})"
                                      << "3,4|3,2|3,1"
                                      << "(None, 3, 7)"
                                      << "";
    QTest::newRow("Dot axes pair") << "Dot"
                                   << R"({"axes": [2, 2]})"
                                   << "3,4|5,4"
                                   << "(None, 3, 5)"
                                   << "";
    QTest::newRow("Dot vectors") << "Dot"
                                 << R"({"axes": 1, "normalize": true})"
                                 << "4|4"
                                 << "(None, 1)"
                                 << "";
    QTest::newRow("Dot negative axes") << "Dot"
                                       << R"({"axes": -1})"
                                       << "3,4|5,4"
                                       << "(None, 3, 5)"
                                       << "";
}

void TestLayerShapes::layerRules()
{
    QFETCH(QString, className);
    QFETCH(QString, config);
    QFETCH(QString, inputs);
    QFETCH(QString, outputs);
    QFETCH(QString, weights);
    const QJsonObject configObject = parseObject(config);
    QVERIFY2(!configObject.isEmpty() || config == QLatin1String("{}"), "bad config JSON in the test row");
    auto model = KerasConfigParser::parse(singleLayerModel(className, configObject, inputs));
    QVERIFY2(model, qPrintable(model.errorString()));
    auto report = ShapeInference::run(*model);
    QVERIFY2(report, qPrintable(report.errorString()));
    const Layer *layer = model->layer(QStringLiteral("layer_under_test"));
    QVERIFY(layer);
    const QStringList nonFormatIssues = layer->issues.filter(QStringLiteral("channels_first"), Qt::CaseSensitive);
    QVERIFY2(layer->issues.size() == nonFormatIssues.size(), qPrintable(layer->issues.join(QLatin1Char('\n'))));
    QCOMPARE(shapesText(layer->outputShapes), outputs);
    QCOMPARE(weightsText(layer->expectedWeights), weights);
    if (config.contains(QLatin1String("channels_first")))
        QVERIFY(anyIssueContains(*layer, QStringLiteral("channels_first")));
    QCOMPARE(shapesText(report->modelOutputShapes), shapesText({layer->outputShapes.front()}));
}

void TestLayerShapes::inconsistentConfigs_data()
{
    QTest::addColumn<QString>("className");
    QTest::addColumn<QString>("config");
    QTest::addColumn<QString>("inputs");
    QTest::addColumn<QString>("issue"); // text the layer's issue must contain

    QTest::newRow("Dense unknown input dim") << "Dense"
                                             << R"({"units": 3})"
                                             << "N"
                                             << "(None, None)";
    QTest::newRow("Conv2D too small") << "Conv2D"
                                      << R"({"filters": 2, "kernel_size": 5})"
                                      << "3,3,1"
                                      << "does not fit input shape (None, 3, 3, 1)";
    QTest::newRow("Conv2D wrong rank") << "Conv2D"
                                       << R"({"filters": 2, "kernel_size": 3})"
                                       << "8,1"
                                       << "expects an input of rank 4";
    QTest::newRow("Reshape mismatch") << "Reshape"
                                      << R"({"target_shape": [5, 5]})"
                                      << "3,8"
                                      << "(None, 3, 8) has 24 values";
    QTest::newRow("Concatenate mismatch") << "Concatenate"
                                          << R"({"axis": -1})"
                                          << "3,4|5,4"
                                          << "differ outside";
    QTest::newRow("Add not broadcastable") << "Add"
                                           << "{}"
                                           << "3|4"
                                           << "cannot be broadcast";
    QTest::newRow("Cropping too much") << "Cropping1D"
                                       << R"({"cropping": [3, 3]})"
                                       << "6,2"
                                       << "leaves nothing";
    QTest::newRow("LSTM on a vector") << "LSTM"
                                      << R"({"units": 3})"
                                      << "6"
                                      << "expects a sequence input";
    QTest::newRow("LSTM time_major") << "LSTM"
                                     << R"({"units": 3, "time_major": true})"
                                     << "6,2"
                                     << "time_major";
    QTest::newRow("Permute wrong dims") << "Permute"
                                        << R"({"dims": [1, 1]})"
                                        << "3,4"
                                        << "not a permutation";
}

void TestLayerShapes::inconsistentConfigs()
{
    QFETCH(QString, className);
    QFETCH(QString, config);
    QFETCH(QString, inputs);
    QFETCH(QString, issue);
    auto model = KerasConfigParser::parse(singleLayerModel(className, parseObject(config), inputs));
    QVERIFY2(model, qPrintable(model.errorString()));
    auto report = ShapeInference::run(*model);
    QVERIFY2(report, qPrintable(report.errorString()));
    const Layer *layer = model->layer(QStringLiteral("layer_under_test"));
    QVERIFY2(anyIssueContains(*layer, issue), qPrintable(layer->issues.join(QLatin1Char('\n'))));
    QVERIFY(!report->complete());
    QVERIFY(report->issues.join(QLatin1Char('\n')).contains(QStringLiteral("layer_under_test: ")));
}

void TestLayerShapes::unknownClassPropagates()
{
    auto model =
        KerasConfigParser::parse(QByteArrayLiteral(R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "Dense", "config": {"name": "d0", "units": 4, "batch_input_shape": [null, 3]}},
        {"class_name": "QDense", "config": {"name": "q", "units": 4}},
        {"class_name": "Dense", "config": {"name": "d1", "units": 2}}]}})"),
                                 QStringLiteral("inline"));
    QVERIFY2(model, qPrintable(model.errorString()));
    auto report = ShapeInference::run(*model);
    QVERIFY2(report, qPrintable(report.errorString()));
    QCOMPARE(shapesText(model->layer(QStringLiteral("d0"))->outputShapes), QStringLiteral("(None, 4)"));
    QVERIFY(model->layer(QStringLiteral("q"))->outputShapes.isEmpty());
    QVERIFY(anyIssueContains(*model->layer(QStringLiteral("q")), QStringLiteral("QDense")));
    const Layer *d1 = model->layer(QStringLiteral("d1"));
    QVERIFY(d1->outputShapes.isEmpty());
    QVERIFY(d1->expectedWeights.isEmpty());
    QVERIFY2(anyIssueContains(*d1, QStringLiteral("input shape unknown")),
             qPrintable(d1->issues.join(QLatin1Char('\n'))));
    QVERIFY(!report->outputsKnown);
    QCOMPARE(report->layerCount, 3);
    QCOMPARE(report->inferredLayers, 1);
}

void TestLayerShapes::sharedLayerCalledTwice()
{
    // One Dense applied to two inputs, its second call feeding an Add; a third
    // call on a wider input would need other weights and must be flagged.
    auto model = KerasConfigParser::parse(QByteArrayLiteral(R"({"class_name": "Functional", "config": {"name": "m",
      "layers": [
        {"class_name": "InputLayer", "name": "a", "config": {"name": "a", "batch_input_shape": [null, 4]}, "inbound_nodes": []},
        {"class_name": "InputLayer", "name": "b", "config": {"name": "b", "batch_input_shape": [null, 4]}, "inbound_nodes": []},
        {"class_name": "InputLayer", "name": "c", "config": {"name": "c", "batch_input_shape": [null, 6]}, "inbound_nodes": []},
        {"class_name": "Add", "name": "add", "config": {"name": "add"},
         "inbound_nodes": [[["shared", 0, 0, {}], ["shared", 1, 0, {}]]]},
        {"class_name": "Dense", "name": "shared", "config": {"name": "shared", "units": 3},
         "inbound_nodes": [[["a", 0, 0, {}]], [["b", 0, 0, {}]], [["c", 0, 0, {}]]]}],
      "input_layers": [["a", 0, 0], ["b", 0, 0], ["c", 0, 0]],
      "output_layers": [["add", 0, 0], ["shared", 2, 0]]}})"),
                                          QStringLiteral("inline"));
    QVERIFY2(model, qPrintable(model.errorString()));
    auto report = ShapeInference::run(*model);
    QVERIFY2(report, qPrintable(report.errorString()));
    const Layer *shared = model->layer(QStringLiteral("shared"));
    QCOMPARE(shapesText(shared->outputShapes), QStringLiteral("(None, 3)"));
    QCOMPARE(weightsText(shared->expectedWeights), QStringLiteral("kernel(4, 3) bias(3,)"));
    QCOMPARE(shapesText(model->layer(QStringLiteral("add"))->outputShapes), QStringLiteral("(None, 3)"));
    QVERIFY2(anyIssueContains(*shared, QStringLiteral("call 3 on input shape (None, 6)")),
             qPrintable(shared->issues.join(QLatin1Char('\n'))));
    QCOMPARE(shapesText(report->modelOutputShapes), QStringLiteral("(None, 3) (None, 3)"));
    QCOMPARE(model->params().total, qint64(15));
}

void TestLayerShapes::nestedSequentialModel()
{
    auto model = KerasConfigParser::parse(QByteArrayLiteral(R"({"class_name": "Model", "config": {"name": "outer",
      "layers": [
        {"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_input_shape": [null, 8, 8, 3]}, "inbound_nodes": []},
        {"class_name": "Sequential", "name": "base", "config": {"name": "base", "layers": [
            {"class_name": "Conv2D", "config": {"name": "conv", "filters": 4, "kernel_size": [3, 3], "batch_input_shape": [null, 8, 8, 3]}},
            {"class_name": "BatchNormalization", "config": {"name": "bn", "axis": 3}},
            {"class_name": "GlobalAveragePooling2D", "config": {"name": "gap"}}]},
         "inbound_nodes": [[["x", 0, 0, {}]]]},
        {"class_name": "Dense", "name": "head", "config": {"name": "head", "units": 2}, "inbound_nodes": [[["base", 1, 0, {}]]]}],
      "input_layers": [["x", 0, 0]], "output_layers": [["head", 0, 0]]}})"),
                                          QStringLiteral("inline"));
    QVERIFY2(model, qPrintable(model.errorString()));
    // tf.keras numbers the calls of a model built on an input from 1: ("base", 1, 0) is its first call.
    auto report = ShapeInference::run(*model);
    QVERIFY2(report, qPrintable(report.errorString()));
    QVERIFY2(report->complete(), qPrintable(report->issues.join(QLatin1Char('\n'))));
    const Layer *base = model->layer(QStringLiteral("base"));
    QCOMPARE(shapesText(base->outputShapes), QStringLiteral("(None, 4)"));
    QCOMPARE(shapesText(base->nestedModel->layer(QStringLiteral("conv"))->outputShapes),
             QStringLiteral("(None, 6, 6, 4)"));
    QCOMPARE(base->params().total, qint64(3 * 3 * 3 * 4 + 4 + 4 * 4));
    QCOMPARE(base->params().nonTrainable, qint64(8));
    QCOMPARE(model->params().total, qint64(128 + 10));
    QCOMPARE(report->layerCount, 6);
    QCOMPARE(report->inferredLayers, 6);

    // A reference to a call the config does not have is an issue on the caller, not a crash.
    model->layer(QStringLiteral("head"))->inboundNodes[0].inputs[0].nodeIndex = 3;
    report = ShapeInference::run(*model);
    QVERIFY(anyIssueContains(*model->layer(QStringLiteral("head")), QStringLiteral("input shape unknown")));
}

void TestLayerShapes::nestedModelCalledTwice()
{
    // Siamese tower: one nested Functional applied to two inputs (config nodes 1 and 2).
    auto model =
        KerasConfigParser::parse(QByteArrayLiteral(R"({"class_name": "Functional", "config": {"name": "siamese",
      "layers": [
        {"class_name": "InputLayer", "name": "l", "config": {"name": "l", "batch_input_shape": [null, 10, 3]}, "inbound_nodes": []},
        {"class_name": "InputLayer", "name": "r", "config": {"name": "r", "batch_input_shape": [null, 12, 3]}, "inbound_nodes": []},
        {"class_name": "Functional", "name": "tower", "config": {"name": "tower", "layers": [
            {"class_name": "InputLayer", "name": "t_in", "config": {"name": "t_in", "batch_input_shape": [null, null, 3]}, "inbound_nodes": []},
            {"class_name": "LSTM", "name": "t_lstm", "config": {"name": "t_lstm", "units": 5, "return_sequences": true},
             "inbound_nodes": [[["t_in", 0, 0, {}]]]}],
          "input_layers": [["t_in", 0, 0]], "output_layers": [["t_lstm", 0, 0]]},
         "inbound_nodes": [[["l", 0, 0, {}]], [["r", 0, 0, {}]]]},
        {"class_name": "Concatenate", "name": "cat", "config": {"name": "cat", "axis": 1},
         "inbound_nodes": [[["tower", 1, 0, {}], ["tower", 2, 0, {}]]]}],
      "input_layers": [["l", 0, 0], ["r", 0, 0]], "output_layers": [["cat", 0, 0]]}})"),
                                 QStringLiteral("inline"));
    QVERIFY2(model, qPrintable(model.errorString()));
    auto report = ShapeInference::run(*model);
    QVERIFY2(report, qPrintable(report.errorString()));
    QVERIFY2(report->complete(), qPrintable(report->issues.join(QLatin1Char('\n'))));
    QCOMPARE(configNodeIndexBase(*model, *model->layer(QStringLiteral("tower"))), 1);
    // The first call's shapes stay on the nested layers; the second call ran on a copy.
    QCOMPARE(
        shapesText(model->layer(QStringLiteral("tower"))->nestedModel->layer(QStringLiteral("t_lstm"))->outputShapes),
        QStringLiteral("(None, 10, 5)"));
    QCOMPARE(shapesText(report->modelOutputShapes), QStringLiteral("(None, 22, 5)"));
    QCOMPARE(model->params().total, qint64(4 * (3 * 5 + 5 * 5 + 5)));
}

void TestLayerShapes::keras3FunctionalConfig()
{
    // Keras 3 spelling: batch_shape, args/kwargs nodes with __keras_tensor__, keepdims, null pooling strides.
    auto model = KerasConfigParser::parse(QByteArrayLiteral(R"({"module": "keras", "class_name": "Functional",
      "config": {"name": "k3", "trainable": true, "layers": [
        {"module": "keras.layers", "class_name": "InputLayer", "name": "inp",
         "config": {"batch_shape": [null, 16, 16, 2], "dtype": "float32", "sparse": false, "name": "inp"}, "inbound_nodes": []},
        {"module": "keras.layers", "class_name": "Conv2D", "name": "c",
         "config": {"name": "c", "filters": 3, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid",
                    "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1, "use_bias": true},
         "build_config": {"input_shape": [null, 16, 16, 2]},
         "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 16, 16, 2],
                             "dtype": "float32", "keras_history": ["inp", 0, 0]}}], "kwargs": {}}]},
        {"module": "keras.layers", "class_name": "MaxPooling2D", "name": "p",
         "config": {"name": "p", "pool_size": [2, 2], "padding": "valid", "strides": null, "data_format": "channels_last"},
         "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["c", 0, 0]}}], "kwargs": {}}]},
        {"module": "keras.layers", "class_name": "GlobalAveragePooling2D", "name": "g",
         "config": {"name": "g", "data_format": "channels_last", "keepdims": true},
         "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["p", 0, 0]}}], "kwargs": {}}]},
        {"module": "keras.layers", "class_name": "Reshape", "name": "r", "config": {"name": "r", "target_shape": [3]},
         "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["g", 0, 0]}}], "kwargs": {}}]},
        {"module": "keras.layers", "class_name": "Concatenate", "name": "cat", "config": {"name": "cat", "axis": -1},
         "inbound_nodes": [{"args": [[{"class_name": "__keras_tensor__", "config": {"keras_history": ["r", 0, 0]}},
                                      {"class_name": "__keras_tensor__", "config": {"keras_history": ["r", 0, 0]}}]],
                            "kwargs": {}}]}],
      "input_layers": ["inp", 0, 0], "output_layers": ["cat", 0, 0]}})"),
                                          QStringLiteral("inline"));
    QVERIFY2(model, qPrintable(model.errorString()));
    auto report = ShapeInference::run(*model);
    QVERIFY2(report, qPrintable(report.errorString()));
    QVERIFY2(report->complete(), qPrintable(report->issues.join(QLatin1Char('\n'))));
    QCOMPARE(shapesText(model->layer(QStringLiteral("c"))->outputShapes), QStringLiteral("(None, 14, 14, 3)"));
    QCOMPARE(shapesText(model->layer(QStringLiteral("p"))->outputShapes), QStringLiteral("(None, 7, 7, 3)"));
    QCOMPARE(shapesText(model->layer(QStringLiteral("g"))->outputShapes), QStringLiteral("(None, 1, 1, 3)"));
    QCOMPARE(shapesText(report->modelOutputShapes), QStringLiteral("(None, 6)"));
    QCOMPARE(model->params().total, qint64(3 * 3 * 2 * 3 + 3));
}

void TestLayerShapes::oldSequentialListConfig()
{
    // Keras 2.0/2.1 wrote a Sequential config as the bare layer list.
    auto model = KerasConfigParser::parse(QByteArrayLiteral(R"({"class_name": "Sequential", "config": [
        {"class_name": "Embedding", "config": {"name": "e", "input_dim": 50, "output_dim": 4, "input_length": 12,
                                               "batch_input_shape": [null, 12]}},
        {"class_name": "Conv1D", "config": {"name": "c", "filters": 6, "kernel_size": [5], "padding": "valid"}},
        {"class_name": "GlobalMaxPooling1D", "config": {"name": "g"}}]})"),
                                          QStringLiteral("inline"));
    QVERIFY2(model, qPrintable(model.errorString()));
    auto report = ShapeInference::run(*model);
    QVERIFY2(report->complete(), qPrintable(report->issues.join(QLatin1Char('\n'))));
    QCOMPARE(shapesText(model->layer(QStringLiteral("c"))->outputShapes), QStringLiteral("(None, 8, 6)"));
    QCOMPARE(shapesText(report->modelOutputShapes), QStringLiteral("(None, 6)"));
    QCOMPARE(model->params().total, qint64(200 + 5 * 4 * 6 + 6));
}

void TestLayerShapes::rerunReplacesIssues()
{
    auto model = KerasConfigParser::parse(
        singleLayerModel(QStringLiteral("Dense"), parseObject(R"({"units": 3})"), QStringLiteral("N")));
    QVERIFY(model);
    ShapeInference::run(*model);
    ShapeInference::run(*model);
    Layer *dense = model->layer(QStringLiteral("layer_under_test"));
    QCOMPARE(dense->issues.size(), 1);
    // Once the input shape is known the old issue goes away.
    model->inputs[0].shape = {5};
    auto report = ShapeInference::run(*model);
    QVERIFY2(report->complete(), qPrintable(report->issues.join(QLatin1Char('\n'))));
    QVERIFY(dense->issues.isEmpty());
    QCOMPARE(weightsText(dense->expectedWeights), QStringLiteral("kernel(5, 3) bias(3,)"));
}

QTEST_APPLESS_MAIN(TestLayerShapes)
#include "tst_layershapes.moc"
