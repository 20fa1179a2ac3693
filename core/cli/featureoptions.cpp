#include "core/cli/featureoptions.h"

#include <QCommandLineParser>

#include <cmath>

namespace graft::cli {

namespace {

QString option(const char *name)
{
    return QString::fromLatin1(name);
}

Error badValue(const QString &name, const QString &value, const QString &expected)
{
    return Error{QStringLiteral("--%1: expected %2, got '%3'").arg(name, expected, value)};
}

// Each reader leaves the target untouched when the option is absent.
Expected<void> readInt(const QCommandLineParser &parser, const QString &name, int &target)
{
    if (!parser.isSet(name))
        return {};
    bool ok = false;
    const QString text = parser.value(name);
    const int value = text.toInt(&ok);
    if (!ok)
        return badValue(name, text, QStringLiteral("an integer"));
    target = value;
    return {};
}

Expected<void> readDouble(const QCommandLineParser &parser, const QString &name, double &target)
{
    if (!parser.isSet(name))
        return {};
    bool ok = false;
    const QString text = parser.value(name);
    const double value = text.toDouble(&ok);
    if (!ok || !std::isfinite(value))
        return badValue(name, text, QStringLiteral("a number"));
    target = value;
    return {};
}

Expected<void> readOptionalDouble(const QCommandLineParser &parser, const QString &name, std::optional<double> &target,
                                  const QString &noneWord)
{
    if (!parser.isSet(name))
        return {};
    const QString text = parser.value(name);
    if (text.compare(noneWord, Qt::CaseInsensitive) == 0) {
        target.reset();
        return {};
    }
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || !std::isfinite(value))
        return badValue(name, text, QStringLiteral("a number or '%1'").arg(noneWord));
    target = value;
    return {};
}

Expected<void> readSwitch(const QCommandLineParser &parser, const QString &on, const QString &off, bool &target)
{
    if (parser.isSet(on) && parser.isSet(off))
        return Error{QStringLiteral("--%1 and --%2 contradict each other").arg(on, off)};
    if (parser.isSet(on))
        target = true;
    if (parser.isSet(off))
        target = false;
    return {};
}

} // namespace

void addAudioFeatureOptions(QCommandLineParser &parser)
{
    const AudioFeatureParams d;
    parser.addOptions({
        {option("feature"),
         QStringLiteral("Feature to compute: mfcc (librosa.feature.mfcc, (n_mfcc, frames)), melspec "
                        "(melspectrogram power, (n_mels, frames)) or melspec-db (power_to_db of it). Default: mfcc."),
         QStringLiteral("KIND")},
        {option("sr"),
         QStringLiteral("Sample rate to load at (librosa.load sr), resampling with soxr HQ; 'native' keeps the "
                        "file's rate (sr=None). Default: %1.")
             .arg(d.sampleRate),
         QStringLiteral("N|native")},
        {option("mono"), QStringLiteral("Average the channels (librosa's default).")},
        {option("no-mono"), QStringLiteral("Keep every channel: features get a leading channel axis.")},
        {option("offset"), QStringLiteral("Start reading this many seconds into the file. Default: 0."),
         QStringLiteral("SECONDS")},
        {option("duration"), QStringLiteral("Read at most this many seconds. Default: to the end."),
         QStringLiteral("SECONDS")},
        {option("n-mfcc"), QStringLiteral("Number of MFCCs. Default: %1.").arg(d.nMfcc), QStringLiteral("N")},
        {option("n-fft"), QStringLiteral("FFT length. Default: %1.").arg(d.nFft), QStringLiteral("N")},
        {option("hop-length"), QStringLiteral("Samples between frames. Default: %1.").arg(d.hopLength),
         QStringLiteral("N")},
        {option("win-length"), QStringLiteral("Window length, zero-padded to n_fft. Default: n_fft."),
         QStringLiteral("N")},
        {option("window"),
         QStringLiteral("Window (periodic, as scipy.signal.get_window): hann, hamming, blackman or boxcar. "
                        "Default: hann."),
         QStringLiteral("NAME")},
        {option("center"), QStringLiteral("Centre frames on hop multiples by padding n_fft/2 at both ends (default).")},
        {option("no-center"), QStringLiteral("Frames start at hop multiples; no padding.")},
        {option("pad-mode"),
         QStringLiteral("Padding for --center: constant (zeros, librosa >= 0.9), reflect or edge. Default: constant."),
         QStringLiteral("MODE")},
        {option("power"),
         QStringLiteral("Exponent of the magnitude spectrogram (2 = power, 1 = magnitude). Default: 2."),
         QStringLiteral("P")},
        {option("n-mels"), QStringLiteral("Number of mel bands. Default: %1.").arg(d.nMels), QStringLiteral("N")},
        {option("fmin"), QStringLiteral("Lowest mel frequency in Hz. Default: 0."), QStringLiteral("HZ")},
        {option("fmax"), QStringLiteral("Highest mel frequency in Hz. Default: sr / 2."), QStringLiteral("HZ")},
        {option("htk"), QStringLiteral("HTK mel scale instead of Slaney's.")},
        {option("mel-norm"), QStringLiteral("Mel filter normalisation: slaney (area, librosa's default) or none."),
         QStringLiteral("slaney|none")},
        {option("ref"), QStringLiteral("power_to_db reference power. Default: 1."), QStringLiteral("VALUE")},
        {option("amin"), QStringLiteral("power_to_db floor on power. Default: 1e-10."), QStringLiteral("VALUE")},
        {option("top-db"),
         QStringLiteral("power_to_db dynamic range below the maximum over the whole signal; 'none' disables. "
                        "Default: 80."),
         QStringLiteral("DB|none")},
        {option("dct-type"), QStringLiteral("DCT type for MFCC: 1, 2 or 3. Default: 2."), QStringLiteral("N")},
        {option("dct-norm"), QStringLiteral("DCT normalisation: ortho (default) or none."),
         QStringLiteral("ortho|none")},
        {option("lifter"), QStringLiteral("Cepstral liftering coefficient; 0 disables. Default: 0."),
         QStringLiteral("L")},
    });
}

