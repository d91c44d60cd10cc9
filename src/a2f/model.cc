// SPDX-License-Identifier: Apache-2.0
#include "a2f/model.h"

#include <cmath>
#include <filesystem>

#include "a2f/json_file.h"
#include "a2f/npz.h"

namespace voxface::a2f {
namespace fs = std::filesystem;
namespace {

std::string Resolve(const std::string& base_dir, const std::string& relative) {
  fs::path p = fs::u8path(relative);
  if (p.is_absolute()) return p.string();
  return (fs::u8path(base_dir) / p).lexically_normal().string();
}

Result<int> PositiveInt(const JsonFile& f, const std::string& field) {
  VF_ASSIGN_OR_RETURN(int64_t v, f.Integer(field));
  if (v <= 0 || v > (int64_t{1} << 30)) return f.Error(field, "must be an integer > 0");
  return static_cast<int>(v);
}

// Checks one model_data array's element count and returns it.
Result<std::vector<float>> SizedArray(const NpzFile& npz, const std::string& name, size_t want,
                                      const std::string& why) {
  VF_ASSIGN_OR_RETURN(std::vector<float> v, npz.Float32(name));
  if (v.size() != want) {
    return Status::CorruptData(npz.path() + ": array '" + name + "' has " +
                               std::to_string(v.size()) + " values, expected " +
                               std::to_string(want) + " (" + why +
                               "); the file does not belong to this network_info.json");
  }
  for (float x : v) {
    if (!std::isfinite(x)) {
      return Status::CorruptData(npz.path() + ": array '" + name + "' holds NaN or infinity");
    }
  }
  return v;
}

Result<RegressionData> LoadRegressionData(const std::string& path, const NetworkInfo& info) {
  VF_ASSIGN_OR_RETURN(NpzFile npz, NpzFile::Read(path));
  const size_t skin = 3 * static_cast<size_t>(info.num_verts_skin);
  const size_t tongue = 3 * static_cast<size_t>(info.num_verts_tongue);
  const std::string skin_why = "3 x params.num_verts_skin";
  RegressionData d;
  VF_ASSIGN_OR_RETURN(d.shapes_matrix_skin,
                      SizedArray(npz, "shapes_matrix_skin", info.num_shapes_skin * skin,
                                 "params.num_shapes_skin x 3 x params.num_verts_skin"));
  VF_ASSIGN_OR_RETURN(d.shapes_mean_skin, SizedArray(npz, "shapes_mean_skin", skin, skin_why));
  VF_ASSIGN_OR_RETURN(d.lip_open_pose_delta,
                      SizedArray(npz, "lip_open_pose_delta", skin, skin_why));
  VF_ASSIGN_OR_RETURN(d.eye_close_pose_delta,
                      SizedArray(npz, "eye_close_pose_delta", skin, skin_why));
  VF_ASSIGN_OR_RETURN(d.shapes_matrix_tongue,
                      SizedArray(npz, "shapes_matrix_tongue", info.num_shapes_tongue * tongue,
                                 "params.num_shapes_tongue x 3 x params.num_verts_tongue"));
  VF_ASSIGN_OR_RETURN(d.shapes_mean_tongue,
                      SizedArray(npz, "shapes_mean_tongue", tongue, "3 x params.num_verts_tongue"));
  VF_ASSIGN_OR_RETURN(d.neutral_jaw, SizedArray(npz, "neutral_jaw", info.result_jaw_size,
                                                "params.result_jaw_size"));
  VF_ASSIGN_OR_RETURN(d.saccade_rot_matrix,
                      SizedArray(npz, "saccade_rot_matrix", 10000, "5000 frames x 2 angles"));
  return d;
}

// The constant implicit emotion: row start[shot] + frame of emo_db.
Result<std::vector<float>> LoadImplicitEmotion(const std::string& path, const FaceParams& face,
                                               int emotion_len) {
  VF_ASSIGN_OR_RETURN(NpzFile npz, NpzFile::Read(path));
  VF_ASSIGN_OR_RETURN(std::vector<float> db, npz.Float32("emo_db"));
  VF_ASSIGN_OR_RETURN(std::vector<std::string> names, npz.Strings("emo_spec_names"));
  VF_ASSIGN_OR_RETURN(std::vector<int32_t> start, npz.Int32("emo_spec_start"));
  VF_ASSIGN_OR_RETURN(std::vector<int32_t> size, npz.Int32("emo_spec_size"));
  const NpyArray* raw = npz.Find("emo_db");
  if (raw->shape.size() != 2 || raw->shape[1] != emotion_len) {
    return Status::CorruptData(path + ": array 'emo_db' has shape " + raw->ShapeString() +
                               ", expected [N, " + std::to_string(emotion_len) +
                               "] (params.implicit_emotion_len)");
  }
  if (start.size() != names.size() || size.size() != names.size()) {
    return Status::CorruptData(path +
                               ": arrays 'emo_spec_names', 'emo_spec_start' and "
                               "'emo_spec_size' must have the same length");
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] != face.source_shot) continue;
    if (face.source_frame < 0 || face.source_frame >= size[i]) {
      return Status::OutOfRange(path + ": source_frame " + std::to_string(face.source_frame) +
                                " is outside shot '" + names[i] + "' (0.." +
                                std::to_string(size[i] - 1) +
                                "); fix config.source_frame in the model config");
    }
    int64_t row = int64_t{start[i]} + face.source_frame;
    if (row < 0 || row >= raw->shape[0]) {
      return Status::CorruptData(path + ": emo_spec_start for shot '" + names[i] +
                                 "' points outside 'emo_db'");
    }
    return std::vector<float>(db.begin() + row * emotion_len, db.begin() + (row + 1) * emotion_len);
  }
  std::string have;
  for (const auto& n : names) have += (have.empty() ? "" : ", ") + n;
  return Status::NotFound(path + ": no shot named '" + face.source_shot +
                          "' (config.source_shot); the database has: " + have);
}

}  // namespace

