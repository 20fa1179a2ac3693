#include "core/audio/melfilterbank.h"

#include <algorithm>
#include <cmath>

namespace graft {

namespace {

// Slaney's auditory toolbox constants, as librosa spells them.
constexpr double slaneyFSp = 200.0 / 3;
constexpr double slaneyMinLogHz = 1000.0;
constexpr double slaneyMinLogMel = slaneyMinLogHz / slaneyFSp;
const double slaneyLogStep = std::log(6.4) / 27.0;

} // namespace

double hzToMel(double hz, bool htk)
{
    if (htk)
        return 2595.0 * std::log10(1.0 + hz / 700.0);
    if (hz >= slaneyMinLogHz)
        return slaneyMinLogMel + std::log(hz / slaneyMinLogHz) / slaneyLogStep;
    return hz / slaneyFSp;
}

double melToHz(double mel, bool htk)
{
    if (htk)
        return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
    if (mel >= slaneyMinLogMel)
        return slaneyMinLogHz * std::exp(slaneyLogStep * (mel - slaneyMinLogMel));
    return slaneyFSp * mel;
}

std::vector<double> melFrequencies(int count, double fmin, double fmax, bool htk)
{
    std::vector<double> hz(std::size_t(std::max(count, 0)));
    if (count <= 0)
        return hz;
    const double minMel = hzToMel(fmin, htk);
    const double maxMel = hzToMel(fmax, htk);
    // np.linspace: i * step + start, with the last point set to stop exactly.
    const double step = count > 1 ? (maxMel - minMel) / double(count - 1) : 0.0;
    for (int i = 0; i < count; ++i) {
        const double mel = (i == count - 1 && count > 1) ? maxMel : double(i) * step + minMel;
        hz[std::size_t(i)] = melToHz(mel, htk);
    }
    return hz;
}

std::vector<double> fftFrequencies(int sampleRate, int nFft)
{
    // np.fft.rfftfreq(n, d=1/sr): arange(N) * (1 / (n * d)).
    const double spacing = 1.0 / (double(nFft) * (1.0 / double(sampleRate)));
    std::vector<double> frequencies(static_cast<std::size_t>(1 + nFft / 2));
    for (std::size_t k = 0; k < frequencies.size(); ++k)
        frequencies[k] = double(k) * spacing;
    return frequencies;
}

std::vector<float> melFilterbank(int sampleRate, int nFft, int nMels, double fmin, double fmax, bool htk, MelNorm norm)
{
    const std::vector<double> fftHz = fftFrequencies(sampleRate, nFft);
    const std::vector<double> melHz = melFrequencies(nMels + 2, fmin, fmax, htk);
    const std::size_t bins = fftHz.size();
    std::vector<float> weights(std::size_t(nMels) * bins, 0.0f);
    for (int m = 0; m < nMels; ++m) {
        const double lowerWidth = melHz[m + 1] - melHz[m];
        const double upperWidth = melHz[m + 2] - melHz[m + 1];
        // librosa stores each row in float32 first and scales it afterwards
        // (float32 array *= float64 vector), so round twice as it does.
        const double enorm = norm == MelNorm::Slaney ? 2.0 / (melHz[m + 2] - melHz[m]) : 1.0;
        float *row = weights.data() + std::size_t(m) * bins;
        for (std::size_t k = 0; k < bins; ++k) {
            const double lower = -(melHz[m] - fftHz[k]) / lowerWidth;
            const double upper = (melHz[m + 2] - fftHz[k]) / upperWidth;
            const float weight = float(std::max(0.0, std::min(lower, upper)));
            row[k] = norm == MelNorm::Slaney ? float(double(weight) * enorm) : weight;
        }
    }
    return weights;
}

SparseMelFilterbank SparseMelFilterbank::fromDense(const std::vector<float> &dense, int nMels, int bins)
{
    SparseMelFilterbank sparse;
    sparse.bins = bins;
    sparse.bands.resize(std::size_t(nMels));
    for (int m = 0; m < nMels; ++m) {
        const float *row = dense.data() + std::size_t(m) * std::size_t(bins);
        int first = 0;
        while (first < bins && row[first] == 0.0f)
            ++first;
        int last = bins - 1;
        while (last >= first && row[last] == 0.0f)
            --last;
        Band &band = sparse.bands[std::size_t(m)];
        band.firstBin = first;
        if (last >= first)
            band.weights.assign(row + first, row + last + 1);
    }
    return sparse;
}

} // namespace graft
