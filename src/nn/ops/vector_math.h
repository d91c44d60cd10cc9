// SPDX-License-Identifier: Apache-2.0
// Vectorised exp, sigmoid, tanh and erf over float arrays (AVX-512 / AVX2+FMA / SSE2 picked at run
// time, as the build targets baseline x86-64). libm's scalar calls cost ~10 ns each, which in a
// GRU step is as much as the recurrent GEMV itself. Accuracy: a few float ulps (relative error
// below 4e-7 for exp and sigmoid; absolute error below 1e-7 for tanh near 0).
#ifndef VOXFACE_SRC_NN_OPS_VECTOR_MATH_H_
#define VOXFACE_SRC_NN_OPS_VECTOR_MATH_H_

#include <cstdint>

namespace voxface::nn::vmath {

// y[i] = exp(x[i]); inputs below -87.3 give ~1e-38 instead of a denormal or 0, inputs above
// 88.3 saturate at ~2e38. x and y may alias.
void Exp(const float* x, float* y, int64_t n);
// y[i] = 1 / (1 + exp(-x[i])).
void Sigmoid(const float* x, float* y, int64_t n);
// y[i] = tanh(x[i]).
void Tanh(const float* x, float* y, int64_t n);
// y[i] = erf(x[i]) (GELU in exported transformers); relative error below 5e-7 everywhere
// (erf(x) = x P(x^2) / Q(x^2), so small arguments keep their precision too).
void Erf(const float* x, float* y, int64_t n);

}  // namespace voxface::nn::vmath

#endif  // VOXFACE_SRC_NN_OPS_VECTOR_MATH_H_
