"""Replica of the A2F-3D v3.0 diffusion network with its 2-step DDPM sampler unrolled.

Research note a2f-sdk.md sections 2.3, 3.2 and 3.4; layer structure checked against the training
framework's published ``diffusion_rnn`` network, ``convert_onnx.py`` wrapper and the vendored
guided-diffusion sampler (re-written here, nothing copied).

ONNX contract (full size; batch axis dynamic, as the framework's export):
  window         [B, 16000]           float32
  identity       [B, 3]               float32   one-hot Claire, James, Mark
  emotion        [B, 30, 10]          float32   per centre frame
  input_latents  [2, 2, B, 256]       float32   [diffusion step, GRU layer, batch, hidden]
  noise          [B, 3, 60, 88831]    float32   slot 2 = x_T, slot 1 = step-1 noise, slot 0 masked
  prediction     [B, 60, 88831]       float32   frames 15..44 meaningful
  output_latents [2, 2, B, 256]       float32

Denoiser (one call per sampling step, GRU state slot chosen by the step):
  HuBERT-base(window).last_hidden_state [B, 49, 768] -> linear resample (align corners) to 60
  frames -> Linear(768, 256)
  noisy geometry x_t [B, 60, 88831] -> per-part embeddings (skin Linear(72006, 512) + Conv1d(1,1,9)
  + ReLU; tongue Linear(16806, 20) + Conv1d + ReLU; jaw/eye 2-layer MLPs) -> MLP -> 285
  timestep one-hot (1000) -> Linear(1000, 256) + Mish; identity Linear(3, 32, no bias);
  emotion Linear(10, 32, no bias)
  concat on the 30 centre frames (861) -> GRU(861, 256, 2 layers, batch_first) with that step's
  state -> heads Linear-ReLU-Linear per part + identity mean geometry -> zero-pad to 60 frames
Sampler: cosine schedule, 1000 steps respaced to {0, 999}, x0 prediction, fixed-small variance;
  x = noise[:, 2]; for i in (1, 0): x0 = net(x, t_i); x = mean(x0, x) + [i != 0] exp(0.5 logvar) noise[:, i]
  then delta conversion: skin/tongue (x - mean geometry) * scale, jaw/eyes * scale (per identity,
  chosen by identity @ table).

The traced graph keeps the original's dynamic-index constructs: torch.full((B,), i) timesteps,
Gather from float64 schedule tables + Cast, NonZero/Equal to pick the GRU state slot, index_put
(ScatterND) to write it back into the latents, slice-assignment for the delta conversion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn

from w2v_encoder import EncoderDims, SpeechEncoder


@dataclass
class DiffusionDims:
    encoder: EncoderDims = field(default_factory=lambda: EncoderDims(num_layers=12))
    feature_dim: int = 256
    skin_dim: int = 72006          # 24002 verts * 3
    tongue_dim: int = 16806        # 5602 verts * 3
    jaw_dim: int = 15
    eye_dim: int = 4
    tongue_latent_dim: int = 10
    jaw_latent_dim: int = 15
    eye_latent_dim: int = 4
    gru_dim: int = 256
    num_gru_layers: int = 2
    emo_embedding_dim: int = 32
    actor_embedding_dim: int = 32
    num_identities: int = 3
    num_emotions: int = 10
    diffusion_steps: int = 1000    # training schedule length (one-hot width)
    sampling_steps: int = 2        # respaced
    window: int = 16000
    frames: int = 60
    left_truncate: int = 15
    right_truncate: int = 15
    center_frames: int = 30

    @property
    def total_dim(self) -> int:
        return self.skin_dim + self.tongue_dim + self.jaw_dim + self.eye_dim


def full_dims() -> DiffusionDims:
    return DiffusionDims()


def tiny_dims() -> DiffusionDims:
    # Time axes (16000 samples, 49 -> 60 frames, 15/30/15 split), 3 identities, 10 emotions and
    # the 2 sampling steps are kept. Widths shrink: geometry 24 skin + 6 tongue verts, hidden 16,
    # HuBERT 2 layers x 32, and a 50-step training schedule (one-hot width 50 instead of 1000).
    enc = EncoderDims(conv_channels=16, embed_dim=32, num_heads=2, ffn_dim=64, num_layers=2,
                      pos_conv_kernel=128, pos_conv_groups=16)
    return DiffusionDims(encoder=enc, feature_dim=16, skin_dim=72, tongue_dim=18, gru_dim=16,
                         emo_embedding_dim=8, actor_embedding_dim=8, diffusion_steps=50)


# ---------------------------------------------------------------- schedule (float64, like the original)

def cosine_betas(n: int, max_beta: float = 0.999) -> np.ndarray:
    f = lambda t: math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
    return np.array([min(1 - f((i + 1) / n) / f(i / n), max_beta) for i in range(n)], dtype=np.float64)


def space_timesteps(n: int, count: int) -> list:
    if count <= 1:
        return [0]
    stride = (n - 1) / (count - 1)
    return sorted({round(i * stride) for i in range(count)})


class RespacedSchedule:
    """Posterior coefficients of the respaced process (x0-prediction, fixed-small variance)."""

    def __init__(self, n: int, count: int):
        base = np.cumprod(1.0 - cosine_betas(n))
        self.timestep_map = space_timesteps(n, count)
        last, betas = 1.0, []
        for i in self.timestep_map:
            betas.append(1 - base[i] / last)
            last = base[i]
        betas = np.array(betas, dtype=np.float64)
        ac = np.cumprod(1.0 - betas)
        ac_prev = np.append(1.0, ac[:-1])
        self.posterior_variance = betas * (1.0 - ac_prev) / (1.0 - ac)
        self.posterior_log_variance_clipped = np.log(
            np.append(self.posterior_variance[1], self.posterior_variance[1:]))
        self.posterior_mean_coef1 = betas * np.sqrt(ac_prev) / (1.0 - ac)
        self.posterior_mean_coef2 = (1.0 - ac_prev) * np.sqrt(1.0 - betas) / (1.0 - ac)


def extract(arr: np.ndarray, t: torch.Tensor, shape) -> torch.Tensor:
    """table[t] (float64 -> float32), unsqueezed and expanded to ``shape``."""
    res = torch.from_numpy(arr)[t].float()
    while res.dim() < len(shape):
        res = res[..., None]
    return res.expand(shape)


# ---------------------------------------------------------------- denoiser

def mlp(i: int, o: int, ratio: float) -> nn.Sequential:
    h = int(i * ratio)
    return nn.Sequential(nn.Linear(i, h), nn.ReLU(), nn.Linear(h, o))


def linear_resample_align_corners(x: torch.Tensor, out_len: int) -> torch.Tensor:
    """[B, C, L] -> [B, C, out_len]; the framework's linear1d(align_corners=True)."""
    b, c, length = x.shape
    length_t = torch.tensor(length, dtype=torch.float32)
    scale = torch.clip((length_t - 1.0) / (out_len - 1.0), min=0.0)
    pos = torch.arange(out_len) * scale
    lo_f = torch.floor(pos)
    w = pos - lo_f
    lo = torch.clip(lo_f, min=0).to(torch.int64)
    hi = torch.clip(torch.ceil(pos), max=length - 1).to(torch.int64)
    flat = x.reshape(b * c, length)
    return (flat[:, lo] * (1 - w) + flat[:, hi] * w).reshape(b, c, out_len)


