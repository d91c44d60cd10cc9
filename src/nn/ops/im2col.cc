// SPDX-License-Identifier: Apache-2.0
#include "nn/ops/im2col.h"

#include <algorithm>
#include <cstring>

namespace voxface::nn {
namespace {

// Walks output positions [o0, o0 + len) for one kernel offset `kk`, in runs along the last
// spatial axis, and reports each run as padding (pad(j, count)) or as input elements
// (data(j, input_offset, input_step, count)); j is the column within the tile. Runs make the
// inner loops contiguous copies (stride 1) instead of per-element bounds checks.
template <typename PadFn, typename DataFn>
void WalkRow(const WindowGeometry& g, const int64_t* kk, int64_t o0, int64_t len, PadFn pad,
             DataFn data) {
  const int rank = g.rank();
  const int last = rank - 1;
  int64_t idx[kMaxSpatialRank];
  int64_t rem = o0;
  for (int d = last; d >= 0; --d) {
    idx[d] = rem % g.out[d];
    rem /= g.out[d];
  }
  const int64_t s = g.stride[last];
  const int64_t off = kk[last] * g.dilation[last] - g.pad_begin[last];
  const int64_t width = g.in[last], out_width = g.out[last];
  // Output positions along the last axis whose input index off + ow * s lies in [0, width).
  const int64_t lo_all = off >= 0 ? 0 : (-off + s - 1) / s;
  const int64_t hi_all = width - 1 - off < 0 ? 0 : (width - 1 - off) / s + 1;
  int64_t j = 0;
  while (j < len) {
    const int64_t ow0 = idx[last];
    const int64_t seg = std::min(out_width - ow0, len - j);
    bool inside = true;
    int64_t base = 0;
    for (int d = 0; d < last; ++d) {
      const int64_t i = idx[d] * g.stride[d] + kk[d] * g.dilation[d] - g.pad_begin[d];
      if (i < 0 || i >= g.in[d]) {
        inside = false;
        break;
      }
      base = base * g.in[d] + i;
    }
    if (!inside) {
      pad(j, seg);
    } else {
      base *= width;
      const int64_t end = ow0 + seg;
      const int64_t lo = std::min(std::max(lo_all, ow0), end);
      const int64_t hi = std::max(std::min(hi_all, end), lo);
      if (lo > ow0) pad(j, lo - ow0);
      if (hi > lo) data(j + lo - ow0, base + lo * s + off, s, hi - lo);
      if (end > hi) pad(j + hi - ow0, end - hi);
    }
    j += seg;
    idx[last] += seg;
    if (idx[last] == out_width) {
      idx[last] = 0;
      for (int d = last - 1; d >= 0; --d) {
        if (++idx[d] < g.out[d]) break;
        idx[d] = 0;
      }
    }
  }
}

// Calls fn(row, kernel offset) for each row (channel-major, then kernel offsets row-major).
template <typename Fn>
void ForEachRow(int64_t channels, const WindowGeometry& g, Fn fn) {
  const int rank = g.rank();
  int64_t kk[kMaxSpatialRank] = {};
  const int64_t ksize = g.kernel_size();
  int64_t row = 0;
  for (int64_t c = 0; c < channels; ++c) {
    for (int64_t k = 0; k < ksize; ++k, ++row) {
      fn(c, row, kk);
      for (int d = rank - 1; d >= 0; --d) {
        if (++kk[d] < g.kernel[d]) break;
        kk[d] = 0;
      }
    }
  }
}

}  // namespace

void Im2ColTile(const float* x, int64_t channels, const WindowGeometry& g, int64_t o0, int64_t len,
                float* cols) {
  const int64_t in_size = g.in_size();
  ForEachRow(channels, g, [&](int64_t c, int64_t row, const int64_t* kk) {
    float* dst = cols + row * len;
    const float* src = x + c * in_size;
    WalkRow(
        g, kk, o0, len,
        [&](int64_t j, int64_t count) { std::fill(dst + j, dst + j + count, 0.0f); },
        [&](int64_t j, int64_t offset, int64_t step, int64_t count) {
          if (step == 1) {
            std::memcpy(dst + j, src + offset, static_cast<size_t>(count) * sizeof(float));
          } else {
            for (int64_t t = 0; t < count; ++t) dst[j + t] = src[offset + t * step];
          }
        });
  });
}

void Col2ImAdd(const float* cols, int64_t channels, const WindowGeometry& g, float* y) {
  const int64_t in_size = g.in_size();
  const int64_t len = g.out_size();
  ForEachRow(channels, g, [&](int64_t c, int64_t row, const int64_t* kk) {
    const float* src = cols + row * len;
    float* dst = y + c * in_size;
    WalkRow(
        g, kk, 0, len, [](int64_t, int64_t) {},
        [&](int64_t j, int64_t offset, int64_t step, int64_t count) {
          for (int64_t t = 0; t < count; ++t) dst[offset + t * step] += src[j + t];
        });
  });
}

}  // namespace voxface::nn
