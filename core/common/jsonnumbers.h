#pragma once

#include <cmath>
#include <cstdint>

namespace graft {

/**
 * A JSON number (a double) as an integer dimension, count or axis. Converting a double that does
 * not fit is undefined behaviour in C++, and configs come from strangers (the fuzzer found a
 * 2.2e72 batch_input_shape): NaN gives `fallback`, and magnitudes beyond 2^62 saturate, which the
 * shape and element limits then reject with a message.
 */
inline std::int64_t jsonInteger(double value, std::int64_t fallback = -1)
{
    constexpr double bound = 4611686018427387904.0; // 2^62
    if (std::isnan(value))
        return fallback;
    if (value >= bound)
        return std::int64_t(1) << 62;
    if (value <= -bound)
        return -(std::int64_t(1) << 62);
    return std::int64_t(value);
}

} // namespace graft
