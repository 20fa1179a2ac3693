#include "core/audio/featureextractor.h"

#include "core/audio/audioloader.h"
#include "core/audio/melfilterbank.h"
#include "core/audio/realfft.h"
#include "core/audio/spectralwindow.h"
#include "core/common/limits.h"

#include <QMutex>
#include <QMutexLocker>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

namespace graft {

/** Everything that depends only on the parameters and the sample rate, built once. */
class FeatureExtractor::Setup final
{
public:
    int sampleRate = 0;
    int nFft = 0;
    int bins = 0;
    std::vector<double> window;
    int windowBegin = 0; ///< first sample the window can be non-zero on
    int windowEnd = 0;
    std::shared_ptr<const RealFft> fft;
    SparseMelFilterbank mel;
    std::vector<float> dct;    ///< n_mfcc × n_mels
    std::vector<float> lifter; ///< n_mfcc multipliers, empty when lifter == 0
};

struct FeatureExtractor::Cache
{
    QMutex mutex;
    std::map<int, std::shared_ptr<const Setup>> bySampleRate;
};

namespace {

// Shared between extractors, since callers may make one extractor per file.
// Keyed by the spectral parameters and sample rate; bounded because a user can
// try many parameter sets in one session.
QMutex &sharedSetupMutex()
{
    static QMutex mutex;
    return mutex;
}

constexpr std::size_t maxSharedSetups = 32;

bool allFinite(const float *samples, qint64 count)
{
    // Integer test of the exponent bits, so the loop vectorises (std::isfinite does not).
    quint32 nonFinite = 0;
    for (qint64 i = 0; i < count; ++i) {
        quint32 bits;
        std::memcpy(&bits, samples + i, sizeof bits);
        nonFinite |= quint32((bits & 0x7f800000u) == 0x7f800000u);
    }
    return nonFinite == 0;
}

// |X| ** power from the double-precision FFT output, rounded through complex64 as librosa
// does. np.abs(complex64) is hypotf: the exact float products summed in double, rounded once;
// numpy's fast paths make ** 2.0 a float square and ** 1.0 the identity.
void powerSpectrum(const double *spectrum, int bins, double power, float *out)
{
    if (power == 2.0) {
        for (int f = 0; f < bins; ++f) {
            const double re = float(spectrum[2 * f]);
            const double im = float(spectrum[2 * f + 1]);
            const float magnitude = float(std::sqrt(re * re + im * im));
            out[f] = magnitude * magnitude;
        }
        return;
    }
    for (int f = 0; f < bins; ++f) {
        const double re = float(spectrum[2 * f]);
        const double im = float(spectrum[2 * f + 1]);
        out[f] = float(std::sqrt(re * re + im * im));
    }
    if (power == 1.0)
        return;
    for (int f = 0; f < bins; ++f)
        out[f] = power == 0.5 ? std::sqrt(out[f]) : std::pow(out[f], float(power));
}

// np.pad(mode) index for position i of the signal extended by pad on both sides.
qint64 paddedIndex(qint64 i, qint64 count, PadMode mode)
{
    if (i >= 0 && i < count)
        return i;
    if (mode == PadMode::Edge || count == 1)
        return i < 0 ? 0 : count - 1;
    // 'reflect' mirrors without repeating the edge sample; repeated for pads longer than the signal.
    const qint64 period = 2 * (count - 1);
    qint64 m = i % period;
    if (m < 0)
        m += period;
    return m < count ? m : period - m;
}

// librosa >= 0.10 pads a long signal's tail on its own: np.pad(y[s:]) with
// s = tail_k * hop - n_fft // 2. Reflection inside that chunk differs from
// reflecting the whole signal when the chunk is shorter than the pad (hop > n_fft / 2).
qint64 rightPadChunkStart(qint64 count, const AudioFeatureParams &p)
{
    const qint64 pad = p.nFft / 2;
    const qint64 hop = p.hopLength;
    const qint64 startK = (pad + hop - 1) / hop; // ceil(n_fft // 2 / hop)
    const qint64 numerator = count + pad - p.nFft;
    const qint64 tailK = (numerator >= 0 ? numerator / hop : -((-numerator + hop - 1) / hop)) + 1; // floor division
    if (tailK > startK && tailK * hop - pad + p.nFft <= count + pad)
        return tailK * hop - pad;
    return 0;
}

} // namespace

FeatureExtractor::FeatureExtractor(const AudioFeatureParams &params)
    : m_params(params), m_cache(std::make_unique<Cache>())
{ }

FeatureExtractor::~FeatureExtractor() = default;

FeatureExtractor::FeatureExtractor(const FeatureExtractor &other)
    : m_params(other.m_params), m_cache(std::make_unique<Cache>())
{ }

FeatureExtractor &FeatureExtractor::operator=(const FeatureExtractor &other)
{
    if (this != &other) {
        m_params = other.m_params;
        m_cache = std::make_unique<Cache>();
    }
    return *this;
}

Expected<std::shared_ptr<const FeatureExtractor::Setup>> FeatureExtractor::setupFor(int sampleRate) const
{
    {
        QMutexLocker locker(&m_cache->mutex);
        auto found = m_cache->bySampleRate.find(sampleRate);
        if (found != m_cache->bySampleRate.end())
            return found->second;
    }
    auto valid = m_params.validateForSampleRate(sampleRate);
    if (!valid)
        return valid.error();

    // Load options do not change the spectral setup, and the two mel outputs share one
    // (toKeyString leaves the DCT fields out for them; they may hold anything then).
    const bool mfcc = m_params.feature == AudioFeatureKind::Mfcc;
    AudioFeatureParams spectral = m_params;
    spectral.feature = mfcc ? AudioFeatureKind::Mfcc : AudioFeatureKind::MelSpectrogram;
    spectral.sampleRate = 0;
    spectral.mono = true;
    spectral.offset = 0;
    spectral.duration.reset();
    const QString key = spectral.toKeyString() + QStringLiteral(";rate=%1").arg(sampleRate);

    static std::map<QString, std::shared_ptr<const Setup>> shared;
    std::shared_ptr<const Setup> setup;
    {
        QMutexLocker locker(&sharedSetupMutex());
        auto found = shared.find(key);
        if (found != shared.end())
            setup = found->second;
    }
    if (!setup) {
        auto built = std::make_shared<Setup>();
        const AudioFeatureParams &p = m_params;
        built->sampleRate = sampleRate;
        built->nFft = p.nFft;
        built->bins = p.nFft / 2 + 1;
        built->window = stftWindow(p.window, p.effectiveWinLength(), p.nFft);
        built->windowBegin = (p.nFft - p.effectiveWinLength()) / 2;
        built->windowEnd = built->windowBegin + p.effectiveWinLength();
        built->fft = RealFft::plan(p.nFft);
        if (!built->fft)
            return Error{QStringLiteral("FFTW could not plan a transform of n_fft=%1").arg(p.nFft)};
        const std::vector<float> dense =
            melFilterbank(sampleRate, p.nFft, p.nMels, p.fmin, p.effectiveFmax(sampleRate), p.htk, p.melNorm);
        built->mel = SparseMelFilterbank::fromDense(dense, p.nMels, built->bins);
        if (mfcc) {
            const std::vector<double> dct = dctMatrix(p.dctType, p.dctNorm, p.nMfcc, p.nMels);
            built->dct.assign(dct.begin(), dct.end());
        }
        if (mfcc && p.lifter > 0) {
            // librosa: 1 + (lifter / 2) * sin(pi * arange(1, n_mfcc + 1) / lifter), all float32.
            built->lifter.resize(std::size_t(p.nMfcc));
            for (int k = 0; k < p.nMfcc; ++k) {
                const float angle = float(float(3.14159265358979323846) * float(k + 1)) / float(p.lifter);
                built->lifter[std::size_t(k)] = 1.0f + float(p.lifter / 2) * std::sin(angle);
            }
        }
        setup = built;
        QMutexLocker locker(&sharedSetupMutex());
        if (shared.size() >= maxSharedSetups)
            shared.clear();
        shared.emplace(key, setup);
    }
    QMutexLocker locker(&m_cache->mutex);
    m_cache->bySampleRate.emplace(sampleRate, setup);
    return setup;
}

Expected<FeatureMatrix> FeatureExtractor::compute(const float *samples, qint64 count, int sampleRate) const
{
    const AudioFeatureParams &p = m_params;
    if (auto valid = p.validate(); !valid)
        return valid.error();
    if (count <= 0)
        return Error{QStringLiteral("cannot compute features of an empty signal")};
    if (!p.center && count < p.nFft)
        return Error{QStringLiteral("the signal (%1 samples) is shorter than n_fft=%2 and center is off; "
                                    "use center or a smaller n_fft")
                         .arg(count)
                         .arg(p.nFft)};
    if (!allFinite(samples, count)) {
        const qint64 at = std::find_if(samples, samples + count, [](float v) { return !std::isfinite(v); }) - samples;
        return Error{QStringLiteral("the signal has a NaN or infinite sample at index %1").arg(at)};
    }
    const qint64 frames = p.frameCount(count);
    const int rows = p.featureRows();
    if (frames <= 0 || frames > std::numeric_limits<int>::max())
        return Error{QStringLiteral("%1 samples give %2 frames at n_fft=%3, hop_length=%4")
                         .arg(count)
                         .arg(frames)
                         .arg(p.nFft)
                         .arg(p.hopLength)};
    if (frames * std::max(p.nMels, rows) > limits::maxTensorElements)
        return Error{QStringLiteral("%1 frames × %2 features is too large; split the audio").arg(frames).arg(p.nMels)};

    auto setupResult = setupFor(sampleRate);
    if (!setupResult)
        return setupResult.error();
    const Setup &setup = **setupResult;

    // Centering pads n_fft // 2 samples on both sides; copy once so every frame is a plain slice.
    const qint64 pad = p.center ? p.nFft / 2 : 0;
    std::vector<float> paddedStorage;
    const float *signal = samples;
    if (pad > 0) {
        paddedStorage.resize(std::size_t(count + 2 * pad), 0.0f);
        std::copy(samples, samples + count, paddedStorage.begin() + pad);
        if (p.padMode != PadMode::Constant) {
            const qint64 tailStart = rightPadChunkStart(count, p);
            for (qint64 i = 0; i < pad; ++i) {
                paddedStorage[std::size_t(i)] = samples[paddedIndex(i - pad, count, p.padMode)];
                const qint64 mirrored = paddedIndex(count + i - tailStart, count - tailStart, p.padMode);
                paddedStorage[std::size_t(pad + count + i)] = samples[tailStart + mirrored];
            }
        }
        signal = paddedStorage.data();
    }

    const int nMels = p.nMels;
    const int bins = setup.bins;
    RealFft::Buffer input = RealFft::allocate(std::size_t(p.nFft));
    RealFft::Buffer spectrum = RealFft::allocate(2 * std::size_t(bins));
    std::fill(input.get(), input.get() + p.nFft, 0.0);
    std::vector<float> power(static_cast<std::size_t>(bins));
    FeatureMatrix mel;
    mel.rows = nMels;
    mel.cols = int(frames);
    mel.values.resize(std::size_t(nMels) * std::size_t(frames));

    for (qint64 t = 0; t < frames; ++t) {
        const float *frame = signal + t * p.hopLength;
        // librosa multiplies the float32 frame by the float64 window, and numpy.fft
        // transforms in double; the result is then stored as complex64.
        for (int k = setup.windowBegin; k < setup.windowEnd; ++k)
            input[k] = setup.window[std::size_t(k)] * double(frame[k]);
        setup.fft->execute(input.get(), spectrum.get());
        powerSpectrum(spectrum.get(), bins, p.power, power.data());
        for (int m = 0; m < nMels; ++m) {
            const SparseMelFilterbank::Band &band = setup.mel.bands[std::size_t(m)];
            const float *bandPower = power.data() + band.firstBin;
            float sum = 0.0f;
            for (std::size_t j = 0; j < band.weights.size(); ++j)
                sum += band.weights[j] * bandPower[j];
            mel.values[std::size_t(m) * std::size_t(frames) + std::size_t(t)] = sum;
        }
    }
    if (p.feature == AudioFeatureKind::MelSpectrogram)
        return mel;

    // power_to_db in float32: 10 log10(max(amin, S)) - 10 log10(max(amin, ref)), floored top_db below the maximum.
    const float amin = float(p.amin);
    const float refDb = float(10.0 * std::log10(std::max(p.amin, p.ref)));
    float maximum = -std::numeric_limits<float>::infinity();
    for (float &value : mel.values) {
        value = 10.0f * std::log10(std::max(amin, value)) - refDb;
        maximum = std::max(maximum, value);
    }
    if (p.topDb) {
        const float floor = float(double(maximum) - *p.topDb);
        for (float &value : mel.values)
            value = std::max(value, floor);
    }
    if (p.feature == AudioFeatureKind::MelSpectrogramDb)
        return mel;

    FeatureMatrix mfcc;
    mfcc.rows = p.nMfcc;
    mfcc.cols = int(frames);
    mfcc.values.assign(std::size_t(p.nMfcc) * std::size_t(frames), 0.0f);
    // (n_mfcc × n_mels) · (n_mels × frames) with frames innermost so it vectorises.
    for (int k = 0; k < p.nMfcc; ++k) {
        float *out = mfcc.values.data() + std::size_t(k) * std::size_t(frames);
        const float *coefficients = setup.dct.data() + std::size_t(k) * std::size_t(nMels);
        for (int m = 0; m < nMels; ++m) {
            const float c = coefficients[m];
            const float *db = mel.values.data() + std::size_t(m) * std::size_t(frames);
            for (qint64 t = 0; t < frames; ++t)
                out[t] += c * db[t];
        }
        if (!setup.lifter.empty()) {
            const float l = setup.lifter[std::size_t(k)];
            for (qint64 t = 0; t < frames; ++t)
                out[t] *= l;
        }
    }
    return mfcc;
}

Expected<FeatureMatrix> FeatureExtractor::compute(const AudioBuffer &audio) const
{
    if (audio.channels < 1 || audio.frames() == 0)
        return Error{QStringLiteral("cannot compute features of an empty signal")};
    FeatureMatrix result;
    for (int c = 0; c < audio.channels; ++c) {
        auto channel = compute(audio.channel(c), audio.frames(), audio.sampleRate);
        if (!channel)
            return channel.error();
        if (c == 0) {
            result = std::move(channel.value());
            result.channels = audio.channels;
            result.values.reserve(result.values.size() * std::size_t(audio.channels));
        } else {
            result.values.insert(result.values.end(), channel->values.begin(), channel->values.end());
        }
    }
    return result;
}

Expected<FeatureMatrix> FeatureExtractor::computeFile(const QString &path) const
{
    if (auto valid = m_params.validate(); !valid)
        return valid.error();
    auto audio = loadAudio(path, AudioLoadOptions::fromFeatureParams(m_params));
    if (!audio)
        return audio.error();
    auto features = compute(audio.value());
    if (!features)
        return Error{QStringLiteral("cannot compute features of '%1': %2").arg(path, features.errorString())};
    return features;
}

} // namespace graft
