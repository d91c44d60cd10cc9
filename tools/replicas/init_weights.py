"""Deterministic weight initialisation for the replicas.

PyTorch's default init shrinks activations layer after layer (kaiming-uniform with a = sqrt(5) gives
std 1/sqrt(3 fan_in)) while biases stay comparatively large, so in a random deep stack the output
ends up dominated by the last biases and barely depends on the audio. A test set built like that
would not notice a wrong Conv deep in the audio branch of a runtime. Here every Linear / Conv gets
N(0, 1/fan_in) weights and small biases, and every norm layer gets non-trivial scale and shift (so a
runtime that ignores gamma/beta fails), which keeps the outputs sensitive to every input.
Call after torch.manual_seed(); the draw order is the module registration order.
"""

import math

import torch
import torch.nn as nn


def init_replica_weights(model: nn.Module) -> None:
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, (nn.Linear, nn.Conv1d, nn.Conv2d)):
                if hasattr(mod, "weight_v"):                 # weight-normed conv: weight = g * v / |v|
                    v = mod.weight_v
                    fan_in = v.shape[1] * math.prod(v.shape[2:])
                    v.normal_(0.0, 1.0 / math.sqrt(fan_in))
                    mod.weight_g.copy_(torch.norm_except_dim(v, 2, 2))
                else:
                    w = mod.weight
                    fan_in = w.shape[1] * math.prod(w.shape[2:])
                    w.normal_(0.0, 1.0 / math.sqrt(fan_in))
                if mod.bias is not None:
                    mod.bias.normal_(0.0, 0.02)
            elif isinstance(mod, (nn.LayerNorm, nn.GroupNorm)):
                mod.weight.copy_(1.0 + 0.2 * torch.randn_like(mod.weight))
                mod.bias.normal_(0.0, 0.1)
