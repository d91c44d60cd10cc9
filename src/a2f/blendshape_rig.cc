// SPDX-License-Identifier: Apache-2.0
// bs_skin.npz / bs_tongue.npz and their bs_*_config.json.
#include <cmath>
#include <map>

#include "a2f/json_file.h"
#include "a2f/model.h"
#include "a2f/npz.h"

namespace voxface::a2f {
namespace {

// Pair arrays: each non-negative id must appear exactly twice; -1 = unpaired.
Status CheckPairs(const JsonFile& f, const std::string& field, const std::vector<int>& ids) {
  std::map<int, int> count;
  for (int id : ids) {
    if (id < -1) return f.Error(field, "holds " + std::to_string(id) + "; use -1 for no pair");
    if (id >= 0) ++count[id];
  }
  for (const auto& [id, n] : count) {
    if (n != 2) {
      return f.Error(field, "uses pair id " + std::to_string(id) + " " + std::to_string(n) +
                                " times; every id must name exactly two poses");
    }
  }
  return Status::Ok();
}

Result<BlendshapeParams> LoadParams(const std::string& path, int num_poses) {
  VF_ASSIGN_OR_RETURN(JsonFile f, JsonFile::Read(path));
  BlendshapeParams p;
  const std::string k = "blendshape_params.";
  VF_RETURN_IF_ERROR(f.Get("blendshape_params").status());
  VF_ASSIGN_OR_RETURN(p.strength_l1, f.NumberIn(k + "strengthL1regularization", 0, 1e6));
  VF_ASSIGN_OR_RETURN(p.strength_l2, f.NumberIn(k + "strengthL2regularization", 0, 1e6));
  VF_ASSIGN_OR_RETURN(p.strength_temporal, f.NumberIn(k + "strengthTemporalSmoothing", 0, 1e6));
  VF_ASSIGN_OR_RETURN(p.strength_symmetry, f.NumberIn(k + "strengthSymmetry", 0, 1e6));
  if (f.Has(k + "templateBBSize")) {
    VF_ASSIGN_OR_RETURN(p.template_bb_size, f.NumberIn(k + "templateBBSize", 1e-9, 1e12));
  }
  if (f.Has(k + "numPoses")) {
    VF_ASSIGN_OR_RETURN(int64_t n, f.Integer(k + "numPoses"));
    if (n != num_poses) {
      return f.Error(k + "numPoses",
                     "is " + std::to_string(n) + " but the npz has " + std::to_string(num_poses) +
                         " poses besides 'neutral'; use the matching pair of files");
    }
  }
  auto sized = [&](const std::string& field, size_t size) -> Status {
    if (size != static_cast<size_t>(num_poses)) {
      return f.Error(field, "has " + std::to_string(size) + " entries, expected " +
                                std::to_string(num_poses) + " (one per pose)");
    }
    return Status::Ok();
  };
  auto ints = [&](const std::string& name, int fallback) -> Result<std::vector<int>> {
    if (!f.Has(k + name)) return std::vector<int>(num_poses, fallback);
    VF_ASSIGN_OR_RETURN(std::vector<int64_t> v, f.Integers(k + name));
    VF_RETURN_IF_ERROR(sized(k + name, v.size()));
    return std::vector<int>(v.begin(), v.end());
  };
  auto floats = [&](const std::string& name, float fallback) -> Result<std::vector<float>> {
    if (!f.Has(k + name)) return std::vector<float>(num_poses, fallback);
    VF_ASSIGN_OR_RETURN(std::vector<double> v, f.Numbers(k + name));
    VF_RETURN_IF_ERROR(sized(k + name, v.size()));
    return std::vector<float>(v.begin(), v.end());
  };
  VF_ASSIGN_OR_RETURN(std::vector<int> active, ints("bsSolveActivePoses", 1));
  for (int a : active) {
    if (a != 0 && a != 1) return f.Error(k + "bsSolveActivePoses", "must hold only 0 and 1");
    p.active.push_back(a == 1);
  }
  VF_ASSIGN_OR_RETURN(p.cancel_pairs, ints("bsSolveCancelPoses", -1));
  VF_RETURN_IF_ERROR(CheckPairs(f, k + "bsSolveCancelPoses", p.cancel_pairs));
  VF_ASSIGN_OR_RETURN(p.symmetry_pairs, ints("bsSolveSymmetryPoses", -1));
  VF_RETURN_IF_ERROR(CheckPairs(f, k + "bsSolveSymmetryPoses", p.symmetry_pairs));
  VF_ASSIGN_OR_RETURN(p.multipliers, floats("bsWeightMultipliers", 1.0f));
  VF_ASSIGN_OR_RETURN(p.offsets, floats("bsWeightOffsets", 0.0f));
  return p;
}

}  // namespace

Result<BlendshapeRig> LoadBlendshapeRig(const std::string& npz_path,
                                        const std::string& config_path) {
  VF_ASSIGN_OR_RETURN(NpzFile npz, NpzFile::Read(npz_path));
  VF_ASSIGN_OR_RETURN(std::vector<std::string> names, npz.Strings("poseNames"));
  if (names.empty() || names[0] != "neutral") {
    return Status::CorruptData(npz_path + ": array 'poseNames' must start with 'neutral' (got '" +
                               (names.empty() ? std::string() : names[0]) + "')");
  }
  BlendshapeRig rig;
  VF_ASSIGN_OR_RETURN(rig.neutral, npz.Float32("neutral"));
  if (rig.neutral.empty() || rig.neutral.size() % 3 != 0) {
    return Status::CorruptData(npz_path + ": array 'neutral' must hold V x 3 floats");
  }
  const size_t n = rig.neutral.size();
  rig.pose_names.assign(names.begin() + 1, names.end());
  rig.deltas.reserve(rig.pose_names.size() * n);
  for (const std::string& name : rig.pose_names) {
    if (name == "neutral") {
      return Status::CorruptData(npz_path + ": array 'poseNames' names 'neutral' twice");
    }
    VF_ASSIGN_OR_RETURN(std::vector<float> delta, npz.Float32(name));
    if (delta.size() != n) {
      return Status::CorruptData(npz_path + ": array '" + name + "' has " +
                                 std::to_string(delta.size()) + " values, expected " +
                                 std::to_string(n) + " (the size of 'neutral')");
    }
    rig.deltas.insert(rig.deltas.end(), delta.begin(), delta.end());
  }
  for (float x : rig.neutral) {
    if (!std::isfinite(x)) return Status::CorruptData(npz_path + ": 'neutral' holds NaN");
  }
  for (float x : rig.deltas) {
    if (!std::isfinite(x)) return Status::CorruptData(npz_path + ": a pose delta holds NaN");
  }
  if (npz.Has("frontalMask")) {
    VF_ASSIGN_OR_RETURN(rig.frontal_mask, npz.Int32("frontalMask"));
    for (int32_t v : rig.frontal_mask) {
      if (v < 0 || v >= rig.num_vertices()) {
        return Status::CorruptData(npz_path + ": array 'frontalMask' holds vertex " +
                                   std::to_string(v) + ", outside 0.." +
                                   std::to_string(rig.num_vertices() - 1));
      }
    }
  }
  VF_ASSIGN_OR_RETURN(rig.params, LoadParams(config_path, rig.num_poses()));
  return rig;
}

}  // namespace voxface::a2f
