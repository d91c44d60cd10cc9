// SPDX-License-Identifier: Apache-2.0
// Resize (nearest, linear, cubic; every coordinate transformation of opsets 10-17) and the
// deprecated Upsample. N-D interpolation is separable, so it runs as 1-D passes from the innermost
// resized axis outwards, the order ONNX's reference implementation nests them in; nearest is an
// index map per axis.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>

#include "nn/ops/core_util.h"
#include "nn/ops/shape_internal.h"
#include "nn/ops/shape_util.h"

namespace voxface::nn::core {
namespace {

enum class Mode { kNearest, kLinear, kCubic };
enum class NearestMode { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil, kSimple };

// How output index x maps to an input coordinate along one axis.
struct AxisTransform {
  std::string mode;
  double scale = 1.0;  // output / input
  int64_t in_len = 1;
  double roi_start = 0.0, roi_end = 1.0;

  // nullopt: outside the input for tf_crop_and_resize (takes the extrapolation value).
  std::optional<double> Source(int64_t x) const {
    const double out_len = scale * static_cast<double>(in_len);  // unfloored, as ONNX's reference
    const double xd = static_cast<double>(x);
    if (mode == "align_corners") return out_len == 1.0 ? 0.0 : xd * (in_len - 1) / (out_len - 1);
    if (mode == "asymmetric") return xd / scale;
    if (mode == "tf_half_pixel_for_nn") return (xd + 0.5) / scale;
    if (mode == "pytorch_half_pixel") return out_len == 1.0 ? -0.5 : (xd + 0.5) / scale - 0.5;
    if (mode == "tf_crop_and_resize") {
      double v = out_len == 1.0 ? (roi_end - roi_start) * (in_len - 1) / 2.0
                                : xd * (roi_end - roi_start) * (in_len - 1) / (out_len - 1);
      v += roi_start * (in_len - 1);
      if (v < 0 || v > in_len - 1) return std::nullopt;
      return v;
    }
    return (xd + 0.5) / scale - 0.5;  // half_pixel
  }
};

// For one axis: per output index, `taps` input indices and weights (or extrapolate).
struct Taps {
  int per_output = 1;
  std::vector<int64_t> index;
  std::vector<double> weight;
  std::vector<bool> extrapolate;
  bool identity = false;
};

class ResizeKernel final : public CoreKernel {
 public:
  explicit ResizeKernel(const NodeInfo& node)
      : CoreKernel(node),
        upsample_(node.op_type == "Upsample"),
        coord_mode_(node.attrs.GetString("coordinate_transformation_mode", "half_pixel")),
        cubic_a_(node.attrs.GetFloat("cubic_coeff_a", -0.75f)),
        exclude_outside_(node.attrs.GetInt("exclude_outside", 0) != 0),
        extrapolation_(node.attrs.GetFloat("extrapolation_value", 0.0f)) {}

