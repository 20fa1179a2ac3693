#include "core/dataset/sampleextractor.h"

#include "core/audio/audioloader.h"
#include "core/audio/featureextractor.h"
#include "core/common/limits.h"
#include "core/dataset/featurecache.h"
#include "core/dataset/imagesamples.h"
#include "core/io/npyfile.h"

#include <QMap>
#include <QMutex>
#include <QThread>
#include <QThreadPool>

#include <algorithm>
#include <cstring>
#include <optional>

namespace graft {

namespace {

using SampleFunction = std::function<Expected<CachedFeatures>(const QString &path)>;

std::int64_t product(const std::vector<std::int64_t> &shape)
{
    std::int64_t n = 1;
    for (std::int64_t d : shape)
        n *= d;
    return n;
}

/** What one run needs besides the samples. */
struct Job
{
    SampleFunction compute;
    QString settingsKey;
    std::optional<std::vector<std::int64_t>> fixedShape; ///< known before any file is read
    int frameAxis = -1;                                  ///< axis padded to the longest file, or -1
    float padValue = 0.0f;
};

/** Pads `features` along `axis` to `length` with `padValue`. */
std::vector<float> padAxis(const CachedFeatures &features, int axis, std::int64_t length, float padValue)
{
    std::int64_t outer = 1;
    for (int i = 0; i < axis; ++i)
        outer *= features.shape[std::size_t(i)];
    std::int64_t inner = 1;
    for (std::size_t i = std::size_t(axis) + 1; i < features.shape.size(); ++i)
        inner *= features.shape[i];
    const std::int64_t have = features.shape[std::size_t(axis)];
    std::vector<float> result(std::size_t(outer * length * inner), padValue);
    for (std::int64_t o = 0; o < outer; ++o)
        std::copy_n(features.values.data() + o * have * inner, have * inner, result.data() + o * length * inner);
    return result;
}

Expected<FeatureBatch> run(const QVector<DatasetSample> &samples, const Job &job, const ExtractionOptions &options)
{
    const int total = samples.size();
    std::optional<FeatureCache> cache;
    if (options.useCache)
        cache.emplace(options.cacheDirectory);

    const std::int64_t fixedSize = job.fixedShape ? product(*job.fixedShape) : 0;
    if (job.fixedShape && fixedSize * std::max(total, 1) > limits::maxTensorElements)
        return Error{QStringLiteral("%1 samples of shape %2 exceed the %3-element limit; use fewer or smaller samples")
                         .arg(total)
                         .arg(shapeText(*job.fixedShape))
                         .arg(limits::maxTensorElements)};

    // A fixed shape lets workers write straight into the batch buffer; otherwise
    // each sample is kept until every shape is known.
    std::vector<float> buffer(job.fixedShape ? std::size_t(fixedSize) * std::size_t(total) : 0);
    std::vector<CachedFeatures> variable(job.fixedShape ? 0 : std::size_t(total));
    std::vector<QString> failures(static_cast<std::size_t>(total));
    std::vector<char> ok(static_cast<std::size_t>(total), 0);
    std::atomic<bool> stopped{false};
    QMutex progressMutex;
    int done = 0;

    auto cancelled = [&] { return options.cancel && options.cancel->load(); };
    auto reportProgress = [&] {
        if (options.progress) {
            QMutexLocker lock(&progressMutex);
            options.progress(++done, total);
        }
    };
    // Each index is written by exactly one thread.
    auto place = [&](int i, CachedFeatures &&features) {
        if (job.fixedShape) {
            if (features.shape == *job.fixedShape) {
                std::memcpy(buffer.data() + std::size_t(i) * std::size_t(fixedSize), features.values.data(),
                            std::size_t(fixedSize) * sizeof(float));
                ok[std::size_t(i)] = 1;
            } else {
                failures[std::size_t(i)] = QStringLiteral("gave shape %1 instead of %2")
                                               .arg(shapeText(features.shape), shapeText(*job.fixedShape));
            }
        } else {
            variable[std::size_t(i)] = std::move(features);
            ok[std::size_t(i)] = 1;
        }
    };

    // Cache hits first, on this thread: a hit is a stat and a small read (~10 µs), while waking
    // pool threads on a busy machine costs a scheduler tick (4 ms) — more than a whole warm
    // rerun of a small dataset. Only the misses go to the pool.
    // First the whole dataset at once: one stat per file and a single read.
    QString packKey;
    bool packHit = false;
    if (cache && total > 0) {
        QVector<QString> paths;
        paths.reserve(total);
        for (const DatasetSample &sample : samples)
            paths.append(sample.path);
        packKey = cache->packKeyFor(paths, job.settingsKey);
        if (auto pack = cache->loadPack(packKey, total)) {
            packHit = !job.fixedShape || std::all_of(pack->begin(), pack->end(), [&](const CachedFeatures &f) {
                return f.shape == *job.fixedShape;
            });
            if (packHit) {
                for (int i = 0; i < total; ++i)
                    place(i, std::move((*pack)[std::size_t(i)]));
                if (options.progress)
                    options.progress(total, total);
            }
        }
    }

    std::vector<int> misses;
    std::vector<QString> missKeys;
    misses.reserve(std::size_t(total));
    for (int i = 0; i < total && !packHit; ++i) {
        if (!cache) {
            misses.push_back(i);
            continue;
        }
        if ((i & 63) == 0 && cancelled())
            return Error{SampleExtractor::cancelledMessage()};
        QString key = cache->keyFor(samples[i].path, job.settingsKey);
        std::optional<CachedFeatures> features = cache->load(key);
        if (features && job.fixedShape && features->shape != *job.fixedShape)
            features.reset();
        if (features) {
            place(i, std::move(*features));
            reportProgress();
        } else {
            misses.push_back(i);
            missKeys.push_back(std::move(key));
        }
    }

    std::atomic<int> next{0};
    const int missCount = int(misses.size());
    auto worker = [&] {
        for (;;) {
            if (cancelled()) {
                stopped = true;
                return;
            }
            const int m = next.fetch_add(1);
            if (m >= missCount)
                return;
            const int i = misses[std::size_t(m)];
            auto computed = job.compute(samples[i].path);
            if (computed) {
                if (cache)
                    cache->store(missKeys[std::size_t(m)], *computed);
                place(i, std::move(*computed));
            } else {
                failures[std::size_t(i)] = computed.errorString();
            }
            reportProgress();
        }
    };

    if (missCount > 0) {
        const int threads =
            std::clamp(options.threads > 0 ? options.threads : QThread::idealThreadCount(), 1, missCount);
        QThreadPool pool;
        pool.setMaxThreadCount(threads);
        for (int t = 0; t < threads; ++t)
            pool.start(worker);
        pool.waitForDone();
    }
    if (stopped || cancelled())
        return Error{SampleExtractor::cancelledMessage()};
    if (cache && !packHit && !packKey.isEmpty() && std::all_of(ok.begin(), ok.end(), [](char v) { return v != 0; })) {
        if (job.fixedShape)
            cache->storePack(packKey, *job.fixedShape, buffer.data(), total);
        else
            cache->storePack(packKey, variable);
    }

    FeatureBatch batch;
    if (cache) {
        batch.cacheHits = cache->hits();
        batch.cacheMisses = cache->misses();
    }
    for (int i = 0; i < total; ++i) {
        if (!ok[std::size_t(i)])
            batch.badFiles.append({samples[i].path, failures[std::size_t(i)]});
    }

    std::vector<std::int64_t> sampleShape;
    if (job.fixedShape) {
        sampleShape = *job.fixedShape;
    } else {
        // The majority shape wins; with a free frame axis the longest file sets it.
        QMap<QString, int> counts;
        std::int64_t longest = 0;
        for (int i = 0; i < total; ++i) {
            if (!ok[std::size_t(i)])
                continue;
            std::vector<std::int64_t> s = variable[std::size_t(i)].shape;
            if (job.frameAxis >= 0 && job.frameAxis < int(s.size())) {
                longest = std::max(longest, s[std::size_t(job.frameAxis)]);
                s[std::size_t(job.frameAxis)] = 0;
            }
            ++counts[shapeText(s)];
        }
        int best = 0;
        QString bestKey;
        for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
            if (it.value() > best) {
                best = it.value();
                bestKey = it.key();
            }
        }
        for (int i = 0; i < total; ++i) {
            if (!ok[std::size_t(i)])
                continue;
            std::vector<std::int64_t> s = variable[std::size_t(i)].shape;
            if (job.frameAxis >= 0 && job.frameAxis < int(s.size()))
                s[std::size_t(job.frameAxis)] = 0;
            if (shapeText(s) != bestKey) {
                ok[std::size_t(i)] = 0;
                batch.badFiles.append(
                    {samples[i].path, QStringLiteral("shape %1 differs from the other samples': skipped")
                                          .arg(shapeText(variable[std::size_t(i)].shape))});
            } else if (sampleShape.empty()) {
                sampleShape = variable[std::size_t(i)].shape;
            }
        }
        if (job.frameAxis >= 0 && !sampleShape.empty()) {
            sampleShape[std::size_t(job.frameAxis)] = longest;
            batch.notes << QStringLiteral("frames padded to the longest file (%1 frames)").arg(longest);
        }
    }

