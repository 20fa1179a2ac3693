#include "core/audio/featureshaping.h"

#include <algorithm>

namespace graft::FeatureShaping {

namespace {

qint64 cropStart(qint64 available, qint64 wanted, CropAnchor anchor)
{
    switch (anchor) {
    case CropAnchor::Start: return 0;
    case CropAnchor::Center: return (available - wanted) / 2;
    case CropAnchor::End: return available - wanted;
    }
    return 0;
}

} // namespace

FeatureMatrix transposed(const FeatureMatrix &features)
{
    FeatureMatrix result;
    result.channels = features.channels;
    result.rows = features.cols;
    result.cols = features.rows;
    result.values.resize(features.values.size());
    for (int c = 0; c < features.channels; ++c) {
        const float *source = features.channelData(c);
        float *target = result.channelData(c);
        for (int r = 0; r < features.rows; ++r) {
            for (int t = 0; t < features.cols; ++t)
                target[std::size_t(t) * features.rows + r] = source[std::size_t(r) * features.cols + t];
        }
    }
    return result;
}

FeatureMatrix oriented(const FeatureMatrix &features, FeatureOrientation orientation)
{
    return orientation == FeatureOrientation::FeaturesByFrames ? features : transposed(features);
}

FeatureMatrix fixFrameCount(const FeatureMatrix &features, int frames, float padValue, CropAnchor anchor)
{
    frames = std::max(frames, 0);
    FeatureMatrix result;
    result.channels = features.channels;
    result.rows = features.rows;
    result.cols = frames;
    result.values.assign(std::size_t(features.channels) * features.rows * std::size_t(frames), padValue);
    const int kept = std::min(frames, features.cols);
    const qint64 start = features.cols > frames ? cropStart(features.cols, frames, anchor) : 0;
    for (int c = 0; c < features.channels; ++c) {
        for (int r = 0; r < features.rows; ++r) {
            const float *source = features.channelData(c) + std::size_t(r) * features.cols + start;
            std::copy(source, source + kept, result.channelData(c) + std::size_t(r) * frames);
        }
    }
    return result;
}

std::vector<float> fixSampleCount(const std::vector<float> &samples, qint64 count, CropAnchor anchor)
{
    count = std::max<qint64>(count, 0);
    const qint64 available = qint64(samples.size());
    if (available >= count) {
        const qint64 start = cropStart(available, count, anchor);
        return std::vector<float>(samples.begin() + start, samples.begin() + start + count);
    }
    std::vector<float> result(samples);
    result.resize(std::size_t(count), 0.0f);
    return result;
}

FeatureMatrix meanOverTime(const FeatureMatrix &features)
{
    FeatureMatrix result;
    result.channels = features.channels;
    result.rows = features.rows;
    result.cols = 1;
    result.values.resize(std::size_t(features.channels) * features.rows);
    for (int c = 0; c < features.channels; ++c) {
        for (int r = 0; r < features.rows; ++r) {
            const float *row = features.channelData(c) + std::size_t(r) * features.cols;
            double sum = 0.0;
            for (int t = 0; t < features.cols; ++t)
                sum += row[t];
            result.at(r, 0, c) = features.cols > 0 ? float(sum / features.cols) : 0.0f;
        }
    }
    return result;
}

std::vector<qint64> shapeWithChannelAxis(const std::vector<qint64> &shape, ChannelAxis axis)
{
    std::vector<qint64> result = shape;
    if (axis == ChannelAxis::First)
        result.insert(result.begin(), 1);
    else if (axis == ChannelAxis::Last)
        result.push_back(1);
    return result;
}

} // namespace graft::FeatureShaping
