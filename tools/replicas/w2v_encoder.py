"""wav2vec2 / HuBERT style speech encoder, written for the replicas (random weights).

Both torchaudio's ``WAV2VEC2_BASE`` (used by the A2F regression network) and Hugging Face's
``HubertModel`` for ``facebook/hubert-base-ls960`` (used by the A2F v3.0 diffusion network) are, at
inference time and without attention masks, the same computation:

  waveform [N, L]
    -> 7 x Conv1d (bias=False), kernels 10,3,3,3,3,2,2 / strides 5,2,2,2,2,2,2, C channels;
       GroupNorm(C, C) after the first conv only ("group_norm" extractor mode); GELU after each
    -> transpose to [N, T, C]
    -> feature projection: LayerNorm(C) -> Linear(C, D)
    -> + positional conv: Conv1d(D, D, K=128, padding=K//2, groups=16, weight-normed along dim 2),
       drop the last frame (K even), GELU
    -> LayerNorm(D)                                   (post-LN variant: layer_norm_first = False)
    -> L x post-LN transformer layer:
          x = LN(x + SelfAttention(x)); x = LN(x + Linear(GELU(Linear(x))))
  -> [N, T, D]

T = 25 frames for 8320 samples, 49 frames for 16000 samples.

Written from the published descriptions of those models; no code copied. The module layout and
the op sequence the tracer sees are what matter for the ONNX graph: Conv, InstanceNormalization
(GroupNorm export), Erf GELU, LayerNormalization (opset 17) or its ReduceMean/Sub/Pow/Sqrt/Div
decomposition (opset < 17), MatMul/Add for Linear on 3-D tensors, Softmax, Reshape/Transpose.
Attention is written so that the traced ops match what torch 2.x exports for
F.scaled_dot_product_attention (see EncoderDims.attention).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class EncoderDims:
    conv_channels: int = 512          # C
    conv_kernels: tuple = (10, 3, 3, 3, 3, 2, 2)
    conv_strides: tuple = (5, 2, 2, 2, 2, 2, 2)
    embed_dim: int = 768              # D
    num_heads: int = 12
    ffn_dim: int = 3072
    num_layers: int = 12
    pos_conv_kernel: int = 128
    pos_conv_groups: int = 16
    layer_norm_eps: float = 1e-5
    # How attention is written, which decides the traced op pattern:
    #  "sdpa_shape_scale": torchaudio >= 2.1 SelfAttention, F.scaled_dot_product_attention without a
    #                      scale -> exporter computes 1/sqrt(head_dim) from Shape/Slice/Cast/Sqrt/Div
    #  "sdpa_const_scale": transformers 4.52 (sdpa attention) passes scale=head_dim**-0.5 -> constant
    #  "eager":            scaling * q @ k^T (older torchaudio / transformers eager attention)
    # torch 1.13 has no F.scaled_dot_product_attention; the sdpa modes write out the decomposition
    # torch 2.x's ONNX exporter emits for it (opset 14 symbolic): q * sqrt(s) @ (k^T * sqrt(s)).
    attention: str = "sdpa_const_scale"


class ConvFeatureExtractor(nn.Module):
    def __init__(self, d: EncoderDims):
        super().__init__()
        convs = []
        in_ch = 1
        for k, s in zip(d.conv_kernels, d.conv_strides):
            convs.append(nn.Conv1d(in_ch, d.conv_channels, k, stride=s, bias=False))
            in_ch = d.conv_channels
        self.convs = nn.ModuleList(convs)
        # "group_norm" mode: one GroupNorm with groups == channels, after the first conv only.
        self.norm0 = nn.GroupNorm(d.conv_channels, d.conv_channels, affine=True)

    def forward(self, wav: torch.Tensor) -> torch.Tensor:  # [N, L] -> [N, T, C]
        x = wav.unsqueeze(1)
        for i, conv in enumerate(self.convs):
            x = conv(x)
            if i == 0:
                x = self.norm0(x)
            x = F.gelu(x)
        return x.transpose(1, 2)


class FeatureProjection(nn.Module):
    def __init__(self, d: EncoderDims):
        super().__init__()
        self.layer_norm = nn.LayerNorm(d.conv_channels, eps=d.layer_norm_eps)
        self.projection = nn.Linear(d.conv_channels, d.embed_dim)

    def forward(self, x):
        return self.projection(self.layer_norm(x))


class PositionalConv(nn.Module):
    def __init__(self, d: EncoderDims):
        super().__init__()
        conv = nn.Conv1d(d.embed_dim, d.embed_dim, d.pos_conv_kernel,
                         padding=d.pos_conv_kernel // 2, groups=d.pos_conv_groups)
        # Both reference implementations weight-normalise this conv over dim 2.
        self.conv = nn.utils.weight_norm(conv, name="weight", dim=2)
        self.num_remove = 1 if d.pos_conv_kernel % 2 == 0 else 0

    def forward(self, x):  # [N, T, D]
        x = x.transpose(1, 2)
        x = self.conv(x)
        if self.num_remove:
            x = x[:, :, : -self.num_remove]
        x = F.gelu(x)
        return x.transpose(1, 2)


class SelfAttention(nn.Module):
    def __init__(self, d: EncoderDims):
        super().__init__()
        self.num_heads = d.num_heads
        self.head_dim = d.embed_dim // d.num_heads
        self.scaling = self.head_dim ** -0.5
        self.mode = d.attention
        if self.mode not in ("sdpa_shape_scale", "sdpa_const_scale", "eager"):
            raise ValueError(self.mode)
        self.q_proj = nn.Linear(d.embed_dim, d.embed_dim)
        self.k_proj = nn.Linear(d.embed_dim, d.embed_dim)
        self.v_proj = nn.Linear(d.embed_dim, d.embed_dim)
        self.out_proj = nn.Linear(d.embed_dim, d.embed_dim)

    def forward(self, x):  # [N, T, D]
        n, t, dim = x.shape
        shape = (n, t, self.num_heads, self.head_dim)
        q = self.q_proj(x).view(shape).transpose(1, 2)           # [N, H, T, hd]
        k = self.k_proj(x).view(shape).transpose(1, 2)
        v = self.v_proj(x).view(shape).transpose(1, 2)
        if self.mode == "eager":
            w = (self.scaling * q) @ k.transpose(2, 3)
        else:
            if self.mode == "sdpa_shape_scale":
                hd = torch._shape_as_tensor(q)[-1:].to(q.dtype)
                scale = torch.tensor([1.0]) / torch.sqrt(hd)
            else:
                scale = torch.tensor(self.scaling)
            root = torch.sqrt(scale)
            w = (q * root) @ (k.transpose(2, 3) * root)
        w = torch.softmax(w, dim=-1)
        o = (w @ v).transpose(1, 2).reshape(n, t, dim)
        return self.out_proj(o)


class FeedForward(nn.Module):
    def __init__(self, d: EncoderDims):
        super().__init__()
        self.intermediate_dense = nn.Linear(d.embed_dim, d.ffn_dim)
        self.output_dense = nn.Linear(d.ffn_dim, d.embed_dim)

    def forward(self, x):
        return self.output_dense(F.gelu(self.intermediate_dense(x)))


class EncoderLayer(nn.Module):
    """Post-LN layer (wav2vec2-base / hubert-base: layer_norm_first = do_stable_layer_norm = False)."""

    def __init__(self, d: EncoderDims):
        super().__init__()
        self.attention = SelfAttention(d)
        self.layer_norm = nn.LayerNorm(d.embed_dim, eps=d.layer_norm_eps)
        self.feed_forward = FeedForward(d)
        self.final_layer_norm = nn.LayerNorm(d.embed_dim, eps=d.layer_norm_eps)

    def forward(self, x):
        x = self.layer_norm(x + self.attention(x))
        x = self.final_layer_norm(x + self.feed_forward(x))
        return x


class SpeechEncoder(nn.Module):
    """Returns the hidden states after each kept transformer layer (list of [N, T, D])."""

    def __init__(self, d: EncoderDims):
        super().__init__()
        self.dims = d
        self.feature_extractor = ConvFeatureExtractor(d)
        self.feature_projection = FeatureProjection(d)
        self.pos_conv = PositionalConv(d)
        self.layer_norm = nn.LayerNorm(d.embed_dim, eps=d.layer_norm_eps)
        self.layers = nn.ModuleList([EncoderLayer(d) for _ in range(d.num_layers)])

    def layer_outputs(self, wav: torch.Tensor) -> list:
        x = self.feature_projection(self.feature_extractor(wav))
        x = self.layer_norm(x + self.pos_conv(x))
        outs = []
        for layer in self.layers:
            x = layer(x)
            outs.append(x)
        return outs

    def forward(self, wav: torch.Tensor) -> torch.Tensor:
        """last_hidden_state."""
        return self.layer_outputs(wav)[-1]