    const std::int64_t sampleSize = product(sampleShape);
    std::int64_t kept = 0;
    for (int i = 0; i < total; ++i)
        kept += ok[std::size_t(i)] ? 1 : 0;
    if (kept == 0)
        return Error{total == 0 ? QStringLiteral("No samples to extract")
                                : QStringLiteral("None of the %1 samples could be used; first failure: %2: %3")
                                      .arg(total)
                                      .arg(batch.badFiles.front().path, batch.badFiles.front().reason)};
    if (sampleSize * kept > limits::maxTensorElements)
        return Error{QStringLiteral("%1 samples of shape %2 exceed the %3-element limit")
                         .arg(kept)
                         .arg(shapeText(sampleShape))
                         .arg(limits::maxTensorElements)};

    if (job.fixedShape) {
        // Compact in place, keeping file order: failed samples leave no gap.
        std::int64_t write = 0;
        for (int i = 0; i < total; ++i) {
            if (!ok[std::size_t(i)])
                continue;
            if (write != i)
                std::memmove(buffer.data() + write * sampleSize, buffer.data() + std::int64_t(i) * sampleSize,
                             std::size_t(sampleSize) * sizeof(float));
            ++write;
        }
        buffer.resize(std::size_t(kept * sampleSize));
        batch.values = std::move(buffer);
    } else {
        batch.values.resize(std::size_t(kept * sampleSize));
        std::int64_t write = 0;
        for (int i = 0; i < total; ++i) {
            if (!ok[std::size_t(i)])
                continue;
            CachedFeatures &features = variable[std::size_t(i)];
            if (features.shape != sampleShape)
                features.values =
                    padAxis(features, job.frameAxis, sampleShape[std::size_t(job.frameAxis)], job.padValue);
            std::copy(features.values.begin(), features.values.end(), batch.values.begin() + write * sampleSize);
            features = {};
            ++write;
        }
    }
    batch.shape = sampleShape;
    batch.shape.insert(batch.shape.begin(), kept);
    for (int i = 0; i < total; ++i) {
        if (ok[std::size_t(i)]) {
            batch.labels.append(samples[i].label);
            batch.paths.append(samples[i].path);
        }
    }
    return batch;
}

} // namespace

