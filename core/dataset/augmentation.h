#pragma once

#include "core/audio/featureshaping.h"
#include "core/dataset/sampleextractor.h"

#include <QVector>

#include <cstdint>
#include <optional>

namespace graft {

/** Training-time changes to feature samples (SpecAugment masking, time shift, noise). */
struct FeatureAugmentation
{
    int timeMasks = 0;        ///< SpecAugment time masks per sample
    int maxTimeMaskWidth = 0; ///< frames; each mask is 0..max wide
    int frequencyMasks = 0;   ///< SpecAugment frequency masks per sample
    int maxFrequencyMaskWidth = 0;
    int maxTimeShift = 0;             ///< frames; rolled by -max..max with zeros (padValue) shifted in
    std::optional<double> noiseSnrDb; ///< Gaussian noise at this signal-to-noise ratio
    float maskValue = 0.0f;

    bool enabled() const { return timeMasks > 0 || frequencyMasks > 0 || maxTimeShift > 0 || noiseSnrDb.has_value(); }
};

/** Training-time changes to images: random flips and small shifts. */
struct ImageAugmentation
{
    bool horizontalFlip = false;
    bool verticalFlip = false;
    double maxShiftFraction = 0.0; ///< of height/width; the uncovered border is filled with 0

    bool enabled() const { return horizontalFlip || verticalFlip || maxShiftFraction > 0.0; }
};

/** Where time and features lie in a 2-D feature sample (a size-1 channel axis does not matter). */
struct FeatureLayout
{
    int features = 0;
    int frames = 0;
    FeatureOrientation orientation = FeatureOrientation::FeaturesByFrames;
};

/**
 * Seeded augmentation, applied in place to samples of a FeatureBatch (the train
 * split only: callers pass its indices). Sample i of epoch e always gets the
 * same change for the same seed, whatever the thread or call order.
 */
class Augmenter final
{
public:
    Augmenter() = delete;

    static void augmentFeatures(float *sample, const FeatureLayout &layout, const FeatureAugmentation &settings,
                                std::uint64_t seed);
    /** HWC image sample. */
    static void augmentImage(float *sample, int height, int width, int channels, const ImageAugmentation &settings,
                             std::uint64_t seed);
    /** Adds white Gaussian noise so that mean(x²) / mean(noise²) = 10^(snrDb/10); works on waveforms too. */
    static void addNoise(float *data, std::int64_t count, double snrDb, std::uint64_t seed);

    /** Augments the listed samples of a feature batch (2-D samples, layout from its shape). */
    static void augmentBatch(FeatureBatch &batch, const QVector<int> &trainIndices, FeatureOrientation orientation,
                             const FeatureAugmentation &settings, std::uint64_t seed, int epoch);
    /** Augments the listed samples of an image batch (N, H, W, C). */
    static void augmentImageBatch(FeatureBatch &batch, const QVector<int> &trainIndices,
                                  const ImageAugmentation &settings, std::uint64_t seed, int epoch);
};

} // namespace graft
