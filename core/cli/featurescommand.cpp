#include "core/audio/audioloader.h"
#include "core/audio/featureextractor.h"
#include "core/cli/clioutput.h"
#include "core/common/atomicfiletarget.h"
#include "core/cli/command.h"
#include "core/cli/featureoptions.h"
#include "core/dataset/datasetfeatures.h"
#include "core/io/npyfile.h"

#include <QCommandLineParser>
#include <QFileInfo>

namespace graft::cli {

namespace {

const QString commandName = QStringLiteral("features");

QString shapeText(const std::vector<qint64> &shape)
{
    QStringList parts;
    for (qint64 dimension : shape)
        parts << QString::number(dimension);
    return QLatin1Char('(') + parts.join(QStringLiteral(", "))
           + (shape.size() == 1 ? QStringLiteral(",)") : QStringLiteral(")"));
}

Expected<void> writeFloat32(const QString &path, std::vector<float> values, const std::vector<qint64> &shape)
{
    auto array = NpyArray::fromFloat32(std::move(values), std::vector<std::int64_t>(shape.begin(), shape.end()));
    if (!array)
        return array.error();
    return NpyFile::write(path, *array);
}

int runFeatures(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Computes librosa 0.10-compatible features of one audio file (WAV, FLAC, OGG) and writes them as a "
        "float32 .npy exactly as librosa returns them: librosa.load(FILE, sr=...) then "
        "librosa.feature.mfcc (n_mfcc, frames), melspectrogram (n_mels, frames) or power_to_db of it. "
        "Frames = 1 + samples // hop_length when centred."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The audio file."));
    const QCommandLineOption outOption(QStringLiteral("out"),
                                       QStringLiteral("The .npy file to write the features to (required)."),
                                       QStringLiteral("F.npy"));
    const QCommandLineOption waveformOption(
        QStringLiteral("waveform-out"),
        QStringLiteral("Also write the waveform as loaded (librosa.load's y, float32) to this .npy."),
        QStringLiteral("Y.npy"));
    parser.addOption(outOption);
    parser.addOption(waveformOption);
    addAudioFeatureOptions(parser);
    DatasetFeaturesCommand::addOptions(parser);

    if (!parser.parse(QStringList{QStringLiteral("graft-cli features")} + arguments))
        return fail(commandName, parser.errorText(), 2);
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        out().flush();
        return 0;
    }
    if (parser.positionalArguments().size() != 1)
        return fail(commandName, QStringLiteral("expected exactly one audio FILE (see --help)"), 2);
    if (!parser.isSet(outOption))
        return fail(commandName, QStringLiteral("--out F.npy is required"), 2);
    const QString file = parser.positionalArguments().front();
    // Inputs are never modified: --out naming the audio file itself would replace it.
    if (auto ok = refuseOverwritingInput(parser.value(outOption), {file}); !ok)
        return fail(commandName, ok.errorString(), 2);
    if (parser.isSet(waveformOption)) {
        if (auto ok = refuseOverwritingInput(parser.value(waveformOption), {file}); !ok)
            return fail(commandName, ok.errorString(), 2);
    }
    auto params = audioFeatureParamsFromOptions(parser);
    if (!params)
        return fail(commandName, params.errorString(), 2);
    if (QFileInfo(file).isDir()) {
        const auto summary = DatasetFeaturesCommand::run(parser, file, parser.value(outOption), *params);
        if (!summary)
            return fail(commandName, summary.errorString());
        out() << *summary;
        out().flush();
        return 0;
    }

    auto audio = loadAudio(file, AudioLoadOptions::fromFeatureParams(*params));
    if (!audio)
        return fail(commandName, audio.errorString());
    auto features = FeatureExtractor(*params).compute(*audio);
    if (!features)
        return fail(commandName, QStringLiteral("'%1': %2").arg(file, features.errorString()));

    const QString outPath = parser.value(outOption);
    const std::vector<qint64> featureShape = features->shape();
    if (auto written = writeFloat32(outPath, std::move(features->values), featureShape); !written)
        return fail(commandName, QStringLiteral("cannot write '%1': %2").arg(outPath, written.errorString()));
    out() << outPath << ": " << featureKindName(params->feature) << " float32 " << shapeText(featureShape)
          << ", sr=" << audio->sampleRate << '\n';
    if (parser.isSet(waveformOption)) {
        const QString waveformPath = parser.value(waveformOption);
        const std::vector<qint64> waveformShape = audio->shape();
        if (auto written = writeFloat32(waveformPath, std::move(audio->samples), waveformShape); !written)
            return fail(commandName, QStringLiteral("cannot write '%1': %2").arg(waveformPath, written.errorString()));
        out() << waveformPath << ": waveform float32 " << shapeText(waveformShape) << '\n';
    }
    out().flush();
    return 0;
}

} // namespace

Command featuresCommand()
{
    return {commandName, QStringLiteral("Compute librosa-compatible MFCC / mel features of an audio file"),
            runFeatures};
}

} // namespace graft::cli
