#pragma once

// GRAFT_VECTORIZE on a function with a hot float loop: GCC vectorizes it with O3's cost
// model (O2's skips loops that need a scalar epilogue or an alias check) and without errno
// from sqrt. Other compilers get the function as it is.
#if defined(__GNUC__) && !defined(__clang__)
#define GRAFT_VECTORIZE __attribute__((optimize("O3", "no-math-errno")))
#else
#define GRAFT_VECTORIZE
#endif
