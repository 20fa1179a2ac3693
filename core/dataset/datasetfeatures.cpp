#include "core/dataset/datasetfeatures.h"

#include "core/common/atomicfiletarget.h"
#include "core/dataset/classfolderscanner.h"
#include "core/dataset/sampleextractor.h"
#include "core/dataset/samplesettings.h"
#include "core/formats/kerasfileloader.h"
#include "core/io/npyfile.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTextStream>

namespace graft {

namespace {

const QString labelsOpt = QStringLiteral("labels");
const QString classNamesOpt = QStringLiteral("class-names");
const QString modelOpt = QStringLiteral("model");
const QString framesOpt = QStringLiteral("frames");
const QString samplesOpt = QStringLiteral("samples");
const QString orientationOpt = QStringLiteral("orientation");
const QString meanOpt = QStringLiteral("mean");
const QString channelAxisOpt = QStringLiteral("channel-axis");
const QString cropOpt = QStringLiteral("crop");
const QString imageSizeOpt = QStringLiteral("image-size");
const QString colorModeOpt = QStringLiteral("color-mode");
const QString scaleOpt = QStringLiteral("scale");
const QString channelsFirstOpt = QStringLiteral("channels-first");
const QString threadsOpt = QStringLiteral("threads");
const QString noCacheOpt = QStringLiteral("no-cache");
const QString cacheDirOpt = QStringLiteral("cache-dir");

Expected<int> positiveInt(const QCommandLineParser &parser, const QString &name)
{
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok || value <= 0)
        return Error{QStringLiteral("--%1 must be a positive whole number, not '%2'").arg(name, parser.value(name))};
    return value;
}

/** Explicit shaping options override the proposal (or the defaults). */
Expected<void> applyShapingOptions(const QCommandLineParser &parser, AudioShaping &shaping)
{
    if (parser.isSet(framesOpt)) {
        auto frames = positiveInt(parser, framesOpt);
        if (!frames)
            return frames.error();
        shaping.frames = *frames;
    }
    if (parser.isSet(samplesOpt)) {
        auto samples = positiveInt(parser, samplesOpt);
        if (!samples)
            return samples.error();
        shaping.sampleCount = *samples;
    }
    if (parser.isSet(orientationOpt)) {
        const QString value = parser.value(orientationOpt);
        if (value == QLatin1String("features-frames"))
            shaping.orientation = FeatureOrientation::FeaturesByFrames;
        else if (value == QLatin1String("frames-features"))
            shaping.orientation = FeatureOrientation::FramesByFeatures;
        else
            return Error{
                QStringLiteral("--orientation must be features-frames or frames-features, not '%1'").arg(value)};
    }
    if (parser.isSet(meanOpt))
        shaping.meanOverTime = true;
    if (parser.isSet(channelAxisOpt)) {
        const QString value = parser.value(channelAxisOpt);
        if (value == QLatin1String("none"))
            shaping.channelAxis = ChannelAxis::None;
        else if (value == QLatin1String("first"))
            shaping.channelAxis = ChannelAxis::First;
        else if (value == QLatin1String("last"))
            shaping.channelAxis = ChannelAxis::Last;
        else
            return Error{QStringLiteral("--channel-axis must be none, first or last, not '%1'").arg(value)};
    }
    if (parser.isSet(cropOpt)) {
        const QString value = parser.value(cropOpt);
        if (value == QLatin1String("start"))
            shaping.crop = CropAnchor::Start;
        else if (value == QLatin1String("center"))
            shaping.crop = CropAnchor::Center;
        else if (value == QLatin1String("end"))
            shaping.crop = CropAnchor::End;
        else
            return Error{QStringLiteral("--crop must be start, center or end, not '%1'").arg(value)};
    }
    return {};
}

Expected<void> applyImageOptions(const QCommandLineParser &parser, ImageSettings &settings)
{
    if (parser.isSet(imageSizeOpt)) {
        const QRegularExpressionMatch match =
            QRegularExpression(QStringLiteral("^(\\d+)x(\\d+)$")).match(parser.value(imageSizeOpt));
        if (!match.hasMatch() || match.captured(1).toInt() <= 0 || match.captured(2).toInt() <= 0)
            return Error{QStringLiteral("--image-size must be HEIGHTxWIDTH (e.g. 224x224), not '%1'")
                             .arg(parser.value(imageSizeOpt))};
        settings.height = match.captured(1).toInt();
        settings.width = match.captured(2).toInt();
    }
    if (parser.isSet(colorModeOpt)) {
        const auto mode = colorModeFromName(parser.value(colorModeOpt));
        if (!mode)
            return Error{QStringLiteral("--color-mode must be rgb, grayscale or rgba, not '%1'")
                             .arg(parser.value(colorModeOpt))};
        settings.colorMode = *mode;
    }
    if (parser.isSet(scaleOpt)) {
        const QString value = parser.value(scaleOpt);
        if (value == QLatin1String("raw"))
            settings.scale = PixelScale::Raw;
        else if (value == QLatin1String("unit"))
            settings.scale = PixelScale::UnitInterval;
        else
            return Error{QStringLiteral("--scale must be raw (0-255) or unit (/255), not '%1'").arg(value)};
    }
    if (parser.isSet(channelsFirstOpt))
        settings.channelsFirst = true;
    return {};
}

Expected<std::vector<std::int64_t>> modelInputShape(const QString &path)
{
    const auto loaded = KerasFileLoader::load(path);
    if (!loaded)
        return loaded.error();
    if (loaded->model.inputs.isEmpty())
        return Error{
            QStringLiteral("%1: the model has no known input shape (weights without architecture?)").arg(path)};
    if (loaded->model.inputs.size() > 1)
        return Error{QStringLiteral("%1: the model has %2 inputs; folder features feed single-input models")
                         .arg(path)
                         .arg(loaded->model.inputs.size())};
    const Shape &shape = loaded->model.inputs.front().shape;
    return std::vector<std::int64_t>(shape.begin(), shape.end());
}

Expected<void> writeClassNames(const QString &path, const QStringList &names)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error{QStringLiteral("Cannot write %1: %2").arg(path, file.errorString())};
    file.write((names.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
    if (!file.commit())
        return Error{QStringLiteral("Cannot write %1: %2").arg(path, file.errorString())};
    return {};
}

} // namespace

void DatasetFeaturesCommand::addOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        {labelsOpt,
         QStringLiteral(
             "Folder mode (PATH is a class folder): write the int64 labels (N,) to this .npy (required there)."),
         QStringLiteral("y.npy")},
        {classNamesOpt, QStringLiteral("Folder mode: write the class names, one per line in label order."),
         QStringLiteral("names.txt")},
        {modelOpt,
         QStringLiteral(
             "Folder mode: shape the samples for this Keras model's input (proposed settings; explicit options win)."),
         QStringLiteral("FILE")},
        {framesOpt, QStringLiteral("Folder mode: pad (zeros at the end) or crop every sample to N frames."),
         QStringLiteral("N")},
        {samplesOpt,
         QStringLiteral("Folder mode: pad or crop the waveform to N samples before extraction (signal[:N])."),
         QStringLiteral("N")},
        {orientationOpt,
         QStringLiteral("Folder mode: features-frames (librosa's layout, default) or frames-features (mfcc.T)."),
         QStringLiteral("ORDER")},
        {meanOpt, QStringLiteral("Folder mode: average over time, one value per coefficient (np.mean(mfcc, axis=1)).")},
        {channelAxisOpt, QStringLiteral("Folder mode: add a size-1 channel axis: none (default), first or last."),
         QStringLiteral("AXIS")},
        {cropOpt, QStringLiteral("Folder mode: which part a crop keeps: start (default), center or end."),
         QStringLiteral("ANCHOR")},
        {imageSizeOpt,
         QStringLiteral("Folder mode, images: resize to HEIGHTxWIDTH, bilinear as Keras (default 256x256)."),
         QStringLiteral("HxW")},
        {colorModeOpt, QStringLiteral("Folder mode, images: rgb (default), grayscale or rgba."),
         QStringLiteral("MODE")},
        {scaleOpt,
         QStringLiteral("Folder mode, images: raw 0-255 values as Keras's loaders give (default) or unit (/255)."),
         QStringLiteral("SCALE")},
        {channelsFirstOpt, QStringLiteral("Folder mode, images: (C, H, W) instead of (H, W, C).")},
        {threadsOpt, QStringLiteral("Folder mode: worker threads (default: every core)."), QStringLiteral("N")},
        {noCacheOpt, QStringLiteral("Folder mode: neither read nor fill the feature cache.")},
        {cacheDirOpt,
         QStringLiteral("Folder mode: feature cache folder (default: the user cache folder, graft/features)."),
         QStringLiteral("DIR")},
    });
}