Result<std::string> ResolveNetworkPath(const std::string& network_path) {
  fs::path p = fs::u8path(network_path);
  if (p.extension() == ".trt") {
    // We never run TensorRT engines; the published folders ship the ONNX beside them.
    fs::path same_stem = p;
    same_stem.replace_extension(".onnx");
    if (fs::exists(same_stem)) return same_stem.string();
    fs::path plain = p.parent_path() / "network.onnx";
    if (fs::exists(plain)) return plain.string();
    return Status::NotFound(network_path + ": TensorRT engines are not used by voxface and " +
                            plain.string() + " is missing; keep network.onnx from the download");
  }
  if (!fs::exists(p)) {
    return Status::NotFound(network_path + ": file not found (model.json field 'networkPath')");
  }
  return p.string();
}

Result<NetworkInfo> LoadNetworkInfo(const std::string& path) {
  VF_ASSIGN_OR_RETURN(JsonFile f, JsonFile::Read(path));
  NetworkInfo n;
  VF_ASSIGN_OR_RETURN(n.type, f.String("id.type"));
  if (n.type == "diffusion") {
    return Status::Unsupported(path +
                               ": field 'id.type' is 'diffusion'; voxface runs only the "
                               "regression models (v2.3 Mark, v2.3.1 Claire/James) for now");
  }
  if (n.type != "regression") {
    return f.Error("id.type", "is '" + n.type + "', expected 'regression'");
  }
  VF_ASSIGN_OR_RETURN(std::string output, f.String("id.output"));
  if (output != "geometry") return f.Error("id.output", "is '" + output + "', expected 'geometry'");
  if (f.Has("id.actor")) {
    VF_ASSIGN_OR_RETURN(n.actor, f.String("id.actor"));
  }
  if (f.Has("id.version")) {
    VF_ASSIGN_OR_RETURN(n.version, f.String("id.version"));
  }
  VF_ASSIGN_OR_RETURN(n.implicit_emotion_len, PositiveInt(f, "params.implicit_emotion_len"));
  VF_ASSIGN_OR_RETURN(n.explicit_emotions, f.Strings("params.explicit_emotions"));
  VF_ASSIGN_OR_RETURN(std::vector<double> def, f.Numbers("params.default_emotion"));
  if (def.size() != n.explicit_emotions.size()) {
    return f.Error("params.default_emotion", "has " + std::to_string(def.size()) +
                                                 " values but params.explicit_emotions "
                                                 "names " +
                                                 std::to_string(n.explicit_emotions.size()));
  }
  n.default_emotion.assign(def.begin(), def.end());
  if (f.Has("params.identities")) {
    VF_ASSIGN_OR_RETURN(n.identities, f.Strings("params.identities"));
  }
  VF_ASSIGN_OR_RETURN(n.num_shapes_skin, PositiveInt(f, "params.num_shapes_skin"));
  VF_ASSIGN_OR_RETURN(n.num_verts_skin, PositiveInt(f, "params.num_verts_skin"));
  VF_ASSIGN_OR_RETURN(n.num_shapes_tongue, PositiveInt(f, "params.num_shapes_tongue"));
  VF_ASSIGN_OR_RETURN(n.num_verts_tongue, PositiveInt(f, "params.num_verts_tongue"));
  VF_ASSIGN_OR_RETURN(n.result_jaw_size, PositiveInt(f, "params.result_jaw_size"));
  if (n.result_jaw_size != 15) return f.Error("params.result_jaw_size", "must be 15 (5 x 3)");
  VF_ASSIGN_OR_RETURN(n.result_eyes_size, PositiveInt(f, "params.result_eyes_size"));
  if (n.result_eyes_size != 4) return f.Error("params.result_eyes_size", "must be 4");
  VF_ASSIGN_OR_RETURN(n.buffer_len, PositiveInt(f, "audio_params.buffer_len"));
  VF_ASSIGN_OR_RETURN(n.buffer_ofs, PositiveInt(f, "audio_params.buffer_ofs"));
  if (n.buffer_ofs >= n.buffer_len) {
    return f.Error("audio_params.buffer_ofs", "must be below audio_params.buffer_len");
  }
  VF_ASSIGN_OR_RETURN(n.samplerate_hz, PositiveInt(f, "audio_params.samplerate"));
  if (n.samplerate_hz != 16000) {
    return f.Error("audio_params.samplerate", "must be 16000 (the networks take 16 kHz audio)");
  }
  return n;
}