class GeometryEmbedding(nn.Module):
    def __init__(self, d: DiffusionDims):
        super().__init__()
        self.d = d
        f, tl, jl, el = d.feature_dim, d.tongue_latent_dim, d.jaw_latent_dim, d.eye_latent_dim
        self.skin = nn.Sequential(nn.Linear(d.skin_dim, 2 * f), nn.Conv1d(1, 1, 9, padding=4), nn.ReLU())
        self.tongue = nn.Sequential(nn.Linear(d.tongue_dim, 2 * tl), nn.Conv1d(1, 1, 9, padding=4), nn.ReLU())
        self.jaw = nn.Sequential(nn.Linear(d.jaw_dim, 2 * jl), nn.ReLU(), nn.Linear(2 * jl, 2 * jl), nn.ReLU())
        self.eye = nn.Sequential(nn.Linear(d.eye_dim, 2 * el), nn.ReLU(), nn.Linear(2 * el, 2 * el), nn.ReLU())
        s = f + tl + jl + el
        self.final = nn.Sequential(nn.Linear(2 * s, 2 * s), nn.ReLU(), nn.Linear(2 * s, s))

    def forward(self, g):  # [T, B, D] -> [T, B, 285]
        d = self.d
        a, b = d.skin_dim, d.skin_dim + d.tongue_dim
        c = b + d.jaw_dim
        skin, tongue, jaw, eye = g[:, :, :a], g[:, :, a:b], g[:, :, b:c], g[:, :, c:]
        t, n, v = skin.shape
        skin = self.skin(skin.reshape(-1, 1, v)).reshape(t, n, -1)
        t, n, v = tongue.shape
        tongue = self.tongue(tongue.reshape(-1, 1, v)).reshape(t, n, -1)
        return self.final(torch.cat((skin, tongue, self.jaw(jaw), self.eye(eye)), dim=2))


