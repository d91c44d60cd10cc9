// SPDX-License-Identifier: Apache-2.0
// An Audio2Face-3D regression model directory (v2.3 Mark, v2.3.1 Claire/James) as NVIDIA
// publishes it, loaded and validated: model.json and every file it names
// (docs/a2f.md; /work/shared/research/a2f-sdk.md sections 2-5 are the source of the layout).
#ifndef VOXFACE_SRC_A2F_MODEL_H_
#define VOXFACE_SRC_A2F_MODEL_H_

#include <optional>
#include <string>
#include <vector>

#include "voxface/status.h"

namespace voxface::a2f {

// network_info.json of a regression model.
struct NetworkInfo {
  std::string type;     // id.type: "regression".
  std::string actor;    // id.actor, e.g. "mark".
  std::string version;  // id.version, e.g. "2.3".
  int implicit_emotion_len = 16;
  std::vector<std::string> explicit_emotions;  // params.explicit_emotions (10, order matters).
  std::vector<float> default_emotion;          // Same length as explicit_emotions.
  std::vector<std::string> identities;
  int num_shapes_skin = 0;  // Skin PCA components.
  int num_verts_skin = 0;   // Vertices (floats = 3x).
  int num_shapes_tongue = 0;
  int num_verts_tongue = 0;
  int result_jaw_size = 15;  // 5 keypoints x 3.
  int result_eyes_size = 4;  // right X, right Y, left X, left Y (degrees).
  int buffer_len = 8320;     // Window length in samples.
  int buffer_ofs = 4160;     // The frame's sample inside the window.
  int samplerate_hz = 16000;

  // Network output width: skin PCA + tongue PCA + jaw + eyes.
  int result_size() const {
    return num_shapes_skin + num_shapes_tongue + result_jaw_size + result_eyes_size;
  }
};

// model_config.json "config": the post-processing parameters. Defaults are the SDK's; ranges are
// checked on load (ranges in docs/a2f.md).
struct FaceParams {
  double input_strength = 1.0;
  double lower_face_smoothing_s = 0.0023;  // Half-life of each of two cascaded stages.
  double upper_face_smoothing_s = 0.001;
  double lower_face_strength = 1.3;
  double upper_face_strength = 1.0;
  double face_mask_level = 0.6;  // Normalised height splitting lower and upper face.
  double face_mask_softness = 0.0085;
  double skin_strength = 1.0;
  double blink_strength = 1.0;
  double blink_offset = 0.0;  // Not in the file; the SDK forces 0.
  double eyelid_open_offset = 0.06;
  double lip_open_offset = -0.03;
  double tongue_strength = 1.5;
  double tongue_height_offset = 0.2;
  double tongue_depth_offset = 0.13;
  double lower_teeth_strength = 1.0;
  double lower_teeth_height_offset = 0.0;
  double lower_teeth_depth_offset = 0.0;
  double eyeballs_strength = 1.0;
  double saccade_strength = 1.0;
  double right_eye_rot_x_offset = 0.0;
  double right_eye_rot_y_offset = 0.0;
  double left_eye_rot_x_offset = 0.0;
  double left_eye_rot_y_offset = 0.0;
  double eye_saccade_seed = 0.0;
  std::string source_shot;  // Row of implicit_emo_db.npz used as the constant implicit emotion.
  int source_frame = 0;
};

// bs_*_config.json "blendshape_params".
struct BlendshapeParams {
  double strength_l1 = 1.0;
  double strength_l2 = 3.5;
  double strength_temporal = 0.0;
  double strength_symmetry = 100.0;
  double template_bb_size = 54.7;
  std::vector<bool> active;         // Per pose; default all.
  std::vector<int> cancel_pairs;    // Per pose: pair id or -1.
  std::vector<int> symmetry_pairs;  // Per pose: pair id or -1.
  std::vector<float> multipliers;   // Default 1.
  std::vector<float> offsets;       // Default 0.
};

// bs_*.npz with its config: absolute neutral plus one delta per pose.
struct BlendshapeRig {
  std::vector<std::string> pose_names;  // Without "neutral".
  std::vector<float> neutral;           // V x 3.
  std::vector<float> deltas;            // pose-major: num_poses x (V x 3).
  std::vector<int32_t> frontal_mask;    // Vertex indices used by the solve; empty = all.
  BlendshapeParams params;

  int num_poses() const { return static_cast<int>(pose_names.size()); }
  int num_vertices() const { return static_cast<int>(neutral.size() / 3); }
};

// model_data.npz of a regression model.
struct RegressionData {
  std::vector<float> shapes_matrix_skin;  // num_shapes_skin x (V x 3), one row per component.
  std::vector<float> shapes_mean_skin;    // Neutral skin, V x 3.
  std::vector<float> lip_open_pose_delta;
  std::vector<float> eye_close_pose_delta;
  std::vector<float> shapes_matrix_tongue;
  std::vector<float> shapes_mean_tongue;
  std::vector<float> neutral_jaw;         // 5 keypoints x 3.
  std::vector<float> saccade_rot_matrix;  // 5000 x 2 (degrees, authored at 30 fps).
};

struct RegressionModel {
  std::string model_json_path;
  std::string network_path;  // The .onnx that runs (a .trt in model.json falls back to it).
  NetworkInfo info;
  FaceParams face;
  RegressionData data;
  std::vector<float> implicit_emotion;  // From implicit_emo_db.npz (source_shot, source_frame).
  BlendshapeRig skin;
  std::optional<BlendshapeRig> tongue;
};

// Loads and validates everything except the network itself. Errors name the file and the field
// and say what to do. Diffusion and Audio2Emotion model.json files are recognised and refused
// with kUnsupported.
Result<RegressionModel> LoadRegressionModel(const std::string& model_json_path);

// The pieces, for tests and tools.
Result<FaceParams> LoadFaceParams(const std::string& path);
Result<NetworkInfo> LoadNetworkInfo(const std::string& path);
Result<BlendshapeRig> LoadBlendshapeRig(const std::string& npz_path,
                                        const std::string& config_path);
// Where the ONNX graph is: `network_path` itself if it is an .onnx, else network.onnx beside it.
Result<std::string> ResolveNetworkPath(const std::string& network_path);

}  // namespace voxface::a2f

#endif  // VOXFACE_SRC_A2F_MODEL_H_
