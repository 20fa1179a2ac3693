#pragma once

// Plain-loop reference implementations of Keras/TensorFlow layer maths, written
// from TensorFlow's definitions (not from the engine), for the engine tests.

#include "core/model/tensordata.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

namespace graft::testing {

inline TensorData randomTensor(std::vector<std::int64_t> shape, quint32 seed, float lo = -1.0f, float hi = 1.0f)
{
    QRandomGenerator rng(seed);
    TensorData t;
    t.shape = std::move(shape);
    t.values.resize(std::size_t(t.elementCount()));
    for (float &v : t.values)
        v = lo + float(rng.generateDouble()) * (hi - lo);
    return t;
}

/** TensorFlow's 'same' padding before the first element. */
inline std::int64_t tfPadBefore(std::int64_t n, std::int64_t k, std::int64_t s, std::int64_t d)
{
    const std::int64_t out = (n + s - 1) / s;
    const std::int64_t total = std::max<std::int64_t>((out - 1) * s + (k - 1) * d + 1 - n, 0);
    return total / 2;
}

/** NHWC conv (groups = 1) with TF padding; kernel (kh, kw, in, out). */
inline TensorData referenceConv2D(const TensorData &x, const TensorData &kernel, const TensorData &bias,
                                  std::int64_t sh, std::int64_t sw, std::int64_t dh, std::int64_t dw, bool same)
{
    const std::int64_t n = x.shape[0], h = x.shape[1], w = x.shape[2], c = x.shape[3];
    const std::int64_t kh = kernel.shape[0], kw = kernel.shape[1], f = kernel.shape[3];
    std::int64_t oh, ow, ph = 0, pw = 0;
    if (same) {
        oh = (h + sh - 1) / sh;
        ow = (w + sw - 1) / sw;
        ph = tfPadBefore(h, kh, sh, dh);
        pw = tfPadBefore(w, kw, sw, dw);
    } else {
        oh = (h - (kh - 1) * dh - 1) / sh + 1;
        ow = (w - (kw - 1) * dw - 1) / sw + 1;
    }
    TensorData y;
    y.shape = {n, oh, ow, f};
    y.values.assign(std::size_t(n * oh * ow * f), 0.0f);
    for (std::int64_t b = 0; b < n; ++b)
        for (std::int64_t i = 0; i < oh; ++i)
            for (std::int64_t j = 0; j < ow; ++j)
                for (std::int64_t o = 0; o < f; ++o) {
                    double acc = bias.values.empty() ? 0.0 : bias.values[std::size_t(o)];
                    for (std::int64_t a = 0; a < kh; ++a)
                        for (std::int64_t bb = 0; bb < kw; ++bb) {
                            const std::int64_t yi = i * sh + a * dh - ph, xj = j * sw + bb * dw - pw;
                            if (yi < 0 || yi >= h || xj < 0 || xj >= w)
                                continue;
                            for (std::int64_t ci = 0; ci < c; ++ci)
                                acc += double(x.values[std::size_t(((b * h + yi) * w + xj) * c + ci)])
                                       * kernel.values[std::size_t(((a * kw + bb) * c + ci) * f + o)];
                        }
                    y.values[std::size_t(((b * oh + i) * ow + j) * f + o)] = float(acc);
                }
    return y;
}

/** NHWC pooling with TF padding: max ignores padding, average divides by the real pixels. */
inline TensorData referencePool2D(const TensorData &x, std::int64_t ph_, std::int64_t pw_, std::int64_t sh,
                                  std::int64_t sw, bool same, bool isMax)
{
    const std::int64_t n = x.shape[0], h = x.shape[1], w = x.shape[2], c = x.shape[3];
    std::int64_t oh, ow, ph = 0, pw = 0;
    if (same) {
        oh = (h + sh - 1) / sh;
        ow = (w + sw - 1) / sw;
        ph = tfPadBefore(h, ph_, sh, 1);
        pw = tfPadBefore(w, pw_, sw, 1);
    } else {
        oh = (h - ph_) / sh + 1;
        ow = (w - pw_) / sw + 1;
    }
    TensorData y;
    y.shape = {n, oh, ow, c};
    y.values.resize(std::size_t(n * oh * ow * c));
    for (std::int64_t b = 0; b < n; ++b)
        for (std::int64_t i = 0; i < oh; ++i)
            for (std::int64_t j = 0; j < ow; ++j)
                for (std::int64_t ci = 0; ci < c; ++ci) {
                    double acc = isMax ? -std::numeric_limits<double>::infinity() : 0.0;
                    int count = 0;
                    for (std::int64_t a = 0; a < ph_; ++a)
                        for (std::int64_t bb = 0; bb < pw_; ++bb) {
                            const std::int64_t yi = i * sh + a - ph, xj = j * sw + bb - pw;
                            if (yi < 0 || yi >= h || xj < 0 || xj >= w)
                                continue;
                            const double v = x.values[std::size_t(((b * h + yi) * w + xj) * c + ci)];
                            acc = isMax ? std::max(acc, v) : acc + v;
                            ++count;
                        }
                    y.values[std::size_t(((b * oh + i) * ow + j) * c + ci)] = float(isMax ? acc : acc / count);
                }
    return y;
}

inline double sigmoid(double v)
{
    return 1.0 / (1.0 + std::exp(-v));
}

/**
 * Keras GRU over (N, T, F) with kernel (F, 3u), recurrent (u, 3u), bias (3u) or (2, 3u)
 * when resetAfter; sigmoid/tanh. mask (N, T) or empty: masked steps keep state and output.
 */
inline TensorData referenceGru(const TensorData &x, const TensorData &k, const TensorData &r, const TensorData &b,
                               bool resetAfter, const std::vector<int> &mask, bool returnSequences)
{
    const std::int64_t n = x.shape[0], t = x.shape[1], f = x.shape[2], u = r.shape[0];
    TensorData y;
    y.shape = returnSequences ? std::vector<std::int64_t>{n, t, u} : std::vector<std::int64_t>{n, u};
    y.values.assign(std::size_t(y.elementCount()), 0.0f);
    for (std::int64_t s = 0; s < n; ++s) {
        std::vector<double> h(std::size_t(u), 0.0);
        for (std::int64_t step = 0; step < t; ++step) {
            const bool on = mask.empty() || mask[std::size_t(s * t + step)];
            std::vector<double> xg(std::size_t(3 * u), 0.0), hg(std::size_t(3 * u), 0.0);
            for (std::int64_t g = 0; g < 3 * u; ++g) {
                double acc = b.values[std::size_t(g)];
                for (std::int64_t i = 0; i < f; ++i)
                    acc += double(x.values[std::size_t((s * t + step) * f + i)]) * k.values[std::size_t(i * 3 * u + g)];
                xg[std::size_t(g)] = acc;
                double rec = resetAfter ? b.values[std::size_t(3 * u + g)] : 0.0;
                if (resetAfter || g < 2 * u)
                    for (std::int64_t i = 0; i < u; ++i)
                        rec += h[std::size_t(i)] * r.values[std::size_t(i * 3 * u + g)];
                hg[std::size_t(g)] = rec;
            }
            std::vector<double> next(static_cast<std::size_t>(u), 0.0);
            for (std::int64_t j = 0; j < u; ++j) {
                const double z = sigmoid(xg[std::size_t(j)] + hg[std::size_t(j)]);
                const double rr = sigmoid(xg[std::size_t(u + j)] + hg[std::size_t(u + j)]);
                double cand;
                if (resetAfter) {
                    cand = std::tanh(xg[std::size_t(2 * u + j)] + rr * hg[std::size_t(2 * u + j)]);
                } else {
                    double rec = 0.0;
                    for (std::int64_t i = 0; i < u; ++i) {
                        const double ri = sigmoid(xg[std::size_t(u + i)] + hg[std::size_t(u + i)]);
                        rec += ri * h[std::size_t(i)] * r.values[std::size_t(i * 3 * u + 2 * u + j)];
                    }
                    cand = std::tanh(xg[std::size_t(2 * u + j)] + rec);
                }
                next[std::size_t(j)] = z * h[std::size_t(j)] + (1.0 - z) * cand;
            }
            if (on)
                h = next;
            if (returnSequences)
                for (std::int64_t j = 0; j < u; ++j)
                    y.values[std::size_t((s * t + step) * u + j)] = float(h[std::size_t(j)]);
        }
        if (!returnSequences)
            for (std::int64_t j = 0; j < u; ++j)
                y.values[std::size_t(s * u + j)] = float(h[std::size_t(j)]);
    }
    return y;
}

} // namespace graft::testing
