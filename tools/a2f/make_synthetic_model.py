#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes a complete synthetic Audio2Face-3D regression model directory in NVIDIA's layout.

The layout, file names, JSON keys, npz array names, dtypes and shapes follow
/work/shared/research/a2f-sdk.md sections 2-5 (v2.3 Mark); the network is the random-weight
regression replica from tools/replicas (tests/data/replicas/regression_v2_3/model.onnx) and the
geometry is synthetic but plausible: a small face-shaped grid, the 52 ARKit shapes as local
deltas, PCA bases built from them, a tongue with the 16 NVIDIA tongue poses, jaw keypoints and a
saccade table. Nothing here comes from NVIDIA's weights.

Usage: /usr/bin/python3 tools/a2f/make_synthetic_model.py --out DIR [--grid 16x15] [--seed 7]
"""
import argparse
import json
import os
import shutil

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPLICA = os.path.join(ROOT, "tests", "data", "replicas", "regression_v2_3", "model.onnx")

ARKIT = ("eyeBlinkLeft eyeLookDownLeft eyeLookInLeft eyeLookOutLeft eyeLookUpLeft eyeSquintLeft "
         "eyeWideLeft eyeBlinkRight eyeLookDownRight eyeLookInRight eyeLookOutRight eyeLookUpRight "
         "eyeSquintRight eyeWideRight jawForward jawLeft jawRight jawOpen mouthClose mouthFunnel "
         "mouthPucker mouthLeft mouthRight mouthSmileLeft mouthSmileRight mouthFrownLeft "
         "mouthFrownRight mouthDimpleLeft mouthDimpleRight mouthStretchLeft mouthStretchRight "
         "mouthRollLower mouthRollUpper mouthShrugLower mouthShrugUpper mouthPressLeft "
         "mouthPressRight mouthLowerDownLeft mouthLowerDownRight mouthUpperUpLeft "
         "mouthUpperUpRight browDownLeft browDownRight browInnerUp browOuterUpLeft "
         "browOuterUpRight cheekPuff cheekSquintLeft cheekSquintRight noseSneerLeft "
         "noseSneerRight tongueOut").split()
TONGUE = ("tongueTipUp tongueTipDown tongueTipLeft tongueTipRight tongueRollUp tongueRollDown "
          "tongueRollLeft tongueRollRight tongueUp tongueDown tongueLeft tongueRight tongueIn "
          "tongueStretch tongueWide tongueNarrow").split()
EMOTIONS = ["amazement", "anger", "cheekiness", "disgust", "fear", "grief", "joy", "outofbreath",
            "pain", "sadness"]
NUM_SKIN_PCA, NUM_TONGUE_PCA = 272, 10  # What the replica network outputs (Mark's sizes).


def face_mesh(nx, ny):
    """A face-sized patch (units ~ cm, like Mark): x across, y up, z out of the face."""
    x, y = np.meshgrid(np.linspace(-8, 8, nx), np.linspace(-11, 10, ny))
    z = 4.0 * np.sqrt(np.clip(1 - (x / 9) ** 2 - (y / 12) ** 2, 0, 1))
    return np.stack([x, y, z], -1).reshape(-1, 3).astype(np.float32)


def region(name):
    """Centre (x, y) and radius of the area a pose moves; Left = the character's left = +x."""
    side = 3.0 if "Left" in name else -3.0 if "Right" in name else 0.0
    if name.startswith("eye"):
        return side, 3.0, 2.5
    if name.startswith("brow"):
        return (side if side else 0.0), 6.0, 3.0
    if name.startswith("jaw"):
        return 0.0, -8.0, 4.0
    if name.startswith("cheek"):
        return (1.5 * side if side else 0.0), -1.0, 3.0
    if name.startswith("nose"):
        return side / 2, 1.0, 2.0
    return side, -5.0, 3.0  # mouth*, tongueOut


def pose_deltas(verts, names, rng, scale=1.0):
    out = []
    for name in names:
        cx, cy, r = region(name)
        d2 = (verts[:, 0] - cx) ** 2 + (verts[:, 1] - cy) ** 2
        falloff = np.exp(-d2 / (2 * r * r))[:, None]
        direction = rng.normal(size=3)
        direction /= np.linalg.norm(direction)
        ripple = 1 + 0.3 * rng.normal(size=(len(verts), 1))  # Keeps shapes independent.
        out.append((scale * falloff * ripple * direction).astype(np.float32))
    return out


