#include "core/audio/audioloader.h"

#include "core/audio/audiofeatureparams.h"
#include "core/audio/resampler.h"
#include "core/common/limits.h"

#include <QFile>
#include <QFileInfo>

#include <sndfile.h>

#include <cmath>
#include <memory>

namespace graft {

namespace {

struct SndfileCloser
{
    void operator()(SNDFILE *file) const { sf_close(file); }
};
using SndfileHandle = std::unique_ptr<SNDFILE, SndfileCloser>;

Error loadError(const QString &path, const QString &reason)
{
    return Error{QStringLiteral("cannot load audio file '%1': %2").arg(path, reason)};
}

Expected<SndfileHandle> openForReading(const QString &path, SF_INFO &info)
{
    if (!QFileInfo::exists(path))
        return loadError(path, QStringLiteral("the file does not exist"));
    if (QFileInfo(path).isDir())
        return loadError(path, QStringLiteral("it is a folder, not an audio file"));
    info = SF_INFO{};
    SndfileHandle handle(sf_open(QFile::encodeName(path).constData(), SFM_READ, &info));
    if (!handle) {
        return loadError(path, QStringLiteral("%1 (libsndfile reads WAV, FLAC, OGG/Vorbis, AIFF and similar)")
                                   .arg(QString::fromLocal8Bit(sf_strerror(nullptr))));
    }
    if (info.channels < 1 || info.samplerate < 1)
        return loadError(
            path, QStringLiteral("the header declares %1 channels at %2 Hz").arg(info.channels).arg(info.samplerate));
    return handle;
}

QString formatName(SNDFILE *file, int format)
{
    SF_FORMAT_INFO major{};
    major.format = format & SF_FORMAT_TYPEMASK;
    SF_FORMAT_INFO minor{};
    minor.format = format & SF_FORMAT_SUBMASK;
    QString name;
    if (sf_command(file, SFC_GET_FORMAT_INFO, &major, sizeof(major)) == 0 && major.name)
        name = QString::fromUtf8(major.name);
    if (sf_command(file, SFC_GET_FORMAT_INFO, &minor, sizeof(minor)) == 0 && minor.name)
        name += QStringLiteral(", ") + QString::fromUtf8(minor.name);
    return name;
}

} // namespace

AudioLoadOptions AudioLoadOptions::fromFeatureParams(const AudioFeatureParams &params)
{
    AudioLoadOptions options;
    options.sampleRate = params.sampleRate;
    options.mono = params.mono;
    options.offset = params.offset;
    options.duration = params.duration;
    return options;
}

Expected<AudioFileInfo> probeAudio(const QString &path)
{
    SF_INFO info;
    auto handle = openForReading(path, info);
    if (!handle)
        return handle.error();
    AudioFileInfo result;
    result.sampleRate = info.samplerate;
    result.channels = info.channels;
    result.frames = info.frames;
    result.format = formatName(handle->get(), info.format);
    return result;
}

AudioBuffer mixToMono(const AudioBuffer &audio)
{
    if (audio.channels <= 1)
        return audio;
    AudioBuffer mono;
    mono.sampleRate = audio.sampleRate;
    mono.channels = 1;
    const qint64 frames = audio.frames();
    mono.samples.assign(audio.channel(0), audio.channel(0) + frames);
    // np.mean(axis=0) in float32: channels summed in order, then one division.
    for (int c = 1; c < audio.channels; ++c) {
        const float *source = audio.channel(c);
        for (qint64 i = 0; i < frames; ++i)
            mono.samples[i] += source[i];
    }
    const float count = float(audio.channels);
    for (float &sample : mono.samples)
        sample /= count;
    return mono;
}

Expected<AudioBuffer> loadAudio(const QString &path, const AudioLoadOptions &options)
{
    if (!std::isfinite(options.offset) || options.offset < 0)
        return loadError(path, QStringLiteral("offset must be a non-negative number of seconds"));
    if (options.duration && (!std::isfinite(*options.duration) || *options.duration <= 0))
        return loadError(path, QStringLiteral("duration must be a positive number of seconds"));
    if (options.sampleRate < 0)
        return loadError(path, QStringLiteral("the target sample rate must be positive or native"));

    SF_INFO info;
    auto opened = openForReading(path, info);
    if (!opened)
        return opened.error();
    SNDFILE *file = opened->get();
    const int channels = info.channels;
    const int nativeRate = info.samplerate;

    // soundfile's seek(int(offset * sr)) and read(frames=int(duration * sr)): Python's int() truncates.
    const qint64 startFrame = qint64(options.offset * nativeRate);
    if (startFrame > 0) {
        if (info.frames >= 0 && startFrame >= info.frames) {
            return loadError(path, QStringLiteral("offset %1 s is at or past the end of the audio (%2 s)")
                                       .arg(options.offset)
                                       .arg(double(info.frames) / nativeRate));
        }
        if (sf_seek(file, startFrame, SEEK_SET) < 0)
            return loadError(path, QStringLiteral("cannot seek to offset %1 s: %2")
                                       .arg(options.offset)
                                       .arg(QString::fromLocal8Bit(sf_strerror(file))));
    }
    qint64 wanted = -1;
    if (options.duration)
        wanted = qint64(*options.duration * nativeRate);
    if (options.duration && wanted == 0)
        return loadError(
            path,
            QStringLiteral("duration %1 s is shorter than one sample at %2 Hz").arg(*options.duration).arg(nativeRate));

    // The header's frame count is only a hint (streams and truncated files lie), so read
    // until EOF, but never past the element limit whatever the header says.
    const qint64 maxFrames = limits::maxTensorElements / channels;
    qint64 expected = info.frames > startFrame ? info.frames - startFrame : 0;
    if (wanted >= 0)
        expected = std::min(expected, wanted);
    // Read straight into the result. The header's count only sizes the first block, capped
    // so that a header claiming billions of frames costs nothing until they really decode.
    constexpr qint64 maxInitialFrames = qint64(1) << 22;
    // One spare frame lets EOF show up as a short read instead of a reallocation.
    std::vector<float> interleaved(std::size_t((std::min({expected, maxFrames, maxInitialFrames}) + 1) * channels));
    qint64 readFrames = 0;
    while (wanted < 0 || readFrames < wanted) {
        if (readFrames * channels >= qint64(interleaved.size())) {
            if (readFrames >= maxFrames)
                return loadError(path,
                                 QStringLiteral("more than %1 samples per channel; split the file").arg(maxFrames));
            const qint64 grown = std::min(maxFrames, std::max<qint64>(65536, readFrames * 2));
            interleaved.resize(std::size_t(grown * channels));
        }
        sf_count_t request = sf_count_t(qint64(interleaved.size()) / channels - readFrames);
        if (wanted >= 0)
            request = std::min<sf_count_t>(request, wanted - readFrames);
        const sf_count_t got = sf_readf_float(file, interleaved.data() + readFrames * channels, request);
        if (got <= 0)
            break;
        readFrames += got;
    }
    interleaved.resize(std::size_t(readFrames * channels));
    if (sf_error(file) != SF_ERR_NO_ERROR)
        return loadError(path, QStringLiteral("decoding failed after %1 frames: %2")
                                   .arg(readFrames)
                                   .arg(QString::fromLocal8Bit(sf_strerror(file))));
    if (readFrames == 0)
        return loadError(path, QStringLiteral("it contains no audio samples"));

    AudioBuffer audio;
    audio.sampleRate = nativeRate;
    audio.channels = channels;
    if (channels == 1) {
        audio.samples = std::move(interleaved);
    } else {
        audio.samples.resize(interleaved.size());
        for (qint64 i = 0; i < readFrames; ++i) {
            for (int c = 0; c < channels; ++c)
                audio.samples[std::size_t(c * readFrames + i)] = interleaved[std::size_t(i * channels + c)];
        }
    }
    for (float sample : audio.samples) {
        if (!std::isfinite(sample))
            return loadError(path, QStringLiteral("it contains NaN or infinite samples"));
    }

    // librosa.load averages the channels before resampling.
    if (options.mono && audio.channels > 1)
        audio = mixToMono(audio);
    if (options.sampleRate > 0 && options.sampleRate != nativeRate) {
        auto resampled = resampleSoxrHq(audio, options.sampleRate);
        if (!resampled)
            return loadError(path, resampled.errorString());
        audio = std::move(resampled.value());
    }
    return audio;
}

} // namespace graft
