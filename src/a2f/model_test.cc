// SPDX-License-Identifier: Apache-2.0
#include "a2f/model.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "a2f/test_util.h"

namespace voxface::a2f {
namespace {

using nlohmann::json;
using testing::CopyModel;
using testing::EditJson;

// Loads a copy of the synthetic model after `edit`, expecting an error whose message contains
// every one of `needles`.
void ExpectError(const std::string& tag, const std::function<void(const std::string&)>& edit,
                 std::initializer_list<std::string> needles,
                 StatusCode code = StatusCode::kCorruptData) {
  std::string dir = CopyModel(tag);
  edit(dir);
  auto m = LoadRegressionModel(dir + "/model.json");
  ASSERT_FALSE(m.ok()) << tag;
  EXPECT_EQ(m.status().code(), code) << m.status().message();
  for (const std::string& n : needles) {
    EXPECT_NE(m.status().message().find(n), std::string::npos)
        << tag << ": '" << n << "' not in: " << m.status().message();
  }
}

TEST(ModelTest, LoadsTheSyntheticModel) {
  auto m = LoadRegressionModel(testing::SyntheticModelJson());
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->info.num_shapes_skin, 272);
  EXPECT_EQ(m->info.result_size(), 301);
  EXPECT_EQ(m->info.explicit_emotions.size(), 10u);
  EXPECT_EQ(m->data.shapes_mean_skin.size(), 3u * m->info.num_verts_skin);
  EXPECT_EQ(m->implicit_emotion.size(), 16u);
  EXPECT_DOUBLE_EQ(m->face.input_strength, 1.3);
  EXPECT_DOUBLE_EQ(m->face.blink_offset, 0.0);
  ASSERT_EQ(m->skin.num_poses(), 52);
  EXPECT_EQ(m->skin.pose_names[0], "eyeBlinkLeft");
  EXPECT_EQ(m->skin.pose_names[51], "tongueOut");
  EXPECT_FALSE(m->skin.params.active[1]);
  EXPECT_FALSE(m->skin.frontal_mask.empty());
  ASSERT_TRUE(m->tongue.has_value());
  EXPECT_EQ(m->tongue->num_poses(), 16);
  EXPECT_FLOAT_EQ(m->tongue->params.multipliers[4], 3.0f);
  // model.json names network.trt; the ONNX beside it runs instead.
  EXPECT_EQ(std::filesystem::path(m->network_path).filename(), "network.onnx");
}

TEST(ModelTest, MissingModelJson) {
  auto m = LoadRegressionModel("/nonexistent/model.json");
  EXPECT_EQ(m.status().code(), StatusCode::kNotFound);
  EXPECT_NE(m.status().message().find("/nonexistent/model.json"), std::string::npos);
}

TEST(ModelTest, ModelJsonFields) {
  for (const char* field : {"networkInfoPath", "networkPath", "emotionDatabasePath",
                            "modelConfigPath", "modelDataPath"}) {
    ExpectError(std::string("mj_") + field,
                [&](const std::string& d) {
                  EditJson(d + "/model.json", [&](json& j) { j.erase(field); });
                },
                {"model.json", field, "missing"});
  }
  ExpectError("mj_skin",
              [](const std::string& d) {
                EditJson(d + "/model.json",
                         [](json& j) { j["blendshapePaths"]["skin"].erase("data"); });
              },
              {"model.json", "blendshapePaths.skin.data"});
  ExpectError("mj_type",
              [](const std::string& d) {
                EditJson(d + "/model.json", [](json& j) { j["modelDataPath"] = 3; });
              },
              {"model.json", "modelDataPath", "must be a string"});
  ExpectError(
      "mj_diffusion",
      [](const std::string& d) {
        EditJson(d + "/model.json", [](json& j) { j["modelConfigPaths"] = json::array(); });
      },
      {"diffusion"}, StatusCode::kUnsupported);
  ExpectError("mj_bad_json",
              [](const std::string& d) { testing::WriteFile(d + "/model.json", "{ not json"); },
              {"model.json", "not valid JSON"});
}

TEST(ModelTest, MissingFiles) {
  for (const char* file :
       {"network_info.json", "model_config.json", "model_data.npz", "implicit_emo_db.npz",
        "bs_skin.npz", "bs_skin_config.json", "bs_tongue.npz", "bs_tongue_config.json"}) {
    ExpectError(
        std::string("missing_") + file,
        [&](const std::string& d) { std::filesystem::remove(d + "/" + file); }, {file, "not found"},
        StatusCode::kNotFound);
  }
  ExpectError(
      "missing_onnx", [](const std::string& d) { std::filesystem::remove(d + "/network.onnx"); },
      {"network.onnx", "TensorRT"}, StatusCode::kNotFound);
}

TEST(ModelTest, NetworkInfoFields) {
  ExpectError("ni_verts",
              [](const std::string& d) {
                EditJson(d + "/network_info.json",
                         [](json& j) { j["params"].erase("num_verts_skin"); });
              },
              {"network_info.json", "params.num_verts_skin", "missing"});
  ExpectError("ni_shapes",
              [](const std::string& d) {
                EditJson(d + "/network_info.json",
                         [](json& j) { j["params"]["num_shapes_skin"] = 0; });
              },
              {"network_info.json", "params.num_shapes_skin", "> 0"});
  ExpectError("ni_output",
              [](const std::string& d) {
                EditJson(d + "/network_info.json",
                         [](json& j) { j["id"]["output"] = "blendshapes"; });
              },
              {"network_info.json", "id.output", "geometry"});
  ExpectError(
      "ni_diffusion",
      [](const std::string& d) {
        EditJson(d + "/network_info.json", [](json& j) { j["id"]["type"] = "diffusion"; });
      },
      {"network_info.json", "id.type"}, StatusCode::kUnsupported);
  ExpectError("ni_emotion",
              [](const std::string& d) {
                EditJson(d + "/network_info.json", [](json& j) {
                  j["params"]["default_emotion"] = {0, 0};
                });
              },
              {"network_info.json", "params.default_emotion", "explicit_emotions"});
  ExpectError("ni_rate",
              [](const std::string& d) {
                EditJson(d + "/network_info.json",
                         [](json& j) { j["audio_params"]["samplerate"] = 22050; });
              },
              {"network_info.json", "audio_params.samplerate", "16000"});
}

TEST(ModelTest, ModelConfigFields) {
  ExpectError("mc_range",
              [](const std::string& d) {
                EditJson(d + "/model_config.json",
                         [](json& j) { j["config"]["skin_strength"] = 5.0; });
              },
              {"model_config.json", "config.skin_strength", "out of range [0, 2]"});
  ExpectError("mc_missing",
              [](const std::string& d) {
                EditJson(d + "/model_config.json",
                         [](json& j) { j["config"].erase("face_mask_softness"); });
              },
              {"model_config.json", "config.face_mask_softness", "missing"});
  ExpectError(
      "mc_shot",
      [](const std::string& d) {
        EditJson(d + "/model_config.json", [](json& j) { j["config"]["source_shot"] = "nope"; });
      },
      {"implicit_emo_db.npz", "'nope'", "config.source_shot", "shot_talk"}, StatusCode::kNotFound);
  ExpectError(
      "mc_frame",
      [](const std::string& d) {
        EditJson(d + "/model_config.json", [](json& j) { j["config"]["source_frame"] = 500; });
      },
      {"implicit_emo_db.npz", "source_frame 500"}, StatusCode::kOutOfRange);
}

TEST(ModelTest, DataFiles) {
  // A file from the wrong slot: the first array it lacks is named.
  ExpectError(
      "md_swapped",
      [](const std::string& d) {
        EditJson(d + "/model.json", [](json& j) { j["modelDataPath"] = "bs_skin.npz"; });
      },
      {"bs_skin.npz", "array 'shapes_matrix_skin' is missing"}, StatusCode::kNotFound);
  ExpectError("md_garbage",
              [](const std::string& d) { testing::WriteFile(d + "/model_data.npz", "garbage"); },
              {"model_data.npz", "not a zip/npz archive"});
  ExpectError("md_size",
              [](const std::string& d) {
                EditJson(d + "/network_info.json",
                         [](json& j) { j["params"]["num_verts_skin"] = 100; });
              },
              {"model_data.npz", "shapes_matrix_skin", "network_info.json"});
  ExpectError("bs_wrong_rig",
              [](const std::string& d) {
                EditJson(d + "/model.json",
                         [](json& j) { j["blendshapePaths"]["skin"]["data"] = "bs_tongue.npz"; });
              },
              {"bs_skin_config.json", "numPoses", "16 poses"});
}

TEST(ModelTest, BlendshapeConfigFields) {
  const std::string k = "blendshape_params";
  ExpectError("bc_l1",
              [&](const std::string& d) {
                EditJson(d + "/bs_skin_config.json",
                         [&](json& j) { j[k].erase("strengthL1regularization"); });
              },
              {"bs_skin_config.json", "blendshape_params.strengthL1regularization", "missing"});
  ExpectError("bc_num",
              [&](const std::string& d) {
                EditJson(d + "/bs_skin_config.json", [&](json& j) { j[k]["numPoses"] = 51; });
              },
              {"bs_skin_config.json", "numPoses", "52"});
  ExpectError("bc_len",
              [&](const std::string& d) {
                EditJson(d + "/bs_tongue_config.json",
                         [&](json& j) { j[k]["bsWeightMultipliers"] = json::array({1.0}); });
              },
              {"bs_tongue_config.json", "bsWeightMultipliers", "one per pose"});
  ExpectError("bc_pairs",
              [&](const std::string& d) {
                EditJson(d + "/bs_skin_config.json",
                         [&](json& j) { j[k]["bsSolveSymmetryPoses"][20] = 0; });
              },
              {"bs_skin_config.json", "bsSolveSymmetryPoses", "pair id 0 3 times"});
  ExpectError("bc_active",
              [&](const std::string& d) {
                EditJson(d + "/bs_skin_config.json",
                         [&](json& j) { j[k]["bsSolveActivePoses"][3] = 2; });
              },
              {"bs_skin_config.json", "bsSolveActivePoses", "0 and 1"});
}

TEST(ModelTest, TrtPathFallsBack) {
  std::string dir = CopyModel("trt");
  auto p = ResolveNetworkPath(dir + "/network_fp16.trt");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(std::filesystem::path(*p).filename(), "network.onnx");
  EXPECT_EQ(ResolveNetworkPath(dir + "/other.onnx").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace voxface::a2f
