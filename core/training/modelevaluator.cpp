#include "core/training/modelevaluator.h"

#include "core/engine/inferencemodel.h"

namespace graft {

namespace {

TensorData inputOf(const SampleSet &samples)
{
    TensorData data;
    data.shape = samples.shape;
    data.values = samples.values;
    return data;
}

} // namespace

Expected<std::vector<float>> ModelEvaluator::predict(const ModelSpec &model, const QString &kerasVersion,
                                                     const SampleSet &samples, int batchSize)
{
    auto inference = InferenceModel::build(model, EngineOptions::forKerasVersion(kerasVersion));
    if (!inference)
        return inference.error();
    auto outputs = inference->predict({inputOf(samples)}, batchSize);
    if (!outputs)
        return outputs.error();
    if (outputs->size() != 1)
        return makeError(QStringLiteral("the model has %1 outputs; a classifier has one").arg(outputs->size()));
    return std::move(outputs->front().values);
}

Expected<ClassificationReport> ModelEvaluator::evaluate(const ModelSpec &model, const QString &kerasVersion,
                                                        const SampleSet &samples, int classCount, int batchSize)
{
    if (auto ok = samples.check(classCount, QStringLiteral("evaluation")); !ok)
        return ok.error();
    auto scores = predict(model, kerasVersion, samples, batchSize);
    if (!scores)
        return scores.error();
    if (std::int64_t(scores->size()) != samples.count() * classCount)
        return makeError(QStringLiteral("the model gives %1 values per sample, the data has %2 classes")
                             .arg(std::int64_t(scores->size()) / std::max<std::int64_t>(samples.count(), 1))
                             .arg(classCount));
    return ClassificationReport::fromScores(*scores, classCount, samples.labels, true);
}

Expected<ImprintEmbeddings> ModelEvaluator::classMeanEmbeddings(const ModelSpec &model, const QString &kerasVersion,
                                                                const OutputHead &head, const SampleSet &samples,
                                                                int classCount, int batchSize)
{
    if (auto ok = samples.check(classCount, QStringLiteral("imprinting")); !ok)
        return ok.error();
    auto inference = InferenceModel::build(model, EngineOptions::forKerasVersion(kerasVersion));
    if (!inference)
        return inference.error();
    auto outputs = inference->predictTensors({inputOf(samples)}, {head.inputTensor}, batchSize);
    if (!outputs)
        return outputs.error();
    const TensorData &features = outputs->front();
    const std::int64_t n = samples.count();
    const std::int64_t dim = n > 0 ? std::int64_t(features.values.size()) / n : 0;
    if (dim != head.inputSize)
        return makeError(QStringLiteral("the activations feeding '%1' have %2 values per sample, expected %3")
                             .arg(head.layer)
                             .arg(dim)
                             .arg(head.inputSize));
    std::vector<std::vector<double>> sums(static_cast<std::size_t>(classCount),
                                          std::vector<double>(static_cast<std::size_t>(dim), 0.0));
    std::vector<std::int64_t> counts(std::size_t(classCount), 0);
    for (std::int64_t i = 0; i < n; ++i) {
        const int label = samples.labels[int(i)];
        const float *row = features.values.data() + i * dim;
        for (std::int64_t k = 0; k < dim; ++k)
            sums[std::size_t(label)][std::size_t(k)] += double(row[k]);
        ++counts[std::size_t(label)];
    }
    ImprintEmbeddings out;
    out.classMeans.resize(classCount);
    for (int c = 0; c < classCount; ++c) {
        if (counts[std::size_t(c)] == 0)
            continue;
        std::vector<float> mean(static_cast<std::size_t>(dim));
        for (std::int64_t k = 0; k < dim; ++k)
            mean[std::size_t(k)] = float(sums[std::size_t(c)][std::size_t(k)] / double(counts[std::size_t(c)]));
        out.classMeans[c] = std::move(mean);
    }
    return out;
}

} // namespace graft
