// SPDX-License-Identifier: Apache-2.0
// CUDA GRU, LSTM and RNN with ONNX semantics (both layouts, forward/reverse/bidirectional,
// linear_before_reset, clip, LSTM peepholes). X * W^T for all steps and directions is one
// strided-batched GEMM before the recurrence; each step is then one GEMM (H * R^T) and one fused
// gate kernel (two of each for GRU with linear_before_reset = 0), all queued on the run's stream.
// The default activations only (sigmoid/tanh); others are reported as unsupported.
#include <algorithm>
#include <cctype>

#include "nn/cuda/cuda_kernel.h"
#include "nn/cuda/launch.h"
#include "nn/cuda/ops_util.h"

namespace voxface::nn::cuda {
namespace {

enum class Cell { kGru, kLstm, kRnn };

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class RecurrentKernel final : public CudaOpKernel {
 public:
  RecurrentKernel(const NodeInfo& node, Cell cell)
      : CudaOpKernel(node),
        cell_(cell),
        gates_(cell == Cell::kGru    ? 3
               : cell == Cell::kLstm ? 4
                                     : 1),
        hidden_(node.attrs.GetInt("hidden_size", 0)),
        layout_(node.attrs.GetInt("layout", 0)),
        clip_(node.attrs.GetFloat("clip", 0.0f)),
        lbr_(node.attrs.GetInt("linear_before_reset", 0) != 0) {}

  Status Init(const NodeInfo& node) {
    const std::string dir = node.attrs.GetString("direction", "forward");
    if (dir == "forward") {
      direction_ = 0;
    } else if (dir == "reverse") {
      direction_ = 1;
    } else if (dir == "bidirectional") {
      direction_ = 2;
    } else {
      return Fail("unknown direction '" + dir + "'");
    }
    if (layout_ != 0 && layout_ != 1) return Fail("layout must be 0 or 1");
    if (cell_ == Cell::kLstm && node.attrs.GetInt("input_forget", 0) != 0) {
      return NotSupported("input_forget = 1");
    }
    const std::vector<std::string> defaults =
        cell_ == Cell::kGru    ? std::vector<std::string>{"sigmoid", "tanh"}
        : cell_ == Cell::kLstm ? std::vector<std::string>{"sigmoid", "tanh", "tanh"}
                               : std::vector<std::string>{"tanh"};
    const std::vector<std::string> acts = node.attrs.GetStrings("activations");
    for (size_t i = 0; i < acts.size(); ++i) {
      if (Lower(acts[i]) != defaults[i % defaults.size()]) {
        return NotSupported("activation '" + acts[i] + "' (only the defaults are)");
      }
    }
    return Status::Ok();
  }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* w, In(ctx, 1));
    VF_ASSIGN_OR_RETURN(const Tensor* r, In(ctx, 2));
    const Tensor* b = ctx.input(3);
    const Tensor* h0 = ctx.input(5);
    const Tensor* c0 = cell_ == Cell::kLstm ? ctx.input(6) : nullptr;
    const Tensor* peep = cell_ == Cell::kLstm ? ctx.input(7) : nullptr;
    for (const Tensor* t : {x, w, r, b, h0, c0, peep}) {
      if (t != nullptr && t->dtype() != DataType::kFloat32) return NotSupported("non-float32");
    }
    if (x->rank() != 3 || w->rank() != 3 || r->rank() != 3) return Fail("X, W, R must be 3-D");
    const int dirs = direction_ == 2 ? 2 : 1;
    const int64_t seq = layout_ == 0 ? x->dim(0) : x->dim(1);
    const int64_t batch = layout_ == 0 ? x->dim(1) : x->dim(0);
    const int64_t in = x->dim(2), hd = hidden_ > 0 ? hidden_ : r->dim(2);
    const int64_t gh = gates_ * hd;
    if (w->dim(0) != dirs || w->dim(1) != gh || w->dim(2) != in || r->dim(0) != dirs ||
        r->dim(1) != gh || r->dim(2) != hd) {
      return Fail("W " + ShapeToString(w->shape()) + " or R " + ShapeToString(r->shape()) +
                  " does not match X " + ShapeToString(x->shape()) + " and hidden_size " +
                  std::to_string(hd));
    }
    if (b != nullptr && b->size() != dirs * 2 * gh) return Fail("B has the wrong size");
    if (peep != nullptr && peep->size() != dirs * 3 * hd) return Fail("P has the wrong size");
    if (ctx.input(4) != nullptr) {
      VF_ASSIGN_OR_RETURN(std::vector<int64_t> lens, HostInts(ctx, 4, "sequence_lens"));
      for (int64_t l : lens) {
        if (l != seq) return NotSupported("sequence_lens shorter than the sequence");
      }
    }
    const Shape state_shape = layout_ == 0 ? Shape{dirs, batch, hd} : Shape{batch, dirs, hd};
    for (const Tensor* s : {h0, c0}) {
      if (s != nullptr && s->shape() != state_shape)
        return Fail("initial state has the wrong shape");
    }
    const Shape y_shape = layout_ == 0 ? Shape{seq, dirs, batch, hd} : Shape{batch, seq, dirs, hd};
    Tensor* y = ctx.Output(0, DataType::kFloat32, y_shape);
    Tensor* yh = ctx.Output(1, DataType::kFloat32, state_shape);
    Tensor* yc = cell_ == Cell::kLstm ? ctx.Output(2, DataType::kFloat32, state_shape) : nullptr;
    cudaStream_t stream = ctx.cuda_stream();
    cublasHandle_t handle = ctx.cublas();

