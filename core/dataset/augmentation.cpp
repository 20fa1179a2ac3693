#include "core/dataset/augmentation.h"

#include "core/dataset/datasetsplit.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace graft {

namespace {

// Index of (feature f, frame t) in a 2-D sample of the given orientation.
std::size_t at(const FeatureLayout &layout, int f, int t)
{
    return layout.orientation == FeatureOrientation::FeaturesByFrames ? std::size_t(f) * layout.frames + t
                                                                      : std::size_t(t) * layout.features + f;
}

int drawInRange(SeededRandom &random, int low, int high) // inclusive
{
    return low + int(random.below(std::uint64_t(high - low + 1)));
}

} // namespace

void Augmenter::addNoise(float *data, std::int64_t count, double snrDb, std::uint64_t seed)
{
    if (count <= 0)
        return;
    double power = 0.0;
    for (std::int64_t i = 0; i < count; ++i)
        power += double(data[i]) * data[i];
    power /= double(count);
    if (power <= 0.0)
        return; // silence has no level to be relative to
    const double sigma = std::sqrt(power / std::pow(10.0, snrDb / 10.0));
    SeededRandom random(seed);
    for (std::int64_t i = 0; i < count; ++i)
        data[i] += float(sigma * random.normal());
}

void Augmenter::augmentFeatures(float *sample, const FeatureLayout &layout, const FeatureAugmentation &settings,
                                std::uint64_t seed)
{
    SeededRandom random(seed);
    const int frames = layout.frames;
    const int features = layout.features;
    if (settings.maxTimeShift > 0 && frames > 1) {
        const int shift = drawInRange(random, -settings.maxTimeShift, settings.maxTimeShift);
        if (shift != 0) {
            std::vector<float> copy(sample, sample + std::size_t(frames) * features);
            for (int f = 0; f < features; ++f) {
                for (int t = 0; t < frames; ++t) {
                    const int from = t - shift;
                    sample[at(layout, f, t)] =
                        from >= 0 && from < frames ? copy[at(layout, f, from)] : settings.maskValue;
                }
            }
        }
    }
    for (int m = 0; m < settings.timeMasks && frames > 0; ++m) {
        const int width = std::min(drawInRange(random, 0, std::max(settings.maxTimeMaskWidth, 0)), frames);
        const int start = drawInRange(random, 0, frames - width);
        for (int t = start; t < start + width; ++t) {
            for (int f = 0; f < features; ++f)
                sample[at(layout, f, t)] = settings.maskValue;
        }
    }
    for (int m = 0; m < settings.frequencyMasks && features > 0; ++m) {
        const int width = std::min(drawInRange(random, 0, std::max(settings.maxFrequencyMaskWidth, 0)), features);
        const int start = drawInRange(random, 0, features - width);
        for (int f = start; f < start + width; ++f) {
            for (int t = 0; t < frames; ++t)
                sample[at(layout, f, t)] = settings.maskValue;
        }
    }
    if (settings.noiseSnrDb)
        addNoise(sample, std::int64_t(frames) * features, *settings.noiseSnrDb, random.next());
}

void Augmenter::augmentImage(float *sample, int height, int width, int channels, const ImageAugmentation &settings,
                             std::uint64_t seed)
{
    SeededRandom random(seed);
    const bool flipH = settings.horizontalFlip && random.below(2) == 1;
    const bool flipV = settings.verticalFlip && random.below(2) == 1;
    int dy = 0;
    int dx = 0;
    if (settings.maxShiftFraction > 0.0) {
        const int maxY = int(std::floor(settings.maxShiftFraction * height));
        const int maxX = int(std::floor(settings.maxShiftFraction * width));
        dy = drawInRange(random, -maxY, maxY);
        dx = drawInRange(random, -maxX, maxX);
    }
    if (!flipH && !flipV && dy == 0 && dx == 0)
        return;
    const std::vector<float> copy(sample, sample + std::size_t(height) * width * channels);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            int sy = y - dy;
            int sx = x - dx;
            float *out = sample + (std::size_t(y) * width + x) * channels;
            if (sy < 0 || sy >= height || sx < 0 || sx >= width) {
                std::fill(out, out + channels, 0.0f);
                continue;
            }
            if (flipV)
                sy = height - 1 - sy;
            if (flipH)
                sx = width - 1 - sx;
            const float *in = copy.data() + (std::size_t(sy) * width + sx) * channels;
            std::copy(in, in + channels, out);
        }
    }
}

void Augmenter::augmentBatch(FeatureBatch &batch, const QVector<int> &trainIndices, FeatureOrientation orientation,
                             const FeatureAugmentation &settings, std::uint64_t seed, int epoch)
{
    // Drop size-1 axes: what is left is (features,) or the 2-D feature plane.
    std::vector<std::int64_t> dims;
    for (std::int64_t d : batch.sampleShape()) {
        if (d != 1)
            dims.push_back(d);
    }
    FeatureLayout layout;
    layout.orientation = orientation;
    if (dims.size() == 2) {
        const bool featuresFirst = orientation == FeatureOrientation::FeaturesByFrames;
        layout.features = int(featuresFirst ? dims[0] : dims[1]);
        layout.frames = int(featuresFirst ? dims[1] : dims[0]);
    } else {
        // A vector (mean over time) has no time axis: only noise applies.
        layout.orientation = FeatureOrientation::FeaturesByFrames;
        layout.features = int(batch.sampleSize());
        layout.frames = 1;
    }
    FeatureAugmentation effective = settings;
    if (dims.size() != 2) {
        effective.timeMasks = 0;
        effective.frequencyMasks = 0;
        effective.maxTimeShift = 0;
    }
    for (int index : trainIndices) {
        if (index < 0 || index >= batch.count())
            continue;
        augmentFeatures(batch.sample(index), layout, effective,
                        SeededRandom::derive(seed, std::uint64_t(epoch), std::uint64_t(index)));
    }
}

void Augmenter::augmentImageBatch(FeatureBatch &batch, const QVector<int> &trainIndices,
                                  const ImageAugmentation &settings, std::uint64_t seed, int epoch)
{
    const std::vector<std::int64_t> shape = batch.sampleShape();
    if (shape.size() != 3)
        return;
    for (int index : trainIndices) {
        if (index < 0 || index >= batch.count())
            continue;
        augmentImage(batch.sample(index), int(shape[0]), int(shape[1]), int(shape[2]), settings,
                     SeededRandom::derive(seed, std::uint64_t(epoch), std::uint64_t(index)));
    }
}

} // namespace graft
