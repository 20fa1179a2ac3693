#include "core/engine/spatial.h"

#include <algorithm>

namespace graft::engine {

std::vector<std::int64_t> SpatialLayout::spatialAxes() const
{
    std::vector<std::int64_t> axes;
    for (int i = 0; i < rank; ++i)
        axes.push_back(channelsFirst ? 2 + i : 1 + i);
    return axes;
}

torch::Tensor SpatialLayout::toNchw(const torch::Tensor &x) const
{
    if (rank == 2)
        return channelsFirst ? x : x.permute({0, 3, 1, 2});
    return channelsFirst ? x.unsqueeze(2) : x.unsqueeze(1).permute({0, 3, 1, 2});
}

torch::Tensor SpatialLayout::fromNchw(const torch::Tensor &y) const
{
    if (rank == 2)
        return channelsFirst ? y : y.permute({0, 2, 3, 1});
    return channelsFirst ? y.squeeze(2) : y.permute({0, 2, 3, 1}).squeeze(1);
}

std::vector<std::int64_t> SpatialLayout::expand(const std::vector<std::int64_t> &perDim, std::int64_t filler) const
{
    if (rank == 2)
        return perDim;
    return {filler, perDim.empty() ? filler : perDim.front()};
}

torch::Tensor padAxes(const torch::Tensor &x, const std::vector<std::int64_t> &axes,
                      const std::vector<std::pair<std::int64_t, std::int64_t>> &amounts, double value)
{
    const std::int64_t firstAxis = *std::min_element(axes.begin(), axes.end());
    // constant_pad_nd lists (before, after) pairs from the last axis backwards.
    std::vector<std::int64_t> pad(std::size_t(2 * (x.dim() - firstAxis)), 0);
    for (std::size_t i = 0; i < axes.size(); ++i) {
        const std::size_t slot = std::size_t(x.dim() - 1 - axes[i]);
        pad[2 * slot] = amounts[i].first;
        pad[2 * slot + 1] = amounts[i].second;
    }
    return torch::constant_pad_nd(x, pad, value);
}

std::pair<std::int64_t, std::int64_t> samePadding(std::int64_t n, std::int64_t kernel, std::int64_t stride,
                                                  std::int64_t dilation)
{
    const std::int64_t outSize = (n + stride - 1) / stride;
    const std::int64_t total = std::max<std::int64_t>((outSize - 1) * stride + (kernel - 1) * dilation + 1 - n, 0);
    return {total / 2, total - total / 2};
}

} // namespace graft::engine