def save_npz(path, arrays, compressed=False):
    (np.savez_compressed if compressed else np.savez)(path, **arrays)


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def blendshape_config(num_poses, l1, l2, temporal, bb, active=None, symmetry=None, mult=None):
    return {"blendshape_params": {
        "strengthL1regularization": l1, "strengthL2regularization": l2,
        "strengthTemporalSmoothing": temporal, "strengthSymmetry": 100.0,
        "templateBBSize": bb, "numPoses": num_poses,
        "bsSolveActivePoses": active or [1] * num_poses,
        "bsSolveCancelPoses": [-1] * num_poses,
        "bsSolveSymmetryPoses": symmetry or [-1] * num_poses,
        "bsWeightMultipliers": mult or [1.0] * num_poses,
        "bsWeightOffsets": [0.0] * num_poses}}


def bbox_diagonal(v):
    return float(np.linalg.norm(v.max(0) - v.min(0)))


def make(out, nx, ny, seed, network):
    rng = np.random.RandomState(seed)
    os.makedirs(out, exist_ok=True)
    skin = face_mesh(nx, ny)
    nv = len(skin)
    deltas = pose_deltas(skin, ARKIT, rng)
    # PCA basis: the rig's shapes first (so coefficients read as expressions), then small
    # orthogonal-ish detail, all scaled so the replica's O(1) outputs give O(1 mm) motion.
    basis = [0.15 * d.reshape(-1) for d in deltas]
    basis += [0.01 * rng.normal(size=3 * nv).astype(np.float32)
              for _ in range(NUM_SKIN_PCA - len(basis))]
    shapes_matrix_skin = np.stack(basis).astype(np.float32)

    tongue = (np.stack(np.meshgrid(np.linspace(-1.5, 1.5, 5), np.linspace(-0.5, 0.5, 2),
                                   np.linspace(-3, 0, 4)), -1).reshape(-1, 3)
              + np.array([0, -5.5, 1.0])).astype(np.float32)
    tongue_deltas = []
    for i, _ in enumerate(TONGUE):
        d = rng.normal(size=tongue.shape) * 0.1 + np.eye(3)[i % 3] * 0.4 * (1 + tongue[:, 2:3] / 3)
        tongue_deltas.append(d.astype(np.float32))
    shapes_matrix_tongue = np.stack([0.2 * tongue_deltas[i].reshape(-1)
                                     for i in range(NUM_TONGUE_PCA)]).astype(np.float32)
    neutral_jaw = np.array([[0, -9, 3], [-2.5, -8, 2], [2.5, -8, 2], [-4, -6, 0], [4, -6, 0]],
                           np.float32)
    saccade = np.cumsum(rng.normal(scale=0.3, size=(5000, 2)), 0)
    saccade = (saccade - saccade.mean(0)) / (np.abs(saccade).max(0) + 1e-6) * 3.0

    save_npz(os.path.join(out, "model_data.npz"), {
        "shapes_matrix_skin": shapes_matrix_skin,
        "shapes_mean_skin": skin.reshape(-1),
        "lip_open_pose_delta": 0.5 * deltas[ARKIT.index("jawOpen")].reshape(-1),
        "eye_close_pose_delta": (deltas[0] + deltas[7]).reshape(-1),
        "shapes_matrix_tongue": shapes_matrix_tongue,
        "shapes_mean_tongue": tongue.reshape(-1),
        "neutral_jaw": neutral_jaw.reshape(-1),
        "saccade_rot_matrix": saccade.astype(np.float32).reshape(-1),
    })
    save_npz(os.path.join(out, "implicit_emo_db.npz"), {
        "emo_db": rng.normal(scale=0.5, size=(200, 16)).astype(np.float32),
        "emo_spec_names": np.array([b"shot_neutral", b"shot_talk"], dtype="S"),
        "emo_spec_start": np.array([0, 120], np.int32),
        "emo_spec_size": np.array([120, 80], np.int32),
    }, compressed=True)
    # Frontal mask: the vertices facing the camera, as NVIDIA's skin rig has.
    frontal = np.nonzero(skin[:, 2] > 1.0)[0].astype(np.int32)
    skin_bs = {"poseNames": np.array([b"neutral"] + [n.encode() for n in ARKIT], dtype="S"),
               "neutral": skin.reshape(-1)}
    skin_bs.update({n: d.reshape(-1) for n, d in zip(ARKIT, deltas)})
    skin_bs["frontalMask"] = frontal
    save_npz(os.path.join(out, "bs_skin.npz"), skin_bs, compressed=True)
    tongue_bs = {"poseNames": np.array([b"neutral"] + [n.encode() for n in TONGUE], dtype="S"),
                 "neutral": tongue.reshape(-1)}
    tongue_bs.update({n: d.reshape(-1) for n, d in zip(TONGUE, tongue_deltas)})
    save_npz(os.path.join(out, "bs_tongue.npz"), tongue_bs)

    # Mark's solve settings (a2f-sdk.md 5.1), bounding boxes scaled to this mesh.
    active = [1] * 52
    active[1:5] = [0] * 4
    active[8:12] = [0] * 4
    active[51] = 0
    symmetry = [-1] * 52
    symmetry[0] = symmetry[7] = 0
    symmetry[6] = symmetry[13] = 1
    write_json(os.path.join(out, "bs_skin_config.json"),
               blendshape_config(52, 0.5, 0.5, 0.3, bbox_diagonal(skin), active, symmetry))
    mult = [1.0] * 16
    mult[0], mult[4], mult[13] = 2.0, 3.0, 2.0
    write_json(os.path.join(out, "bs_tongue_config.json"),
               blendshape_config(16, 1.0, 3.5, 5.0, bbox_diagonal(tongue), mult=mult))
    write_json(os.path.join(out, "network_info.json"), {
        "id": {"type": "regression", "actor": "synthetic", "version": "2.3", "output": "geometry"},
        "params": {"implicit_emotion_len": 16, "explicit_emotions": EMOTIONS,
                   "default_emotion": [0.0] * 10, "identities": ["synthetic"],
                   "num_shapes_skin": NUM_SKIN_PCA, "num_verts_skin": nv,
                   "num_shapes_tongue": NUM_TONGUE_PCA, "num_verts_tongue": len(tongue),
                   "result_jaw_size": 15, "result_eyes_size": 4},
        "audio_params": {"buffer_len": 8320, "buffer_ofs": 4160, "samplerate": 16000}})
    write_json(os.path.join(out, "model_config.json"), {"config": {  # Mark v2.3's values.
        "input_strength": 1.3, "lower_face_smoothing": 0.0023, "upper_face_smoothing": 0.001,
        "lower_face_strength": 1.4, "upper_face_strength": 1.0, "face_mask_level": 0.6,
        "face_mask_softness": 0.0085, "skin_strength": 1.1, "blink_strength": 1.0,
        "eyelid_open_offset": 0.06, "lip_open_offset": -0.03, "tongue_strength": 1.5,
        "tongue_height_offset": 0.2, "tongue_depth_offset": 0.13, "lower_teeth_strength": 1.3,
        "lower_teeth_height_offset": -0.1, "lower_teeth_depth_offset": 0.0,
        "eyeballs_strength": 1.0, "saccade_strength": 0.9, "right_eye_rot_x_offset": 0.0,
        "right_eye_rot_y_offset": -2.0, "left_eye_rot_x_offset": 0.0,
        "left_eye_rot_y_offset": 2.0, "eye_saccade_seed": 0, "source_shot": "shot_talk",
        "source_frame": 10}})
    write_json(os.path.join(out, "trt_info.json"), {
        "trt_build_param": {"cuda_in_graphics": ["--memPoolSize=tacticSharedMem:0.046875"],
                            "batch": ["--minShapes=input:1x1x8320,emotion:1x1x26",
                                      "--optShapes=input:{OPT_BATCH_SIZE}x1x8320,"
                                      "emotion:{OPT_BATCH_SIZE}x1x26",
                                      "--maxShapes=input:{MAX_BATCH_SIZE}x1x8320,"
                                      "emotion:{MAX_BATCH_SIZE}x1x26"]},
        "defaults": {"MAX_BATCH_SIZE": 8, "OPT_BATCH_SIZE": 1}})
    write_json(os.path.join(out, "model.json"), {
        "networkInfoPath": "network_info.json", "networkPath": "network.trt",
        "emotionDatabasePath": "implicit_emo_db.npz", "modelConfigPath": "model_config.json",
        "modelDataPath": "model_data.npz",
        "blendshapePaths": {"skin": {"config": "bs_skin_config.json", "data": "bs_skin.npz"},
                            "tongue": {"config": "bs_tongue_config.json",
                                       "data": "bs_tongue.npz"}}})
    shutil.copyfile(network, os.path.join(out, "network.onnx"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--grid", default="16x15", help="skin grid, columns x rows")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--network", default=REPLICA, help="regression network.onnx to copy")
    a = ap.parse_args()
    nx, ny = (int(v) for v in a.grid.split("x"))
    make(a.out, nx, ny, a.seed, a.network)


if __name__ == "__main__":
    main()