Result<FaceParams> LoadFaceParams(const std::string& path) {
  VF_ASSIGN_OR_RETURN(JsonFile f, JsonFile::Read(path));
  FaceParams p;
  struct Field {
    const char* key;
    double* value;
    double lo, hi;
  };
  // Ranges are the SDK validator's; input_strength has none there, so only sign is checked.
  const Field fields[] = {
      {"input_strength", &p.input_strength, 0, 1e3},
      {"lower_face_smoothing", &p.lower_face_smoothing_s, 0, 0.1},
      {"upper_face_smoothing", &p.upper_face_smoothing_s, 0, 0.1},
      {"lower_face_strength", &p.lower_face_strength, 0, 2},
      {"upper_face_strength", &p.upper_face_strength, 0, 2},
      {"face_mask_level", &p.face_mask_level, 0, 1},
      {"face_mask_softness", &p.face_mask_softness, 0.001, 0.5},
      {"skin_strength", &p.skin_strength, 0, 2},
      {"blink_strength", &p.blink_strength, 0, 2},
      {"eyelid_open_offset", &p.eyelid_open_offset, -1, 1},
      {"lip_open_offset", &p.lip_open_offset, -0.2, 0.2},
      {"tongue_strength", &p.tongue_strength, 0, 3},
      {"tongue_height_offset", &p.tongue_height_offset, -3, 3},
      {"tongue_depth_offset", &p.tongue_depth_offset, -3, 3},
      {"lower_teeth_strength", &p.lower_teeth_strength, 0, 2},
      {"lower_teeth_height_offset", &p.lower_teeth_height_offset, -3, 3},
      {"lower_teeth_depth_offset", &p.lower_teeth_depth_offset, -3, 3},
      {"eyeballs_strength", &p.eyeballs_strength, 0, 2},
      {"saccade_strength", &p.saccade_strength, 0, 2},
      {"right_eye_rot_x_offset", &p.right_eye_rot_x_offset, -10, 10},
      {"right_eye_rot_y_offset", &p.right_eye_rot_y_offset, -10, 10},
      {"left_eye_rot_x_offset", &p.left_eye_rot_x_offset, -10, 10},
      {"left_eye_rot_y_offset", &p.left_eye_rot_y_offset, -10, 10},
      {"eye_saccade_seed", &p.eye_saccade_seed, 0, 4999},
  };
  for (const Field& field : fields) {
    VF_ASSIGN_OR_RETURN(*field.value,
                        f.NumberIn(std::string("config.") + field.key, field.lo, field.hi));
  }
  if (f.Has("config.source_shot")) {
    VF_ASSIGN_OR_RETURN(p.source_shot, f.String("config.source_shot"));
  }
  if (f.Has("config.source_frame")) {
    VF_ASSIGN_OR_RETURN(int64_t frame, f.Integer("config.source_frame"));
    if (frame < 0 || frame > (1 << 30)) return f.Error("config.source_frame", "must be >= 0");
    p.source_frame = static_cast<int>(frame);
  }
  return p;
}

