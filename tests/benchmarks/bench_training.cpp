// Training throughput of the speaker-identification CNN (fine-tuning issue): Graft's
// Trainer vs the same model and loop in Debian's python3-torch, in the same run.
//
//   bench_training [--samples N] [--epochs N] [--rounds N] [--threads N] [--python /usr/bin/python3] [--no-python] [--trace FILE]
//
// Both sides train every layer with Adam at batch 64 on random 40×87×1 inputs and 40
// classes; the figure is the median samples/s over the epochs after the first.

#include "core/engine/inferencemodel.h"
#include "core/model/kerasconfigparser.h"
#include "core/model/shapeinference.h"
#include "core/training/trainer.h"
#include "core/training/weightinitializer.h"

#include <torch/csrc/autograd/profiler_kineto.h>

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <random>

using namespace graft;

namespace {

QJsonObject entry(const QString &cls, QJsonObject config, const QString &input)
{
    const QString name = config.value(QStringLiteral("name")).toString();
    config.insert(QStringLiteral("trainable"), true);
    QJsonArray nodes;
    if (!input.isEmpty())
        nodes.append(QJsonArray{QJsonArray{input, 0, 0, QJsonObject()}});
    return QJsonObject{{QStringLiteral("class_name"), cls},
                       {QStringLiteral("name"), name},
                       {QStringLiteral("config"), config},
                       {QStringLiteral("inbound_nodes"), nodes}};
}

/** createModel() of ../shared/fixtures/seed/createModel.py as tf.keras 2.3 writes its config. */
QJsonObject speakerCnn(int classes)
{
    QJsonArray layers;
    layers.append(entry(QStringLiteral("InputLayer"),
                        {{QStringLiteral("name"), QStringLiteral("input_1")},
                         {QStringLiteral("batch_input_shape"), QJsonArray{QJsonValue(), 40, 87, 1}},
                         {QStringLiteral("dtype"), QStringLiteral("float32")}},
                        QString()));
    QString previous = QStringLiteral("input_1");
    int conv = 0, pool = 0, drop = 0, dense = 0;
    auto suffix = [](int n) { return n == 0 ? QString() : QStringLiteral("_%1").arg(n); };
    auto add = [&](const QString &cls, QJsonObject config) {
        layers.append(entry(cls, config, previous));
        previous = config.value(QStringLiteral("name")).toString();
    };
    auto convLayer = [&](int filters, int kernel) {
        add(QStringLiteral("Conv2D"), {{QStringLiteral("name"), QStringLiteral("conv2d") + suffix(conv++)},
                                       {QStringLiteral("filters"), filters},
                                       {QStringLiteral("kernel_size"), QJsonArray{kernel, kernel}},
                                       {QStringLiteral("strides"), QJsonArray{3, 3}},
                                       {QStringLiteral("padding"), QStringLiteral("same")},
                                       {QStringLiteral("activation"), QStringLiteral("relu")},
                                       {QStringLiteral("use_bias"), true}});
    };
    auto block = [&](int filters, int kernel) {
        convLayer(filters, kernel);
        convLayer(filters, kernel);
        add(QStringLiteral("MaxPooling2D"), {{QStringLiteral("name"), QStringLiteral("max_pooling2d") + suffix(pool++)},
                                             {QStringLiteral("pool_size"), QJsonArray{3, 3}},
                                             {QStringLiteral("strides"), QJsonArray{3, 3}},
                                             {QStringLiteral("padding"), QStringLiteral("same")}});
        add(QStringLiteral("Dropout"),
            {{QStringLiteral("name"), QStringLiteral("dropout") + suffix(drop++)}, {QStringLiteral("rate"), 0.3}});
    };
    auto denseLayer = [&](int units, const QString &activation) {
        add(QStringLiteral("Dense"), {{QStringLiteral("name"), QStringLiteral("dense") + suffix(dense++)},
                                      {QStringLiteral("units"), units},
                                      {QStringLiteral("activation"), activation},
                                      {QStringLiteral("use_bias"), true}});
    };
    block(32, 5);
    block(64, 3);
    block(128, 3);
    add(QStringLiteral("Flatten"), {{QStringLiteral("name"), QStringLiteral("flatten")}});
    denseLayer(256, QStringLiteral("relu"));
    add(QStringLiteral("Dropout"),
        {{QStringLiteral("name"), QStringLiteral("dropout") + suffix(drop++)}, {QStringLiteral("rate"), 0.2}});
    denseLayer(128, QStringLiteral("relu"));
    add(QStringLiteral("Dropout"),
        {{QStringLiteral("name"), QStringLiteral("dropout") + suffix(drop++)}, {QStringLiteral("rate"), 0.2}});
    denseLayer(classes, QStringLiteral("softmax"));
    QJsonObject config{{QStringLiteral("name"), QStringLiteral("model")},
                       {QStringLiteral("layers"), layers},
                       {QStringLiteral("input_layers"), QJsonArray{QJsonArray{QStringLiteral("input_1"), 0, 0}}},
                       {QStringLiteral("output_layers"), QJsonArray{QJsonArray{previous, 0, 0}}}};
    return {{QStringLiteral("class_name"), QStringLiteral("Functional")}, {QStringLiteral("config"), config}};
}

struct EpochTimes final : TrainingObserver
{
    std::vector<double> seconds;
    void epochFinished(const EpochRecord &record) override
    {
        seconds.push_back(record.seconds);
        std::printf("  Graft epoch %d: %.0f samples/s (loss %.4f)\n", record.epoch + 1, samples / record.seconds,
                    record.loss);
        std::fflush(stdout);
    }
    double samples = 0;
};

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : (v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2.0);
}

