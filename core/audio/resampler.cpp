#include "core/audio/resampler.h"

#include "core/common/limits.h"

#include <QString>

#include <soxr.h>

#include <cmath>

namespace graft {

qint64 resampledLength(qint64 count, int inputRate, int outputRate)
{
    const double ratio = double(outputRate) / double(inputRate);
    return qint64(std::ceil(double(count) * ratio));
}

Expected<std::vector<float>> resampleSoxrHq(const float *samples, qint64 count, int inputRate, int outputRate)
{
    if (inputRate <= 0 || outputRate <= 0)
        return Error{QStringLiteral("cannot resample from %1 Hz to %2 Hz").arg(inputRate).arg(outputRate)};
    if (inputRate == outputRate)
        return std::vector<float>(samples, samples + count);
    const qint64 outputCount = resampledLength(count, inputRate, outputRate);
    if (outputCount > limits::maxTensorElements)
        return Error{
            QStringLiteral("resampling %1 samples to %2 Hz gives too many samples").arg(count).arg(outputRate)};
    std::vector<float> output(std::size_t(outputCount), 0.0f);
    if (count == 0)
        return output;

    // The exact configuration python-soxr's resample(quality='HQ') uses; any other
    // resampler moves MFCCs far beyond librosa's own float32/float64 differences.
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
    // One thread per call: parallelism belongs to the caller (one file per core).
    const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
    std::size_t done = 0;
    const soxr_error_t error = soxr_oneshot(double(inputRate), double(outputRate), 1, samples, std::size_t(count),
                                            nullptr, output.data(), output.size(), &done, &io, &quality, &runtime);
    if (error)
        return Error{QStringLiteral("soxr failed resampling %1 Hz to %2 Hz: %3")
                         .arg(inputRate)
                         .arg(outputRate)
                         .arg(QString::fromLatin1(error))};
    // librosa's fix_length: whatever soxr did not produce stays zero.
    return output;
}

Expected<AudioBuffer> resampleSoxrHq(const AudioBuffer &audio, int outputRate)
{
    AudioBuffer result;
    result.sampleRate = outputRate;
    result.channels = audio.channels;
    const qint64 outputCount = resampledLength(audio.frames(), audio.sampleRate, outputRate);
    result.samples.reserve(std::size_t(outputCount * audio.channels));
    for (int c = 0; c < audio.channels; ++c) {
        auto channel = resampleSoxrHq(audio.channel(c), audio.frames(), audio.sampleRate, outputRate);
        if (!channel)
            return channel.error();
        result.samples.insert(result.samples.end(), channel->begin(), channel->end());
    }
    return result;
}

} // namespace graft
