#include "core/training/trainingdata.h"

#include "core/dataset/arraydataset.h"
#include "core/dataset/classfolderscanner.h"
#include "core/dataset/datasetsplit.h"
#include "core/training/textsamples.h"

#include <QDir>

namespace graft {

namespace {

SampleSet fromBatch(FeatureBatch &&batch)
{
    SampleSet set;
    set.shape = batch.shape;
    set.values = std::move(batch.values);
    set.labels = batch.labels;
    return set;
}

bool fits(const Shape &modelShape, const std::vector<std::int64_t> &sampleShape)
{
    if (modelShape.empty())
        return true;
    if (modelShape.size() != sampleShape.size())
        return false;
    for (std::size_t i = 0; i < modelShape.size(); ++i)
        if (modelShape[i] > 0 && modelShape[i] != sampleShape[i])
            return false;
    return true;
}

struct Extracted
{
    FeatureBatch batch;
    QString description;
};

Expected<Extracted> extract(const ClassFolderDataset &dataset, const TrainingDataSource &source,
                            const Shape &inputShape)
{
    Extracted out;
    Expected<FeatureBatch> batch = makeError(QString());
    switch (dataset.kind) {
    case SampleKind::Audio: {
        AudioPipelineSettings settings;
        if (source.audioSettings) {
            settings = *source.audioSettings;
            out.description = QStringLiteral("audio features as given");
        } else {
            auto proposal = proposeFeatureSettings(inputShape, source.audio);
            if (!proposal)
                return makeError(QStringLiteral("%1: %2").arg(dataset.rootPath, proposal.errorString()));
            settings = proposal->settings;
            out.description = proposal->explanation;
        }
        batch = SampleExtractor::extractAudio(dataset.samples, settings, source.extraction);
        break;
    }
    case SampleKind::Image: {
        ImageSettings settings;
        if (source.imageSettings) {
            settings = *source.imageSettings;
            out.description = QStringLiteral("images as given");
        } else {
            auto proposal = proposeImageSettings(inputShape);
            if (!proposal)
                return makeError(QStringLiteral("%1: %2").arg(dataset.rootPath, proposal.errorString()));
            settings = proposal->settings;
            out.description = proposal->explanation;
        }
        batch = SampleExtractor::extractImages(dataset.samples, settings, source.extraction);
        break;
    }
    case SampleKind::FeatureArray:
        out.description = QStringLiteral("one .npy feature array per sample");
        batch = SampleExtractor::extractArrays(dataset.samples, source.extraction);
        break;
    }
    if (!batch)
        return makeError(QStringLiteral("%1: %2").arg(dataset.rootPath, batch.errorString()));
    out.batch = std::move(batch).value();
    return out;
}

Expected<TrainingData> fromFolders(const TrainingDataSource &source, const Shape &inputShape)
{
    QString trainPath = source.dataPath;
    QString validationPath = source.validationPath;
    if (validationPath.isEmpty())
        if (const auto layout = ClassFolderScanner::detectSplitLayout(source.dataPath)) {
            trainPath = layout->trainPath;
            validationPath = layout->validationPath;
        }
    auto scanned = ClassFolderScanner::scan(trainPath);
    if (!scanned)
        return scanned.error();
    TrainingData data;
    data.classNames = scanned->classNames;
    data.skipped = scanned->badFiles;
    for (const DatasetIssue &w : scanned->warnings)
        data.notes << QStringLiteral("%1: %2").arg(w.path, w.reason);
    auto train = extract(*scanned, source, inputShape);
    if (!train)
        return train.error();
    data.description = train->description;
    data.skipped += train->batch.badFiles;
    data.notes += train->batch.notes;
    if (!validationPath.isEmpty()) {
        ClassFolderScanOptions options;
        options.classNames = scanned->classNames;
        auto validationScan = ClassFolderScanner::scan(validationPath, options);
        if (!validationScan)
            return validationScan.error();
        auto validation = extract(*validationScan, source, inputShape);
        if (!validation)
            return validation.error();
        data.skipped += validationScan->badFiles + validation->batch.badFiles;
        data.validation = fromBatch(std::move(validation->batch));
        data.train = fromBatch(std::move(train->batch));
        data.notes << QStringLiteral("validation samples from %1").arg(validationPath);
    } else {
        SampleSet all = fromBatch(std::move(train->batch));
        const DatasetSplit split = stratifiedSplit(all.labels, source.validationSplit, source.seed);
        data.train = all.subset(split.train);
        data.validation = all.subset(split.validation);
        data.notes << QStringLiteral("validation: a stratified %1 % split (seed %2)")
                          .arg(source.validationSplit * 100.0)
                          .arg(source.seed);
    }
    return data;
}

Expected<TrainingData> fromArrays(const TrainingDataSource &source)
{
    auto arrays = ArrayDatasetLoader::fromNpyFiles(source.featuresPath, source.labelsPath, source.classNamesPath);
    if (!arrays)
        return arrays.error();
    TrainingData data;
    data.classNames = arrays->classNames;
    if (data.classNames.isEmpty()) {
        int maxLabel = -1;
        for (int l : arrays->labels)
            maxLabel = std::max(maxLabel, l);
        for (int c = 0; c <= maxLabel; ++c)
            data.classNames << QString::number(c);
        data.notes << QStringLiteral("no class names given: classes are named by their label number");
    }
    data.notes += arrays->warnings;
    data.description = QStringLiteral("arrays from %1").arg(source.featuresPath);
    SampleSet all;
    all.shape = arrays->shape;
    all.values = std::move(arrays->features);
    all.labels = arrays->labels;
    const DatasetSplit split = stratifiedSplit(all.labels, source.validationSplit, source.seed);
    data.train = all.subset(split.train);
    data.validation = all.subset(split.validation);
    data.notes << QStringLiteral("validation: a stratified %1 % split (seed %2)")
                      .arg(source.validationSplit * 100.0)
                      .arg(source.seed);
    return data;
}

Expected<TrainingData> loadChecked(const TrainingDataSource &source, const Shape &modelInputShape,
                                   int embeddingInputDim)
{
    if (source.dataPath.isEmpty() == source.featuresPath.isEmpty())
        return makeError(QStringLiteral("give either a dataset folder or X/y arrays"));
    if (source.validationSplit < 0.0 || source.validationSplit >= 1.0)
        return makeError(QStringLiteral("the validation split must be in [0, 1), got %1").arg(source.validationSplit));
    if (source.text.isActive() && source.dataPath.isEmpty())
        return makeError(QStringLiteral("a tokenizer reads texts: give a CSV/TSV file or a folder of class folders of "
                                        ".txt files; X arrays are already token ids and take no tokenizer"));
    auto data = source.dataPath.isEmpty() ? fromArrays(source)
                : source.text.isActive()  ? TextSampleLoader::load(source, modelInputShape, embeddingInputDim)
                                          : fromFolders(source, modelInputShape);
    if (!data)
        return data.error();
    const std::vector<std::int64_t> sampleShape(data->train.shape.begin() + (data->train.shape.empty() ? 0 : 1),
                                                data->train.shape.end());
    if (!fits(modelInputShape, sampleShape))
        return makeError(QStringLiteral("the samples have shape %1 but the model takes %2; adjust the feature options")
                             .arg(shapeToString(sampleShape, false), shapeToString(modelInputShape, false)));
    if (data->validation.count() > 0 && data->validation.shape != std::vector<std::int64_t>{}
        && std::vector<std::int64_t>(data->validation.shape.begin() + 1, data->validation.shape.end()) != sampleShape)
        return makeError(QStringLiteral("validation samples have shape %1, training samples %2")
                             .arg(shapeToString(std::vector<std::int64_t>(data->validation.shape.begin() + 1,
                                                                          data->validation.shape.end()),
                                                false),
                                  shapeToString(sampleShape, false)));
    if (data->train.count() == 0)
        return makeError(QStringLiteral("no training samples are left"));
    return data;
}

} // namespace

Expected<TrainingData> TrainingDataLoader::load(const TrainingDataSource &source, const Shape &modelInputShape)
{
    return loadChecked(source, modelInputShape, 0);
}

Expected<TrainingData> TrainingDataLoader::load(const TrainingDataSource &source, const ModelSpec &model)
{
    const Shape inputShape = model.inputs.isEmpty() ? Shape() : model.inputs.front().shape;
    return loadChecked(source, inputShape, TextSampleLoader::embeddingInputDim(model));
}

} // namespace graft