std::vector<std::int64_t> FeatureBatch::sampleShape() const
{
    return shape.empty() ? std::vector<std::int64_t>{} : std::vector<std::int64_t>(shape.begin() + 1, shape.end());
}

std::int64_t FeatureBatch::sampleSize() const
{
    return product(sampleShape());
}

QString SampleExtractor::cancelledMessage()
{
    return QStringLiteral("Feature extraction was cancelled");
}

Expected<FeatureBatch> SampleExtractor::extractAudio(const QVector<DatasetSample> &samples,
                                                     const AudioPipelineSettings &settings,
                                                     const ExtractionOptions &options)
{
    if (auto valid = settings.params.validate(); !valid)
        return valid.error();
    const FeatureExtractor extractor(settings.params);
    const AudioLoadOptions loadOptions = AudioLoadOptions::fromFeatureParams(settings.params);

    Job job;
    job.settingsKey = QStringLiteral("audio;") + settings.toKeyString();
    job.padValue = settings.shaping.padValue;
    if (settings.params.mono)
        job.fixedShape = settings.fixedSampleShape(1);
    if (!job.fixedShape && !settings.shaping.meanOverTime) {
        const bool leadingChannel = settings.shaping.channelAxis == ChannelAxis::First
                                    || (!settings.params.mono && settings.shaping.channelAxis == ChannelAxis::None);
        job.frameAxis =
            (settings.shaping.orientation == FeatureOrientation::FeaturesByFrames ? 1 : 0) + (leadingChannel ? 1 : 0);
    }
    job.compute = [&](const QString &path) -> Expected<CachedFeatures> {
        Expected<FeatureMatrix> features = Error{};
        if (settings.shaping.sampleCount > 0) {
            auto audio = loadAudio(path, loadOptions);
            if (!audio)
                return audio.error();
            AudioBuffer fixed;
            fixed.sampleRate = audio->sampleRate;
            fixed.channels = audio->channels;
            for (int c = 0; c < audio->channels; ++c) {
                const std::vector<float> channel(audio->channel(c), audio->channel(c) + audio->frames());
                const std::vector<float> cut =
                    FeatureShaping::fixSampleCount(channel, settings.shaping.sampleCount, settings.shaping.crop);
                fixed.samples.insert(fixed.samples.end(), cut.begin(), cut.end());
            }
            features = extractor.compute(fixed);
        } else {
            features = extractor.computeFile(path);
        }
        if (!features)
            return features.error();
        if (features->cols <= 0)
            return Error{QStringLiteral("too short for one frame with these settings")};
        CachedFeatures result;
        result.shape = settings.sampleShape(features->cols, features->channels);
        result.values = settings.shape(*features);
        return result;
    };
    return run(samples, job, options);
}

