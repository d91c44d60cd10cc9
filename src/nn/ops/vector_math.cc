// SPDX-License-Identifier: Apache-2.0
#include "nn/ops/vector_math.h"

#include <algorithm>
#include <cstring>

namespace voxface::nn::vmath {
namespace {

typedef float V8 __attribute__((vector_size(32)));
typedef int32_t I8 __attribute__((vector_size(32)));

// Helpers work in place on references: returning a 32-byte vector by value from a function
// compiled for baseline x86-64 changes the ABI (GCC warns), even when everything is inlined.
#define VOXFACE_SPLAT(v) (V8{} + (v))

// exp(x) = 2^n * exp(r), r = x - n ln2 in [-ln2/2, ln2/2], exp(r) by the Cephes expf
// polynomial; ln2 is split in two constants so that n * ln2 is exact.
__attribute__((always_inline)) inline void ExpV(V8& x) {
  // Clamped so that 2^n stays a normal float; written so that NaN passes through.
  x = x > VOXFACE_SPLAT(88.3f) ? VOXFACE_SPLAT(88.3f) : x;
  x = x < VOXFACE_SPLAT(-87.3f) ? VOXFACE_SPLAT(-87.3f) : x;
  // Round to nearest by adding and subtracting 1.5 * 2^23.
  const V8 n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  V8 r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  V8 p = VOXFACE_SPLAT(1.9875691500e-4f);
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const I8 bits = (__builtin_convertvector(n, I8) + 127) << 23;
  V8 scale;
  std::memcpy(&scale, &bits, sizeof(scale));
  x = p * scale;
}

__attribute__((always_inline)) inline void SigmoidV(V8& x) {
  V8 e = -x;
  ExpV(e);
  x = 1.0f / (e + 1.0f);
}

// tanh: odd polynomial below |x| = 0.625 (Cephes tanhf), 1 - 2 / (exp(2|x|) + 1) above, where
// the subtraction no longer cancels.
__attribute__((always_inline)) inline void TanhV(V8& x) {
  const V8 zero = {};
  const V8 ax = x < zero ? -x : x;
  const V8 z = x * x;
  V8 p = VOXFACE_SPLAT(-5.70498872745e-3f);
  p = p * z + 2.06390887954e-2f;
  p = p * z + -5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z + -3.33332819422e-1f;
  const V8 small = p * z * x + x;
  V8 e = ax + ax;
  ExpV(e);
  const V8 big_abs = 1.0f - 2.0f / (e + 1.0f);
  const V8 big = x < zero ? -big_abs : big_abs;
  x = ax < VOXFACE_SPLAT(0.625f) ? small : big;
}

// erf on [-4, 4] (beyond, erf is +-1 in float) as x P(x^2) / Q(x^2): the rational minimax fit
// Eigen and XLA use for float, accurate to a few ulps without an exp.
__attribute__((always_inline)) inline void ErfV(V8& x) {
  x = x > VOXFACE_SPLAT(4.0f) ? VOXFACE_SPLAT(4.0f) : x;
  x = x < VOXFACE_SPLAT(-4.0f) ? VOXFACE_SPLAT(-4.0f) : x;
  const V8 z = x * x;
  V8 p = VOXFACE_SPLAT(-2.72614225801306e-10f);
  p = p * z + 2.77068142495902e-08f;
  p = p * z + -2.10102402082508e-06f;
  p = p * z + -5.69250639462346e-05f;
  p = p * z + -7.34990630326855e-04f;
  p = p * z + -2.95459980854025e-03f;
  p = p * z + -1.60960333262415e-02f;
  V8 q = VOXFACE_SPLAT(-1.45660718464996e-05f);
  q = q * z + -2.13374055278905e-04f;
  q = q * z + -1.68282697438203e-03f;
  q = q * z + -7.37332916720468e-03f;
  q = q * z + -1.42647390514189e-02f;
  x = x * p / q;
}

#undef VOXFACE_SPLAT

enum class Fn { kExp, kSigmoid, kTanh, kErf };

template <Fn kFn>
__attribute__((always_inline)) inline void Apply(const float* x, float* y, int64_t n) {
  auto f = [](V8& v) {
    if constexpr (kFn == Fn::kExp) ExpV(v);
    if constexpr (kFn == Fn::kSigmoid) SigmoidV(v);
    if constexpr (kFn == Fn::kTanh) TanhV(v);
    if constexpr (kFn == Fn::kErf) ErfV(v);
  };
  V8 v;
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::memcpy(&v, x + i, sizeof(v));
    f(v);
    std::memcpy(y + i, &v, sizeof(v));
  }
  if (i < n) {
    // The tail goes through a padded copy so that every element takes the same path.
    float buf[8] = {};
    std::copy(x + i, x + n, buf);
    std::memcpy(&v, buf, sizeof(v));
    f(v);
    std::memcpy(buf, &v, sizeof(v));
    std::copy(buf, buf + (n - i), y + i);
  }
}

using ArrayFn = void (*)(const float*, float*, int64_t);

#define VOXFACE_VMATH_VARIANTS(name, fn)                                                           \
  __attribute__((target("avx512f,avx512vl,avx2,fma"))) void name##Avx512(const float* x, float* y, \
                                                                         int64_t n) {              \
    Apply<fn>(x, y, n);                                                                            \
  }                                                                                                \
  __attribute__((target("avx2,fma"))) void name##Avx2(const float* x, float* y, int64_t n) {       \
    Apply<fn>(x, y, n);                                                                            \
  }                                                                                                \
  void name##Baseline(const float* x, float* y, int64_t n) { Apply<fn>(x, y, n); }                 \
  ArrayFn Pick##name() {                                                                           \
    __builtin_cpu_init();                                                                          \
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) {                 \
      return name##Avx512;                                                                         \
    }                                                                                              \
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return name##Avx2;        \
    return name##Baseline;                                                                         \
  }

VOXFACE_VMATH_VARIANTS(Exp, Fn::kExp)
VOXFACE_VMATH_VARIANTS(Sigmoid, Fn::kSigmoid)
VOXFACE_VMATH_VARIANTS(Tanh, Fn::kTanh)
VOXFACE_VMATH_VARIANTS(Erf, Fn::kErf)

#undef VOXFACE_VMATH_VARIANTS

}  // namespace

void Exp(const float* x, float* y, int64_t n) {
  static const ArrayFn fn = PickExp();
  fn(x, y, n);
}

void Sigmoid(const float* x, float* y, int64_t n) {
  static const ArrayFn fn = PickSigmoid();
  fn(x, y, n);
}

void Tanh(const float* x, float* y, int64_t n) {
  static const ArrayFn fn = PickTanh();
  fn(x, y, n);
}

void Erf(const float* x, float* y, int64_t n) {
  static const ArrayFn fn = PickErf();
  fn(x, y, n);
}

}  // namespace voxface::nn::vmath
