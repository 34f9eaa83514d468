#!/usr/bin/env python3
"""Golden files for dev.perennial.models.io.CheckpointNaming (issue 19 item 4).

Run from the repository root with Debian's torch and torchvision (apt-get install python3-torch python3-torchvision):

    /usr/bin/python3 tools/goldens/naming_goldens.py

Writes models/src/test/resources/goldens/naming/torchvision_vit_tiny.safetensors: the state dict of a tiny
torchvision VisionTransformer (the vit_b_16 class with image 32, patch 8, 2 layers, 3 heads, width 48, MLP 96,
10 classes; random weights, seed 19) under torchvision's own names, plus "__input" (2x3x32x32) and "__logits", the
model's eval-mode output on it. The Java test loads the file into the timm-named ViT with nameMap torchvision and
compares logits. About 220 KB.
"""

import os
import sys

import torch
from torchvision.models.vision_transformer import VisionTransformer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402

OUT = os.path.join("models", "src", "test", "resources", "goldens", "naming")


def main():
    torch.manual_seed(19)
    model = VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=3, hidden_dim=48, mlp_dim=96,
                              num_classes=10).eval()
    # torchvision zero-initialises the head and the class token; random values make the comparison meaningful.
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p) * 0.2)
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        logits = model(x)
    tensors = {k: v.contiguous() for k, v in model.state_dict().items()}
    tensors["__input"] = x
    tensors["__logits"] = logits
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "torchvision_vit_tiny.safetensors")
    st.save(tensors, path, metadata={"torchvision": __import__("torchvision").__version__, "seed": "19"})
    print(path, os.path.getsize(path), "bytes;", len(tensors), "tensors")


if __name__ == "__main__":
    main()
