#pragma once

#include "core/audio/audiofeatureparams.h"

#include <vector>

namespace graft {

// librosa.core.convert / librosa.filters, in double precision like numpy.
double hzToMel(double hz, bool htk);
double melToHz(double mel, bool htk);
/** librosa.mel_frequencies: n points evenly spaced on the mel scale (np.linspace). */
std::vector<double> melFrequencies(int count, double fmin, double fmax, bool htk);
/** librosa.fft_frequencies (np.fft.rfftfreq): 1 + n_fft // 2 bin centres in Hz. */
std::vector<double> fftFrequencies(int sampleRate, int nFft);

/**
 * librosa.filters.mel with its default float32 dtype, bit for bit where the
 * libm agrees: (n_mels × (1 + n_fft // 2)), row-major.
 */
std::vector<float> melFilterbank(int sampleRate, int nFft, int nMels, double fmin, double fmax, bool htk, MelNorm norm);

/**
 * The same filterbank stored as one contiguous band per filter: a mel filter is
 * a triangle that is non-zero on a few bins only, so applying it costs
 * O(bins) per frame instead of O(n_mels × bins).
 */
struct SparseMelFilterbank
{
    struct Band
    {
        int firstBin = 0;
        std::vector<float> weights; ///< weights for bins firstBin, firstBin + 1, ...
    };
    int bins = 0;
    std::vector<Band> bands; ///< one per mel filter (an empty band yields zeros)

    static SparseMelFilterbank fromDense(const std::vector<float> &dense, int nMels, int bins);
};

} // namespace graft
