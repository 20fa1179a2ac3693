// MFCC throughput: load + resample + librosa-default MFCC per file, single
// threaded and on every core, against a straightforward baseline (per-file
// setup, dense mel and DCT products, full STFT matrix kept, as numpy code does).
//
// Usage: bench_mfcc [--seconds S] [--runs N] [--dir FOLDER] [--skip-baseline]
// bench_mfcc_numpy.py times the same MFCC in numpy (librosa's own algorithm).

#include "core/audio/audioloader.h"
#include "core/audio/featureextractor.h"
#include "core/audio/melfilterbank.h"
#include "core/audio/spectralwindow.h"

#include <QDir>
#include <QElapsedTimer>
#include <QThread>

#include <fftw3.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <thread>

#include <time.h>

using namespace graft;

namespace {

/** What a direct port of librosa's numpy code does: nothing cached, dense products. */
std::vector<float> baselineMfcc(const std::vector<float> &y, int sr, const AudioFeatureParams &p)
{
    const int n = p.nFft;
    const int bins = n / 2 + 1;
    const int pad = n / 2;
    const std::vector<double> window = stftWindow(p.window, n, n);
    const std::vector<float> mel = melFilterbank(sr, n, p.nMels, p.fmin, p.effectiveFmax(sr), p.htk, p.melNorm);
    const std::vector<double> dct = dctMatrix(p.dctType, p.dctNorm, p.nMfcc, p.nMels);
    std::vector<float> padded(y.size() + 2 * pad, 0.0f);
    std::copy(y.begin(), y.end(), padded.begin() + pad);
    const qint64 frames = 1 + (qint64(padded.size()) - n) / p.hopLength;

    double *input = fftw_alloc_real(n);
    fftw_complex *output = fftw_alloc_complex(bins);
    const fftw_plan plan = fftw_plan_dft_r2c_1d(n, input, output, FFTW_ESTIMATE);
    std::vector<float> power(std::size_t(bins) * frames); // (bins × frames) like librosa's S
    for (qint64 t = 0; t < frames; ++t) {
        for (int k = 0; k < n; ++k)
            input[k] = window[std::size_t(k)] * padded[std::size_t(t * p.hopLength + k)];
        fftw_execute(plan);
        for (int f = 0; f < bins; ++f) {
            const float re = float(output[f][0]), im = float(output[f][1]);
            const float magnitude = std::hypot(re, im);
            power[std::size_t(f) * frames + t] = magnitude * magnitude;
        }
    }
    fftw_destroy_plan(plan);
    fftw_free(input);
    fftw_free(output);

    std::vector<float> melSpec(std::size_t(p.nMels) * frames, 0.0f);
    for (int m = 0; m < p.nMels; ++m)
        for (int f = 0; f < bins; ++f)
            for (qint64 t = 0; t < frames; ++t)
                melSpec[std::size_t(m) * frames + t] +=
                    mel[std::size_t(m) * bins + f] * power[std::size_t(f) * frames + t];
    float maximum = -1e30f;
    for (float &v : melSpec) {
        v = 10.0f * std::log10(std::max(1e-10f, v));
        maximum = std::max(maximum, v);
    }
    for (float &v : melSpec)
        v = std::max(v, maximum - 80.0f);
    std::vector<float> mfcc(std::size_t(p.nMfcc) * frames, 0.0f);
    for (int k = 0; k < p.nMfcc; ++k)
        for (int m = 0; m < p.nMels; ++m)
            for (qint64 t = 0; t < frames; ++t)
                mfcc[std::size_t(k) * frames + t] +=
                    float(dct[std::size_t(k) * p.nMels + m]) * melSpec[std::size_t(m) * frames + t];
    return mfcc;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

double processCpuSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) * 1e-9;
}

/** Median wall and CPU seconds of several runs; CPU time stays meaningful on a busy machine. */
struct Timing
{
    double wall = 0;
    double cpu = 0;
};

template <typename Run> Timing medianTiming(int runs, Run run)
{
    std::vector<double> wall, cpu;
    for (int r = 0; r < runs; ++r) {
        QElapsedTimer timer;
        const double cpuStart = processCpuSeconds();
        timer.start();
        run();
        wall.push_back(double(timer.nsecsElapsed()) * 1e-9);
        cpu.push_back(processCpuSeconds() - cpuStart);
    }
    return {median(wall), median(cpu)};
}

} // namespace

