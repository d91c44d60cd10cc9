// SPDX-License-Identifier: Apache-2.0
// The device kernels (*.cu), behind plain launch functions: raw pointers, sizes and small
// parameter structs, so the .cu files stay free of the runtime's C++ types and the ops (*.cc)
// keep the ONNX semantics, shape checks and Status errors. Every launcher queues its work on
// `stream`, launches nothing for empty tensors, and returns cudaGetLastError().
#ifndef VOXFACE_SRC_NN_CUDA_LAUNCH_H_
#define VOXFACE_SRC_NN_CUDA_LAUNCH_H_

#include <cuda_runtime.h>

#include <cstdint>

namespace voxface::nn::cuda {

inline constexpr int kMaxRank = 8;

// Mirrors nn::DataType (checked by a static_assert in ops_elementwise.cc).
enum class DType : uint8_t { kFloat32, kFloat16, kDouble, kInt64, kInt32, kInt8, kUint8, kBool };

// An output of `rank` dims walked in row-major order, and for each of up to three operands the
// element stride of each output dimension in that operand (0 where it is broadcast).
struct Broadcast {
  int rank = 0;
  int64_t dims[kMaxRank] = {};
  int64_t strides[3][kMaxRank] = {};
};

// out[i] = in[offset + sum_d (c_d mod mod_d) * strides_d] for output coordinates c: covers
// Transpose (permuted strides), Slice (offset, scaled and negative strides), Expand (stride 0)
// and Tile (mod = the input dim; 0 = no modulo).
struct IndexMap {
  int rank = 0;
  int64_t dims[kMaxRank] = {};
  int64_t strides[kMaxRank] = {};
  int64_t mod[kMaxRank] = {};
  int64_t offset = 0;
};

enum class UnaryOp : int {
  kAbs,
  kNeg,
  kExp,
  kLog,
  kSqrt,
  kReciprocal,
  kFloor,
  kCeil,
  kRound,
  kErf,
  kTanh,
  kSigmoid,
  kRelu,
  kSoftplus,
  kSoftsign,
  kSin,
  kCos,
  kTan,
  kAsin,
  kAcos,
  kAtan,
  kSinh,
  kCosh,
  kAsinh,
  kAcosh,
  kAtanh,
  kSign,
  kLeakyRelu,
  kElu,
  kSelu,
  kCelu,
  kHardSigmoid,
  kHardSwish,
  kThresholdedRelu,
  kShrink,
  kClip,
  kIsNaN,
  kIsInf,
  kNot,
};
struct UnaryParams {
  float alpha = 0.0f, beta = 0.0f, gamma = 0.0f;
  double lo = 0.0, hi = 0.0;                            // Clip bounds (integers too)
  bool detect_positive = true, detect_negative = true;  // IsInf
};

enum class BinaryOp : int {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kPow,
  kMod,
  kFmod,
  kMax,
  kMin,
  kPRelu,
  kEqual,
  kLess,
  kGreater,
  kLessOrEqual,
  kGreaterOrEqual,
  kAnd,
  kOr,
  kXor,
};
constexpr bool IsComparison(BinaryOp op) { return op >= BinaryOp::kEqual; }

// Unary op on `n` elements of `type` (the output type is bool for IsNaN/IsInf/Not).
cudaError_t LaunchUnary(UnaryOp op, DType type, const void* in, void* out, int64_t n,
                        const UnaryParams& params, cudaStream_t stream);
// a op b with broadcasting (`shape` null: both have n elements, or b has one). Comparisons and
// logic ops write bool.
cudaError_t LaunchBinary(BinaryOp op, DType type, const void* a, const void* b, void* out,
                         int64_t n, const Broadcast* shape, bool b_scalar, cudaStream_t stream);
// out = cond ? x : y, elements of `elem_size` bytes.
cudaError_t LaunchWhere(const bool* cond, const void* x, const void* y, void* out, int64_t n,
                        int elem_size, const Broadcast& shape, cudaStream_t stream);
cudaError_t LaunchCast(DType from, DType to, const void* in, void* out, int64_t n,
                       bool round_to_half, cudaStream_t stream);
// Fills n elements of elem_size bytes with the bytes of `value`.
cudaError_t LaunchFill(void* out, int64_t n, int elem_size, uint64_t value, cudaStream_t stream);
// out[i] = start + i * delta (integer types use the integer arguments).
cudaError_t LaunchRange(DType type, double start, double delta, int64_t istart, int64_t idelta,
                        void* out, int64_t n, cudaStream_t stream);

// ---- data movement (movement.cu) ----
cudaError_t LaunchIndexCopy(const void* in, void* out, int64_t n, int elem_size,
                            const IndexMap& map, cudaStream_t stream);
// data viewed as [outer, axis_dim, inner]; out as [outer, num_indices, inner].
cudaError_t LaunchGather(const void* data, const void* indices, bool indices64, void* out,
                         int64_t outer, int64_t axis_dim, int64_t inner, int64_t num_indices,
                         int elem_size, cudaStream_t stream);
// GatherElements (scatter = false) and ScatterElements (scatter = true, out pre-filled with
// data): `dims` are the indices' dims, `strides` the data's strides, along `axis`.
cudaError_t LaunchGatherScatterElements(bool scatter, const void* src, const void* indices,
                                        bool indices64, void* out, int rank, const int64_t* dims,
                                        const int64_t* strides, int axis, int64_t axis_dim,
                                        int reduction, int elem_size, DType type,
                                        cudaStream_t stream);
// ScatterND into `out` (already a copy of data): num_updates index tuples of k int64s, each
// addressing a slice of slice_size elements; `dims`/`strides` are data's first k dims.
// reduction: 0 none, 1 add, 2 mul, 3 max, 4 min (float32 only for 1-4).
cudaError_t LaunchScatterND(void* out, const int64_t* indices, const void* updates,
                            int64_t num_updates, int k, int64_t slice_size, const int64_t* dims,
                            const int64_t* strides, int reduction, int elem_size, DType type,
                            cudaStream_t stream);
// GatherND: num_slices index tuples of k int64s over data's first k dims (after batch_dims
// batch dims of batch_stride elements in data and num_slices/batch tuples per batch).
cudaError_t LaunchGatherND(const void* data, const int64_t* indices, void* out, int64_t num_slices,
                           int k, int64_t slice_size, const int64_t* dims, const int64_t* strides,
                           int64_t tuples_per_batch, int64_t data_batch_stride, int elem_size,
                           cudaStream_t stream);
// Pad: mode 0 constant, 1 reflect, 2 edge, 3 wrap; `value` holds the constant's bytes.
cudaError_t LaunchPad(const void* in, void* out, int64_t n, int elem_size, int rank,
                      const int64_t* in_dims, const int64_t* out_dims, const int64_t* pad_begin,
                      int mode, uint64_t value, cudaStream_t stream);

// Trilu over [batch, rows, cols]: keeps j - i >= k (upper) or j - i <= k (lower), zeros the rest.
cudaError_t LaunchTrilu(const void* in, void* out, int64_t batch, int64_t rows, int64_t cols,
                        int64_t k, bool upper, int elem_size, cudaStream_t stream);
// EyeLike: [rows, cols] with `one` (the bytes of 1 in the type) where j - i == k, else 0.
cudaError_t LaunchEye(void* out, int64_t rows, int64_t cols, int64_t k, int elem_size, uint64_t one,
                      cudaStream_t stream);
// CumSum along the middle of [outer, n, inner] (float32, float64, int32, int64).
cudaError_t LaunchCumSum(DType type, const void* in, void* out, int64_t outer, int64_t n,
                         int64_t inner, bool exclusive, bool reverse, cudaStream_t stream);

// ---- reductions and normalisation (reduce_norm.cu), float32 ----
enum class ReduceOp : int {
  kSum,
  kMean,
  kMax,
  kMin,
  kProd,
  kL1,
  kL2,
  kLogSum,
  kLogSumExp,
  kSumSquare,
};
// in viewed as [outer, r, inner] -> out [outer, inner].
cudaError_t LaunchReduce(ReduceOp op, const float* in, float* out, int64_t outer, int64_t r,
                         int64_t inner, cudaStream_t stream);
cudaError_t LaunchArgReduce(bool is_max, bool select_last, const float* in, int64_t* out,
                            int64_t outer, int64_t r, int64_t inner, cudaStream_t stream);
// kind: 0 softmax, 1 log-softmax, 2 hardmax; in viewed as [outer, n, inner].
cudaError_t LaunchSoftmax(int kind, const float* in, float* out, int64_t outer, int64_t n,
                          int64_t inner, cudaStream_t stream);
// Rows of `cols` normalised; scale/bias per column (bias may be null); mean and inv_std per row
// are written when not null.
cudaError_t LaunchLayerNorm(const float* in, const float* scale, const float* bias, float* out,
                            int64_t rows, int64_t cols, float epsilon, float* mean, float* inv_std,
                            cudaStream_t stream);
// [n, c, spatial]: each (n, c) row normalised, then scale[c] and bias[c].
cudaError_t LaunchInstanceNorm(const float* in, const float* scale, const float* bias, float* out,
                               int64_t n, int64_t c, int64_t spatial, float epsilon,
                               cudaStream_t stream);
// Inference batch norm over [n, c, spatial].
cudaError_t LaunchBatchNorm(const float* in, const float* scale, const float* bias,
                            const float* mean, const float* var, float* out, int64_t n, int64_t c,
                            int64_t spatial, float epsilon, cudaStream_t stream);
// y[n, c, s] += bias[c].
cudaError_t LaunchAddChannelBias(float* y, const float* bias, int64_t n, int64_t c, int64_t spatial,
                                 cudaStream_t stream);

// ---- convolution and recurrences (conv_rnn.cu) ----
struct ConvGeometry {
  int spatial_rank = 1;  // 1..3
  int64_t channels = 0;  // input channels of one group
  int64_t in_dims[3] = {1, 1, 1};
  int64_t out_dims[3] = {1, 1, 1};
  int64_t kernel[3] = {1, 1, 1};
  int64_t stride[3] = {1, 1, 1};
  int64_t pad_begin[3] = {0, 0, 0};
  int64_t pad_end[3] = {0, 0, 0};  // pooling's count_include_pad counts up to here
  int64_t dilation[3] = {1, 1, 1};
};
// x: [batch, channels (of this group), in spatial] with batch stride x_batch_stride;
// col: [batch, channels * kernel, out spatial].
cudaError_t LaunchIm2col(const float* x, int64_t x_batch_stride, float* col, int64_t batch,
                         const ConvGeometry& g, cudaStream_t stream);
// Pooling over [n*c, spatial]: kind 0 max, 1 average (count_include_pad), 2 average (exclude),
// 3 Lp (p).
cudaError_t LaunchPool(int kind, const float* x, float* y, int64_t planes, const ConvGeometry& g,
                       float p, cudaStream_t stream);

struct RnnStep {
  const float* xw = nullptr;  // X W^T rows for this step, xw_batch_stride apart
  int64_t xw_batch_stride = 0;
  const float* hr = nullptr;    // H R^T for this step, [batch, gates * hidden] contiguous
  const float* wb = nullptr;    // input bias [gates * hidden] or null
  const float* rb = nullptr;    // recurrence bias [gates * hidden] or null
  float* h = nullptr;           // state [batch, hidden], updated in place
  float* c = nullptr;           // LSTM cell state [batch, hidden]
  const float* peep = nullptr;  // LSTM peepholes [3 * hidden] (i, o, f) or null
  float* y = nullptr;           // Y rows for this step, y_batch_stride apart, or null
  int64_t y_batch_stride = 0;
  int64_t batch = 0, hidden = 0;
  float clip = 0.0f;  // > 0: activations' inputs clipped to [-clip, clip]
};
// GRU with linear_before_reset = 1: one fused kernel after h R^T.
cudaError_t LaunchGruStepLinearBeforeReset(const RnnStep& s, cudaStream_t stream);
// GRU with linear_before_reset = 0, in two halves around the GEMM (r * h) Rh^T: the first writes
// z into `z` and r * h into `rh`; the second takes hh = (r * h) Rh^T.
cudaError_t LaunchGruStepGates(const RnnStep& s, float* z, float* rh, cudaStream_t stream);
cudaError_t LaunchGruStepOutput(const RnnStep& s, const float* z, const float* hh,
                                cudaStream_t stream);
cudaError_t LaunchLstmStep(const RnnStep& s, cudaStream_t stream);
// Simple RNN with tanh.
cudaError_t LaunchRnnStep(const RnnStep& s, cudaStream_t stream);

}  // namespace voxface::nn::cuda

#endif  // VOXFACE_SRC_NN_CUDA_LAUNCH_H_
