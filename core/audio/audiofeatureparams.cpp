#include "core/audio/audiofeatureparams.h"

#include <cmath>

namespace graft {

namespace {

template <typename Enum> struct NamedValue
{
    const char *name;
    Enum value;
};

const NamedValue<AudioFeatureKind> featureKinds[] = {
    {"mfcc", AudioFeatureKind::Mfcc},
    {"melspec", AudioFeatureKind::MelSpectrogram},
    {"melspec-db", AudioFeatureKind::MelSpectrogramDb},
};

// The first spelling of each value is the canonical one; the others are
// scipy.signal.get_window aliases people type.
const NamedValue<WindowType> windowTypes[] = {
    {"hann", WindowType::Hann},          {"hamming", WindowType::Hamming},  {"blackman", WindowType::Blackman},
    {"boxcar", WindowType::Rectangular}, {"hanning", WindowType::Hann},     {"rectangular", WindowType::Rectangular},
    {"rect", WindowType::Rectangular},   {"ones", WindowType::Rectangular},
};

const NamedValue<PadMode> padModes[] = {
    {"constant", PadMode::Constant},
    {"reflect", PadMode::Reflect},
    {"edge", PadMode::Edge},
};

template <typename Enum, std::size_t N> QString nameOf(const NamedValue<Enum> (&table)[N], Enum value)
{
    for (const auto &entry : table) {
        if (entry.value == value)
            return QString::fromLatin1(entry.name);
    }
    return QString();
}

template <typename Enum, std::size_t N>
std::optional<Enum> valueOf(const NamedValue<Enum> (&table)[N], const QString &name)
{
    const QString lowered = name.trimmed().toLower();
    for (const auto &entry : table) {
        if (lowered == QLatin1String(entry.name))
            return entry.value;
    }
    return std::nullopt;
}

template <typename Enum, std::size_t N> QStringList namesOf(const NamedValue<Enum> (&table)[N])
{
    QStringList names;
    for (const auto &entry : table)
        names << QString::fromLatin1(entry.name);
    return names;
}

QString number(double value)
{
    return QString::number(value, 'g', 17);
}

} // namespace

QString featureKindName(AudioFeatureKind kind)
{
    return nameOf(featureKinds, kind);
}
std::optional<AudioFeatureKind> featureKindFromName(const QString &name)
{
    return valueOf(featureKinds, name);
}
QStringList featureKindNames()
{
    return namesOf(featureKinds);
}
QString windowTypeName(WindowType window)
{
    return nameOf(windowTypes, window);
}
std::optional<WindowType> windowTypeFromName(const QString &name)
{
    return valueOf(windowTypes, name);
}
QStringList windowTypeNames()
{
    return namesOf(windowTypes);
}
QString padModeName(PadMode mode)
{
    return nameOf(padModes, mode);
}
std::optional<PadMode> padModeFromName(const QString &name)
{
    return valueOf(padModes, name);
}
QStringList padModeNames()
{
    return namesOf(padModes);
}

qint64 AudioFeatureParams::frameCount(qint64 sampleCount) const
{
    if (nFft <= 0 || hopLength <= 0 || sampleCount < 0)
        return 0;
    // center=True pads n_fft // 2 samples on both sides (also for odd n_fft).
    const qint64 padded = center ? sampleCount + 2 * qint64(nFft / 2) : sampleCount;
    if (padded < nFft)
        return 0;
    return 1 + (padded - nFft) / hopLength;
}

Expected<void> AudioFeatureParams::validate() const
{
    auto fail = [](const QString &message) { return Expected<void>(Error{message}); };
    if (sampleRate < 0 || sampleRate > 1000000)
        return fail(QStringLiteral("sr must be 'native' or between 1 and 1000000 Hz, got %1").arg(sampleRate));
    if (!std::isfinite(offset) || offset < 0)
        return fail(QStringLiteral("offset must be a non-negative number of seconds, got %1").arg(offset));
    if (duration && (!std::isfinite(*duration) || *duration <= 0))
        return fail(QStringLiteral("duration must be a positive number of seconds, got %1").arg(*duration));
    if (nFft < 2 || nFft > (1 << 20))
        return fail(QStringLiteral("n_fft must be between 2 and 1048576, got %1").arg(nFft));
    if (hopLength < 1)
        return fail(QStringLiteral("hop_length must be positive, got %1").arg(hopLength));
    if (winLength < 0 || effectiveWinLength() > nFft)
        return fail(QStringLiteral("win_length must be between 1 and n_fft (%1), got %2").arg(nFft).arg(winLength));
    if (!std::isfinite(power) || power <= 0)
        return fail(QStringLiteral("power must be positive, got %1").arg(power));
    if (nMels < 1 || nMels > 10000)
        return fail(QStringLiteral("n_mels must be between 1 and 10000, got %1").arg(nMels));
    if (!std::isfinite(fmin) || fmin < 0)
        return fail(QStringLiteral("fmin must be a non-negative frequency, got %1").arg(fmin));
    if (fmax && (!std::isfinite(*fmax) || *fmax <= fmin))
        return fail(QStringLiteral("fmax must be greater than fmin (%1), got %2").arg(fmin).arg(*fmax));
    if (!std::isfinite(ref) || ref <= 0)
        return fail(QStringLiteral("ref must be positive, got %1").arg(ref));
    if (!std::isfinite(amin) || amin <= 0)
        return fail(QStringLiteral("amin must be strictly positive, got %1").arg(amin));
    if (topDb && (!std::isfinite(*topDb) || *topDb < 0))
        return fail(QStringLiteral("top_db must be non-negative, got %1").arg(*topDb));
    if (feature == AudioFeatureKind::Mfcc) {
        if (nMfcc < 1 || nMfcc > nMels)
            return fail(QStringLiteral("n_mfcc must be between 1 and n_mels (%1), got %2").arg(nMels).arg(nMfcc));
        if (dctType < 1 || dctType > 3)
            return fail(QStringLiteral("dct_type must be 1, 2 or 3, got %1").arg(dctType));
        if (dctType == 1 && nMels < 2)
            return fail(QStringLiteral("dct_type 1 needs n_mels >= 2"));
        if (!std::isfinite(lifter) || lifter < 0)
            return fail(QStringLiteral("lifter must be non-negative, got %1").arg(lifter));
    }
    return {};
}

Expected<void> AudioFeatureParams::validateForSampleRate(int sampleRateHz) const
{
    if (sampleRateHz <= 0)
        return Error{QStringLiteral("sample rate must be positive, got %1").arg(sampleRateHz)};
    const double top = effectiveFmax(sampleRateHz);
    if (top <= fmin)
        return Error{QStringLiteral("fmax (%1 Hz) must be greater than fmin (%2 Hz) at sr=%3")
                         .arg(top)
                         .arg(fmin)
                         .arg(sampleRateHz)};
    return {};
}

QString AudioFeatureParams::toKeyString() const
{
    QStringList parts;
    parts << QStringLiteral("feature=") + featureKindName(feature)
          << QStringLiteral("sr=") + (sampleRate > 0 ? QString::number(sampleRate) : QStringLiteral("native"))
          << QStringLiteral("mono=%1").arg(mono ? 1 : 0) << QStringLiteral("offset=") + number(offset)
          << QStringLiteral("duration=") + (duration ? number(*duration) : QStringLiteral("none"))
          << QStringLiteral("n_fft=%1").arg(nFft) << QStringLiteral("hop_length=%1").arg(hopLength)
          << QStringLiteral("win_length=%1").arg(effectiveWinLength())
          << QStringLiteral("window=") + windowTypeName(window) << QStringLiteral("center=%1").arg(center ? 1 : 0)
          << QStringLiteral("pad_mode=") + padModeName(padMode) << QStringLiteral("power=") + number(power)
          << QStringLiteral("n_mels=%1").arg(nMels) << QStringLiteral("fmin=") + number(fmin)
          << QStringLiteral("fmax=") + (fmax ? number(*fmax) : QStringLiteral("sr/2"))
          << QStringLiteral("htk=%1").arg(htk ? 1 : 0)
          << QStringLiteral("norm=") + (melNorm == MelNorm::Slaney ? QStringLiteral("slaney") : QStringLiteral("none"))
          << QStringLiteral("ref=") + number(ref) << QStringLiteral("amin=") + number(amin)
          << QStringLiteral("top_db=") + (topDb ? number(*topDb) : QStringLiteral("none"));
    if (feature == AudioFeatureKind::Mfcc) {
        parts << QStringLiteral("n_mfcc=%1").arg(nMfcc) << QStringLiteral("dct_type=%1").arg(dctType)
              << QStringLiteral("dct_norm=")
                     + (dctNorm == DctNorm::Ortho ? QStringLiteral("ortho") : QStringLiteral("none"))
              << QStringLiteral("lifter=") + number(lifter);
    }
    return parts.join(QLatin1Char(';'));
}

} // namespace graft