Expected<FeatureBatch> SampleExtractor::extractImages(const QVector<DatasetSample> &samples,
                                                      const ImageSettings &settings, const ExtractionOptions &options)
{
    Job job;
    job.settingsKey = settings.toKeyString();
    job.fixedShape = settings.sampleShape();
    job.compute = [&](const QString &path) -> Expected<CachedFeatures> {
        auto pixels = loadImageSample(path, settings);
        if (!pixels)
            return pixels.error();
        return CachedFeatures{settings.sampleShape(), std::move(*pixels)};
    };
    return run(samples, job, options);
}

Expected<FeatureBatch> SampleExtractor::extractArrays(const QVector<DatasetSample> &samples,
                                                      const ExtractionOptions &options)
{
    Job job;
    job.settingsKey = QStringLiteral("npy");
    job.compute = [](const QString &path) -> Expected<CachedFeatures> {
        auto array = NpyFile::read(path);
        if (!array)
            return array.error();
        if (array->elementCount() == 0)
            return Error{QStringLiteral("array has no elements")};
        return CachedFeatures{array->shape(), array->toFloat32()};
    };
    // Reading a .npy is as fast as reading a cache entry: no point caching it.
    ExtractionOptions uncached = options;
    uncached.useCache = false;
    return run(samples, job, uncached);
}

} // namespace graft
