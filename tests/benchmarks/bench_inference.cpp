// Inference throughput of the speaker-identification CNN (40x87x1 MFCC input, six
// strided 'same' convolutions, three 'same' max poolings, three dense layers;
// 374,408 parameters) through Graft's engine versus the same layers run the
// same way in Debian's python3-torch (bench_inference_torch.py).
//
// Usage: bench_inference [--samples N] [--runs R]
// Prints samples/s (median of R runs) for batch 32 and batch 1, and the ratio.

#include "core/engine/inferencemodel.h"
#include "core/io/npyfile.h"
#include "core/io/npzfile.h"
#include "core/model/kerasconfigparser.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace graft;

namespace {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QJsonObject layer(const QString &cls, QJsonObject config)
{
    return QJsonObject{{"class_name", cls}, {"config", config}};
}

QJsonObject conv(const QString &name, int filters, int k, const QJsonArray &inputShape = {})
{
    QJsonObject c{{"name", name},
                  {"filters", filters},
                  {"kernel_size", QJsonArray{k, k}},
                  {"strides", QJsonArray{3, 3}},
                  {"padding", "same"},
                  {"activation", "relu"},
                  {"use_bias", true},
                  {"data_format", "channels_last"}};
    if (!inputShape.isEmpty())
        c.insert("batch_input_shape", inputShape);
    return layer("Conv2D", c);
}

QJsonObject speakerCnnConfig()
{
    QJsonArray layers;
    layers.append(conv("conv0", 32, 5, QJsonArray{QJsonValue(), 40, 87, 1}));
    layers.append(conv("conv1", 32, 5));
    layers.append(layer("MaxPooling2D", {{"name", "pool0"}, {"pool_size", QJsonArray{3, 3}}, {"padding", "same"}}));
    layers.append(layer("Dropout", {{"name", "drop0"}, {"rate", 0.3}}));
    layers.append(conv("conv2", 64, 3));
    layers.append(conv("conv3", 64, 3));
    layers.append(layer("MaxPooling2D", {{"name", "pool1"}, {"pool_size", QJsonArray{3, 3}}, {"padding", "same"}}));
    layers.append(layer("Dropout", {{"name", "drop1"}, {"rate", 0.3}}));
    layers.append(conv("conv4", 128, 3));
    layers.append(conv("conv5", 128, 3));
    layers.append(layer("MaxPooling2D", {{"name", "pool2"}, {"pool_size", QJsonArray{3, 3}}, {"padding", "same"}}));
    layers.append(layer("Dropout", {{"name", "drop2"}, {"rate", 0.3}}));
    layers.append(layer("Flatten", {{"name", "flatten"}}));
    layers.append(layer("Dense", {{"name", "dense0"}, {"units", 256}, {"activation", "relu"}}));
    layers.append(layer("Dropout", {{"name", "drop3"}, {"rate", 0.2}}));
    layers.append(layer("Dense", {{"name", "dense1"}, {"units", 128}, {"activation", "relu"}}));
    layers.append(layer("Dropout", {{"name", "drop4"}, {"rate", 0.2}}));
    layers.append(layer("Dense", {{"name", "dense2"}, {"units", 40}, {"activation", "softmax"}}));
    return QJsonObject{{"class_name", "Sequential"},
                       {"config", QJsonObject{{"name", "speaker_cnn"}, {"layers", layers}}}};
}

TensorData randomTensor(std::vector<std::int64_t> shape, double scale, QRandomGenerator &rng)
{
    TensorData t;
    t.shape = std::move(shape);
    t.values.resize(std::size_t(t.elementCount()));
    for (float &v : t.values)
        v = float((rng.generateDouble() * 2.0 - 1.0) * scale);
    return t;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    int samples = 512, runs = 7;
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == "--samples")
            samples = std::max(1, args[i + 1].toInt());
        if (args[i] == "--runs")
            runs = std::max(1, args[i + 1].toInt());
    }

    auto spec = KerasConfigParser::parse(speakerCnnConfig());
    if (!spec) {
        std::fprintf(stderr, "config: %s\n", qPrintable(spec.errorString()));
        return 1;
    }
    QRandomGenerator rng(2024);
    NpzContents weightFile;
    for (Layer &l : spec->layers) {
        const QString cls = l.className;
        std::vector<std::int64_t> kernelShape;
        std::int64_t units = 0;
        if (cls == "Conv2D") {
            const std::int64_t k = l.config.value("kernel_size").toArray().at(0).toInt();
            const std::int64_t in =
                l.name == "conv0"
                    ? 1
                    : (l.name == "conv1"
                           ? 32
                           : (l.name == "conv2" ? 32 : (l.name == "conv3" ? 64 : (l.name == "conv4" ? 64 : 128))));
            units = l.config.value("filters").toInt();
            kernelShape = {k, k, in, units};
        } else if (cls == "Dense") {
            units = l.config.value("units").toInt();
            kernelShape = {l.name == "dense0" ? 128 : (l.name == "dense1" ? 256 : 128), units};
        } else {
            continue;
        }
        std::int64_t fanIn = 1;
        for (std::size_t i = 0; i + 1 < kernelShape.size(); ++i)
            fanIn *= kernelShape[i];
        const TensorData kernel = randomTensor(kernelShape, std::sqrt(6.0 / double(fanIn)), rng);
        const TensorData bias = randomTensor({units}, 0.05, rng);
        l.weights = {LayerWeight{"kernel", l.name + "/kernel:0", kernel, true},
                     LayerWeight{"bias", l.name + "/bias:0", bias, true}};
        weightFile.push_back({l.name + "_kernel", NpyArray(kernel.values, kernel.shape)});
        weightFile.push_back({l.name + "_bias", NpyArray(bias.values, bias.shape)});
    }
    const std::int64_t params = spec->params().total;

    auto model = InferenceModel::build(*spec, EngineOptions::forKerasVersion("2.11.0"));
    if (!model) {
        std::fprintf(stderr, "build: %s\n", qPrintable(model.errorString()));
        return 1;
    }
    const TensorData input = randomTensor({samples, 40, 87, 1}, 1.0, rng);
    QTemporaryDir dir;
    if (!NpzFile::write(dir.filePath("weights.npz"), weightFile)
        || !NpyFile::write(dir.filePath("input.npy"), NpyArray(input.values, input.shape))) {
        std::fprintf(stderr, "cannot write the benchmark files\n");
        return 1;
    }
    const int threads = std::max(1, QThread::idealThreadCount());
    out() << "speaker-identification CNN, " << params << " parameters, " << samples << " samples of 40x87x1, "
          << threads << " thread(s), median of " << runs << " runs\n";
    out() << QString("%1 %2 %3 %4\n")
                 .arg("batch", 6)
                 .arg("graft samples/s", 16)
                 .arg("torch samples/s", 16)
                 .arg("ratio", 7);
    out().flush();

    for (const int batch : {32, 1}) {
        auto graftOut = model->predict({input}, batch); // warm-up, and the outputs to compare
        if (!graftOut) {
            std::fprintf(stderr, "predict: %s\n", qPrintable(graftOut.errorString()));
            return 1;
        }
        std::vector<double> rates;
        for (int r = 0; r < runs; ++r) {
            QElapsedTimer timer;
            timer.start();
            auto y = model->predict({input}, batch);
            rates.push_back(double(samples) / (double(timer.nsecsElapsed()) * 1e-9));
        }
        const double graftRate = median(rates);

        QProcess python;
        python.start("/usr/bin/python3",
                     {QStringLiteral(GRAFT_SOURCE_DIR "/tests/benchmarks/bench_inference_torch.py"), dir.path(),
                      QString::number(threads), QString::number(runs), QString::number(batch)});
        if (!python.waitForFinished(-1) || python.exitCode() != 0) {
            std::fprintf(stderr, "python3-torch run failed: %s\n", python.readAllStandardError().constData());
            return 1;
        }
        const QJsonObject result = QJsonDocument::fromJson(python.readAllStandardOutput().trimmed()).object();
        const double torchRate = result.value("samples_per_second").toDouble();
        auto torchOut = NpyFile::read(dir.filePath("torch_output.npy"));
        double maxDiff = -1;
        if (torchOut) {
            const std::vector<float> t = torchOut->toFloat32();
            maxDiff = 0;
            for (std::size_t i = 0; i < t.size() && i < graftOut->front().values.size(); ++i)
                maxDiff = std::max(maxDiff, double(std::fabs(t[i] - graftOut->front().values[i])));
        }
        out() << QString("%1 %2 %3 %4   (outputs differ by at most %5)\n")
                     .arg(batch, 6)
                     .arg(graftRate, 16, 'f', 1)
                     .arg(torchRate, 16, 'f', 1)
                     .arg(torchRate > 0 ? graftRate / torchRate : 0.0, 7, 'f', 2)
                     .arg(maxDiff, 0, 'g', 3);
        out().flush();
    }
    return 0;
}
