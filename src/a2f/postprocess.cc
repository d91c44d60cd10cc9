// SPDX-License-Identifier: Apache-2.0
#include "a2f/postprocess.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

namespace voxface::a2f {
namespace {

constexpr int kSaccadeFrames = 5000;

double Wrap(double x, double period) {
  double r = std::fmod(x, period);
  return r < 0 ? r + period : r;
}

// d += sum_k c_k * basis[k]: one pass per component, which streams the basis row by row.
void Reconstruct(const float* coeffs, int num, const std::vector<float>& basis, size_t size,
                 std::vector<float>* out) {
  out->assign(size, 0.0f);
  for (int k = 0; k < num; ++k) {
    const float c = coeffs[k];
    if (c == 0.0f) continue;
    const float* row = basis.data() + static_cast<size_t>(k) * size;
    float* o = out->data();
    for (size_t i = 0; i < size; ++i) o[i] += c * row[i];
  }
}

// alpha of one smoothing stage; 1 (pass-through) when smoothing is off.
float Alpha(double half_life_s, double dt_s) {
  if (half_life_s <= 0.0) return 1.0f;
  return static_cast<float>(1.0 - std::pow(0.5, dt_s / half_life_s));
}

void Smooth(const std::vector<float>& in, float alpha, std::vector<float>* s1,
            std::vector<float>* s2) {
  for (size_t i = 0; i < in.size(); ++i) {
    (*s1)[i] += alpha * (in[i] - (*s1)[i]);
    (*s2)[i] += alpha * ((*s1)[i] - (*s2)[i]);
  }
}

}  // namespace

std::vector<float> FaceMask(const std::vector<float>& neutral, double level, double softness) {
  const size_t v = neutral.size() / 3;
  float y_min = neutral[1], y_max = neutral[1];
  for (size_t i = 0; i < v; ++i) {
    y_min = std::min(y_min, neutral[3 * i + 1]);
    y_max = std::max(y_max, neutral[3 * i + 1]);
  }
  const double range = y_max > y_min ? y_max - y_min : 1.0;
  std::vector<float> mask(v);
  for (size_t i = 0; i < v; ++i) {
    double y = (neutral[3 * i + 1] - y_min) / range;
    mask[i] = static_cast<float>(1.0 / (1.0 + std::exp(-(level - y) / softness)));
  }
  return mask;
}

std::array<float, 16> RigidFit(const std::vector<float>& from, const std::vector<float>& to) {
  const int n = static_cast<int>(from.size() / 3);
  Eigen::Vector3d q_mean = Eigen::Vector3d::Zero(), p_mean = Eigen::Vector3d::Zero();
  for (int i = 0; i < n; ++i) {
    q_mean += Eigen::Vector3d(from[3 * i], from[3 * i + 1], from[3 * i + 2]);
    p_mean += Eigen::Vector3d(to[3 * i], to[3 * i + 1], to[3 * i + 2]);
  }
  q_mean /= n;
  p_mean /= n;
  Eigen::Matrix3d h = Eigen::Matrix3d::Zero();
  for (int i = 0; i < n; ++i) {
    Eigen::Vector3d q = Eigen::Vector3d(from[3 * i], from[3 * i + 1], from[3 * i + 2]) - q_mean;
    Eigen::Vector3d p = Eigen::Vector3d(to[3 * i], to[3 * i + 1], to[3 * i + 2]) - p_mean;
    h += q * p.transpose();
  }
  Eigen::JacobiSVD<Eigen::Matrix3d> svd(h, Eigen::ComputeFullU | Eigen::ComputeFullV);
  const Eigen::Matrix3d& u = svd.matrixU();
  const Eigen::Matrix3d& v = svd.matrixV();
  // The sign fix keeps a proper rotation when the best orthogonal fit is a reflection.
  Eigen::Matrix3d d = Eigen::Matrix3d::Identity();
  d(2, 2) = (v * u.transpose()).determinant() < 0 ? -1.0 : 1.0;
  Eigen::Matrix3d r = v * d * u.transpose();
  Eigen::Vector3d t = p_mean - r * q_mean;
  std::array<float, 16> m{};
  for (int c = 0; c < 3; ++c) {
    for (int row = 0; row < 3; ++row) m[4 * c + row] = static_cast<float>(r(row, c));
  }
  for (int row = 0; row < 3; ++row) m[12 + row] = static_cast<float>(t(row));
  m[15] = 1.0f;
  return m;
}

Result<RegressionPostProcessor> RegressionPostProcessor::Create(const RegressionModel* model,
                                                                double fps) {
  if (!(fps > 0.0 && fps <= 1000.0)) {
    return Status::InvalidArgument("fps must be in (0, 1000], got " + std::to_string(fps));
  }
  RegressionPostProcessor p;
  p.model_ = model;
  p.dt_s_ = 1.0 / fps;
  p.mask_ = FaceMask(model->data.shapes_mean_skin, model->face.face_mask_level,
                     model->face.face_mask_softness);
  p.Reset();
  return p;
}

void RegressionPostProcessor::Reset() {
  first_frame_ = true;
  saccade_time_ = 0.0;
}

void RegressionPostProcessor::Process(const float* result, FrameGeometry* out) {
  const NetworkInfo& info = model_->info;
  const FaceParams& f = model_->face;
  const RegressionData& d = model_->data;
  const size_t skin_size = d.shapes_mean_skin.size();
  const size_t tongue_size = d.shapes_mean_tongue.size();
  const float* skin_coeffs = result;
  const float* tongue_coeffs = skin_coeffs + info.num_shapes_skin;
  const float* jaw = tongue_coeffs + info.num_shapes_tongue;
  const float* eyes = jaw + info.result_jaw_size;

  // Skin.
  Reconstruct(skin_coeffs, info.num_shapes_skin, d.shapes_matrix_skin, skin_size, &delta_);
  const float strength = static_cast<float>(f.skin_strength);
  const float eye_close =
      static_cast<float>(f.blink_offset * f.blink_strength - f.eyelid_open_offset);
  const float lip_open = static_cast<float>(f.lip_open_offset);
  for (size_t i = 0; i < skin_size; ++i) {
    delta_[i] = strength * delta_[i] + d.eye_close_pose_delta[i] * eye_close +
                d.lip_open_pose_delta[i] * lip_open;
  }
  if (first_frame_) {
    lower1_ = lower2_ = upper1_ = upper2_ = delta_;
  } else {
    Smooth(delta_, Alpha(f.lower_face_smoothing_s, dt_s_), &lower1_, &lower2_);
    Smooth(delta_, Alpha(f.upper_face_smoothing_s, dt_s_), &upper1_, &upper2_);
  }
  const float lower = static_cast<float>(f.lower_face_strength);
  const float upper = static_cast<float>(f.upper_face_strength);
  out->skin.resize(skin_size);
  for (size_t i = 0; i < skin_size; ++i) {
    const float m = mask_[i / 3];
    out->skin[i] = d.shapes_mean_skin[i] + upper * (1.0f - m) * upper2_[i] + lower * m * lower2_[i];
  }

  // Tongue: no smoothing in the SDK.
  Reconstruct(tongue_coeffs, info.num_shapes_tongue, d.shapes_matrix_tongue, tongue_size,
              &out->tongue);
  const float tongue_strength = static_cast<float>(f.tongue_strength);
  for (size_t i = 0; i < tongue_size; ++i) {
    out->tongue[i] = d.shapes_mean_tongue[i] + tongue_strength * out->tongue[i];
  }
  for (size_t i = 0; i < tongue_size; i += 3) {
    out->tongue[i + 1] += static_cast<float>(f.tongue_height_offset);
    out->tongue[i + 2] += static_cast<float>(f.tongue_depth_offset);
  }

  // Jaw: keypoints moved, then the rigid transform that best explains them.
  std::vector<float> keypoints(d.neutral_jaw.size());
  for (size_t i = 0; i < keypoints.size(); ++i) {
    keypoints[i] = d.neutral_jaw[i] + static_cast<float>(f.lower_teeth_strength) * jaw[i];
    if (i % 3 == 1) keypoints[i] += static_cast<float>(f.lower_teeth_height_offset);
    if (i % 3 == 2) keypoints[i] += static_cast<float>(f.lower_teeth_depth_offset);
  }
  out->jaw = RigidFit(d.neutral_jaw, keypoints);

  // Eyes: the network's angles plus the saccade table, which advances 30 rows per second.
  const int idx =
      static_cast<int>(std::floor(Wrap(f.eye_saccade_seed + saccade_time_, kSaccadeFrames)));
  saccade_time_ = Wrap(saccade_time_ + 30.0 * dt_s_, kSaccadeFrames);
  const float* s = d.saccade_rot_matrix.data() + 2 * idx;
  const float eb = static_cast<float>(f.eyeballs_strength);
  const float ss = static_cast<float>(f.saccade_strength);
  out->eyes = {static_cast<float>(f.right_eye_rot_x_offset) + eb * eyes[0] + ss * s[0],
               static_cast<float>(f.right_eye_rot_y_offset) + eb * eyes[1] + ss * s[1],
               0.0f,
               static_cast<float>(f.left_eye_rot_x_offset) + eb * eyes[2] + ss * s[0],
               static_cast<float>(f.left_eye_rot_y_offset) + eb * eyes[3] + ss * s[1],
               0.0f};
  first_frame_ = false;
}

}  // namespace voxface::a2f
