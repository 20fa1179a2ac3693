#pragma once

#include <QtGlobal>

#include <vector>

namespace graft {

/**
 * A feature array exactly as librosa returns it: row-major (rows × cols), where
 * rows are features (n_mfcc or n_mels) and cols are frames, with a leading
 * channel axis only for multi-channel audio loaded with mono=False.
 */
struct FeatureMatrix
{
    int channels = 1;
    int rows = 0;
    int cols = 0;
    std::vector<float> values; ///< channels × rows × cols, row-major

    float at(int row, int col, int channel = 0) const
    {
        return values[(std::size_t(channel) * rows + row) * std::size_t(cols) + col];
    }
    float &at(int row, int col, int channel = 0)
    {
        return values[(std::size_t(channel) * rows + row) * std::size_t(cols) + col];
    }
    const float *channelData(int channel) const { return values.data() + std::size_t(channel) * rows * cols; }
    float *channelData(int channel) { return values.data() + std::size_t(channel) * rows * cols; }

    /** librosa's shape: (rows, cols), or (channels, rows, cols) when there is more than one channel. */
    std::vector<qint64> shape() const
    {
        if (channels == 1)
            return {qint64(rows), qint64(cols)};
        return {qint64(channels), qint64(rows), qint64(cols)};
    }
};

} // namespace graft
