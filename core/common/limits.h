#pragma once

#include <cstdint>

namespace graft::limits {

// Bounds checked before allocating anything read from outside data: no real
// model or dataset needs more, and a hostile file must not get further.
constexpr int maxTensorRank = 8;
constexpr std::int64_t maxTensorElements = std::int64_t(1) << 31; // 8 GiB of float32
constexpr std::int64_t maxZipMemberBytes = std::int64_t(4) << 30;
constexpr int maxJsonDepth = 64;
constexpr int maxNestedModelDepth = 16;
constexpr int maxLayers = 100000;

} // namespace graft::limits
