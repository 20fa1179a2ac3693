#pragma once

#include <cstdint>

namespace graft::training {

/**
 * One Adam step over a flat parameter group in TensorFlow's ApplyAdam arithmetic
 * (Keras 3's is the same): m += (g - m)(1 - beta1); v += (g² - v)(1 - beta2);
 * w -= m·alpha / (√v + ε). One pass over the four buffers instead of six
 * whole-buffer kernels, each of which would stream them from memory again.
 */
void adamStep(float *__restrict w, const float *__restrict g, float *__restrict m, float *__restrict v, std::int64_t n,
              float alpha, float oneMinusBeta1, float oneMinusBeta2, float epsilon);

} // namespace graft::training