Expected<AudioFeatureParams> audioFeatureParamsFromOptions(const QCommandLineParser &parser,
                                                           const AudioFeatureParams &defaults)
{
    AudioFeatureParams p = defaults;
    if (parser.isSet(option("feature"))) {
        const auto kind = featureKindFromName(parser.value(option("feature")));
        if (!kind)
            return badValue(option("feature"), parser.value(option("feature")),
                            featureKindNames().join(QStringLiteral(", ")));
        p.feature = *kind;
    }
    if (parser.isSet(option("sr"))) {
        const QString text = parser.value(option("sr"));
        bool ok = false;
        const int rate = text.toInt(&ok);
        if (text.compare(QLatin1String("native"), Qt::CaseInsensitive) == 0
            || text.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
            p.sampleRate = 0;
        else if (ok && rate > 0)
            p.sampleRate = rate;
        else
            return badValue(option("sr"), text, QStringLiteral("a positive sample rate or 'native'"));
    }
    if (parser.isSet(option("window"))) {
        const auto window = windowTypeFromName(parser.value(option("window")));
        if (!window)
            return badValue(option("window"), parser.value(option("window")),
                            windowTypeNames().join(QStringLiteral(", ")));
        p.window = *window;
    }
    if (parser.isSet(option("pad-mode"))) {
        const auto mode = padModeFromName(parser.value(option("pad-mode")));
        if (!mode)
            return badValue(option("pad-mode"), parser.value(option("pad-mode")),
                            padModeNames().join(QStringLiteral(", ")));
        p.padMode = *mode;
    }
    if (parser.isSet(option("mel-norm"))) {
        const QString text = parser.value(option("mel-norm")).toLower();
        if (text == QLatin1String("slaney"))
            p.melNorm = MelNorm::Slaney;
        else if (text == QLatin1String("none"))
            p.melNorm = MelNorm::None;
        else
            return badValue(option("mel-norm"), text, QStringLiteral("slaney or none"));
    }
    if (parser.isSet(option("dct-norm"))) {
        const QString text = parser.value(option("dct-norm")).toLower();
        if (text == QLatin1String("ortho"))
            p.dctNorm = DctNorm::Ortho;
        else if (text == QLatin1String("none"))
            p.dctNorm = DctNorm::None;
        else
            return badValue(option("dct-norm"), text, QStringLiteral("ortho or none"));
    }
    if (parser.isSet(option("htk")))
        p.htk = true;

    const Expected<void> steps[] = {
        readSwitch(parser, option("mono"), option("no-mono"), p.mono),
        readSwitch(parser, option("center"), option("no-center"), p.center),
        readDouble(parser, option("offset"), p.offset),
        readOptionalDouble(parser, option("duration"), p.duration, QStringLiteral("none")),
        readInt(parser, option("n-mfcc"), p.nMfcc),
        readInt(parser, option("n-fft"), p.nFft),
        readInt(parser, option("hop-length"), p.hopLength),
        readInt(parser, option("win-length"), p.winLength),
        readDouble(parser, option("power"), p.power),
        readInt(parser, option("n-mels"), p.nMels),
        readDouble(parser, option("fmin"), p.fmin),
        readOptionalDouble(parser, option("fmax"), p.fmax, QStringLiteral("none")),
        readDouble(parser, option("ref"), p.ref),
        readDouble(parser, option("amin"), p.amin),
        readOptionalDouble(parser, option("top-db"), p.topDb, QStringLiteral("none")),
        readInt(parser, option("dct-type"), p.dctType),
        readDouble(parser, option("lifter"), p.lifter),
    };
    for (const Expected<void> &step : steps) {
        if (!step)
            return step.error();
    }
    if (auto valid = p.validate(); !valid)
        return valid.error();
    return p;
}

} // namespace graft::cli
