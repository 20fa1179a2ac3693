#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace graft::engine {

/**
 * Where the spatial and channel axes of a Keras tensor are, for 1-D (N, T, C)
 * and 2-D (N, H, W, C) layers (or channels_first). Tensors stay in Keras's
 * layout between layers; a conv or pooling op views its input as NCHW with
 * permute() — free, and the channels-last strides let oneDNN run NHWC
 * kernels — and views the result back, so no layer ever copies to change layout.
 */
struct SpatialLayout
{
    int rank = 2; // 1 or 2 spatial dimensions
    bool channelsFirst = false;

    /** Axes of the spatial dimensions in the Keras tensor (batch axis = 0). */
    std::vector<std::int64_t> spatialAxes() const;
    std::int64_t channelAxis() const { return channelsFirst ? 1 : rank + 1; }
    /** The Keras tensor viewed as 4-D NCHW (1-D layers get H = 1). */
    torch::Tensor toNchw(const torch::Tensor &x) const;
    /** A 4-D NCHW result viewed back in the Keras layout. */
    torch::Tensor fromNchw(const torch::Tensor &y) const;
    /** Per spatial dimension (H, W) of the NCHW view: a 1-D layer's value is applied to W. */
    std::vector<std::int64_t> expand(const std::vector<std::int64_t> &perDim, std::int64_t filler) const;
};

/** Pads the given axes of `x` by (before, after) with `value`. */
torch::Tensor padAxes(const torch::Tensor &x, const std::vector<std::int64_t> &axes,
                      const std::vector<std::pair<std::int64_t, std::int64_t>> &amounts, double value);

/**
 * Keras's 'same' padding for one dimension: TensorFlow pads
 * max((ceil(n/s) - 1) * s + (k - 1) * d + 1 - n, 0) in total, the odd pixel after.
 */
std::pair<std::int64_t, std::int64_t> samePadding(std::int64_t n, std::int64_t kernel, std::int64_t stride,
                                                  std::int64_t dilation);

} // namespace graft::engine