Expected<QString> DatasetFeaturesCommand::run(const QCommandLineParser &parser, const QString &folder,
                                              const QString &outPath, const AudioFeatureParams &params)
{
    if (!parser.isSet(labelsOpt))
        return Error{
            QStringLiteral("%1 is a folder: --labels y.npy is required to write the class of each sample").arg(folder)};
    if (const auto layout = ClassFolderScanner::detectSplitLayout(folder))
        return Error{QStringLiteral("%1 holds %2 and %3: run once per folder")
                         .arg(folder, layout->trainPath, layout->validationPath)};
    const QString labelsPath = parser.value(labelsOpt);
    if (QFileInfo(labelsPath).absoluteFilePath() == QFileInfo(outPath).absoluteFilePath())
        return Error{QStringLiteral("--out and --labels name the same file %1").arg(outPath)};

    const auto scanned = ClassFolderScanner::scan(folder);
    if (!scanned)
        return scanned.error();
    if (scanned->samples.isEmpty())
        return Error{
            QStringLiteral("%1 has no usable samples (%2 bad files)").arg(folder).arg(scanned->badFiles.size())};
    if (scanned->kind == SampleKind::FeatureArray) {
        // Only a .npy dataset can hold the output's own name; inputs are never overwritten.
        QStringList inputs;
        for (const DatasetSample &sample : scanned->samples)
            inputs << sample.path;
        for (const QString &target : {outPath, labelsPath}) {
            if (!refuseOverwritingInput(target, inputs))
                return Error{
                    QStringLiteral("Refusing to write %1: it is one of the dataset's samples. Choose another name.")
                        .arg(target)};
        }
    }

    std::optional<std::vector<std::int64_t>> inputShape;
    if (parser.isSet(modelOpt)) {
        auto shape = modelInputShape(parser.value(modelOpt));
        if (!shape)
            return shape.error();
        inputShape = *shape;
    }

    ExtractionOptions options;
    options.useCache = !parser.isSet(noCacheOpt);
    options.cacheDirectory = parser.value(cacheDirOpt);
    if (parser.isSet(threadsOpt)) {
        auto threads = positiveInt(parser, threadsOpt);
        if (!threads)
            return threads.error();
        options.threads = *threads;
    }

    QString settingsNote;
    Expected<FeatureBatch> batch = Error{};
    switch (scanned->kind) {
    case SampleKind::Audio: {
        AudioPipelineSettings settings;
        settings.params = params;
        if (inputShape) {
            auto proposal = proposeFeatureSettings(*inputShape, params);
            if (!proposal)
                return Error{QStringLiteral("%1: %2").arg(parser.value(modelOpt), proposal.errorString())};
            if (parser.isSet(QStringLiteral("n-mfcc")) && proposal->settings.params.nMfcc != params.nMfcc)
                return Error{QStringLiteral("--n-mfcc %1 does not fit the model input %2 (%3)")
                                 .arg(params.nMfcc)
                                 .arg(shapeText(*inputShape), proposal->explanation)};
            settings = proposal->settings;
            settingsNote = QStringLiteral("model input ") + proposal->explanation;
        }
        if (auto applied = applyShapingOptions(parser, settings.shaping); !applied)
            return applied.error();
        batch = SampleExtractor::extractAudio(scanned->samples, settings, options);
        break;
    }
    case SampleKind::Image: {
        ImageSettings settings;
        if (inputShape) {
            auto proposal = proposeImageSettings(*inputShape);
            if (!proposal)
                return Error{QStringLiteral("%1: %2").arg(parser.value(modelOpt), proposal.errorString())};
            settings = proposal->settings;
            settingsNote = QStringLiteral("model input ") + proposal->explanation;
        }
        if (auto applied = applyImageOptions(parser, settings); !applied)
            return applied.error();
        batch = SampleExtractor::extractImages(scanned->samples, settings, options);
        break;
    }
    case SampleKind::FeatureArray: batch = SampleExtractor::extractArrays(scanned->samples, options); break;
    }
    if (!batch)
        return batch.error();

    if (inputShape) {
        std::vector<std::int64_t> expected = *inputShape;
        const std::vector<std::int64_t> got = batch->sampleShape();
        bool fits = expected.size() == got.size();
        for (std::size_t i = 0; fits && i < got.size(); ++i)
            fits = expected[i] <= 0 || expected[i] == got[i];
        if (!fits)
            return Error{QStringLiteral("samples of shape %1 do not fit the model input %2; adjust the shaping options")
                             .arg(shapeText(got), shapeText(expected))};
    }

    auto x = NpyArray::fromFloat32(std::move(batch->values), batch->shape);
    if (!x)
        return x.error();
    std::vector<std::int64_t> labels(batch->labels.begin(), batch->labels.end());
    auto y = NpyArray::fromInt64(std::move(labels), {batch->count()});
    if (!y)
        return y.error();
    if (auto written = NpyFile::write(outPath, *x); !written)
        return written.error();
    if (auto written = NpyFile::write(labelsPath, *y); !written)
        return written.error();
    if (parser.isSet(classNamesOpt)) {
        if (auto written = writeClassNames(parser.value(classNamesOpt), scanned->classNames); !written)
            return written.error();
    }

    QString summary;
    QTextStream text(&summary);
    if (!settingsNote.isEmpty())
        text << settingsNote << '\n';
    text << outPath << ": float32 " << shapeText(batch->shape) << '\n';
    text << labelsPath << ": int64 (" << batch->count() << ",), " << scanned->classNames.size() << " classes\n";
    if (parser.isSet(classNamesOpt))
        text << parser.value(classNamesOpt) << ": class names\n";
    text << "cache: " << batch->cacheHits << " hits, " << batch->cacheMisses << " computed\n";
    for (const QString &note : batch->notes)
        text << "note: " << note << '\n';
    QVector<DatasetIssue> bad = scanned->badFiles + batch->badFiles;
    if (!bad.isEmpty()) {
        text << bad.size() << " bad files skipped:\n";
        for (const DatasetIssue &issue : bad)
            text << "  " << issue.path << ": " << issue.reason << '\n';
    }
    text.flush();
    return summary;
}

} // namespace graft
