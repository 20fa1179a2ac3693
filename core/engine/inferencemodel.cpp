#include "core/engine/inferencemodel.h"

#include "core/engine/kerasgraphmodule.h"

#include <QStringList>
#include <QThread>

#include <mutex>

namespace graft {

using engine::Flow;
using engine::KerasGraphModule;

namespace {

bool versionAtLeast(const QString &version, int major, int minor)
{
    const QStringList parts = version.section(QLatin1Char('-'), 0, 0).split(QLatin1Char('.'));
    const int vMajor = parts.value(0).toInt();
    const int vMinor = parts.value(1).toInt();
    return vMajor > major || (vMajor == major && vMinor >= minor);
}

QString givenShapeText(const std::vector<std::int64_t> &shape)
{
    QStringList parts;
    for (std::int64_t d : shape)
        parts << QString::number(d);
    return QStringLiteral("(%1%2)").arg(parts.join(QStringLiteral(", ")),
                                        shape.size() == 1 ? QStringLiteral(",") : QString());
}

/** Puts the module in the wanted mode for one call and restores the caller's mode after. */
class ModeGuard final
{
public:
    ModeGuard(KerasGraphModule &module, bool training) : m_module(module), m_wasTraining(module.is_training())
    {
        if (m_wasTraining != training)
            m_module.train(training);
    }
    ~ModeGuard()
    {
        if (m_module.is_training() != m_wasTraining)
            m_module.train(m_wasTraining);
    }
    ModeGuard(const ModeGuard &) = delete;
    ModeGuard &operator=(const ModeGuard &) = delete;

private:
    KerasGraphModule &m_module;
    bool m_wasTraining;
};

} // namespace

EngineOptions EngineOptions::forKerasVersion(const QString &kerasVersion)
{
    EngineOptions options;
    options.kerasVersion = kerasVersion;
    options.keras3 = versionAtLeast(kerasVersion, 3, 0);
    return options;
}

EngineOptions EngineOptions::fromLoadedModel(const LoadedModel &model)
{
    EngineOptions options = forKerasVersion(model.kerasVersion);
    if (model.format.startsWith(QLatin1String("keras3")))
        options.keras3 = true;
    return options;
}

struct InferenceModel::Private
{
    std::shared_ptr<KerasGraphModule> module;
    QStringList outputNames;
};

InferenceModel::InferenceModel(std::unique_ptr<Private> p) : d(std::move(p))
{ }
InferenceModel::InferenceModel(InferenceModel &&other) noexcept = default;
InferenceModel &InferenceModel::operator=(InferenceModel &&other) noexcept = default;
InferenceModel::~InferenceModel() = default;

void InferenceModel::configureThreads()
{
    // The one place the engine sets libtorch's threads: from the machine, once per process.
    static std::once_flag once;
    std::call_once(once, [] { torch::set_num_threads(std::max(1, QThread::idealThreadCount())); });
}

Expected<InferenceModel> InferenceModel::build(const LoadedModel &model)
{
    if (!model.hasArchitecture)
        return makeError(QStringLiteral("%1 holds weights only: give the architecture (model.to_json() output) "
                                        "to run it")
                             .arg(model.sourcePath));
    return build(model.model, EngineOptions::fromLoadedModel(model));
}

Expected<InferenceModel> InferenceModel::build(const ModelSpec &spec, const EngineOptions &options)
{
    configureThreads();
    engine::OpContext context;
    context.keras3 = options.keras3 || versionAtLeast(options.kerasVersion, 3, 0);
    // Multi-backend Keras (< 2.4, no "-tf" suffix) repeats the previous state on masked steps.
    context.tfKerasMasking = context.keras3 || options.kerasVersion.endsWith(QLatin1String("-tf"))
                             || versionAtLeast(options.kerasVersion, 2, 4);
    context.maskedBatchNormMoments =
        context.keras3 || versionAtLeast(options.kerasVersion, 2, 4)
        || (options.kerasVersion.endsWith(QLatin1String("-tf")) && versionAtLeast(options.kerasVersion, 2, 3));
    try {
        auto module = KerasGraphModule::create(spec, context);
        if (!module)
            return module.error();
        (*module)->eval();
        auto p = std::make_unique<Private>();
        p->module = *module;
        for (const TensorRef &ref : spec.outputs)
            p->outputNames << (ref.tensorIndex == 0 ? ref.layer
                                                    : QStringLiteral("%1:%2").arg(ref.layer).arg(ref.tensorIndex));
        return InferenceModel(std::move(p));
    } catch (const std::exception &e) {
        return makeError(QStringLiteral("building the model failed: %1")
                             .arg(QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0)));
    }
}

