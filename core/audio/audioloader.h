#pragma once

#include "core/audio/audiobuffer.h"
#include "core/common/expected.h"

#include <QString>

#include <optional>

namespace graft {

struct AudioFeatureParams;

/** The arguments of librosa.load that decide which samples come back. */
struct AudioLoadOptions
{
    int sampleRate = 22050; ///< 0 keeps the file's own rate (sr=None)
    bool mono = true;
    double offset = 0.0;            ///< seconds into the file
    std::optional<double> duration; ///< seconds; unset reads to the end

    static AudioLoadOptions fromFeatureParams(const AudioFeatureParams &params);
};

/**
 * Decodes WAV/FLAC/OGG (anything libsndfile reads) the way librosa.load does:
 * float32 samples, channels averaged when mono, then soxr 'HQ' resampling.
 * Failures (unreadable, empty, non-finite samples) name the file and the reason.
 */
Expected<AudioBuffer> loadAudio(const QString &path, const AudioLoadOptions &options = {});

/** Rate and channel count from the header, without decoding. */
struct AudioFileInfo
{
    int sampleRate = 0;
    int channels = 0;
    qint64 frames = 0;
    QString format; ///< libsndfile's name for the container and encoding
};
Expected<AudioFileInfo> probeAudio(const QString &path);

/** np.mean over channels in float32, as librosa.to_mono does. */
AudioBuffer mixToMono(const AudioBuffer &audio);

} // namespace graft
