#pragma once

#include "core/common/expected.h"
#include "core/dataset/datasettypes.h"
#include "core/dataset/samplesettings.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

namespace graft {

/**
 * Model-ready samples in one contiguous float32 buffer of shape (N, ...), with
 * their labels and source files; samples that failed are listed in badFiles
 * and are not in the buffer.
 */
struct FeatureBatch
{
    std::vector<std::int64_t> shape; ///< (N, sample dims...)
    std::vector<float> values;
    QVector<int> labels;
    QStringList paths;
    QVector<DatasetIssue> badFiles;
    QStringList notes;            ///< e.g. frames padded to the longest file
    std::int64_t cacheHits = 0;   ///< samples read from the feature cache
    std::int64_t cacheMisses = 0; ///< samples computed (and then cached)

    std::int64_t count() const { return shape.empty() ? 0 : shape.front(); }
    std::vector<std::int64_t> sampleShape() const;
    std::int64_t sampleSize() const;
    const float *sample(std::int64_t index) const { return values.data() + index * sampleSize(); }
    float *sample(std::int64_t index) { return values.data() + index * sampleSize(); }
};

/** How extraction runs: threads, cache, progress and cancellation. */
struct ExtractionOptions
{
    int threads = 0; ///< 0: every core (QThread::idealThreadCount)
    bool useCache = true;
    QString cacheDirectory; ///< empty: FeatureCache::defaultDirectory()
    /** Called after each sample with (done, total), from worker threads but never concurrently. */
    std::function<void(int done, int total)> progress;
    /** Set from any thread to stop; extraction then returns an error saying it was cancelled. */
    const std::atomic_bool *cancel = nullptr;
};

/**
 * Turns dataset samples into a FeatureBatch on a thread pool, one file per task,
 * reading and filling the on-disk feature cache. A file that fails is reported
 * and skipped; only cancellation or having no usable sample at all is an error.
 */
class SampleExtractor final
{
public:
    SampleExtractor() = delete;

    /** Audio features with librosa's parameters, shaped for the model. */
    static Expected<FeatureBatch> extractAudio(const QVector<DatasetSample> &samples,
                                               const AudioPipelineSettings &settings,
                                               const ExtractionOptions &options = {});
    /** Images decoded, resized like Keras and scaled. */
    static Expected<FeatureBatch> extractImages(const QVector<DatasetSample> &samples, const ImageSettings &settings,
                                                const ExtractionOptions &options = {});
    /** One .npy feature array per sample; files whose shape differs from the majority are skipped. */
    static Expected<FeatureBatch> extractArrays(const QVector<DatasetSample> &samples,
                                                const ExtractionOptions &options = {});

    /** The message of the error returned when options.cancel was set. */
    static QString cancelledMessage();
};

} // namespace graft
