#include "core/export/torchscriptwriter.h"

#include "core/engine/inferencemodel.h"
#include "core/engine/kerasgraphmodule.h"

#include <torch/csrc/jit/frontend/tracer.h>
#include <torch/csrc/jit/passes/shape_analysis.h>
#include <torch/script.h>

#include <QFile>
#include <QRegularExpression>
#include <QSet>

namespace graft::torchscript {

namespace {

using engine::KerasGraphModule;

/** TorchScript attribute and argument names must be identifiers. */
std::string identifier(const QString &name, QSet<QString> *used)
{
    QString base = name;
    static const QRegularExpression invalid(QStringLiteral("[^A-Za-z0-9_]"));
    base.replace(invalid, QStringLiteral("_"));
    if (base.isEmpty() || base.front().isDigit())
        base.prepend(QStringLiteral("v_"));
    QString unique = base;
    for (int i = 1; used->contains(unique) || unique == QLatin1String("self") || unique == QLatin1String("training");
         ++i)
        unique = QStringLiteral("%1_%2").arg(base).arg(i);
    used->insert(unique);
    return unique.toStdString();
}

/** The vocabulary size when an input feeds an Embedding directly (its examples must be valid indices). */
std::int64_t embeddingVocabulary(const ModelSpec &spec, const QString &inputName)
{
    std::int64_t vocabulary = 0;
    for (const Layer &layer : spec.layers) {
        if (layer.className != QLatin1String("Embedding"))
            continue;
        for (const InboundNode &node : layer.inboundNodes)
            for (const TensorRef &ref : node.inputs)
                if (ref.layer == inputName) {
                    const std::int64_t n = std::int64_t(layer.config.value(QStringLiteral("input_dim")).toDouble());
                    vocabulary = vocabulary ? std::min(vocabulary, n) : n;
                }
    }
    return vocabulary;
}

struct ExampleMaker
{
    const ModelSpec &spec;
    QVector<ModelInput> inputs;

    std::vector<torch::Tensor> make(std::int64_t batch, std::int64_t openSize, std::uint64_t seed) const
    {
        torch::manual_seed(seed);
        std::vector<torch::Tensor> tensors;
        for (const ModelInput &input : inputs) {
            std::vector<std::int64_t> shape{batch};
            for (std::int64_t d : input.shape)
                shape.push_back(d < 0 ? openSize : d);
            const std::int64_t vocabulary = embeddingVocabulary(spec, input.name);
            if (vocabulary > 1)
                tensors.push_back(torch::randint(1, vocabulary, shape, torch::kFloat32));
            else
                tensors.push_back(torch::rand(shape, torch::kFloat32));
        }
        return tensors;
    }
};

std::shared_ptr<torch::jit::Graph> trace(torch::jit::Module &jit, KerasGraphModule &module,
                                         const std::vector<torch::Tensor> &examples,
                                         const std::vector<std::string> &argumentNames)
{
    torch::jit::Stack stack(examples.begin(), examples.end());
    const auto body = [&module](torch::jit::Stack in) -> torch::jit::Stack {
        std::vector<torch::Tensor> tensors;
        for (const c10::IValue &v : in)
            tensors.push_back(v.toTensor());
        std::vector<torch::Tensor> outputs = module.forward(tensors);
        if (outputs.size() == 1)
            return {outputs.front()};
        return {c10::ivalue::Tuple::create(std::vector<c10::IValue>(outputs.begin(), outputs.end()))};
    };
    auto traced = torch::jit::tracer::trace(
        std::move(stack), body, [](const torch::autograd::Variable &) { return std::string(); },
        /*strict=*/false, /*force_outplace=*/false, &jit, argumentNames);
    return traced.first->graph;
}

/** The graph's operations without tensor shapes: equal for two traces iff neither baked in a size. */
std::string structure(const std::shared_ptr<torch::jit::Graph> &graph)
{
    std::shared_ptr<torch::jit::Graph> copy = graph->copy();
    torch::jit::EraseShapeInformation(copy);
    return copy->toString(false);
}

std::vector<torch::Tensor> runJit(torch::jit::Module &jit, const std::vector<torch::Tensor> &inputs)
{
    std::vector<c10::IValue> args(inputs.begin(), inputs.end());
    const c10::IValue out = jit.forward(args);
    std::vector<torch::Tensor> tensors;
    if (out.isTuple()) {
        for (const c10::IValue &v : out.toTupleRef().elements())
            tensors.push_back(v.toTensor());
    } else {
        tensors.push_back(out.toTensor());
    }
    return tensors;
}

double maxDifference(const std::vector<torch::Tensor> &a, const std::vector<torch::Tensor> &b)
{
    if (a.size() != b.size())
        return std::numeric_limits<double>::infinity();
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].sizes() != b[i].sizes())
            return std::numeric_limits<double>::infinity();
        if (a[i].numel() > 0)
            worst = std::max(worst, (a[i].to(torch::kFloat64) - b[i].to(torch::kFloat64)).abs().max().item<double>());
    }
    return worst;
}

