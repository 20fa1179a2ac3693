#pragma once

#include <QtGlobal>

#include <vector>

namespace graft {

/**
 * Decoded audio as librosa.load returns it: float32, channel-major
 * (channels × frames), so channel c is one contiguous run of samples.
 */
struct AudioBuffer
{
    int sampleRate = 0;
    int channels = 0;
    std::vector<float> samples;

    qint64 frames() const { return channels > 0 ? qint64(samples.size()) / channels : 0; }
    const float *channel(int index) const { return samples.data() + qint64(index) * frames(); }
    float *channel(int index) { return samples.data() + qint64(index) * frames(); }
    double durationSeconds() const { return sampleRate > 0 ? double(frames()) / sampleRate : 0.0; }
    /** librosa's shape: (frames,) for one channel, (channels, frames) otherwise. */
    std::vector<qint64> shape() const
    {
        if (channels == 1)
            return {frames()};
        return {qint64(channels), frames()};
    }
};

} // namespace graft