int main(int argc, char **argv)
{
    double targetSeconds = 300;
    int runs = 5;
    QString dir = QStringLiteral(GRAFT_SOURCE_DIR "/tests/data/mfcc/audio");
    bool skipBaseline = false;
    for (int i = 1; i < argc; ++i) {
        const QString option = QString::fromLocal8Bit(argv[i]);
        if (option == QLatin1String("--skip-baseline")) {
            skipBaseline = true;
            continue;
        }
        if (i + 1 >= argc)
            break;
        if (option == QLatin1String("--seconds"))
            targetSeconds = std::atof(argv[i + 1]);
        else if (option == QLatin1String("--runs"))
            runs = std::max(1, std::atoi(argv[i + 1]));
        else if (option == QLatin1String("--dir"))
            dir = QString::fromLocal8Bit(argv[i + 1]);
        ++i;
    }

    QStringList unique;
    double roundSeconds = 0;
    for (const QString &name : QDir(dir).entryList(
             {QStringLiteral("*.wav"), QStringLiteral("*.flac"), QStringLiteral("*.ogg")}, QDir::Files, QDir::Name)) {
        const QString path = QDir(dir).filePath(name);
        auto info = probeAudio(path);
        if (!info) {
            std::fprintf(stderr, "%s\n", qPrintable(info.errorString()));
            return 1;
        }
        unique << path;
        roundSeconds += double(info->frames) / info->sampleRate;
    }
    if (unique.isEmpty()) {
        std::fprintf(stderr, "no audio files in %s\n", qPrintable(dir));
        return 1;
    }
    const int repeats = std::max(1, int(std::ceil(targetSeconds / roundSeconds)));
    QStringList files;
    for (int r = 0; r < repeats; ++r)
        files << unique;
    const double audioSeconds = roundSeconds * repeats;
    const int threads = std::max(1, QThread::idealThreadCount());
    std::printf("%lld files (%d distinct, repeated %d times), %.1f s of audio, librosa defaults "
                "(sr=22050, n_mfcc=20, n_fft=2048, hop=512, n_mels=128); median of %d runs\n",
                qint64(files.size()), int(unique.size()), repeats, audioSeconds, runs);

    const FeatureExtractor extractor{AudioFeatureParams{}};
    std::atomic<qint64> checksumFrames{0};
    auto extractAll = [&](int threadCount) {
        std::atomic<int> next{0};
        auto worker = [&] {
            for (int i = next++; i < files.size(); i = next++) {
                auto features = extractor.computeFile(files.at(i));
                if (!features) {
                    std::fprintf(stderr, "%s\n", qPrintable(features.errorString()));
                    std::exit(1);
                }
                checksumFrames += features->cols;
            }
        };
        std::vector<std::thread> pool;
        for (int t = 1; t < threadCount; ++t)
            pool.emplace_back(worker);
        worker();
        for (auto &thread : pool)
            thread.join();
    };

    // Decoding and resampling are the same C libraries librosa calls; time them apart too.
    const Timing loadOnly = medianTiming(runs, [&] {
        for (const QString &file : files)
            checksumFrames += loadAudio(file)->frames();
    });
    // Features alone from decoded waveforms: comparable with bench_mfcc_numpy.py.
    std::vector<AudioBuffer> decoded;
    for (const QString &file : unique)
        decoded.push_back(loadAudio(file).value());
    const Timing featuresOnly = medianTiming(runs, [&] {
        for (int r = 0; r < repeats; ++r) {
            for (const AudioBuffer &audio : decoded)
                checksumFrames += extractor.compute(audio)->cols;
        }
    });
    const Timing single = medianTiming(runs, [&] { extractAll(1); });
    const Timing parallel = medianTiming(runs, [&] { extractAll(threads); });
    const Timing baseline = skipBaseline ? Timing{} : medianTiming(runs, [&] {
        const AudioFeatureParams p;
        for (const QString &file : files) {
            auto audio = loadAudio(file);
            checksumFrames += qint64(baselineMfcc(audio->samples, audio->sampleRate, p).size());
        }
    });

    auto report = [&](const char *name, const Timing &t) {
        std::printf("  %-50s %8.3f s wall %8.0f x real time %7.1f files/s | %8.3f s CPU %8.0f x real time per core\n",
                    name, t.wall, audioSeconds / t.wall, files.size() / t.wall, t.cpu, audioSeconds / t.cpu);
    };
    report("load + resample only (1 thread)", loadOnly);
    if (!skipBaseline)
        report("baseline load + MFCC (1 thread)", baseline);
    report("FeatureExtractor MFCC only, from memory (1 thread)", featuresOnly);
    report("FeatureExtractor load + MFCC (1 thread)", single);
    report(qPrintable(QStringLiteral("FeatureExtractor load + MFCC (%1 threads)").arg(threads)), parallel);
    if (!skipBaseline)
        std::printf("  speed-up over baseline: %.1fx wall on 1 thread (%.1fx CPU), %.1fx wall on %d threads\n",
                    baseline.wall / single.wall, baseline.cpu / single.cpu, baseline.wall / parallel.wall, threads);
    std::printf("  (checksum %lld)\n", qint64(checksumFrames.load()));
    return 0;
}