/** The scripted `forward`: shape checks Keras would make, then the traced graph (per sample if it must). */
std::string forwardSource(const QVector<ModelInput> &inputs, const std::vector<std::string> &names, int outputCount,
                          bool batchGeneric, bool openGeneric, std::int64_t openSize)
{
    QStringList lines;
    QStringList params, args;
    for (const std::string &n : names)
        params << QString::fromStdString(n) + QStringLiteral(": Tensor");
    lines << QStringLiteral("def forward(self, %1):").arg(params.join(QStringLiteral(", ")));
    for (int i = 0; i < inputs.size(); ++i) {
        const QString x = QString::fromStdString(names[std::size_t(i)]);
        const Shape &shape = inputs.at(i).shape;
        lines << QStringLiteral("    %1 = %1.float()").arg(x);
        lines << QStringLiteral(
                     "    assert %1.dim() == %2, \"input '%3' must have %2 dimensions (batch first, Keras layout)\"")
                     .arg(x)
                     .arg(shape.size() + 1)
                     .arg(inputs.at(i).name);
        for (std::size_t k = 0; k < shape.size(); ++k) {
            if (shape[k] >= 0)
                lines << QStringLiteral("    assert %1.size(%2) == %3, \"input '%4' must have size %3 on axis %2\"")
                             .arg(x)
                             .arg(k + 1)
                             .arg(shape[k])
                             .arg(inputs.at(i).name);
            else if (!openGeneric)
                lines << QStringLiteral("    assert %1.size(%2) == %3, \"input '%4': this TorchScript file was traced "
                                        "for size %3 on axis %2 (None in Keras); export again with another "
                                        "--unknown-dim for other sizes\"")
                             .arg(x)
                             .arg(k + 1)
                             .arg(openSize)
                             .arg(inputs.at(i).name);
        }
        args << x;
    }
    if (batchGeneric) {
        lines << QStringLiteral("    return self.traced_forward(%1)").arg(args.join(QStringLiteral(", ")));
        return lines.join(QLatin1Char('\n')).toStdString() + "\n";
    }
    // The trace baked its batch size (1) in: run the samples one at a time.
    const QString first = args.front();
    lines << QStringLiteral("    n = %1.size(0)").arg(first);
    lines << QStringLiteral("    assert n > 0, \"the batch is empty\"");
    for (int o = 0; o < outputCount; ++o)
        lines << QStringLiteral("    out%1: List[Tensor] = []").arg(o);
    lines << QStringLiteral("    for i in range(n):");
    QStringList slices;
    for (const QString &a : args)
        slices << QStringLiteral("%1[i:i + 1]").arg(a);
    lines << QStringLiteral("        r = self.traced_forward(%1)").arg(slices.join(QStringLiteral(", ")));
    for (int o = 0; o < outputCount; ++o)
        lines << (outputCount == 1 ? QStringLiteral("        out0.append(r)")
                                   : QStringLiteral("        out%1.append(r[%1])").arg(o));
    QStringList results;
    for (int o = 0; o < outputCount; ++o)
        results << QStringLiteral("torch.cat(out%1, 0)").arg(o);
    lines << (outputCount == 1 ? QStringLiteral("    return %1").arg(results.front())
                               : QStringLiteral("    return (%1)").arg(results.join(QStringLiteral(", "))));
    return lines.join(QLatin1Char('\n')).toStdString() + "\n";
}

QString torchError(const std::exception &e)
{
    if (const auto *c10 = dynamic_cast<const c10::Error *>(&e))
        return QString::fromStdString(c10->what_without_backtrace()).section(QLatin1Char('\n'), 0, 0);
    return QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0);
}

} // namespace