QString argument(const QStringList &args, const QString &name, const QString &fallback)
{
    const int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.at(i + 1) : fallback;
}

/** Self time per (op, input shapes), most expensive first: the profile a --trace run writes. */
void writeOpTable(const std::vector<torch::autograd::profiler::KinetoEvent> &events, const QString &path)
{
    struct Span
    {
        std::uint64_t start, end;
        std::string key;
    };
    std::vector<Span> spans;
    for (const auto &e : events) {
        std::string key = e.name();
        if (e.hasShapes())
            for (const auto &shape : e.shapes()) {
                key += " [";
                for (std::size_t i = 0; i < shape.size(); ++i)
                    key += (i ? "," : "") + std::to_string(shape[i]);
                key += "]";
            }
        spans.push_back({e.startUs(), e.startUs() + e.durationUs(), key});
    }
    std::sort(spans.begin(), spans.end(),
              [](const Span &a, const Span &b) { return a.start != b.start ? a.start < b.start : a.end > b.end; });
    std::map<std::string, std::pair<double, int>> self;
    std::vector<const Span *> stack;
    for (const Span &span : spans) {
        while (!stack.empty() && stack.back()->end <= span.start)
            stack.pop_back();
        self[span.key].first += double(span.end - span.start);
        self[span.key].second += 1;
        if (!stack.empty())
            self[stack.back()->key].first -= double(span.end - span.start);
        stack.push_back(&span);
    }
    std::vector<std::pair<double, std::string>> rows;
    double total = 0;
    for (const auto &[key, value] : self) {
        rows.emplace_back(value.first, key + "  x" + std::to_string(value.second));
        total += value.first;
    }
    std::sort(rows.rbegin(), rows.rend());
    FILE *out = std::fopen(qPrintable(path), "w");
    if (!out)
        return;
    for (const auto &[us, key] : rows)
        std::fprintf(out, "%10.1f ms %5.1f%%  %s\n", us / 1000.0, 100.0 * us / total, key.c_str());
    std::fclose(out);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int samples = argument(args, QStringLiteral("--samples"), QStringLiteral("2048")).toInt();
    const int epochs = std::max(2, argument(args, QStringLiteral("--epochs"), QStringLiteral("6")).toInt());
    const QString python = argument(args, QStringLiteral("--python"), QStringLiteral("/usr/bin/python3"));
    const int classes = 40;

    auto spec = KerasConfigParser::parse(speakerCnn(classes));
    if (!spec) {
        std::fprintf(stderr, "model: %s\n", qPrintable(spec.errorString()));
        return 1;
    }
    ShapeInference::run(*spec);
    if (auto ok = WeightInitializer::initialize(*spec, 1); !ok) {
        std::fprintf(stderr, "weights: %s\n", qPrintable(ok.errorString()));
        return 1;
    }
    InferenceModel::configureThreads();
    const int threads = std::max(1, QThread::idealThreadCount()); // torch's default in Python
    TrainingParams defaults;
    const int graftThreads = argument(args, QStringLiteral("--threads"), QString::number(defaults.threads)).toInt();
    std::printf("Speaker CNN: %lld parameters (last layer %lld), batch 64, %d samples of 40x87x1, %d epochs; "
                "Graft trains on %d thread(s) (its default: %d), the machine has %d\n",
                static_cast<long long>(spec->params().total),
                static_cast<long long>(spec->layer(QStringLiteral("dense_2"))->params().total), samples, epochs,
                graftThreads, defaults.threads, threads);

    TrainingParams params;
    params.model = *spec;
    params.classNames.reserve(classes);
    for (int c = 0; c < classes; ++c)
        params.classNames << QString::number(c);
    params.train.shape = {samples, 40, 87, 1};
    std::mt19937 random(7);
    std::normal_distribution<float> normal;
    params.train.values.resize(std::size_t(samples) * 40 * 87);
    for (float &v : params.train.values)
        v = normal(random);
    for (int i = 0; i < samples; ++i)
        params.train.labels << int(random() % classes);
    params.trainable.preset = TrainPreset::All;
    params.batchSize = 64;
    params.epochs = epochs;
    params.seed = 1;
    params.threads = graftThreads; // --threads N; default: Graft's own (TrainingParams::threads)

    // --trace FILE: libtorch's profiler (Kineto, CPU, with input shapes) over Graft's first
    // run, written as a table of self time per op and input shapes.
    namespace profiler = torch::autograd::profiler;
    const QString trace = argument(args, QStringLiteral("--trace"), QString());
    const profiler::ProfilerConfig traceConfig(torch::profiler::impl::ProfilerState::KINETO, true);
    const std::set<torch::profiler::impl::ActivityType> cpuOnly{torch::profiler::impl::ActivityType::CPU};

    auto runGraft = [&](bool traced) -> double {
        EpochTimes times;
        times.samples = samples;
        if (traced) {
            profiler::prepareProfiler(traceConfig, cpuOnly);
            profiler::enableProfiler(traceConfig, cpuOnly);
        }
        const auto result = Trainer::run(params, &times); // params.model is a copy: every run starts afresh
        if (traced)
            writeOpTable(profiler::disableProfiler()->events(), trace);
        if (!result) {
            std::fprintf(stderr, "training: %s\n", qPrintable(result.errorString()));
            return 0.0;
        }
        std::vector<double> rates;
        for (std::size_t i = 1; i < times.seconds.size(); ++i)
            rates.push_back(samples / times.seconds[i]);
        const double rate = median(rates);
        std::printf("Graft: %.1f samples/s (median of epochs 2-%d)\n", rate, epochs);
        return rate;
    };

    // Baseline: the same loop in python3-torch with torch's default threads (the machine's
    // cores), as a user's script runs; and, to separate the thread choice from the rest, with
    // one thread like Graft's default (TrainingParams::threads).
    auto runPython = [&](int pythonThreads) -> double {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(python, {QStringLiteral(GRAFT_SOURCE_DIR "/tests/benchmarks/bench_training_torch.py"),
                               QStringLiteral("--samples"), QString::number(samples), QStringLiteral("--epochs"),
                               QString::number(epochs), QStringLiteral("--threads"), QString::number(pythonThreads)});
        if (!process.waitForFinished(-1) || process.exitCode() != 0) {
            std::printf("PyTorch: could not run %s (%s): %s\n", qPrintable(python), qPrintable(process.errorString()),
                        process.readAll().constData());
            return 0.0;
        }
        double reference = 0.0;
        for (const QByteArray &line : process.readAll().split('\n')) {
            if (line.startsWith("samples_per_second "))
                reference = line.mid(19).toDouble();
            else if (!line.isEmpty())
                std::printf("  PyTorch %s\n", line.constData());
        }
        std::printf("PyTorch, %d thread(s): %.1f samples/s (median of epochs 2-%d, same loop in python3-torch)\n",
                    pythonThreads, reference, epochs);
        return reference;
    };

    // Rounds of Graft, then PyTorch with its default threads, then PyTorch on one thread,
    // back to back: a shared machine's load drifts, so each round's ratio compares runs that
    // saw about the same load, and the figure is the median over rounds.
    const bool withPython = !args.contains(QStringLiteral("--no-python"));
    const int rounds = std::max(1, argument(args, QStringLiteral("--rounds"), QStringLiteral("3")).toInt());
    std::vector<double> graftRates, torchRates, torchOneRates, ratios, oneRatios;
    for (int round = 0; round < rounds; ++round) {
        std::printf("Round %d of %d\n", round + 1, rounds);
        const double graft = runGraft(round == 0 && !trace.isEmpty());
        if (graft <= 0)
            return 1;
        graftRates.push_back(graft);
        if (!withPython)
            continue;
        const double reference = runPython(threads);
        const double oneThread = threads > 1 ? runPython(1) : reference;
        if (reference <= 0 || oneThread <= 0)
            return 1;
        torchRates.push_back(reference);
        torchOneRates.push_back(oneThread);
        ratios.push_back(graft / reference);
        oneRatios.push_back(graft / oneThread);
        std::printf("  round ratio: %.2fx vs %d threads, %.2fx vs 1 thread\n", ratios.back(), threads,
                    oneRatios.back());
    }
    std::printf("Graft: median %.1f samples/s over %d round(s)\n", median(graftRates), rounds);
    if (!withPython)
        return 0;
    std::printf("PyTorch: median %.1f samples/s with %d threads, %.1f with 1 thread\n", median(torchRates), threads,
                median(torchOneRates));
    std::printf("Ratio Graft / PyTorch (%d threads, torch's default): %.2fx, median of %d rounds (target >= 1.5x)\n",
                threads, median(ratios), rounds);
    std::printf("Ratio Graft / PyTorch (1 thread): %.2fx, median of %d rounds\n", median(oneRatios), rounds);
    return 0;
}
