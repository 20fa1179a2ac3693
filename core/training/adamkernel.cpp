// Built as a VECTORIZED source (see graft_core_module): plain loops, no libtorch.
#include "core/training/adamkernel.h"

#include <cmath>

namespace graft::training {

void adamStep(float *__restrict w, const float *__restrict g, float *__restrict m, float *__restrict v, std::int64_t n,
              float alpha, float oneMinusBeta1, float oneMinusBeta2, float epsilon)
{
    for (std::int64_t i = 0; i < n; ++i) {
        const float gi = g[i];
        const float mi = m[i] + (gi - m[i]) * oneMinusBeta1;
        const float vi = v[i] + (gi * gi - v[i]) * oneMinusBeta2;
        m[i] = mi;
        v[i] = vi;
        w[i] -= mi * alpha / (std::sqrt(vi) + epsilon);
    }
}

} // namespace graft::training