Expected<void> write(const LoadedModel &model, const QString &path, int unknownDimension, QStringList *warnings)
{
    auto built = InferenceModel::build(model);
    if (!built)
        return makeError(QStringLiteral("the model cannot be compiled for TorchScript: %1").arg(built.errorString()));
    std::shared_ptr<KerasGraphModule> module = built->module();
    const QVector<ModelInput> inputs = module->inputs();
    const int outputCount = built->outputCount();
    const std::int64_t openSize = std::max(1, unknownDimension);
    bool hasOpenDims = false;
    for (const ModelInput &input : inputs)
        for (std::int64_t d : input.shape)
            hasOpenDims = hasOpenDims || d < 0;
    const ExampleMaker examples{model.model, inputs};

    try {
        module->eval();
        torch::jit::Module jit(c10::QualifiedName("__torch__.graft.KerasModel"));
        jit.register_attribute("training", c10::BoolType::get(), false);
        // The engine's own tensors become the module's attributes: the tracer finds them by
        // identity and reads them through self instead of baking constants in.
        QSet<QString> usedNames;
        for (const auto &p : module->named_parameters(true))
            jit.register_parameter(identifier(QString::fromStdString(p.key()), &usedNames), p.value(), false);
        for (const auto &b : module->named_buffers(true))
            jit.register_buffer(identifier(QString::fromStdString(b.key()), &usedNames), b.value());
        QSet<QString> argumentSet;
        std::vector<std::string> argumentNames;
        for (const ModelInput &input : inputs)
            argumentNames.push_back(identifier(input.name, &argumentSet));

        torch::NoGradGuard noGrad;
        const std::string base = structure(trace(jit, *module, examples.make(2, openSize, 1), argumentNames));
        const bool batchGeneric = structure(trace(jit, *module, examples.make(3, openSize, 2), argumentNames)) == base;
        const bool openGeneric =
            !hasOpenDims || structure(trace(jit, *module, examples.make(2, openSize + 1, 3), argumentNames)) == base;
        const std::shared_ptr<torch::jit::Graph> graph =
            trace(jit, *module, examples.make(batchGeneric ? 2 : 1, openSize, 4), argumentNames);
        auto function = jit._ivalue()->compilation_unit()->create_function(
            c10::QualifiedName(*jit.type()->name(), "traced_forward"), graph);
        jit.type()->addMethod(function);
        jit.define(forwardSource(inputs, argumentNames, outputCount, batchGeneric, openGeneric, openSize));
        if (!batchGeneric)
            *warnings << QStringLiteral("The traced model depends on the batch size; the TorchScript forward runs the "
                                        "samples of a batch one at a time.");
        if (hasOpenDims && !openGeneric)
            *warnings << QStringLiteral("The model has input dimensions of unknown size (None); the TorchScript file "
                                        "only accepts size %1 there (--unknown-dim sets it).")
                             .arg(openSize);

        // The trace must compute what the engine computes, on inputs it was not traced with.
        const std::vector<torch::Tensor> check = examples.make(3, openSize, 5);
        const double difference = maxDifference(runJit(jit, check), module->forward(check));
        if (!(difference <= 1e-5))
            return makeError(QStringLiteral("the traced TorchScript module does not reproduce the model (largest "
                                            "difference %1): a layer's computation depends on the input values, "
                                            "which tracing cannot capture.")
                                 .arg(difference));
        jit.save(QFile::encodeName(path).toStdString());
        torch::jit::Module reloaded = torch::jit::load(QFile::encodeName(path).toStdString());
        const double reloadDifference = maxDifference(runJit(reloaded, check), module->forward(check));
        if (!(reloadDifference <= 1e-5))
            return makeError(QStringLiteral("the saved TorchScript file does not reproduce the model after reloading "
                                            "(largest difference %1).")
                                 .arg(reloadDifference));
        return {};
    } catch (const engine::OpError &e) {
        if (torch::jit::tracer::isTracing())
            torch::jit::tracer::abandon();
        return makeError(QStringLiteral("tracing the model failed: %1").arg(QString::fromUtf8(e.what())));
    } catch (const std::exception &e) {
        if (torch::jit::tracer::isTracing())
            torch::jit::tracer::abandon();
        return makeError(QStringLiteral("writing TorchScript failed: %1").arg(torchError(e)));
    }
}

} // namespace graft::torchscript
