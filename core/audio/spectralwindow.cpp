#include "core/audio/spectralwindow.h"

#include <cmath>

namespace graft {

namespace {

constexpr double pi = 3.14159265358979323846;

// scipy.signal.windows.general_cosine with sym=False: a symmetric window one
// longer, truncated; terms added in scipy's order so rounding matches.
std::vector<double> periodicCosineWindow(int length, const std::vector<double> &coefficients)
{
    std::vector<double> window(static_cast<std::size_t>(length));
    if (length == 1) {
        window[0] = 1.0;
        return window;
    }
    const int symmetric = length + 1;
    const double step = 2.0 * pi / double(symmetric - 1);
    for (int i = 0; i < length; ++i) {
        const double fac = double(i) * step - pi;
        double value = 0.0;
        for (std::size_t k = 0; k < coefficients.size(); ++k)
            value += coefficients[k] * std::cos(double(k) * fac);
        window[std::size_t(i)] = value;
    }
    return window;
}

} // namespace

std::vector<double> stftWindow(WindowType type, int winLength, int nFft)
{
    std::vector<double> window;
    switch (type) {
    case WindowType::Hann: window = periodicCosineWindow(winLength, {0.5, 1.0 - 0.5}); break;
    case WindowType::Hamming: window = periodicCosineWindow(winLength, {0.54, 1.0 - 0.54}); break;
    case WindowType::Blackman: window = periodicCosineWindow(winLength, {0.42, 0.50, 0.08}); break;
    case WindowType::Rectangular: window.assign(std::size_t(winLength), 1.0); break;
    }
    if (winLength == nFft)
        return window;
    // librosa.util.pad_center: left pad (n - size) // 2.
    std::vector<double> padded(std::size_t(nFft), 0.0);
    const int left = (nFft - winLength) / 2;
    for (int i = 0; i < winLength; ++i)
        padded[std::size_t(left + i)] = window[std::size_t(i)];
    return padded;
}

std::vector<double> dctMatrix(int type, DctNorm norm, int rows, int size)
{
    std::vector<double> matrix(std::size_t(rows) * std::size_t(size), 0.0);
    const double n = double(size);
    const bool ortho = norm == DctNorm::Ortho;
    for (int k = 0; k < rows; ++k) {
        double *row = matrix.data() + std::size_t(k) * std::size_t(size);
        for (int i = 0; i < size; ++i) {
            double value = 0.0;
            switch (type) {
            case 1: {
                // y_k = x_0 + (-1)^k x_{N-1} + 2 sum x_n cos(pi k n / (N-1)); ortho makes it orthonormal.
                const bool endPoint = i == 0 || i == size - 1;
                value = (endPoint ? 1.0 : 2.0) * std::cos(pi * double(k) * double(i) / (n - 1.0));
                if (ortho) {
                    const bool endRow = k == 0 || k == size - 1;
                    const double f = endRow ? 0.5 * std::sqrt(1.0 / (n - 1.0)) : 0.5 * std::sqrt(2.0 / (n - 1.0));
                    value *= f * (endPoint ? std::sqrt(2.0) : 1.0);
                }
                break;
            }
            case 2:
                // y_k = 2 sum x_n cos(pi k (2n + 1) / 2N)
                value = 2.0 * std::cos(pi * double(k) * (2.0 * i + 1.0) / (2.0 * n));
                if (ortho)
                    value *= k == 0 ? std::sqrt(1.0 / (4.0 * n)) : std::sqrt(1.0 / (2.0 * n));
                break;
            case 3:
                // y_k = x_0 + 2 sum_{n>=1} x_n cos(pi n (2k + 1) / 2N); ortho is DCT-II's inverse.
                if (ortho)
                    value = i == 0 ? std::sqrt(1.0 / n)
                                   : std::sqrt(2.0 / n) * std::cos(pi * i * (2.0 * k + 1.0) / (2.0 * n));
                else
                    value = i == 0 ? 1.0 : 2.0 * std::cos(pi * i * (2.0 * k + 1.0) / (2.0 * n));
                break;
            default: break;
            }
            row[i] = value;
        }
    }
    return matrix;
}

} // namespace graft
