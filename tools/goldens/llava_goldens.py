"""Golden file for llava-adapter/: LLaVA-1.5 preprocessing (PIL) and the image splice + forward of a tiny LLaVA.

Run from the repository root with Debian's torch and PIL (no transformers needed):

    /usr/bin/python3 tools/goldens/llava_goldens.py

The model reuses the plain-torch HF CLIP vision tower and HF LLaMA of transformer_goldens.py (same module names
as transformers, so state_dict() names are the llava-hf names once prefixed) plus LLaVA's mlp2x_gelu projector
(linear_1, exact GELU, linear_2). Preprocessing is LLaVA-1.5's: expand2square with the mean colour
int(mean * 255), PIL bicubic resize, rescale 1/255, CLIP mean/std.

The file holds, as float32 safetensors (ints as I64, image bytes as U8):
    vision_tower.* / multi_modal_projector.* / language_model.*  the weights under llava-hf names
    input.image<k> (H, W, 3) uint8, output.pixels<k> (3, S, S)  preprocessing cases
    input.ids (1, n), input.labels (1, n)                        a prompt with one image token (id 3)
    output.logits (1, n - 1 + patches, vocab), output.loss ()    HF LlavaForConditionalGeneration semantics
"""

import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402
import transformer_goldens as tg  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "llava-adapter", "src", "test", "resources", "goldens")
MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)
SIZE = 16
IMAGE_TOKEN = 3


def expand2square(img, background):
    """LLaVA's llava/mm_utils.py expand2square."""
    width, height = img.size
    if width == height:
        return img
    if width > height:
        result = Image.new(img.mode, (width, width), background)
        result.paste(img, (0, (width - height) // 2))
        return result
    result = Image.new(img.mode, (height, height), background)
    result.paste(img, ((height - width) // 2, 0))
    return result


def preprocess(arr):
    img = Image.fromarray(arr, "RGB")
    img = expand2square(img, tuple(int(x * 255) for x in MEAN))
    img = img.resize((SIZE, SIZE), resample=Image.BICUBIC)
    x = torch.from_numpy(np.asarray(img, dtype=np.float32) / 255.0).permute(2, 0, 1)
    return (x - torch.tensor(MEAN)[:, None, None]) / torch.tensor(STD)[:, None, None]


class Projector(nn.Module):
    def __init__(self, vision, text):
        super().__init__()
        self.linear_1 = nn.Linear(vision, text)
        self.linear_2 = nn.Linear(text, text)

    def forward(self, x):
        return self.linear_2(F.gelu(self.linear_1(x)))


class Llava(nn.Module):
    def __init__(self):
        super().__init__()
        self.vision_tower = tg.ClipVisionModel(img=SIZE, patch=4, dim=24, heads=4, hidden=48, layers=3)
        self.multi_modal_projector = Projector(24, 32)
        self.language_model = tg.LlamaForCausalLM(vocab=40, dim=32, layers=2, heads=4, kv_heads=2, hidden=64,
                                                  eps=1e-6, theta=10000.0)

    def forward(self, ids, pixels):
        _, _, hidden = self.vision_tower(pixels)
        feats = self.multi_modal_projector(hidden[-2][:, 1:])  # penultimate layer, class token dropped
        lm = self.language_model
        parts = []
        start = 0
        image = 0
        row = ids[0].tolist()
        for p, t in enumerate(row + [None]):
            if t is None or t == IMAGE_TOKEN:
                if p > start:
                    parts.append(lm.model.embed_tokens(ids[0, start:p]))
                if t is not None:
                    parts.append(feats[image])
                    image += 1
                start = p + 1
        h = torch.cat(parts, 0)[None]
        for layer in lm.model.layers:
            h = layer(h)
        return lm.lm_head(lm.model.norm(h))


def main():
    os.makedirs(OUT, exist_ok=True)
    tensors = {}
    torch.manual_seed(11)
    rng = np.random.default_rng(11)
    pixels = []
    for k, (h, w) in enumerate([(5, 7), (13, 23), (40, 19), (16, 16)]):
        arr = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
        tensors[f"input.image{k}"] = torch.from_numpy(arr.copy())
        px = preprocess(arr)
        tensors[f"output.pixels{k}"] = px
        pixels.append(px)

    model = Llava().eval()
    tg.randomise(model)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "layernorm" in name or name.endswith("norm.weight") or "layrnorm" in name or "layer_norm" in name:
                if name.endswith("weight"):
                    p.copy_(1 + torch.randn_like(p) * 0.1)
    ids = torch.tensor([[1, 5, 6, IMAGE_TOKEN, 7, 8, 9, 10, 2]])
    labels = torch.tensor([[-100, -100, -100, -100, -100, -100, 9, 10, 2]])
    with torch.no_grad():
        logits = model(ids, pixels[1][None])
        expanded = torch.cat([labels[0, :3], torch.full((16,), -100), labels[0, 4:]])[None]
        loss = F.cross_entropy(logits[0, :-1], expanded[0, 1:], ignore_index=-100)
    for k, v in model.state_dict().items():
        tensors[k] = v.detach().float().contiguous()
    tensors["input.ids"] = ids
    tensors["input.labels"] = labels
    tensors["output.logits"] = logits.contiguous()
    tensors["output.loss"] = loss.reshape(1)
    path = os.path.join(OUT, "llava_tiny.safetensors")
    st.save(tensors, path, metadata={"generator": "tools/goldens/llava_goldens.py", "torch": torch.__version__})
    print(f"llava_tiny.safetensors: {os.path.getsize(path)} bytes, {len(tensors)} tensors, logits {tuple(logits.shape)}")


if __name__ == "__main__":
    main()
