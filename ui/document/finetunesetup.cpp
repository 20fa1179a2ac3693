#include "ui/document/finetunesetup.h"

#include "core/model/modelspec.h"
#include "core/training/modelevaluator.h"
#include "core/training/trainingdata.h"

#include <cmath>

namespace graft::ui {

QStringList FineTuneInputs::oldClassNames(int oldUnits) const
{
    if (model && model->classNames.size() == oldUnits)
        return model->classNames;
    QStringList names;
    for (int i = 0; i < oldUnits; ++i)
        names << QString::number(i);
    return names;
}

Expected<RemappedModel> FineTuneSetup::remap(const FineTuneInputs &inputs, const HeadPlan &plan)
{
    if (!inputs.ready())
        return Error{QStringLiteral("Open a model and a dataset first.")};
    auto ordered = plan.orderedFor(inputs.data->classNames);
    if (!ordered)
        return ordered.error();
    if (auto valid = ordered->validate(); !valid)
        return valid.error();
    ImprintEmbeddings embeddings;
    if (HeadRemapper::needsEmbeddings(*ordered)) {
        auto head = HeadRemapper::locate(inputs.model->model, ordered->outputLayer);
        if (!head)
            return head.error();
        auto means = ModelEvaluator::classMeanEmbeddings(inputs.model->model, inputs.model->kerasVersion, *head,
                                                         inputs.data->train, inputs.data->classNames.size());
        if (!means)
            return Error{QStringLiteral("imprinting: %1").arg(means.errorString())};
        embeddings = std::move(*means);
    }
    return HeadRemapper::apply(inputs.model->model, *ordered, embeddings);
}

Expected<ClassificationReport> FineTuneSetup::zeroShot(const FineTuneInputs &inputs, const HeadPlan &plan)
{
    auto remapped = remap(inputs, plan);
    if (!remapped)
        return remapped.error();
    const SampleSet &samples = inputs.data->validation.count() > 0 ? inputs.data->validation : inputs.data->train;
    auto report =
        ModelEvaluator::evaluate(remapped->model, inputs.model->kerasVersion, samples, inputs.data->classNames.size());
    if (!report)
        return report.error();
    QVector<int> kept;
    for (int r = 0; r < remapped->copiedFrom.size(); ++r)
        if (remapped->copiedFrom[r] >= 0)
            kept << r;
    if (!kept.isEmpty())
        report->keptOldClassAccuracy = ClassificationReport::accuracyOver(report->confusion, kept);
    return report;
}

Expected<TrainingParams> FineTuneSetup::trainingParams(const FineTuneInputs &inputs, const HeadPlan &plan,
                                                       TrainingParams settings)
{
    auto remapped = remap(inputs, plan);
    if (!remapped)
        return remapped.error();
    TrainingParams params = std::move(settings);
    params.model = remapped->model;
    params.kerasVersion = inputs.model->kerasVersion;
    params.sourcePath = inputs.model->sourcePath;
    params.headLayers = {remapped->headLayer};
    // Stack keeps the old output Dense as a hidden layer: "head only" trains it too.
    if (remapped->plan.mode == HeadMode::Stack) {
        if (auto head = HeadRemapper::locate(inputs.model->model, plan.outputLayer))
            params.headLayers << head->layer;
    }
    params.keptOldClasses.clear();
    for (int r = 0; r < remapped->copiedFrom.size(); ++r)
        if (remapped->copiedFrom[r] >= 0)
            params.keptOldClasses << r;
    params.classNames = inputs.data->classNames;
    params.train = inputs.data->train;
    params.validation = inputs.data->validation;
    return params;
}

QVector<double> FineTuneSetup::headRowNorms(const RemappedModel &remapped)
{
    QVector<double> norms;
    const Layer *layer = remapped.model.layer(remapped.headLayer);
    if (!layer || layer->weights.isEmpty())
        return norms;
    const TensorData &kernel = layer->weights.front().tensor; // Keras Dense kernel: (inputs, units)
    if (kernel.shape.size() != 2)
        return norms;
    const std::int64_t in = kernel.shape[0], units = kernel.shape[1];
    norms.fill(0.0, int(units));
    for (std::int64_t i = 0; i < in; ++i)
        for (std::int64_t j = 0; j < units; ++j) {
            const double v = kernel.values[std::size_t(i * units + j)];
            norms[int(j)] += v * v;
        }
    for (double &n : norms)
        n = std::sqrt(n);
    return norms;
}

} // namespace graft::ui