    // Scratch: X W^T per direction, the states (dirs x [batch, hd]), H R^T and GRU temporaries.
    const int64_t rows = seq * batch;
    const size_t xw_n = static_cast<size_t>(dirs * rows * gh);
    const size_t state_n = static_cast<size_t>(dirs * batch * hd);
    const size_t hr_n = static_cast<size_t>(batch * gh);
    const size_t tmp_n = static_cast<size_t>(3 * batch * hd);
    auto* xw = static_cast<float*>(ctx.Scratch((xw_n + 2 * state_n + hr_n + tmp_n) * 4 + 64));
    if (xw == nullptr) return Fail("cannot allocate scratch");
    float* h = xw + xw_n;
    float* c = h + state_n;
    float* hr = c + state_n;
    float* z = hr + hr_n;
    float* rh = z + batch * hd;
    float* hh = rh + batch * hd;

    if (rows > 0 && in > 0) {
      VF_RETURN_IF_ERROR(
          Checked(GemmRowMajor(handle, false, true, rows, gh, in, 1.0f, x->data<float>(), in, 0,
                               w->data<float>(), in, gh * in, 0.0f, xw, gh, rows * gh, dirs)));
    } else if (xw_n > 0) {
      VF_RETURN_IF_ERROR(Checked(CudaCheck(cudaMemsetAsync(xw, 0, xw_n * 4, stream), "memset")));
    }
    VF_RETURN_IF_ERROR(Checked(LoadState(h0, h, dirs, batch, hd, stream)));
    if (cell_ == Cell::kLstm)
      VF_RETURN_IF_ERROR(Checked(LoadState(c0, c, dirs, batch, hd, stream)));

    for (int d = 0; d < dirs; ++d) {
      const bool reverse = direction_ == 1 || (direction_ == 2 && d == 1);
      const float* r_d = r->data<float>() + d * gh * hd;
      RnnStep s;
      s.wb = b != nullptr ? b->data<float>() + d * 2 * gh : nullptr;
      s.rb = b != nullptr ? s.wb + gh : nullptr;
      s.h = h + d * batch * hd;
      s.c = c + d * batch * hd;
      s.peep = peep != nullptr ? peep->data<float>() + d * 3 * hd : nullptr;
      s.hr = hr;
      s.batch = batch;
      s.hidden = hd;
      s.clip = clip_;
      s.xw_batch_stride = (layout_ == 0 ? 1 : seq) * gh;
      s.y_batch_stride = layout_ == 0 ? hd : seq * dirs * hd;
      for (int64_t step = 0; step < seq; ++step) {
        const int64_t t = reverse ? seq - 1 - step : step;
        s.xw = xw + d * rows * gh + (layout_ == 0 ? t * batch : t) * gh;
        s.y = y == nullptr ? nullptr
                           : y->data<float>() +
                                 (layout_ == 0 ? (t * dirs + d) * batch * hd : (t * dirs + d) * hd);
        const bool split = cell_ == Cell::kGru && !lbr_;
        // H R^T (for GRU without linear_before_reset: the z and r gates only).
        VF_RETURN_IF_ERROR(
            Checked(GemmRowMajor(handle, false, true, batch, split ? 2 * hd : gh, hd, 1.0f, s.h, hd,
                                 0, r_d, hd, 0, 0.0f, hr, split ? 2 * hd : gh, 0, 1)));
        cudaError_t e;
        if (cell_ == Cell::kLstm) {
          e = LaunchLstmStep(s, stream);
        } else if (cell_ == Cell::kRnn) {
          e = LaunchRnnStep(s, stream);
        } else if (lbr_) {
          e = LaunchGruStepLinearBeforeReset(s, stream);
        } else {
          e = LaunchGruStepGates(s, z, rh, stream);
          if (e == cudaSuccess) {
            VF_RETURN_IF_ERROR(
                Checked(GemmRowMajor(handle, false, true, batch, hd, hd, 1.0f, rh, hd, 0,
                                     r_d + 2 * hd * hd, hd, 0, 0.0f, hh, hd, 0, 1)));
            e = LaunchGruStepOutput(s, z, hh, stream);
          }
        }
        VF_RETURN_IF_ERROR(Checked(CudaCheck(e, "recurrent step kernel")));
      }
    }
    if (yh != nullptr) VF_RETURN_IF_ERROR(Checked(StoreState(h, yh, dirs, batch, hd, stream)));
    if (yc != nullptr) VF_RETURN_IF_ERROR(Checked(StoreState(c, yc, dirs, batch, hd, stream)));
    return Status::Ok();
  }

