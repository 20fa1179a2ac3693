#pragma once

#include "core/audio/audiobuffer.h"
#include "core/audio/audiofeatureparams.h"
#include "core/audio/featurematrix.h"
#include "core/common/expected.h"

#include <QString>

#include <memory>

namespace graft {

/**
 * Computes librosa 0.10's mfcc / melspectrogram / power_to_db for one parameter
 * set. The window, FFT plan, sparse mel filterbank and DCT matrix are built once
 * per sample rate and shared; compute() is const and safe to call from many threads.
 */
class FeatureExtractor final
{
public:
    explicit FeatureExtractor(const AudioFeatureParams &params = {});
    ~FeatureExtractor();
    FeatureExtractor(const FeatureExtractor &other);
    FeatureExtractor &operator=(const FeatureExtractor &other);

    const AudioFeatureParams &params() const { return m_params; }

    /** Features of one channel of samples at sampleRate (rows × frames, channels = 1). */
    Expected<FeatureMatrix> compute(const float *samples, qint64 count, int sampleRate) const;
    Expected<FeatureMatrix> compute(const std::vector<float> &samples, int sampleRate) const
    {
        return compute(samples.data(), qint64(samples.size()), sampleRate);
    }
    /** Every channel of the buffer; a channel axis only when it has more than one channel. */
    Expected<FeatureMatrix> compute(const AudioBuffer &audio) const;
    /** loadAudio with the params' load options, then compute(); errors name the file. */
    Expected<FeatureMatrix> computeFile(const QString &path) const;

private:
    class Setup;
    Expected<std::shared_ptr<const Setup>> setupFor(int sampleRate) const;

    AudioFeatureParams m_params;
    struct Cache;
    std::unique_ptr<Cache> m_cache;
};

} // namespace graft
