// SPDX-License-Identifier: Apache-2.0
// An Audio2Face-3D regression model end to end on the CPU: windows of audio centred on each
// output frame, the network through nn::Session in batches, post-processing and the blendshape
// solve, giving pose weights per frame (a2f-sdk.md sections 3.1, 4, 5, 7).
#ifndef VOXFACE_SRC_A2F_REGRESSION_H_
#define VOXFACE_SRC_A2F_REGRESSION_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "a2f/blendshape_solver.h"
#include "a2f/model.h"
#include "voxface/status.h"

namespace voxface::nn {
class Session;
}

namespace voxface::a2f {

struct RegressionOptions {
  // Output frame rate; frame k is at sample floor(k * 16000 / fps_hz). Any rate in (0, 1000].
  double fps_hz = 60.0;
  // Windows per network call: larger batches amortise the per-call overhead.
  int batch_size = 16;
  // Explicit emotion by the names of network_info.json params.explicit_emotions (0..1); names
  // not given keep params.default_emotion.
  std::map<std::string, float> emotion;

  Status Validate() const;
};

struct RegressionOutput {
  double fps_hz = 60.0;
  int num_frames = 0;
  std::vector<std::string> skin_pose_names;    // bs_skin.npz poseNames (without neutral).
  std::vector<std::string> tongue_pose_names;  // Empty without a tongue rig.
  std::vector<float> skin_weights;             // num_frames x skin poses.
  std::vector<float> tongue_weights;           // num_frames x tongue poses.
  std::vector<float> eyes;                     // num_frames x 6 (FrameGeometry::eyes).
  std::vector<float> jaw;                      // num_frames x 16 (FrameGeometry::jaw).
};

class RegressionPipeline {
 public:
  ~RegressionPipeline();
  // Loads model.json and everything it names, and the network; checks the network's inputs and
  // outputs against network_info.json. `num_threads`: nn::Session threads.
  static Result<std::unique_ptr<RegressionPipeline>> Load(const std::string& model_json_path,
                                                          int num_threads = 1);

  const RegressionModel& model() const { return model_; }

  // `samples`: 16 kHz mono. Thread-safe.
  Result<RegressionOutput> Run(const std::vector<float>& samples,
                               const RegressionOptions& options) const;
  // The raw network output per frame (num_frames x result_size), for tests and tools.
  Result<std::vector<float>> Infer(const std::vector<float>& samples,
                                   const RegressionOptions& options) const;

  // Number of frames for `num_samples` of audio: frames whose sample lies inside the audio.
  static int NumFrames(size_t num_samples, double fps_hz);
  // Sample of frame k.
  static int64_t FrameSample(int k, double fps_hz);

 private:
  RegressionPipeline() = default;
  Result<std::vector<float>> EmotionInput(const RegressionOptions& options) const;

  RegressionModel model_;
  std::unique_ptr<nn::Session> session_;
  std::unique_ptr<BlendshapeSolver> skin_solver_;  // Prepared once, copied per run.
  std::unique_ptr<BlendshapeSolver> tongue_solver_;
};

}  // namespace voxface::a2f

#endif  // VOXFACE_SRC_A2F_REGRESSION_H_