class Denoiser(nn.Module):
    def __init__(self, d: DiffusionDims, sampled_timesteps: list, rng: np.random.RandomState):
        super().__init__()
        self.d = d
        self.audio_model = SpeechEncoder(d.encoder)
        self.proj_hubert = nn.Linear(d.encoder.embed_dim, d.feature_dim)
        self.geometry_embedding = GeometryEmbedding(d)
        self.proj_time = nn.Sequential(nn.Linear(d.diffusion_steps, d.feature_dim), nn.Mish())
        s = d.feature_dim + d.tongue_latent_dim + d.jaw_latent_dim + d.eye_latent_dim
        gru_in = 2 * d.feature_dim + s + d.emo_embedding_dim + d.actor_embedding_dim
        self.gru = nn.GRU(gru_in, d.gru_dim, num_layers=d.num_gru_layers, batch_first=True, dropout=0.3)
        self.final_layer_skin = mlp(d.gru_dim, d.skin_dim, 2)
        self.final_layer_tongue = mlp(d.gru_dim, d.tongue_dim, 2)
        self.final_layer_jaw = mlp(d.gru_dim, d.jaw_dim, 0.5)
        self.final_layer_eye = mlp(d.gru_dim, d.eye_dim, 0.5)
        self.embed_actor = nn.Linear(d.num_identities, d.actor_embedding_dim, bias=False)
        self.embed_emo_vector = nn.Linear(d.num_emotions, d.emo_embedding_dim, bias=False)

        self.register_buffer("onehot_diffsteps", torch.eye(d.diffusion_steps), persistent=False)
        self.register_buffer("timestep_idx", torch.tensor(sorted(sampled_timesteps)), persistent=False)
        # Per-identity training data: mean geometry (normalised space) and de-normalisation scales.
        # Random stand-ins here (the real ones come from the training data_info).
        f32 = lambda a: torch.from_numpy(np.asarray(a, dtype=np.float32))
        self.register_buffer("mean_geometry", f32(0.5 * rng.randn(d.num_identities, d.total_dim)), persistent=False)
        self.register_buffer("scale_skin", f32(rng.uniform(0.5, 2.0, d.num_identities)), persistent=False)
        self.register_buffer("scale_tongue", f32(rng.uniform(0.5, 2.0, d.num_identities)), persistent=False)
        self.register_buffer("scale_jaw", f32(rng.uniform(0.5, 2.0, d.num_identities)), persistent=False)
        self.register_buffer("scale_eye", f32(rng.uniform(0.5, 2.0, d.num_identities)), persistent=False)

    def forward(self, x, t, audio, identity, emotion, h_all):
        """x [B, 60, D] noisy geometry, t [B] int64 original timestep; returns (x0 [B, 60, D], h_all)."""
        d = self.d
        lt, c = d.left_truncate, d.center_frames
        b = x.shape[0]
        slot = torch.nonzero(self.timestep_idx == t[0])[0, 0]
        h = h_all[slot]
        t1h = self.onehot_diffsteps[t]

        mean_geometry = (identity @ self.mean_geometry).unsqueeze(1)
        actor = self.embed_actor(identity)
        emo = self.embed_emo_vector(emotion)                                 # [B, 30, E]

        geom = self.geometry_embedding(x.permute(1, 0, 2)).permute(1, 0, 2)  # [B, 60, 285]
        hidden = self.audio_model(audio)                                    # [B, 49, 768]
        frames = geom.shape[1]
        hidden = linear_resample_align_corners(hidden.transpose(1, 2), frames).transpose(1, 2)
        hidden = hidden.reshape(b, frames, -1)
        hidden, geom = hidden[:, :frames], geom[:, :frames]

        hub = self.proj_hubert(hidden)
        tt = self.proj_time(t1h).repeat(frames, 1, 1).permute(1, 0, 2)
        actor = actor.unsqueeze(1).repeat(1, frames, 1)
        tokens = torch.cat([hub[:, lt:lt + c], geom[:, lt:lt + c], actor[:, lt:lt + c],
                            tt[:, lt:lt + c], emo], dim=-1)                  # [B, 30, 861]
        out, h = self.gru(tokens, h)
        h_all[slot] = h

        out = torch.cat([self.final_layer_skin(out), self.final_layer_tongue(out),
                         self.final_layer_jaw(out), self.final_layer_eye(out)], dim=-1) + mean_geometry
        out = torch.cat([torch.zeros([b, lt, out.shape[2]]), out,
                         torch.zeros([b, d.right_truncate, out.shape[2]])], dim=1)
        return out, h_all