  Status Init(const NodeInfo& node) {
    const std::string mode = node.attrs.GetString("mode", "nearest");
    if (mode == "nearest") {
      mode_ = Mode::kNearest;
    } else if (mode == "linear" || mode == "bilinear") {
      mode_ = Mode::kLinear;
    } else if (mode == "cubic" && !upsample_) {
      mode_ = Mode::kCubic;
    } else {
      return Status::Unsupported(node.Describe() + ": mode '" + mode + "' is not supported");
    }
    const std::string nearest = node.attrs.GetString("nearest_mode", "round_prefer_floor");
    if (nearest == "round_prefer_floor") {
      nearest_ = NearestMode::kRoundPreferFloor;
    } else if (nearest == "round_prefer_ceil") {
      nearest_ = NearestMode::kRoundPreferCeil;
    } else if (nearest == "floor") {
      nearest_ = NearestMode::kFloor;
    } else if (nearest == "ceil") {
      nearest_ = NearestMode::kCeil;
    } else {
      return Status::Unsupported(node.Describe() + ": nearest_mode '" + nearest + "'");
    }
    // Upsample and Resize-10 predate the coordinate modes: asymmetric, and nearest rounds down
    // when enlarging (up when shrinking), as onnxruntime does.
    if (upsample_ || node.opset < 11) {
      coord_mode_ = "asymmetric";
      nearest_ = NearestMode::kSimple;
    }
    static const char* const kModes[] = {"half_pixel",           "pytorch_half_pixel",
                                         "align_corners",        "asymmetric",
                                         "tf_half_pixel_for_nn", "tf_crop_and_resize"};
    bool known = false;
    for (const char* m : kModes) known = known || coord_mode_ == m;
    if (!known) {
      return Status::Unsupported(node.Describe() + ": coordinate_transformation_mode '" +
                                 coord_mode_ + "'");
    }
    if (node.attrs.Has("axes") || node.attrs.GetInt("antialias", 0) != 0) {
      return Status::Unsupported(node.Describe() +
                                 ": axes and antialias (opset 18) are not "
                                 "supported");
    }
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    const int rank = x->rank();
    std::vector<double> scales, roi;
    std::vector<int64_t> sizes;
    const bool legacy = upsample_ || opset() < 11;
    const Tensor* scales_t = ctx.input(legacy ? 1 : 2);
    const Tensor* sizes_t = legacy ? nullptr : ctx.input(3);
    if (!legacy) {
      if (const Tensor* r = ctx.input(1); r != nullptr && r->size() > 0) {
        VF_RETURN_IF_ERROR(ReadDoubles(*r, &roi));
      }
    }
    if (scales_t != nullptr && scales_t->size() > 0) {
      VF_RETURN_IF_ERROR(ReadDoubles(*scales_t, &scales));
    } else if (sizes_t != nullptr && sizes_t->size() > 0) {
      VF_ASSIGN_OR_RETURN(sizes, IntValues(*sizes_t, "sizes"));
    } else {
      return Fail("either scales or sizes must be given");
    }
    if ((!scales.empty() && static_cast<int>(scales.size()) != rank) ||
        (!sizes.empty() && static_cast<int>(sizes.size()) != rank) ||
        (!roi.empty() && static_cast<int>(roi.size()) != 2 * rank)) {
      return Fail("scales, sizes and roi must have one entry per axis (two for roi)");
    }
    Shape out_shape(rank);
    std::vector<AxisTransform> axes(rank);
    for (int d = 0; d < rank; ++d) {
      AxisTransform& t = axes[d];
      t.mode = coord_mode_;
      t.in_len = x->dim(d);
      if (!scales.empty()) {
        if (scales[d] <= 0) return Fail("scales must be positive");
        t.scale = scales[d];
        out_shape[d] = static_cast<int64_t>(std::floor(scales[d] * static_cast<double>(t.in_len)));
      } else {
        out_shape[d] = sizes[d];
        t.scale = t.in_len > 0 ? static_cast<double>(sizes[d]) / static_cast<double>(t.in_len) : 1;
      }
      if (!roi.empty()) {
        t.roi_start = roi[d];
        t.roi_end = roi[d + rank];
      }
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), out_shape));
    if (y->size() == 0) return Status::Ok();
    if (x->size() == 0) return Fail("cannot resize an empty tensor to a non-empty one");
    std::vector<Taps> taps(rank);
    for (int d = 0; d < rank; ++d) taps[d] = MakeTaps(axes[d], out_shape[d]);
    if (mode_ == Mode::kNearest) {
      std::vector<std::vector<int64_t>> maps(rank);
      for (int d = 0; d < rank; ++d) {
        maps[d].resize(out_shape[d]);
        for (int64_t o = 0; o < out_shape[d]; ++o) {
          maps[d][o] = taps[d].extrapolate[o] ? -1 : taps[d].index[o];
        }
      }
      return DispatchAll(x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        T fill = static_cast<T>(extrapolation_);
        CopyByDimMaps(ctx, *x, x->shape(), maps, &fill, y);
        return Status::Ok();
      });
    }
    return DispatchFloat(x->dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      return Interpolate<T>(ctx, *x, taps, out_shape, y);
    });
  }

 private:
  static Status ReadDoubles(const Tensor& t, std::vector<double>* out) {
    return DispatchTypes<float, double>(t.dtype(), "float", [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      for (int64_t i = 0; i < t.size(); ++i) out->push_back(static_cast<double>(t.data<T>()[i]));
      return Status::Ok();
    });
  }

  int64_t Nearest(double src, double scale) const {
    const double fl = std::floor(src);
    const double frac = src - fl;
    switch (nearest_) {
      case NearestMode::kFloor:
        return static_cast<int64_t>(fl);
      case NearestMode::kCeil:
        return static_cast<int64_t>(std::ceil(src));
      case NearestMode::kRoundPreferCeil:
        return static_cast<int64_t>(frac >= 0.5 ? fl + 1 : fl);
      case NearestMode::kSimple:
        return static_cast<int64_t>(scale < 1.0 ? std::ceil(src) : fl);
      case NearestMode::kRoundPreferFloor:
      default:
        return static_cast<int64_t>(frac > 0.5 ? fl + 1 : fl);
    }
  }

  std::array<double, 4> CubicWeights(double r) const {
    const double a = cubic_a_;
    const double s = 1 - r;
    return {((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
            ((a + 2) * r - (a + 3)) * r * r + 1, ((a + 2) * s - (a + 3)) * s * s + 1,
            ((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a};
  }

  Taps MakeTaps(const AxisTransform& t, int64_t out_len) const {
    Taps taps;
    taps.per_output = mode_ == Mode::kNearest ? 1 : (mode_ == Mode::kLinear ? 2 : 4);
    taps.extrapolate.assign(out_len, false);
    const int64_t last = t.in_len - 1;
    bool identity = out_len == t.in_len;
    for (int64_t o = 0; o < out_len; ++o) {
      std::optional<double> src = t.Source(o);
      if (!src.has_value()) {
        taps.extrapolate[o] = true;
        identity = false;
        for (int k = 0; k < taps.per_output; ++k) {
          taps.index.push_back(0);
          taps.weight.push_back(0.0);
        }
        continue;
      }
      const double s = *src;
      if (mode_ == Mode::kNearest) {
        int64_t i = std::clamp<int64_t>(Nearest(s, t.scale), 0, last);
        taps.index.push_back(i);
        taps.weight.push_back(1.0);
        identity = identity && i == o;
        continue;
      }
      const double fl = std::floor(s);
      const double r = s - fl;
      const int64_t base = static_cast<int64_t>(fl);
      if (mode_ == Mode::kLinear) {
        taps.index.push_back(std::clamp<int64_t>(base, 0, last));
        taps.index.push_back(std::clamp<int64_t>(base + 1, 0, last));
        taps.weight.push_back(1.0 - r);
        taps.weight.push_back(r);
        identity = identity && r == 0.0 && base == o;
        continue;
      }
      std::array<double, 4> w = CubicWeights(r);
      double sum = 0.0;
      for (int k = 0; k < 4; ++k) {
        const int64_t i = base - 1 + k;
        if (exclude_outside_ && (i < 0 || i > last)) w[k] = 0.0;
        sum += w[k];
        taps.index.push_back(std::clamp<int64_t>(i, 0, last));
      }
      for (int k = 0; k < 4; ++k)
        taps.weight.push_back(exclude_outside_ && sum != 0 ? w[k] / sum : w[k]);
      identity = identity && r == 0.0 && base == o;
    }
    taps.identity = identity;
    return taps;
  }

  template <typename T>
  Status Interpolate(KernelContext& ctx, const Tensor& x, const std::vector<Taps>& taps,
                     const Shape& out_shape, Tensor* y) const {
    const int rank = x.rank();
    std::vector<int> passes;
    for (int d = rank - 1; d >= 0; --d) {
      if (!taps[d].identity) passes.push_back(d);
    }
    if (passes.empty()) {
      std::memcpy(y->raw(), x.raw(), x.bytes());
      return Status::Ok();
    }
    Shape cur = x.shape();
    const T* src = x.data<T>();
    const T extrap = static_cast<T>(extrapolation_);
    for (size_t p = 0; p < passes.size(); ++p) {
      const int d = passes[p];
      Shape next = cur;
      next[d] = out_shape[d];
      T* dst =
          p + 1 == passes.size()
              ? y->data<T>()
              : static_cast<T*>(ctx.Scratch(static_cast<size_t>(NumElements(next)) * sizeof(T)));
      int64_t outer = 1;
      for (int i = 0; i < d; ++i) outer *= cur[i];
      int64_t inner = 1;
      for (int i = d + 1; i < rank; ++i) inner *= cur[i];
      const Taps& tp = taps[d];
      const int64_t n_in = cur[d], n_out = next[d];
      ParallelRange(ctx, outer * n_out, [&](int64_t begin, int64_t end) {
        for (int64_t row = begin; row < end; ++row) {
          const int64_t o = row % n_out, b = row / n_out;
          T* out = dst + row * inner;
          if (tp.extrapolate[o]) {
            for (int64_t i = 0; i < inner; ++i) out[i] = extrap;
            continue;
          }
          for (int64_t i = 0; i < inner; ++i) out[i] = T(0);
          for (int k = 0; k < tp.per_output; ++k) {
            const T w = static_cast<T>(tp.weight[o * tp.per_output + k]);
            if (w == T(0)) continue;
            const T* in = src + (b * n_in + tp.index[o * tp.per_output + k]) * inner;
            for (int64_t i = 0; i < inner; ++i) out[i] += w * in[i];
          }
        }
      });
      src = dst;
      cur = next;
    }
    return Status::Ok();
  }

  bool upsample_;
  std::string coord_mode_;
  float cubic_a_;
  bool exclude_outside_;
  float extrapolation_;
  Mode mode_ = Mode::kNearest;
  NearestMode nearest_ = NearestMode::kRoundPreferFloor;
};

}  // namespace

void RegisterResizeOps(OpRegistry& r) {
  r.Register("Resize", 10, Factory<ResizeKernel>());
  r.Register("Upsample", 9, Factory<ResizeKernel>());
}

}  // namespace voxface::nn::core
