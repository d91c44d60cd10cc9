// SPDX-License-Identifier: Apache-2.0
#include "a2f/regression.h"

#include <algorithm>
#include <cmath>

#include "a2f/postprocess.h"
#include "nn/session.h"

namespace voxface::a2f {
namespace {

// Checks a declared graph tensor: its name exists and its fixed dims match (batch may vary).
Status CheckTensor(const std::string& path, const std::vector<nn::ValueInfo>& infos,
                   const std::string& name, const std::vector<int64_t>& dims,
                   const std::string& role) {
  for (const nn::ValueInfo& v : infos) {
    if (v.name != name) continue;
    bool ok = v.dims.size() == dims.size() && v.dtype == nn::DataType::kFloat32;
    for (size_t i = 1; ok && i < dims.size(); ++i) ok = v.dims[i] < 0 || v.dims[i] == dims[i];
    if (!ok) {
      std::string want = "[B";
      for (size_t i = 1; i < dims.size(); ++i) want += ", " + std::to_string(dims[i]);
      return Status::CorruptData(path + ": " + role + " '" + name + "' is " +
                                 nn::ShapeToString(v.dims) + ", expected float32 " + want +
                                 "] from network_info.json; the network and its "
                                 "network_info.json do not belong together");
    }
    return Status::Ok();
  }
  return Status::CorruptData(path + ": the graph has no " + role + " named '" + name +
                             "'; is it an Audio2Face-3D regression network?");
}

}  // namespace

Status RegressionOptions::Validate() const {
  if (!(fps_hz > 0.0 && fps_hz <= 1000.0)) {
    return Status::InvalidArgument("fps must be in (0, 1000], got " + std::to_string(fps_hz));
  }
  if (batch_size < 1 || batch_size > 4096) {
    return Status::InvalidArgument("batch_size must be in 1..4096");
  }
  for (const auto& [name, value] : emotion) {
    if (!(value >= 0.0f && value <= 1.0f)) {
      return Status::InvalidArgument("emotion '" + name + "' must be in 0..1");
    }
  }
  return Status::Ok();
}

RegressionPipeline::~RegressionPipeline() = default;

int64_t RegressionPipeline::FrameSample(int k, double fps_hz) {
  // The small epsilon keeps 29.97-style rates from landing one sample early on exact multiples.
  return static_cast<int64_t>(std::floor(k * (16000.0 / fps_hz) + 1e-7));
}

int RegressionPipeline::NumFrames(size_t num_samples, double fps_hz) {
  int n = static_cast<int>(std::ceil(num_samples * fps_hz / 16000.0)) + 1;
  while (n > 0 && FrameSample(n - 1, fps_hz) >= static_cast<int64_t>(num_samples)) --n;
  return n;
}

Result<std::unique_ptr<RegressionPipeline>> RegressionPipeline::Load(
    const std::string& model_json_path, int num_threads) {
  std::unique_ptr<RegressionPipeline> p(new RegressionPipeline());
  VF_ASSIGN_OR_RETURN(p->model_, LoadRegressionModel(model_json_path));
  nn::SessionOptions options;
  options.num_threads = std::max(1, num_threads);
  auto session = nn::Session::Load(p->model_.network_path, options);
  if (!session.ok()) return session.status().WithContext(p->model_.network_path);
  p->session_ = std::move(session).value();
  const NetworkInfo& info = p->model_.info;
  const std::string& path = p->model_.network_path;
  VF_RETURN_IF_ERROR(
      CheckTensor(path, p->session_->inputs(), "input", {-1, 1, info.buffer_len}, "input"));
  VF_RETURN_IF_ERROR(CheckTensor(
      path, p->session_->inputs(), "emotion",
      {-1, 1, info.implicit_emotion_len + static_cast<int64_t>(info.explicit_emotions.size())},
      "input"));
  VF_RETURN_IF_ERROR(
      CheckTensor(path, p->session_->outputs(), "result", {-1, 1, info.result_size()}, "output"));
  VF_ASSIGN_OR_RETURN(BlendshapeSolver skin, BlendshapeSolver::Create(&p->model_.skin));
  p->skin_solver_ = std::make_unique<BlendshapeSolver>(std::move(skin));
  if (p->model_.tongue) {
    VF_ASSIGN_OR_RETURN(BlendshapeSolver tongue, BlendshapeSolver::Create(&*p->model_.tongue));
    p->tongue_solver_ = std::make_unique<BlendshapeSolver>(std::move(tongue));
  }
  return p;
}

Result<std::vector<float>> RegressionPipeline::EmotionInput(
    const RegressionOptions& options) const {
  const NetworkInfo& info = model_.info;
  std::vector<float> emotion = model_.implicit_emotion;
  std::vector<float> explicit_emotion = info.default_emotion;
  for (const auto& [name, value] : options.emotion) {
    auto it = std::find(info.explicit_emotions.begin(), info.explicit_emotions.end(), name);
    if (it == info.explicit_emotions.end()) {
      std::string names;
      for (const auto& n : info.explicit_emotions) names += (names.empty() ? "" : ", ") + n;
      return Status::InvalidArgument("emotion '" + name + "' is not one of this model's: " + names);
    }
    explicit_emotion[it - info.explicit_emotions.begin()] = value;
  }
  emotion.insert(emotion.end(), explicit_emotion.begin(), explicit_emotion.end());
  return emotion;
}

Result<std::vector<float>> RegressionPipeline::Infer(const std::vector<float>& samples,
                                                     const RegressionOptions& options) const {
  VF_RETURN_IF_ERROR(options.Validate());
  VF_ASSIGN_OR_RETURN(std::vector<float> emotion, EmotionInput(options));
  const NetworkInfo& info = model_.info;
  const int num_frames = NumFrames(samples.size(), options.fps_hz);
  const int out_size = info.result_size();
  const float gain = static_cast<float>(model_.face.input_strength);
  std::vector<float> results(static_cast<size_t>(num_frames) * out_size);
  for (int first = 0; first < num_frames; first += options.batch_size) {
    const int batch = std::min(options.batch_size, num_frames - first);
    // Windows are centred on their frame and zero-padded outside the audio.
    std::vector<float> windows(static_cast<size_t>(batch) * info.buffer_len, 0.0f);
    for (int b = 0; b < batch; ++b) {
      const int64_t start = FrameSample(first + b, options.fps_hz) - info.buffer_ofs;
      float* w = windows.data() + static_cast<size_t>(b) * info.buffer_len;
      const int64_t lo = std::max<int64_t>(0, -start);
      const int64_t hi = std::min<int64_t>(info.buffer_len, samples.size() - start);
      for (int64_t i = lo; i < hi; ++i) w[i] = gain * samples[start + i];
    }
    std::vector<float> emotions;
    for (int b = 0; b < batch; ++b) emotions.insert(emotions.end(), emotion.begin(), emotion.end());
    auto out = session_->Run(
        {{"input", nn::Tensor::FromVector<float>({batch, 1, info.buffer_len}, windows)},
         {"emotion", nn::Tensor::FromVector<float>({batch, 1, static_cast<int64_t>(emotion.size())},
                                                   emotions)}});
    if (!out.ok()) return out.status().WithContext("running " + model_.network_path);
    const nn::Tensor& result = (*out)[0];
    if (result.size() != static_cast<int64_t>(batch) * out_size) {
      return Status::CorruptData(model_.network_path + ": output 'result' has shape " +
                                 nn::ShapeToString(result.shape()) + ", expected [" +
                                 std::to_string(batch) + ", 1, " + std::to_string(out_size) + "]");
    }
    std::copy_n(result.data<float>(), static_cast<size_t>(batch) * out_size,
                results.begin() + static_cast<size_t>(first) * out_size);
  }
  return results;
}

Result<RegressionOutput> RegressionPipeline::Run(const std::vector<float>& samples,
                                                 const RegressionOptions& options) const {
  VF_ASSIGN_OR_RETURN(std::vector<float> results, Infer(samples, options));
  RegressionOutput out;
  out.fps_hz = options.fps_hz;
  out.num_frames = NumFrames(samples.size(), options.fps_hz);
  out.skin_pose_names = model_.skin.pose_names;
  if (model_.tongue) out.tongue_pose_names = model_.tongue->pose_names;
  VF_ASSIGN_OR_RETURN(RegressionPostProcessor post,
                      RegressionPostProcessor::Create(&model_, options.fps_hz));
  BlendshapeSolver skin = *skin_solver_;
  std::unique_ptr<BlendshapeSolver> tongue;
  if (tongue_solver_) tongue = std::make_unique<BlendshapeSolver>(*tongue_solver_);
  const size_t num_skin = out.skin_pose_names.size(), num_tongue = out.tongue_pose_names.size();
  out.skin_weights.resize(out.num_frames * num_skin);
  out.tongue_weights.resize(out.num_frames * num_tongue);
  FrameGeometry geometry;
  const int out_size = model_.info.result_size();
  for (int k = 0; k < out.num_frames; ++k) {
    post.Process(results.data() + static_cast<size_t>(k) * out_size, &geometry);
    VF_RETURN_IF_ERROR(skin.Solve(geometry.skin.data(), geometry.skin.size(),
                                  out.skin_weights.data() + k * num_skin));
    if (tongue) {
      VF_RETURN_IF_ERROR(tongue->Solve(geometry.tongue.data(), geometry.tongue.size(),
                                       out.tongue_weights.data() + k * num_tongue));
    }
    out.eyes.insert(out.eyes.end(), geometry.eyes.begin(), geometry.eyes.end());
    out.jaw.insert(out.jaw.end(), geometry.jaw.begin(), geometry.jaw.end());
  }
  return out;
}

}  // namespace voxface::a2f