 private:
  // State tensors are [dirs, batch, hd] (layout 0) or [batch, dirs, hd] (layout 1); the
  // recurrence keeps [dirs, batch, hd].
  Status LoadState(const Tensor* init, float* state, int dirs, int64_t batch, int64_t hd,
                   cudaStream_t stream) const {
    const size_t bytes = static_cast<size_t>(dirs * batch * hd) * 4;
    if (bytes == 0) return Status::Ok();
    if (init == nullptr) return CudaCheck(cudaMemsetAsync(state, 0, bytes, stream), "memset");
    if (layout_ == 0 || dirs == 1 || batch == 1) {
      return CudaCheck(cudaMemcpyAsync(state, init->raw(), bytes, cudaMemcpyDeviceToDevice, stream),
                       "cudaMemcpyAsync");
    }
    return Permute(init->data<float>(), state, batch, dirs, hd, stream);
  }
  Status StoreState(const float* state, Tensor* out, int dirs, int64_t batch, int64_t hd,
                    cudaStream_t stream) const {
    const size_t bytes = static_cast<size_t>(dirs * batch * hd) * 4;
    if (bytes == 0) return Status::Ok();
    if (layout_ == 0 || dirs == 1 || batch == 1) {
      return CudaCheck(cudaMemcpyAsync(out->raw(), state, bytes, cudaMemcpyDeviceToDevice, stream),
                       "cudaMemcpyAsync");
    }
    return Permute(state, out->data<float>(), dirs, batch, hd, stream);
  }
  // [a, b, hd] -> [b, a, hd].
  static Status Permute(const float* in, float* out, int64_t a, int64_t b, int64_t hd,
                        cudaStream_t stream) {
    IndexMap m;
    m.rank = 3;
    m.dims[0] = b;
    m.dims[1] = a;
    m.dims[2] = hd;
    m.strides[0] = hd;
    m.strides[1] = b * hd;
    m.strides[2] = 1;
    return CudaCheck(LaunchIndexCopy(in, out, a * b * hd, 4, m, stream), "state permute");
  }

  Cell cell_;
  int gates_;
  int64_t hidden_;
  int64_t layout_;
  float clip_;
  bool lbr_;
  int direction_ = 0;
};

KernelFactory RecurrentFactory(Cell cell) {
  return [cell](const NodeInfo& node) -> Result<std::unique_ptr<OpKernel>> {
    auto k = std::make_unique<RecurrentKernel>(node, cell);
    VF_RETURN_IF_ERROR(k->Init(node));
    return std::unique_ptr<OpKernel>(std::move(k));
  };
}

}  // namespace

void RegisterCudaRnnOps(OpRegistry& r) {
  r.Register("GRU", 1, RecurrentFactory(Cell::kGru), Device::kCuda);
  r.Register("LSTM", 1, RecurrentFactory(Cell::kLstm), Device::kCuda);
  r.Register("RNN", 1, RecurrentFactory(Cell::kRnn), Device::kCuda);
}

}  // namespace voxface::nn::cuda