Result<RegressionModel> LoadRegressionModel(const std::string& model_json_path) {
  VF_ASSIGN_OR_RETURN(JsonFile f, JsonFile::Read(model_json_path));
  if (f.Has("modelConfigPaths") || f.Has("modelDataPaths")) {
    return Status::Unsupported(model_json_path +
                               ": this is a diffusion model (v3.0); voxface "
                               "runs only the regression models (v2.3 Mark, v2.3.1 Claire/James) "
                               "for now");
  }
  if (!f.Has("modelDataPath") && !f.Has("blendshapePaths") && f.Has("modelConfigPath")) {
    return Status::Unsupported(model_json_path +
                               ": this is an Audio2Emotion model; pass an "
                               "Audio2Face-3D regression model's model.json");
  }
  const std::string dir = fs::u8path(model_json_path).parent_path().string();
  auto path_of = [&](const std::string& field) -> Result<std::string> {
    VF_ASSIGN_OR_RETURN(std::string rel, f.String(field));
    if (rel.empty()) return f.Error(field, "is empty; it must name a file in the model folder");
    return Resolve(dir, rel);
  };
  RegressionModel m;
  m.model_json_path = model_json_path;
  VF_ASSIGN_OR_RETURN(std::string info_path, path_of("networkInfoPath"));
  VF_ASSIGN_OR_RETURN(std::string network, path_of("networkPath"));
  VF_ASSIGN_OR_RETURN(std::string emo_path, path_of("emotionDatabasePath"));
  VF_ASSIGN_OR_RETURN(std::string config_path, path_of("modelConfigPath"));
  VF_ASSIGN_OR_RETURN(std::string data_path, path_of("modelDataPath"));
  VF_ASSIGN_OR_RETURN(std::string skin_config, path_of("blendshapePaths.skin.config"));
  VF_ASSIGN_OR_RETURN(std::string skin_data, path_of("blendshapePaths.skin.data"));

  VF_ASSIGN_OR_RETURN(m.network_path, ResolveNetworkPath(network));
  VF_ASSIGN_OR_RETURN(m.info, LoadNetworkInfo(info_path));
  VF_ASSIGN_OR_RETURN(m.face, LoadFaceParams(config_path));
  VF_ASSIGN_OR_RETURN(m.data, LoadRegressionData(data_path, m.info));
  VF_ASSIGN_OR_RETURN(m.implicit_emotion,
                      LoadImplicitEmotion(emo_path, m.face, m.info.implicit_emotion_len));
  VF_ASSIGN_OR_RETURN(m.skin, LoadBlendshapeRig(skin_data, skin_config));
  if (m.skin.neutral.size() != m.data.shapes_mean_skin.size()) {
    return Status::CorruptData(
        skin_data + ": array 'neutral' has " + std::to_string(m.skin.num_vertices()) +
        " vertices but the model "
        "has " +
        std::to_string(m.info.num_verts_skin) + " (network_info.json params.num_verts_skin)");
  }
  if (f.Has("blendshapePaths.tongue")) {
    VF_ASSIGN_OR_RETURN(std::string tongue_config, path_of("blendshapePaths.tongue.config"));
    VF_ASSIGN_OR_RETURN(std::string tongue_data, path_of("blendshapePaths.tongue.data"));
    VF_ASSIGN_OR_RETURN(m.tongue, LoadBlendshapeRig(tongue_data, tongue_config));
    if (m.tongue->neutral.size() != m.data.shapes_mean_tongue.size()) {
      return Status::CorruptData(tongue_data + ": array 'neutral' has " +
                                 std::to_string(m.tongue->num_vertices()) +
                                 " vertices, network_info.json params.num_verts_tongue says " +
                                 std::to_string(m.info.num_verts_tongue));
    }
  }
  return m;
}

}  // namespace voxface::a2f
