#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Independent numpy reference of the regression post-processing (a2f-sdk.md section 4).

Reads a model directory written by tools/a2f/make_synthetic_model.py, feeds seeded random network
outputs through PCA reconstruction, the skin animator (strength, offsets, two cascaded half-life
smoothers, face mask), tongue, jaw (Kabsch) and eyes (saccades), and writes the inputs and
results to an npz that src/a2f/postprocess_test.cc compares against the C++ implementation.

Usage: /usr/bin/python3 tests/a2f/postprocess_ref.py MODEL_DIR OUT.npz
"""
import json
import os
import sys

import numpy as np

FPS_LIST = (60.0, 24.0)
NUM_FRAMES = 20


def kabsch(q, p):
    qc, pc = q.mean(0), p.mean(0)
    h = (q - qc).T @ (p - pc)
    u, _, vt = np.linalg.svd(h)
    v = vt.T
    d = np.diag([1.0, 1.0, np.sign(np.linalg.det(v @ u.T))])
    r = v @ d @ u.T
    m = np.eye(4)
    m[:3, :3] = r
    m[:3, 3] = pc - r @ qc
    return m.T.reshape(-1)  # Column-major.


def run(model_dir, results, fps):
    info = json.load(open(os.path.join(model_dir, "network_info.json")))["params"]
    c = json.load(open(os.path.join(model_dir, "model_config.json")))["config"]
    data = np.load(os.path.join(model_dir, "model_data.npz"))
    ns, nt = info["num_shapes_skin"], info["num_shapes_tongue"]
    mean = data["shapes_mean_skin"].astype(np.float64)
    basis = data["shapes_matrix_skin"].reshape(ns, -1).astype(np.float64)
    tbasis = data["shapes_matrix_tongue"].reshape(nt, -1).astype(np.float64)
    tmean = data["shapes_mean_tongue"].astype(np.float64)
    jaw0 = data["neutral_jaw"].reshape(5, 3).astype(np.float64)
    sacc = data["saccade_rot_matrix"].reshape(5000, 2).astype(np.float64)
    dt = 1.0 / fps
    y = mean.reshape(-1, 3)[:, 1]
    yn = (y - y.min()) / (y.max() - y.min())
    mask = 1.0 / (1.0 + np.exp(-(c["face_mask_level"] - yn) / c["face_mask_softness"]))
    mask3 = np.repeat(mask, 3)
    alpha_l = 1 - 0.5 ** (dt / c["lower_face_smoothing"])
    alpha_u = 1 - 0.5 ** (dt / c["upper_face_smoothing"])
    blink_offset = 0.0
    out = {"skin": [], "tongue": [], "jaw": [], "eyes": []}
    state = None
    live = 0.0
    for r in results.astype(np.float64):
        cs, ct = r[:ns], r[ns:ns + nt]
        jd = r[ns + nt:ns + nt + 15].reshape(5, 3)
        e = r[ns + nt + 15:ns + nt + 19]
        d = cs @ basis
        d = (c["skin_strength"] * d
             + data["eye_close_pose_delta"] * (blink_offset * c["blink_strength"]
                                               - c["eyelid_open_offset"])
             + data["lip_open_pose_delta"] * c["lip_open_offset"])
        if state is None:
            state = [d.copy(), d.copy(), d.copy(), d.copy()]
        else:
            l1, l2, u1, u2 = state
            l1 = l1 + alpha_l * (d - l1)
            l2 = l2 + alpha_l * (l1 - l2)
            u1 = u1 + alpha_u * (d - u1)
            u2 = u2 + alpha_u * (u1 - u2)
            state = [l1, l2, u1, u2]
        skin = (mean + c["upper_face_strength"] * (1 - mask3) * state[3]
                + c["lower_face_strength"] * mask3 * state[1])
        tongue = (tmean + c["tongue_strength"] * (ct @ tbasis)).reshape(-1, 3)
        tongue[:, 1] += c["tongue_height_offset"]
        tongue[:, 2] += c["tongue_depth_offset"]
        p = jaw0 + c["lower_teeth_strength"] * jd
        p[:, 1] += c["lower_teeth_height_offset"]
        p[:, 2] += c["lower_teeth_depth_offset"]
        idx = int(np.floor(np.mod(c["eye_saccade_seed"] + live, 5000)))
        live = np.mod(live + 30 * dt, 5000)
        s = sacc[idx]
        eb, ss = c["eyeballs_strength"], c["saccade_strength"]
        eyes = [c["right_eye_rot_x_offset"] + eb * e[0] + ss * s[0],
                c["right_eye_rot_y_offset"] + eb * e[1] + ss * s[1], 0.0,
                c["left_eye_rot_x_offset"] + eb * e[2] + ss * s[0],
                c["left_eye_rot_y_offset"] + eb * e[3] + ss * s[1], 0.0]
        out["skin"].append(skin)
        out["tongue"].append(tongue.reshape(-1))
        out["jaw"].append(kabsch(jaw0, p))
        out["eyes"].append(eyes)
    return {k: np.array(v, np.float32) for k, v in out.items()}


def main():
    model_dir, out_path = sys.argv[1], sys.argv[2]
    info = json.load(open(os.path.join(model_dir, "network_info.json")))["params"]
    width = (info["num_shapes_skin"] + info["num_shapes_tongue"] + info["result_jaw_size"]
             + info["result_eyes_size"])
    rng = np.random.RandomState(11)
    results = (rng.normal(size=(NUM_FRAMES, width)) * 0.5).astype(np.float32)
    arrays = {"results": results, "fps": np.array(FPS_LIST, np.float32)}
    for fps in FPS_LIST:
        for key, value in run(model_dir, results, fps).items():
            arrays["%s_%d" % (key, int(fps))] = value
    np.savez(out_path, **arrays)


if __name__ == "__main__":
    main()
