// Every librosa parameter the fixtures do not cover, checked against a slow,
// independent reference written straight from the librosa/scipy definitions
// (direct DFT, dense mel product, DCT formulas), all in double precision.

#include "core/audio/featureextractor.h"
#include "core/audio/melfilterbank.h"
#include "core/audio/spectralwindow.h"

#include <QTest>

#include <cmath>
#include <thread>

using namespace graft;

Q_DECLARE_METATYPE(graft::AudioFeatureParams)

namespace {

constexpr double pi = 3.14159265358979323846;

std::vector<float> testSignal(int count, int sampleRate)
{
    std::vector<float> y(static_cast<std::size_t>(count));
    quint32 state = 12345;
    for (int i = 0; i < count; ++i) {
        state = state * 1664525u + 1013904223u;
        const double noise = (double(state >> 8) / double(1 << 24) - 0.5) * 0.05;
        const double t = double(i) / sampleRate;
        const double envelope = 0.5 + 0.5 * std::sin(2 * pi * 3.0 * t);
        y[std::size_t(i)] =
            float(envelope * (0.6 * std::sin(2 * pi * 440 * t) + 0.3 * std::sin(2 * pi * 1870 * t)) + noise);
    }
    return y;
}

std::vector<double> referenceWindow(WindowType type, int winLength, int nFft)
{
    std::vector<double> window(std::size_t(nFft), 0.0);
    const int left = (nFft - winLength) / 2;
    for (int n = 0; n < winLength; ++n) {
        const double x = 2 * pi * n / winLength; // periodic: divide by N, not N - 1
        double w = 1.0;
        if (type == WindowType::Hann)
            w = 0.5 - 0.5 * std::cos(x);
        else if (type == WindowType::Hamming)
            w = 0.54 - 0.46 * std::cos(x);
        else if (type == WindowType::Blackman)
            w = 0.42 - 0.5 * std::cos(x) + 0.08 * std::cos(2 * x);
        window[std::size_t(left + n)] = w;
    }
    return window;
}

// np.pad(x, (left, right), mode) for the modes librosa allows.
std::vector<double> npPad(const std::vector<double> &x, qint64 left, qint64 right, PadMode mode)
{
    const qint64 n = qint64(x.size());
    std::vector<double> out;
    for (qint64 i = -left; i < n + right; ++i) {
        if (i >= 0 && i < n) {
            out.push_back(x[std::size_t(i)]);
        } else if (mode == PadMode::Constant) {
            out.push_back(0.0);
        } else if (mode == PadMode::Edge || n == 1) {
            out.push_back(i < 0 ? x.front() : x.back());
        } else {
            // numpy reflects repeatedly when the pad is longer than the array
            qint64 j = i;
            while (j < 0 || j >= n)
                j = j < 0 ? -j : 2 * (n - 1) - j;
            out.push_back(x[std::size_t(j)]);
        }
    }
    return out;
}

/** The n_fft samples of frame t, following librosa 0.10's stft head/middle/tail split literally. */
std::vector<double> referenceFrame(const std::vector<float> &yFloat, qint64 t, const AudioFeatureParams &p)
{
    const std::vector<double> y(yFloat.begin(), yFloat.end());
    const qint64 n = p.nFft, hop = p.hopLength, len = qint64(y.size()), half = n / 2;
    auto frameOf = [n](const std::vector<double> &v, qint64 from) {
        return std::vector<double>(v.begin() + from, v.begin() + from + n);
    };
    if (!p.center)
        return frameOf(y, t * hop);
    const qint64 startK = qint64(std::ceil(double(half) / double(hop)));
    const qint64 tailK = qint64(std::floor(double(len + half - n) / double(hop))) + 1;
    if (tailK <= startK)
        return frameOf(npPad(y, half, half, p.padMode), t * hop);
    if (t < startK) {
        const qint64 preLength = std::min(len, (startK - 1) * hop - half + n + 1);
        const std::vector<double> pre =
            npPad(std::vector<double>(y.begin(), y.begin() + preLength), half, 0, p.padMode);
        return frameOf(pre, t * hop);
    }
    const bool hasPost = tailK * hop - half + n <= len + half;
    if (hasPost && t >= tailK) {
        const std::vector<double> post =
            npPad(std::vector<double>(y.begin() + (tailK * hop - half), y.end()), 0, half, p.padMode);
        return frameOf(post, (t - tailK) * hop);
    }
    return frameOf(y, t * hop - half);
}

/** (rows × frames) reference features, straight from the definitions. */
std::vector<double> referenceFeatures(const std::vector<float> &y, int sr, const AudioFeatureParams &p)
{
    const int n = p.nFft;
    const int bins = n / 2 + 1;
    const std::vector<double> window = referenceWindow(p.window, p.effectiveWinLength(), n);
    const qint64 frames = p.frameCount(qint64(y.size()));
    const std::vector<float> mel = melFilterbank(sr, n, p.nMels, p.fmin, p.effectiveFmax(sr), p.htk, p.melNorm);

    std::vector<double> melSpec(std::size_t(p.nMels) * frames, 0.0);
    for (qint64 t = 0; t < frames; ++t) {
        std::vector<double> power(static_cast<std::size_t>(bins));
        const std::vector<double> frame = referenceFrame(y, t, p);
        for (int f = 0; f < bins; ++f) {
            double re = 0, im = 0;
            for (int k = 0; k < n; ++k) {
                const double x = window[std::size_t(k)] * frame[std::size_t(k)];
                re += x * std::cos(2 * pi * double(f) * k / n);
                im -= x * std::sin(2 * pi * double(f) * k / n);
            }
            power[std::size_t(f)] = std::pow(std::sqrt(re * re + im * im), p.power);
        }
        for (int m = 0; m < p.nMels; ++m) {
            double sum = 0;
            for (int f = 0; f < bins; ++f)
                sum += double(mel[std::size_t(m) * bins + f]) * power[std::size_t(f)];
            melSpec[std::size_t(m) * frames + t] = sum;
        }
    }
    if (p.feature == AudioFeatureKind::MelSpectrogram)
        return melSpec;

    std::vector<double> db(melSpec.size());
    double maximum = -1e300;
    for (std::size_t i = 0; i < db.size(); ++i) {
        db[i] = 10 * std::log10(std::max(p.amin, melSpec[i])) - 10 * std::log10(std::max(p.amin, p.ref));
        maximum = std::max(maximum, db[i]);
    }
    if (p.topDb) {
        for (double &v : db)
            v = std::max(v, maximum - *p.topDb);
    }
    if (p.feature == AudioFeatureKind::MelSpectrogramDb)
        return db;

    // scipy.fftpack.dct definitions (see its documentation), first n_mfcc outputs.
    const int N = p.nMels;
    const bool ortho = p.dctNorm == DctNorm::Ortho;
    std::vector<double> mfcc(std::size_t(p.nMfcc) * frames, 0.0);
    for (qint64 t = 0; t < frames; ++t) {
        std::vector<double> x(static_cast<std::size_t>(N));
        for (int m = 0; m < N; ++m)
            x[std::size_t(m)] = db[std::size_t(m) * frames + t];
        for (int k = 0; k < p.nMfcc; ++k) {
            double value = 0;
            if (p.dctType == 2) {
                for (int m = 0; m < N; ++m)
                    value += 2 * x[std::size_t(m)] * std::cos(pi * k * (2 * m + 1) / (2.0 * N));
                if (ortho)
                    value *= k == 0 ? std::sqrt(1.0 / (4 * N)) : std::sqrt(1.0 / (2 * N));
            } else if (p.dctType == 3) {
                if (ortho) {
                    value = x[0] / std::sqrt(double(N));
                    for (int m = 1; m < N; ++m)
                        value += std::sqrt(2.0 / N) * x[std::size_t(m)] * std::cos(pi * m * (2 * k + 1) / (2.0 * N));
                } else {
                    value = x[0];
                    for (int m = 1; m < N; ++m)
                        value += 2 * x[std::size_t(m)] * std::cos(pi * m * (2 * k + 1) / (2.0 * N));
                }
            } else {
                const double s = ortho ? std::sqrt(2.0) : 1.0;
                value = s * x[0] + (k % 2 ? -1 : 1) * s * x[std::size_t(N - 1)];
                for (int m = 1; m < N - 1; ++m)
                    value += 2 * x[std::size_t(m)] * std::cos(pi * k * m / (N - 1.0));
                if (ortho)
                    value *= (k == 0 || k == N - 1) ? 0.5 * std::sqrt(1.0 / (N - 1)) : 0.5 * std::sqrt(2.0 / (N - 1));
            }
            if (p.lifter > 0)
                value *= 1 + (p.lifter / 2) * std::sin(pi * (k + 1) / p.lifter);
            mfcc[std::size_t(k) * frames + t] = value;
        }
    }
    return mfcc;
}

AudioFeatureParams smallParams()
{
    AudioFeatureParams p;
    p.nFft = 256;
    p.hopLength = 64;
    p.nMels = 32;
    p.nMfcc = 13;
    return p;
}

} // namespace

class FeatureExtractorTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void windowsMatchScipy()
    {
        // scipy.signal.get_window(name, 4, fftbins=True)
        const std::vector<double> hann = stftWindow(WindowType::Hann, 4, 4);
        const std::vector<double> hamming = stftWindow(WindowType::Hamming, 4, 4);
        const std::vector<double> blackman = stftWindow(WindowType::Blackman, 4, 4);
        const double expectedHann[] = {0.0, 0.5, 1.0, 0.5};
        const double expectedHamming[] = {0.08, 0.54, 1.0, 0.54};
        const double expectedBlackman[] = {0.0, 0.34, 1.0, 0.34};
        for (int i = 0; i < 4; ++i) {
            QVERIFY(std::abs(hann[std::size_t(i)] - expectedHann[i]) < 1e-15);
            QVERIFY(std::abs(hamming[std::size_t(i)] - expectedHamming[i]) < 1e-15);
            QVERIFY(std::abs(blackman[std::size_t(i)] - expectedBlackman[i]) < 1e-15);
        }
        // librosa.util.pad_center: win_length 3 inside n_fft 8 starts at (8 - 3) // 2.
        const std::vector<double> centred = stftWindow(WindowType::Rectangular, 3, 8);
        QCOMPARE(centred, (std::vector<double>{0, 0, 1, 1, 1, 0, 0, 0}));
    }

    void melScaleMatchesLibrosa()
    {
        // librosa.hz_to_mel / mel_to_hz reference values.
        QVERIFY(std::abs(hzToMel(1000.0, false) - 15.0) < 1e-12);
        QVERIFY(std::abs(hzToMel(440.0, false) - 6.6) < 1e-12);
        QVERIFY(std::abs(hzToMel(8000.0, false) - 45.245640471924965) < 1e-9);
        QVERIFY(std::abs(hzToMel(1000.0, true) - 999.9855371396243) < 1e-9);
        QVERIFY(std::abs(melToHz(hzToMel(5123.0, false), false) - 5123.0) < 1e-9);
        QVERIFY(std::abs(melToHz(hzToMel(5123.0, true), true) - 5123.0) < 1e-9);
        const std::vector<double> f = melFrequencies(5, 0.0, 11025.0, false);
        QCOMPARE(f.front(), 0.0);
        QCOMPARE(f.back(), 11025.0); // np.linspace ends exactly on fmax
    }

    void frameCountsMatchLibrosa()
    {
        AudioFeatureParams p;
        QCOMPARE(p.frameCount(21935), qint64(1 + 21935 / 512));
        p.center = false;
        QCOMPARE(p.frameCount(21935), qint64(1 + (21935 - 2048) / 512));
        QCOMPARE(p.frameCount(2047), qint64(0));
        p.center = true;
        p.nFft = 255; // odd: n_fft // 2 on each side
        QCOMPARE(p.frameCount(1000), qint64(1 + (1000 + 254 - 255) / 512));
    }

    void matchesIndependentReference_data()
    {
        QTest::addColumn<AudioFeatureParams>("params");
        QTest::addColumn<int>("samples");
        auto row = [](const char *name, AudioFeatureParams p, int samples = 2000) {
            QTest::newRow(name) << p << samples;
        };
        AudioFeatureParams p = smallParams();
        row("defaults scaled down", p);
        p = smallParams();
        p.padMode = PadMode::Reflect;
        row("pad_mode reflect", p);
        p = smallParams();
        p.padMode = PadMode::Edge;
        row("pad_mode edge", p);
        p = smallParams();
        p.window = WindowType::Hamming;
        row("hamming", p);
        p = smallParams();
        p.window = WindowType::Blackman;
        row("blackman", p);
        p = smallParams();
        p.window = WindowType::Rectangular;
        row("boxcar", p);
        p = smallParams();
        p.winLength = 200;
        row("win_length 200 < n_fft", p);
        p = smallParams();
        p.winLength = 151;
        p.padMode = PadMode::Reflect;
        row("odd win_length", p);
        p = smallParams();
        p.nFft = 255;
        p.hopLength = 100;
        row("odd n_fft", p);
        p = smallParams();
        p.center = false;
        row("center off", p);
        p = smallParams();
        p.power = 1.0;
        row("power 1 (magnitude)", p);
        p = smallParams();
        p.power = 1.5;
        row("power 1.5", p);
        p = smallParams();
        p.htk = true;
        p.melNorm = MelNorm::None;
        row("htk, no mel norm", p);
        p = smallParams();
        p.fmin = 300;
        p.fmax = 3000;
        row("fmin fmax", p);
        p = smallParams();
        p.dctType = 1;
        row("dct type 1 ortho", p);
        p = smallParams();
        p.dctType = 3;
        row("dct type 3 ortho", p);
        p = smallParams();
        p.dctNorm = DctNorm::None;
        row("dct type 2 no norm", p);
        p = smallParams();
        p.dctType = 1;
        p.dctNorm = DctNorm::None;
        row("dct type 1 no norm", p);
        p = smallParams();
        p.dctType = 3;
        p.dctNorm = DctNorm::None;
        row("dct type 3 no norm", p);
        p = smallParams();
        p.nMfcc = p.nMels;
        p.dctType = 1;
        row("dct type 1 all rows", p);
        p = smallParams();
        p.lifter = 22;
        row("lifter 22", p);
        p = smallParams();
        p.topDb.reset();
        row("top_db none", p);
        p = smallParams();
        p.topDb = 20;
        p.ref = 3.0;
        p.amin = 1e-5;
        row("top_db 20, ref, amin", p);
        p = smallParams();
        p.feature = AudioFeatureKind::MelSpectrogram;
        row("melspec power", p);
        p = smallParams();
        p.feature = AudioFeatureKind::MelSpectrogramDb;
        row("melspec db", p);
        p = smallParams();
        row("signal shorter than n_fft", p, 100);
        p = smallParams();
        p.padMode = PadMode::Reflect;
        row("shorter than n_fft, reflect", p, 100);
        p = smallParams();
        p.padMode = PadMode::Reflect;
        p.hopLength = 200;
        row("reflect, hop > n_fft/2", p, 1937);
        // 2000 = tail_k * hop: librosa's tail chunk is exactly n_fft // 2 long, so it reflects twice.
        p = smallParams();
        p.padMode = PadMode::Reflect;
        p.hopLength = 200;
        p.window = WindowType::Rectangular;
        p.feature = AudioFeatureKind::MelSpectrogram;
        row("reflect, tail chunk = pad", p, 2000);
        p = smallParams();
        p.padMode = PadMode::Reflect;
        p.hopLength = 250;
        p.center = true;
        row("reflect, hop 250", p, 2011);
        p = smallParams();
        p.padMode = PadMode::Edge;
        p.hopLength = 250;
        row("edge, hop 250", p, 2011);
    }
    void matchesIndependentReference()
    {
        QFETCH(AudioFeatureParams, params);
        QFETCH(int, samples);
        const int sr = 8000;
        const std::vector<float> y = testSignal(samples, sr);
        const FeatureExtractor extractor(params);
        auto features = extractor.compute(y, sr);
        QVERIFY2(features, qPrintable(features.errorString()));
        QCOMPARE(features->rows, params.featureRows());
        QCOMPARE(qint64(features->cols), params.frameCount(samples));
        const std::vector<double> reference = referenceFeatures(y, sr, params);
        QCOMPARE(features->values.size(), reference.size());
        double worst = 0;
        double peak = 0;
        for (double v : reference)
            peak = std::max(peak, std::abs(v));
        for (std::size_t i = 0; i < reference.size(); ++i) {
            const double diff = std::abs(double(features->values[i]) - reference[i]);
            // Power: relative to the value (float32 rounding ~1e-7, plus FFT noise far below the peak);
            // dB and MFCC: absolute, as the fixture tolerances are.
            const double allowed =
                params.feature == AudioFeatureKind::MelSpectrogram ? 1e-5 * std::abs(reference[i]) + 1e-9 * peak : 1e-3;
            if (diff > allowed)
                QFAIL(qPrintable(QStringLiteral("element %1: got %2, reference %3")
                                     .arg(i)
                                     .arg(features->values[i])
                                     .arg(reference[i])));
            worst = std::max(worst, diff);
        }
        qInfo("max abs difference %g (peak %g)", worst, peak);
    }

    void multiChannelKeepsAChannelAxis()
    {
        AudioBuffer audio;
        audio.sampleRate = 8000;
        audio.channels = 2;
        const std::vector<float> left = testSignal(3000, 8000);
        std::vector<float> right(left.rbegin(), left.rend());
        audio.samples = left;
        audio.samples.insert(audio.samples.end(), right.begin(), right.end());
        const FeatureExtractor extractor(smallParams());
        auto both = extractor.compute(audio);
        QVERIFY2(both, qPrintable(both.errorString()));
        QCOMPARE(both->shape(), (std::vector<qint64>{2, 13, smallParams().frameCount(3000)}));
        auto second = extractor.compute(right, 8000);
        QVERIFY(second);
        QVERIFY(std::equal(second->values.begin(), second->values.end(), both->channelData(1)));
    }

    void concurrentComputeIsDeterministic()
    {
        AudioFeatureParams p;
        const std::vector<float> y = testSignal(22050 * 2, 22050);
        const FeatureExtractor extractor(p);
        auto expected = extractor.compute(y, 22050);
        QVERIFY(expected);
        std::vector<std::vector<float>> results(4);
        std::vector<std::thread> threads;
        for (std::size_t i = 0; i < results.size(); ++i) {
            threads.emplace_back([&, i] {
                // Fresh extractors force concurrent cache look-ups and plan sharing.
                const FeatureExtractor own(p);
                for (int repeat = 0; repeat < 5; ++repeat) {
                    auto features = own.compute(y, i % 2 ? 22050 : 16000);
                    if (features && i % 2)
                        results[i] = features->values;
                }
            });
        }
        for (auto &thread : threads)
            thread.join();
        for (std::size_t i = 1; i < results.size(); i += 2)
            QVERIFY(results[i] == expected->values);
    }

    void invalidInputsAreErrors_data()
    {
        QTest::addColumn<AudioFeatureParams>("params");
        QTest::addColumn<int>("samples");
        QTest::addColumn<QString>("mention");
        AudioFeatureParams p;
        p.winLength = 4096;
        QTest::newRow("win_length > n_fft") << p << 5000 << "win_length";
        p = {};
        p.hopLength = 0;
        QTest::newRow("hop 0") << p << 5000 << "hop_length";
        p = {};
        p.nMfcc = 200;
        QTest::newRow("n_mfcc > n_mels") << p << 5000 << "n_mfcc";
        p = {};
        p.dctType = 4;
        QTest::newRow("dct 4") << p << 5000 << "dct_type";
        p = {};
        p.fmax = 30000;
        p.fmin = 40000;
        QTest::newRow("fmin > fmax") << p << 5000 << "fmax";
        p = {};
        p.fmin = 12000;
        QTest::newRow("fmin above nyquist") << p << 5000 << "fmax";
        p = {};
        p.topDb = -1;
        QTest::newRow("negative top_db") << p << 5000 << "top_db";
        p = {};
        p.amin = 0;
        QTest::newRow("amin 0") << p << 5000 << "amin";
        p = {};
        p.center = false;
        QTest::newRow("short without center") << p << 1000 << "n_fft";
        p = {};
        QTest::newRow("empty") << p << 0 << "empty";
    }
    void invalidInputsAreErrors()
    {
        QFETCH(AudioFeatureParams, params);
        QFETCH(int, samples);
        QFETCH(QString, mention);
        const std::vector<float> y = testSignal(samples, 22050);
        auto features = FeatureExtractor(params).compute(y, 22050);
        QVERIFY(!features);
        QVERIFY2(features.errorString().contains(mention), qPrintable(features.errorString()));
    }

    void nonFiniteSamplesAreAnError()
    {
        std::vector<float> y = testSignal(5000, 22050);
        y[1234] = std::numeric_limits<float>::infinity();
        auto features = FeatureExtractor().compute(y, 22050);
        QVERIFY(!features);
        QVERIFY2(features.errorString().contains(QStringLiteral("1234")), qPrintable(features.errorString()));
    }

    void keyStringDistinguishesParameters()
    {
        AudioFeatureParams a;
        AudioFeatureParams b;
        QVERIFY(a == b);
        b.fmax = 8000;
        QVERIFY(a != b);
        b = a;
        b.topDb.reset();
        QVERIFY(a.toKeyString() != b.toKeyString());
    }
};

QTEST_APPLESS_MAIN(FeatureExtractorTest)
#include "tst_featureextractor.moc"