const QVector<ModelInput> &InferenceModel::inputs() const
{
    return d->module->inputs();
}

int InferenceModel::outputCount() const
{
    return d->outputNames.size();
}

QStringList InferenceModel::outputNames() const
{
    return d->outputNames;
}

std::shared_ptr<engine::KerasGraphModule> InferenceModel::module() const
{
    return d->module;
}

void InferenceModel::resetStates()
{
    d->module->resetStates();
}

QVector<QPair<QString, QVector<LayerWeight>>> InferenceModel::kerasWeights() const
{
    return d->module->kerasWeights();
}

Expected<std::vector<TensorData>> InferenceModel::predict(const std::vector<TensorData> &inputs, int batchSize)
{
    return run(inputs, {}, batchSize, false);
}

Expected<std::vector<TensorData>> InferenceModel::predictTensors(const std::vector<TensorData> &inputs,
                                                                 const QVector<TensorRef> &tensors, int batchSize)
{
    return run(inputs, tensors, batchSize, false);
}

Expected<std::vector<TensorData>> InferenceModel::runTrainingMode(const std::vector<TensorData> &inputs, int batchSize)
{
    return run(inputs, {}, batchSize, true);
}

Expected<std::vector<TensorData>> InferenceModel::run(const std::vector<TensorData> &inputs,
                                                      const QVector<TensorRef> &tensors, int batchSize, bool training)
{
    KerasGraphModule &module = *d->module;
    const QVector<ModelInput> &expected = module.inputs();
    if (int(inputs.size()) != expected.size())
        return makeError(
            QStringLiteral("the model takes %1 input(s), %2 given").arg(expected.size()).arg(inputs.size()));
    std::int64_t samples = -1;
    for (int i = 0; i < expected.size(); ++i) {
        const TensorData &data = inputs[std::size_t(i)];
        const ModelInput &in = expected.at(i);
        if (data.shape.empty() || std::int64_t(data.values.size()) != data.elementCount())
            return makeError(QStringLiteral("input '%1': the array of shape %2 does not hold its values")
                                 .arg(in.name, givenShapeText(data.shape)));
        bool fits = in.shape.empty() || in.shape.size() + 1 == data.shape.size();
        for (std::size_t k = 0; fits && k < in.shape.size(); ++k)
            fits = in.shape[k] < 0 || in.shape[k] == data.shape[k + 1];
        if (!fits)
            return makeError(QStringLiteral("input '%1' expects shape %2, given %3")
                                 .arg(in.name, shapeToString(in.shape), givenShapeText(data.shape)));
        if (samples >= 0 && data.shape[0] != samples)
            return makeError(QStringLiteral("the inputs hold different numbers of samples (%1 and %2)")
                                 .arg(samples)
                                 .arg(data.shape[0]));
        samples = data.shape[0];
    }
    if (samples <= 0)
        return makeError(QStringLiteral("the input holds no samples"));
    if (batchSize <= 0)
        return makeError(QStringLiteral("the batch size must be positive, got %1").arg(batchSize));

    std::optional<KerasGraphModule::Plan> plan;
    if (!tensors.isEmpty()) {
        auto p = module.planFor(tensors);
        if (!p)
            return p.error();
        plan = std::move(p).value();
    }

    try {
        torch::NoGradGuard noGrad;
        ModeGuard mode(module, training);
        std::vector<torch::Tensor> views;
        for (const TensorData &data : inputs)
            views.push_back(engine::tensorView(data));
        std::vector<std::vector<torch::Tensor>> collected;
        for (std::int64_t start = 0; start < samples; start += batchSize) {
            const std::int64_t n = std::min<std::int64_t>(batchSize, samples - start);
            std::vector<Flow> batch;
            for (const torch::Tensor &v : views)
                batch.push_back(Flow{v.narrow(0, start, n), torch::Tensor()});
            const std::vector<Flow> outputs = plan ? module.run(*plan, batch) : module.forwardFlows(batch);
            collected.resize(outputs.size());
            for (std::size_t o = 0; o < outputs.size(); ++o)
                collected[o].push_back(outputs[o].value.to(torch::kFloat32));
        }
        std::vector<TensorData> result;
        for (const std::vector<torch::Tensor> &parts : collected)
            result.push_back(engine::toTensorData(parts.size() == 1 ? parts.front() : torch::cat(parts, 0)));
        return result;
    } catch (const engine::OpError &e) {
        return makeError(QString::fromUtf8(e.what()));
    } catch (const c10::Error &e) {
        return makeError(QString::fromStdString(e.what_without_backtrace()).section(QLatin1Char('\n'), 0, 0));
    } catch (const std::exception &e) {
        return makeError(QString::fromUtf8(e.what()));
    }
}

} // namespace graft
