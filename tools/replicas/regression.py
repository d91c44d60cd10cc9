"""Replica of the A2F-3D regression network (v2.3 Mark / v2.3.1 Claire, James).

Mirrors the training framework's ``conv_w2v_autocorr`` network in its ONNX mode (research note
a2f-sdk.md section 3.1 and 3.4; layer structure checked against the framework's published source,
re-written here, nothing copied):

  input   [B, 1, 8320]  float32   (batch, seq = 1, samples)
  emotion [B, 1, 26]    float32   [implicit 16 | explicit 10]
  result  [B, 1, 301]   float32   [skin PCA 272 | tongue PCA 10 | jaw 15 | eyes 4]   (Mark sizes)

  branch A: wav2vec2-base conv extractor + first transformer layer only (w2v_num_layers = 1),
            learned weighted sum over kept layers, Linear(768, 256) + ReLU   -> [B, 1, 256, 25, 1]
  branch B: x * 8.912028; autocorrelation over 25 windows of 640 samples, hop 320 (gathered with a
            constant index table), DC removal, Hann window, 32 lags, * 1/640 -> [B, 1, 1, 25, 32];
            5 Conv2d along the lag axis, each + NormRelu                   -> [B, 1, 256, 25, 1]
  concat channels (512) -> 4 Conv2d (3x1, stride 2x1) along time 25->13->7->4->2, each + NormRelu and
  concat of [implicit emotion | Linear(10, 8)(explicit)] broadcast over time (Tile)
  -> flatten [B, 1, 560] -> Linear(560, 256) + NormRelu + emotion concat
  -> heads Linear->Linear (skin+jaw+eyes 291), Linear->Linear (tongue 10) -> repack.

NormRelu = leaky_relu(x, 0.0) * sqrt(2) (exported as LeakyRelu(alpha=0) + Mul).
Batch and seq are folded together around each sub-module ("join-apply-split" views), as in the
original, which is what gives the graph its Shape/Gather/Concat/Reshape chains.
Training-only parts (phoneme heads, GDropout, peak normalisation factor) are not in the ONNX graph
and are omitted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from w2v_encoder import EncoderDims, SpeechEncoder


@dataclass
class RegressionDims:
    # torchaudio WAV2VEC2_BASE, first transformer layer only; torchaudio 2.x attention (sdpa, no scale)
    encoder: EncoderDims = field(default_factory=lambda: EncoderDims(num_layers=1, attention="sdpa_shape_scale"))
    w2v_out: int = 256                      # Linear(768 -> 256)
    freq_channels: tuple = (72, 108, 162, 243, 256)
    time_channels: int = 256
    implicit_emo_len: int = 16
    explicit_emo_len: int = 10
    explicit_emo_emb_len: int = 8
    num_shapes_skin: int = 272
    num_shapes_tongue: int = 10
    jaw_size: int = 15
    eyes_size: int = 4
    # audio framing (fixed by the 8320-sample contract; kept in tiny)
    buffer_len: int = 8320
    num_autocorr: int = 32
    num_windows: int = 25
    win_len: int = 640
    win_stride: int = 320


def full_dims() -> RegressionDims:
    return RegressionDims()


def tiny_dims() -> RegressionDims:
    # Same graph, narrow layers; the I/O contract (8320 in, 26 emotion, 301 out) is unchanged.
    enc = EncoderDims(conv_channels=16, embed_dim=32, num_heads=2, ffn_dim=64, num_layers=1,
                      pos_conv_kernel=128, pos_conv_groups=16, attention="sdpa_shape_scale")
    return RegressionDims(encoder=enc, w2v_out=16, freq_channels=(4, 6, 8, 12, 16), time_channels=16)


def norm_relu(x: torch.Tensor) -> torch.Tensor:
    return F.leaky_relu(x, 0.0) * (2.0 ** 0.5)


def join_apply_split(f, x: torch.Tensor) -> torch.Tensor:
    b, s = x.shape[:2]
    y = f(x.reshape([b * s] + list(x.shape)[2:]))
    return y.reshape([b, s] + list(y.shape)[1:])


def concat_emotion(x: torch.Tensor, emo: torch.Tensor) -> torch.Tensor:
    """x [B, S, C, ...], emo [B, S, E] -> channel concat with emo broadcast over trailing axes."""
    if x.dim() == 3:
        return torch.cat((x, emo), dim=2)
    if x.dim() == 5:
        return torch.cat((x, emo[..., None, None].repeat(1, 1, 1, x.shape[3], x.shape[4])), dim=2)
    raise ValueError(x.shape)


class AutoCorrelation(nn.Module):
    def __init__(self, d: RegressionDims):
        super().__init__()
        self.d = d
        w, s = np.ogrid[0:d.num_windows, 0:d.win_len]
        self.register_buffer("win_lut", torch.from_numpy((w * d.win_stride + s).astype(np.int64)),
                             persistent=False)
        # np.hanning in float64, cast to the activations' dtype at use, as in the original.
        self.register_buffer("hann", torch.from_numpy(np.hanning(d.win_len)[None, None, None, :]),
                             persistent=False)

    def forward(self, x):  # [B, S, 8320] -> [B, S, 1, 25, 32]
        d = self.d
        b, s = x.shape[:2]
        win = x[:, :, self.win_lut]                              # [B, S, 25, 640]
        win = win - torch.mean(win, dim=3, keepdim=True)
        win = win * self.hann.to(win)
        win = win.reshape(-1, d.win_len)
        lags = [torch.sum(win[:, : d.win_len - k] * win[:, k:], dim=1) for k in range(d.num_autocorr)]
        ac = torch.stack(lags).t()
        ac = ac.reshape(b, s, 1, d.num_windows, d.num_autocorr)
        return ac * (1.0 / d.win_len)


class RegressionNet(nn.Module):
    AUTOCORR_X_SCALE = 8.912028121636435

    def __init__(self, d: RegressionDims):
        super().__init__()
        self.d = d
        e = d.encoder
        self.w2v = SpeechEncoder(e)
        self.w2v_feature_coeffs = nn.Parameter(torch.ones(e.num_layers))
        self.w2v_linear_mapping = nn.Linear(e.embed_dim, d.w2v_out)

        self.autocorr = AutoCorrelation(d)
        fc = d.freq_channels
        self.freq = nn.ModuleList([
            nn.Conv2d(1, fc[0], (1, 3), stride=(1, 2), padding=(0, 1)),
            nn.Conv2d(fc[0], fc[1], (1, 3), stride=(1, 2), padding=(0, 1)),
            nn.Conv2d(fc[1], fc[2], (1, 3), stride=(1, 2), padding=(0, 1)),
            nn.Conv2d(fc[2], fc[3], (1, 3), stride=(1, 2), padding=(0, 1)),
            nn.Conv2d(fc[3], fc[4], (1, 2), stride=(1, 1), padding=(0, 0)),
        ])
        emo = d.implicit_emo_len + d.explicit_emo_emb_len
        tc = d.time_channels
        self.time = nn.ModuleList([
            nn.Conv2d(d.w2v_out + fc[4], tc, (3, 1), stride=(2, 1), padding=(1, 0)),
            nn.Conv2d(tc + emo, tc, (3, 1), stride=(2, 1), padding=(1, 0)),
            nn.Conv2d(tc + emo, tc, (3, 1), stride=(2, 1), padding=(1, 0)),
            nn.Conv2d(tc + emo, tc, (3, 1), stride=(2, 1), padding=(1, 0)),
        ])
        self.time5 = nn.Linear(2 * (tc + emo), tc)
        sje = d.num_shapes_skin + d.jaw_size + d.eyes_size
        self.linear_skin_jaw_eyes1 = nn.Linear(tc + emo, sje)
        self.linear_skin_jaw_eyes2 = nn.Linear(sje, sje)
        self.linear_tongue1 = nn.Linear(tc + emo, d.num_shapes_tongue)
        self.linear_tongue2 = nn.Linear(d.num_shapes_tongue, d.num_shapes_tongue)
        self.linear_explicit_emo = nn.Linear(d.explicit_emo_len, d.explicit_emo_emb_len)

    def _w2v_weighted(self, wav):  # [N, 8320] -> [N, 25, D]
        feats = torch.stack(self.w2v.layer_outputs(wav), dim=-1)
        return (self.w2v_feature_coeffs * feats).sum(dim=-1) / self.w2v_feature_coeffs.sum()

    def forward(self, input: torch.Tensor, emotion: torch.Tensor) -> torch.Tensor:
        d = self.d
        implicit = emotion[:, :, : d.implicit_emo_len]
        explicit = emotion[:, :, d.implicit_emo_len:]
        explicit_emb = self.linear_explicit_emo(explicit)

        # branch A (w2v_x_scale is 1.0 in the original: x * 1.0 is traced, then folded)
        xa = join_apply_split(self._w2v_weighted, input * 1.0)          # [B, S, 25, D]
        xa = torch.relu(self.w2v_linear_mapping(xa))                    # [B, S, 25, 256]
        xa = xa.permute(0, 1, 3, 2)[..., None]                          # [B, S, 256, 25, 1]

        # branch B
        xb = self.autocorr(input * self.AUTOCORR_X_SCALE)
        for conv in self.freq:
            xb = norm_relu(join_apply_split(conv, xb))                  # -> [B, S, 256, 25, 1]

        x = torch.cat([xa, xb], dim=-3)
        for conv in self.time:
            x = norm_relu(join_apply_split(conv, x))
            x = concat_emotion(x, implicit)
            x = concat_emotion(x, explicit_emb)
        x = x.reshape(x.shape[0], x.shape[1], -1)
        x = norm_relu(join_apply_split(self.time5, x))
        x = concat_emotion(x, implicit)
        x = concat_emotion(x, explicit_emb)

        sje = join_apply_split(self.linear_skin_jaw_eyes1, x)
        sje = join_apply_split(self.linear_skin_jaw_eyes2, sje)
        tongue = join_apply_split(self.linear_tongue1, x)
        tongue = join_apply_split(self.linear_tongue2, tongue)
        ns = d.num_shapes_skin
        return torch.cat((sje[:, :, :ns], tongue, sje[:, :, ns:]), dim=2)


INPUT_NAMES = ["input", "emotion"]
OUTPUT_NAMES = ["result"]
# As the framework's export: batch only, named "batch_size".
DYNAMIC_AXES = {"input": {0: "batch_size"}, "emotion": {0: "batch_size"}, "result": {0: "batch_size"}}


def make_inputs(d: RegressionDims, batch: int, seed: int) -> dict:
    rng = np.random.RandomState(seed)
    t = np.arange(d.buffer_len) / 16000.0
    audio = np.zeros((batch, 1, d.buffer_len))
    for b in range(batch):
        f0 = rng.uniform(90, 260)
        for h in range(1, 6):
            audio[b, 0] += rng.uniform(0.02, 0.12) / h * np.sin(2 * np.pi * f0 * h * t + rng.uniform(0, 6.3))
        audio[b, 0] += 0.01 * rng.randn(d.buffer_len)
    implicit = 0.5 * rng.randn(batch, 1, d.implicit_emo_len)
    explicit = rng.uniform(0, 1, (batch, 1, d.explicit_emo_len)) * (rng.uniform(size=(batch, 1, d.explicit_emo_len)) < 0.3)
    return {
        "input": audio.astype(np.float32),
        "emotion": np.concatenate([implicit, explicit], axis=2).astype(np.float32),
    }