class DiffusionReplica(nn.Module):
    """The exported wrapper: sampler + denoiser + delta conversion."""

    def __init__(self, d: DiffusionDims, seed: int = 0):
        super().__init__()
        self.d = d
        self.sched = RespacedSchedule(d.diffusion_steps, d.sampling_steps)
        self.net = Denoiser(d, self.sched.timestep_map, np.random.RandomState(seed + 1000))

    def forward(self, window, identity, emotion, input_latents, noise):
        d, s = self.d, self.sched
        b = window.shape[0]
        shape = (b, d.frames, d.total_dim)
        img = noise[:, -1]
        h_all = input_latents
        for i in reversed(range(len(s.timestep_map))):
            t = torch.full((shape[0],), i)
            ts = torch.tensor(s.timestep_map, dtype=t.dtype)[t]         # respaced -> original step
            x0, h_all = self.net(img, ts, window, identity, emotion, h_all)
            mean = extract(s.posterior_mean_coef1, t, img.shape) * x0 + extract(s.posterior_mean_coef2, t, img.shape) * img
            log_var = extract(s.posterior_log_variance_clipped, t, img.shape)
            nonzero = (t != 0).float().view(-1, 1, 1)
            img = mean + nonzero * torch.exp(0.5 * log_var) * noise[:, i]

        # delta output: (x - identity mean) * identity scale, in place on the sample
        net = self.net
        out = img
        a, c = d.skin_dim, d.skin_dim + d.tongue_dim
        mg = identity @ net.mean_geometry
        scale = identity @ net.scale_skin
        tongue_scale = identity @ net.scale_tongue
        jaw_scale = identity @ net.scale_jaw
        eye_scale = identity @ net.scale_eye
        out[:, :, :a] = (out[:, :, :a] - mg[:, None, :a]) * scale[:, None, None]
        out[:, :, a:c] = (out[:, :, a:c] - mg[:, None, a:c]) * tongue_scale[:, None, None]
        out[:, :, c:c + d.jaw_dim] = out[:, :, c:c + d.jaw_dim] * jaw_scale[:, None, None]
        out[:, :, -d.eye_dim:] = out[:, :, -d.eye_dim:] * eye_scale[:, None, None]
        return out, h_all


INPUT_NAMES = ["window", "identity", "emotion", "input_latents", "noise"]
OUTPUT_NAMES = ["prediction", "output_latents"]
# As the framework's export: list form, so every tensor gets its own generated dim_param name.
DYNAMIC_AXES = {"window": [0], "identity": [0], "emotion": [0], "input_latents": [2], "noise": [0],
                "prediction": [0], "output_latents": [2]}


def make_inputs(d: DiffusionDims, batch: int, seed: int, zero_latents: bool = False) -> dict:
    rng = np.random.RandomState(seed)
    t = np.arange(d.window) / 16000.0
    audio = np.zeros((batch, d.window))
    for b in range(batch):
        f0 = rng.uniform(90, 260)
        env = 0.5 + 0.5 * np.sin(2 * np.pi * rng.uniform(2, 5) * t)
        for h in range(1, 6):
            audio[b] += env * rng.uniform(0.02, 0.12) / h * np.sin(2 * np.pi * f0 * h * t + rng.uniform(0, 6.3))
        audio[b] += 0.01 * rng.randn(d.window)
    identity = np.eye(d.num_identities)[[(2 * b) % d.num_identities for b in range(batch)]]
    emotion = rng.uniform(0, 1, (batch, d.center_frames, d.num_emotions)) * (rng.uniform(size=(batch, 1, d.num_emotions)) < 0.3)
    latents = np.zeros((d.sampling_steps, d.num_gru_layers, batch, d.gru_dim)) if zero_latents else \
        0.5 * rng.randn(d.sampling_steps, d.num_gru_layers, batch, d.gru_dim)
    noise = rng.randn(batch, d.sampling_steps + 1, d.frames, d.total_dim)
    return {
        "window": audio.astype(np.float32),
        "identity": identity.astype(np.float32),
        "emotion": emotion.astype(np.float32),
        "input_latents": latents.astype(np.float32),
        "noise": noise.astype(np.float32),
    }
