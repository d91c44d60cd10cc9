"""Replica of Audio2Emotion v2.2 (the A2E classifier the A2F SDK runs before the face network).

Research note a2f-sdk.md sections 2.3, 2.8 and 3.3 give only the contract:
  input_values [B, L]  float32  raw 16 kHz audio, L chosen at run time (profile 5000..60000)
  output       [B, 6]  float32  logits for angry, disgust, fear, happy, neutral, sad
and "wav2vec2-based". Everything inside is a GUESS, chosen as the most common wav2vec2 audio
classifier layout (Hugging Face Wav2Vec2ForSequenceClassification on a wav2vec2-base encoder):

  (guess) per-utterance standardisation inside the graph: (x - mean) / sqrt(var + 1e-7), the
          Wav2Vec2FeatureExtractor normalisation, since the SDK feeds raw audio
  wav2vec2-base encoder (group-norm conv extractor, 12 post-LN layers x 768)  -> [B, T, 768]
  projector Linear(768, 256) -> mean over time -> classifier Linear(256, 6)

Verify against the real ONNX (python3-onnx) before relying on any of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn

from w2v_encoder import EncoderDims, SpeechEncoder


@dataclass
class A2EDims:
    encoder: EncoderDims = field(default_factory=lambda: EncoderDims(num_layers=12))
    proj_dim: int = 256
    num_classes: int = 6
    normalize_input: bool = True


def full_dims() -> A2EDims:
    return A2EDims()


def tiny_dims() -> A2EDims:
    enc = EncoderDims(conv_channels=16, embed_dim=32, num_heads=2, ffn_dim=64, num_layers=2,
                      pos_conv_kernel=128, pos_conv_groups=16)
    return A2EDims(encoder=enc, proj_dim=16)


class A2EReplica(nn.Module):
    def __init__(self, d: A2EDims):
        super().__init__()
        self.d = d
        self.wav2vec2 = SpeechEncoder(d.encoder)
        self.projector = nn.Linear(d.encoder.embed_dim, d.proj_dim)
        self.classifier = nn.Linear(d.proj_dim, d.num_classes)

    def forward(self, input_values: torch.Tensor) -> torch.Tensor:
        x = input_values
        if self.d.normalize_input:
            mean = x.mean(dim=-1, keepdim=True)
            var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
            x = (x - mean) / torch.sqrt(var + 1e-7)
        h = self.projector(self.wav2vec2(x))
        return self.classifier(h.mean(dim=1))


INPUT_NAMES = ["input_values"]
OUTPUT_NAMES = ["output"]
DYNAMIC_AXES = {"input_values": {0: "batch_size", 1: "sequence_length"}, "output": {0: "batch_size"}}


def make_inputs(d: A2EDims, batch: int, length: int, seed: int) -> dict:
    rng = np.random.RandomState(seed)
    t = np.arange(length) / 16000.0
    audio = np.zeros((batch, length))
    for b in range(batch):
        f0 = rng.uniform(90, 260)
        env = 0.5 + 0.5 * np.sin(2 * np.pi * rng.uniform(2, 5) * t)
        for h in range(1, 6):
            audio[b] += env * rng.uniform(0.02, 0.12) / h * np.sin(2 * np.pi * f0 * h * t + rng.uniform(0, 6.3))
        audio[b] += 0.01 * rng.randn(length)
    return {"input_values": audio.astype(np.float32)}
