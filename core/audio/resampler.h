#pragma once

#include "core/audio/audiobuffer.h"
#include "core/common/expected.h"

#include <vector>

namespace graft {

/**
 * librosa.resample(res_type='soxr_hq'): libsoxr at SOXR_HQ, float32, one shot,
 * output length ceil(n * out / in) (zero-padded or cut like librosa's fix_length).
 */
Expected<std::vector<float>> resampleSoxrHq(const float *samples, qint64 count, int inputRate, int outputRate);

/** Resamples every channel independently (librosa resamples along the last axis). */
Expected<AudioBuffer> resampleSoxrHq(const AudioBuffer &audio, int outputRate);

/** librosa's resampled length: int(ceil(n * (float(out) / in))). */
qint64 resampledLength(qint64 count, int inputRate, int outputRate);

} // namespace graft
