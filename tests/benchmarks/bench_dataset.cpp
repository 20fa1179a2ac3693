// Dataset feature extraction on the sample speakers: MFCC (librosa defaults)
// through SampleExtractor on 1 thread and on every core without the cache, then
// the same run with a cold and a warm feature cache. Prints seconds of audio
// per second, files per second and the cached rerun as a share of the first
// (medians: 3 cold runs, each into a fresh cache folder, and 9 warm runs).
//
//   bench_dataset [FOLDER]   (default: resources/sample-speakers/base/train)

#include "core/dataset/classfolderscanner.h"
#include "core/dataset/sampleextractor.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

using namespace graft;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QString folder = argc > 1 ? QString::fromLocal8Bit(argv[1])
                                    : QStringLiteral(GRAFT_SOURCE_DIR "/resources/sample-speakers/base/train");
    const auto scanned = ClassFolderScanner::scan(folder);
    if (!scanned) {
        std::fprintf(stderr, "%s\n", qPrintable(scanned.errorString()));
        return 1;
    }
    const double seconds = scanned->totalSeconds;
    const int files = scanned->samples.size();
    AudioPipelineSettings settings; // librosa defaults, frames padded to the longest file
    std::printf("%d files, %.1f s of audio in %s\n", files, seconds, qPrintable(folder));

    auto timeRun = [&](const ExtractionOptions &options, FeatureBatch *out = nullptr) {
        QElapsedTimer timer;
        timer.start();
        auto batch = SampleExtractor::extractAudio(scanned->samples, settings, options);
        const double elapsed = double(timer.nsecsElapsed()) / 1e9;
        if (!batch) {
            std::fprintf(stderr, "%s\n", qPrintable(batch.errorString()));
            std::exit(1);
        }
        if (out)
            *out = std::move(*batch);
        return elapsed;
    };
    auto report = [&](const char *name, double elapsed) {
        std::printf("  %-40s %9.4f s  %8.0fx real time  %8.0f files/s\n", name, elapsed, seconds / elapsed,
                    files / elapsed);
    };

    ExtractionOptions uncached;
    uncached.useCache = false;
    uncached.threads = 1;
    report("MFCC, 1 thread, no cache", timeRun(uncached));
    uncached.threads = QThread::idealThreadCount();
    const QByteArray label = QStringLiteral("MFCC, %1 threads, no cache").arg(uncached.threads).toUtf8();
    report(label.constData(), timeRun(uncached));

    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    ExtractionOptions cached;
    FeatureBatch cold, warm;
    std::vector<double> colds, warms;
    std::vector<std::unique_ptr<QTemporaryDir>> cacheDirs;
    for (int i = 0; i < 3; ++i) {
        cacheDirs.push_back(std::make_unique<QTemporaryDir>());
        cached.cacheDirectory = cacheDirs.back()->path();
        colds.push_back(timeRun(cached, &cold));
    }
    for (int i = 0; i < 9; ++i)
        warms.push_back(timeRun(cached, &warm));
    const double first = median(colds);
    const double second = median(warms);
    report("MFCC, all threads, cold cache (median)", first);
    report("MFCC, all threads, warm cache (median)", second);
    std::printf("  cached rerun: %.2f %% of the first run (%lld hits), identical: %s\n", 100.0 * second / first,
                static_cast<long long>(warm.cacheHits), warm.values == cold.values ? "yes" : "NO");
    return warm.values == cold.values ? 0 : 1;
}
