#pragma once

#include "core/audio/featurematrix.h"

#include <vector>

namespace graft {

/** Axis order of a 2-D feature array: librosa's (features, frames) or Keras' usual (frames, features). */
enum class FeatureOrientation { FeaturesByFrames, FramesByFeatures };

/** Which part of a too-long signal or feature sequence is kept. */
enum class CropAnchor { Start, Center, End };

/** Where a size-1 channel axis goes for Conv2D-style inputs. */
enum class ChannelAxis { None, First, Last };

/**
 * Pure reshaping helpers for dataset pipelines, applied to librosa-shaped
 * features (rows = features, cols = frames); none of them touches a file.
 */
namespace FeatureShaping {

/** Swaps rows and cols of every channel. */
FeatureMatrix transposed(const FeatureMatrix &features);
/** librosa's layout unchanged, or transposed to (frames, features). */
FeatureMatrix oriented(const FeatureMatrix &features, FeatureOrientation orientation);

/**
 * Exactly `frames` columns: pads at the end with padValue (librosa.util.fix_length
 * pads zeros at the end) or crops, keeping the anchored part.
 */
FeatureMatrix fixFrameCount(const FeatureMatrix &features, int frames, float padValue = 0.0f,
                            CropAnchor anchor = CropAnchor::Start);

/** librosa.util.fix_length on a waveform before extraction: zero-pad at the end or crop. */
std::vector<float> fixSampleCount(const std::vector<float> &samples, qint64 count,
                                  CropAnchor anchor = CropAnchor::Start);

/** np.mean(features, axis=-1): one column per channel (rows × 1), accumulated in double. */
FeatureMatrix meanOverTime(const FeatureMatrix &features);

/** shape with a size-1 channel axis inserted first or appended last (no data changes). */
std::vector<qint64> shapeWithChannelAxis(const std::vector<qint64> &shape, ChannelAxis axis);

} // namespace FeatureShaping

} // namespace graft
