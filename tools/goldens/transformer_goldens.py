"""Golden files for the transformer blocks of models/ (ViT, CLIP vision tower, LLaMA decoder, LoRA, pos-embed resampling).

Run from the repository root with Debian's torch (no timm / transformers needed, nor allowed to be needed):

    /usr/bin/python3 tools/goldens/transformer_goldens.py

Each architecture is written out here in plain torch, with the module names of the ecosystem it mirrors
(timm VisionTransformer, HF CLIPVisionModel, HF LlamaForCausalLM, PEFT LoRA), so that state_dict() names are
exactly the names the Java blocks must produce. Attention is written by hand (torch 1.13 has no
F.scaled_dot_product_attention). Weights are random (seeded), inputs random, and each file holds

    param names ............ the model's weights, under their ecosystem names
    "input.*" .............. inputs
    "output.*" ............. expected outputs

as float32 safetensors (via st.py), each well under 300 KB. Java tests compare within 1e-4.
The script also prints the parameter counts of the full-size configs that the Java tests assert.
"""

import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402  (the shared safetensors writer)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "models", "src", "test", "resources", "goldens")


def attend(q, k, v, mask=None):
    """softmax(QK^T / sqrt(d) + mask) V, written out."""
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores + mask
    return scores.softmax(-1) @ v


# ----------------------------------------------------------------------------------------------- timm ViT
class SsfPair:
    @staticmethod
    def make(module, index, dim):
        setattr(module, f"ssf_scale_{index}", nn.Parameter(torch.randn(dim) * 0.02 + 1))
        setattr(module, f"ssf_shift_{index}", nn.Parameter(torch.randn(dim) * 0.02))


def ssf(module, index, x):
    if not hasattr(module, f"ssf_scale_{index}"):
        return x
    return x * getattr(module, f"ssf_scale_{index}") + getattr(module, f"ssf_shift_{index}")


class PatchEmbed(nn.Module):
    def __init__(self, patch, dim, use_ssf):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, patch, patch)
        if use_ssf:
            SsfPair.make(self, 1, dim)

    def forward(self, x):
        return ssf(self, 1, self.proj(x).flatten(2).transpose(1, 2))


class Attention(nn.Module):
    def __init__(self, dim, heads, use_ssf):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)
        if use_ssf:
            SsfPair.make(self, 1, dim * 3)
            SsfPair.make(self, 2, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = ssf(self, 1, self.qkv(x)).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        x = attend(q, k, v).transpose(1, 2).reshape(b, n, c)
        return ssf(self, 2, self.proj(x))


class Mlp(nn.Module):
    def __init__(self, dim, hidden, use_ssf):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)
        if use_ssf:
            SsfPair.make(self, 1, hidden)
            SsfPair.make(self, 2, dim)

    def forward(self, x):
        return ssf(self, 2, self.fc2(F.gelu(ssf(self, 1, self.fc1(x)))))


class AdaptFormer(nn.Module):
    """SAFE's adaptmlp: s * up(relu(down(x))), parallel to the MLP (dropout off in eval)."""

    def __init__(self, dim, bottleneck, scale):
        super().__init__()
        self.down_proj = nn.Linear(dim, bottleneck)
        self.up_proj = nn.Linear(bottleneck, dim)
        self.scale = scale

    def forward(self, x):
        return self.up_proj(F.relu(self.down_proj(x))) * self.scale


class Block(nn.Module):
    def __init__(self, dim, heads, hidden, use_ssf, adapter):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads, use_ssf)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, hidden, use_ssf)
        if adapter:
            self.adaptmlp = AdaptFormer(dim, *adapter)
        if use_ssf:
            SsfPair.make(self, 1, dim)
            SsfPair.make(self, 2, dim)

    def forward(self, x):
        x = x + self.attn(ssf(self, 1, self.norm1(x)))
        adapt = self.adaptmlp(x) if hasattr(self, "adaptmlp") else 0
        return x + self.mlp(ssf(self, 2, self.norm2(x))) + adapt


class VisionTransformer(nn.Module):
    def __init__(self, img=224, patch=16, dim=768, depth=12, heads=12, ratio=4.0, classes=1000,
                 use_ssf=False, adapter=None, prompts=None):
        super().__init__()
        n = (img // patch) ** 2
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        self.pos_embed = nn.Parameter(torch.randn(1, n + 1, dim) * 0.02)
        self.prompts = prompts  # (count, deep) appended after the patches, as SAFE's vpt.py
        if prompts:
            count, deep = prompts
            self.Prompt_Tokens = nn.Parameter(torch.randn(depth if deep else 1, count, dim) * 0.1)
        if use_ssf:
            SsfPair.make(self, 1, dim)
        self.patch_embed = PatchEmbed(patch, dim, use_ssf)
        self.blocks = nn.ModuleList(Block(dim, heads, int(dim * ratio), use_ssf, adapter) for _ in range(depth))
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        if classes:
            self.head = nn.Linear(dim, classes)

    def forward(self, x):
        x = self.patch_embed(x)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], 1) + self.pos_embed
        hidden = [x]
        if self.prompts and not self.prompts[1]:
            x = torch.cat([x, self.Prompt_Tokens.expand(x.shape[0], -1, -1)], 1)
        for i, blk in enumerate(self.blocks):
            if self.prompts and self.prompts[1]:
                n = x.shape[1]
                x = torch.cat([x, self.Prompt_Tokens[i].unsqueeze(0).expand(x.shape[0], -1, -1)], 1)
                x = blk(x)[:, :n]
            else:
                x = blk(x)
            hidden.append(x)
        if self.prompts and not self.prompts[1]:
            x = x[:, :x.shape[1] - self.prompts[0]]
        tokens = ssf(self, 1, self.norm(x))
        pooled = tokens[:, 0]
        logits = self.head(pooled) if hasattr(self, "head") else pooled
        return tokens, pooled, logits, hidden


def randomise(model, std=0.2):
    """Replace torch's init by larger random values so every parameter influences the output visibly."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "ssf_scale" in name or name.endswith("norm1.weight") or name.endswith("norm2.weight") \
                    or name.endswith("norm.weight") or "layernorm" in name and name.endswith("weight") \
                    or "layer_norm" in name and name.endswith("weight") or name.endswith("layrnorm.weight"):
                p.copy_(1 + torch.randn_like(p) * 0.1)
            else:
                p.copy_(torch.randn_like(p) * std)


def write(name, model, inputs, outputs):
    tensors = {k: v.detach().float().contiguous() for k, v in model.state_dict().items()}
    for k, v in inputs.items():
        tensors["input." + k] = v.detach().contiguous()
    for k, v in outputs.items():
        tensors["output." + k] = v.detach().float().contiguous()
    path = os.path.join(OUT, name)
    st.save(tensors, path, metadata={"generator": "tools/goldens/transformer_goldens.py", "torch": torch.__version__})
    print(f"{name}: {os.path.getsize(path)} bytes, {len(tensors)} tensors")


def vit_goldens():
    torch.manual_seed(1)
    model = VisionTransformer(img=16, patch=4, dim=32, depth=2, heads=4, classes=10).eval()
    randomise(model)
    images = torch.randn(2, 3, 16, 16)
    with torch.no_grad():
        tokens, pooled, logits, hidden = model(images)
    outs = {"tokens": tokens, "pooled": pooled, "logits": logits}
    outs.update({f"hidden.{i}": h for i, h in enumerate(hidden)})
    write("vit_tiny.safetensors", model, {"images": images}, outs)

    for deep in (True, False):
        torch.manual_seed(2)
        model = VisionTransformer(img=16, patch=4, dim=32, depth=2, heads=4, classes=0, use_ssf=True,
                                  adapter=(8, 0.1), prompts=(3, deep)).eval()
        randomise(model)
        with torch.no_grad():
            tokens, pooled, _, hidden = model(images)
        outs = {"tokens": tokens, "pooled": pooled}
        outs.update({f"hidden.{i}": h for i, h in enumerate(hidden)})
        write(f"vit_pet_{'deep' if deep else 'shallow'}.safetensors", model, {"images": images}, outs)


def resample_goldens():
    """timm resample_abs_pos_embed = F.interpolate on the grid part, class token kept."""
    torch.manual_seed(3)
    pos = torch.randn(1, 1 + 16, 8)
    tensors = {"input.pos_embed": pos}
    grid = pos[:, 1:].reshape(1, 4, 4, 8).permute(0, 3, 1, 2)
    for size in (6, 3):
        for mode in ("bicubic", "bilinear"):
            for aa in (True, False):
                g = F.interpolate(grid, size=(size, size), mode=mode, antialias=aa, align_corners=False)
                g = g.permute(0, 2, 3, 1).reshape(1, size * size, 8)
                tensors[f"output.{mode}.{'aa' if aa else 'noaa'}.{size}"] = torch.cat([pos[:, :1], g], 1)
    path = os.path.join(OUT, "pos_embed_resample.safetensors")
    st.save(tensors, path)
    print(f"pos_embed_resample.safetensors: {os.path.getsize(path)} bytes")


# ------------------------------------------------------------------------------------------- HF CLIP vision
class ClipEmbeddings(nn.Module):
    def __init__(self, img, patch, dim):
        super().__init__()
        self.class_embedding = nn.Parameter(torch.randn(dim))
        self.patch_embedding = nn.Conv2d(3, dim, patch, patch, bias=False)
        self.position_embedding = nn.Embedding((img // patch) ** 2 + 1, dim)

    def forward(self, x):
        p = self.patch_embedding(x).flatten(2).transpose(1, 2)
        cls = self.class_embedding.expand(x.shape[0], 1, -1)
        return torch.cat([cls, p], 1) + self.position_embedding.weight.unsqueeze(0)


class ClipAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.k_proj = nn.Linear(dim, dim)
        self.v_proj = nn.Linear(dim, dim)
        self.q_proj = nn.Linear(dim, dim)
        self.out_proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        split = lambda t: t.reshape(b, n, self.heads, c // self.heads).transpose(1, 2)  # noqa: E731
        out = attend(split(self.q_proj(x)), split(self.k_proj(x)), split(self.v_proj(x)))
        return self.out_proj(out.transpose(1, 2).reshape(b, n, c))


class ClipMlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        h = self.fc1(x)
        return self.fc2(h * torch.sigmoid(1.702 * h))


class ClipLayer(nn.Module):
    def __init__(self, dim, heads, hidden, eps):
        super().__init__()
        self.self_attn = ClipAttention(dim, heads)
        self.layer_norm1 = nn.LayerNorm(dim, eps=eps)
        self.mlp = ClipMlp(dim, hidden)
        self.layer_norm2 = nn.LayerNorm(dim, eps=eps)

    def forward(self, x):
        x = x + self.self_attn(self.layer_norm1(x))
        return x + self.mlp(self.layer_norm2(x))


class ClipEncoder(nn.Module):
    def __init__(self, dim, heads, hidden, eps, layers):
        super().__init__()
        self.layers = nn.ModuleList(ClipLayer(dim, heads, hidden, eps) for _ in range(layers))


class ClipVisionTransformer(nn.Module):
    def __init__(self, img, patch, dim, heads, hidden, layers, eps=1e-5):
        super().__init__()
        self.embeddings = ClipEmbeddings(img, patch, dim)
        self.pre_layrnorm = nn.LayerNorm(dim, eps=eps)
        self.encoder = ClipEncoder(dim, heads, hidden, eps, layers)
        self.post_layernorm = nn.LayerNorm(dim, eps=eps)

    def forward(self, x):
        h = self.pre_layrnorm(self.embeddings(x))
        hidden = [h]
        for layer in self.encoder.layers:
            h = layer(h)
            hidden.append(h)
        return h, self.post_layernorm(h[:, 0]), hidden


class ClipVisionModel(nn.Module):
    def __init__(self, **kw):
        super().__init__()
        self.vision_model = ClipVisionTransformer(**kw)

    def forward(self, x):
        return self.vision_model(x)


def clip_goldens():
    torch.manual_seed(4)
    model = ClipVisionModel(img=16, patch=4, dim=32, heads=4, hidden=64, layers=3).eval()
    randomise(model)
    images = torch.randn(2, 3, 16, 16)
    with torch.no_grad():
        last, pooled, hidden = model(images)
    outs = {"last_hidden_state": last, "pooler_output": pooled}
    outs.update({f"hidden.{i}": h for i, h in enumerate(hidden)})
    write("clip_vision_tiny.safetensors", model, {"images": images}, outs)


# ---------------------------------------------------------------------------------------------- HF LLaMA
class RmsNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rope(x, positions, theta):
    d = x.shape[-1]
    inv = 1.0 / (theta ** (torch.arange(0, d, 2).float() / d))
    ang = positions.float()[:, None] * inv[None, :]
    emb = torch.cat([ang, ang], -1)
    x1, x2 = x[..., : d // 2], x[..., d // 2:]
    return x * emb.cos() + torch.cat([-x2, x1], -1) * emb.sin()


class LoraLinear(nn.Module):
    """PEFT's LoRA layer: base(x) + B(A(x)) * alpha / r; base weight stays under base_layer in PEFT, but the
    saved adapter holds only lora_A / lora_B, which is all the golden stores under PEFT names."""

    def __init__(self, base, r, alpha):
        super().__init__()
        self.base = base
        self.lora_A = nn.Linear(base.in_features, r, bias=False)
        self.lora_B = nn.Linear(r, base.out_features, bias=False)
        self.scaling = alpha / r

    def forward(self, x):
        return self.base(x) + self.lora_B(self.lora_A(x)) * self.scaling


class LlamaAttention(nn.Module):
    def __init__(self, dim, heads, kv_heads, theta):
        super().__init__()
        self.heads, self.kv_heads, self.theta = heads, kv_heads, theta
        hd = dim // heads
        self.q_proj = nn.Linear(dim, heads * hd, bias=False)
        self.k_proj = nn.Linear(dim, kv_heads * hd, bias=False)
        self.v_proj = nn.Linear(dim, kv_heads * hd, bias=False)
        self.o_proj = nn.Linear(heads * hd, dim, bias=False)
        self.lora = {}

    def proj(self, name, x):
        return self.lora[name](x) if name in self.lora else getattr(self, name)(x)

    def forward(self, x):
        b, n, c = x.shape
        hd = c // self.heads
        q = self.proj("q_proj", x).reshape(b, n, self.heads, hd).transpose(1, 2)
        k = self.proj("k_proj", x).reshape(b, n, self.kv_heads, hd).transpose(1, 2)
        v = self.proj("v_proj", x).reshape(b, n, self.kv_heads, hd).transpose(1, 2)
        pos = torch.arange(n)
        q, k = rope(q, pos, self.theta), rope(k, pos, self.theta)
        rep = self.heads // self.kv_heads
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        qi = torch.arange(n)[:, None]
        kj = torch.arange(n)[None, :]
        mask = torch.where(kj > qi, torch.tensor(-1e9), torch.tensor(0.0))
        out = attend(q, k, v, mask).transpose(1, 2).reshape(b, n, -1)
        return self.proj("o_proj", out)


class LlamaMlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.gate_proj = nn.Linear(dim, hidden, bias=False)
        self.up_proj = nn.Linear(dim, hidden, bias=False)
        self.down_proj = nn.Linear(hidden, dim, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class LlamaLayer(nn.Module):
    def __init__(self, dim, heads, kv_heads, hidden, eps, theta):
        super().__init__()
        self.self_attn = LlamaAttention(dim, heads, kv_heads, theta)
        self.mlp = LlamaMlp(dim, hidden)
        self.input_layernorm = RmsNorm(dim, eps)
        self.post_attention_layernorm = RmsNorm(dim, eps)

    def forward(self, x):
        x = x + self.self_attn(self.input_layernorm(x))
        return x + self.mlp(self.post_attention_layernorm(x))


class LlamaModel(nn.Module):
    def __init__(self, vocab, dim, layers, heads, kv_heads, hidden, eps, theta):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, dim)
        self.layers = nn.ModuleList(LlamaLayer(dim, heads, kv_heads, hidden, eps, theta) for _ in range(layers))
        self.norm = RmsNorm(dim, eps)


class LlamaForCausalLM(nn.Module):
    def __init__(self, vocab=64, dim=32, layers=2, heads=4, kv_heads=2, hidden=64, eps=1e-6, theta=10000.0):
        super().__init__()
        self.model = LlamaModel(vocab, dim, layers, heads, kv_heads, hidden, eps, theta)
        self.lm_head = nn.Linear(dim, vocab, bias=False)

    def forward(self, ids):
        h = self.model.embed_tokens(ids)
        hidden = [h]
        for layer in self.model.layers:
            h = layer(h)
            hidden.append(h)
        h = self.model.norm(h)
        hidden[-1] = h  # HF LlamaModel: the last hidden state is the one after the final norm
        return self.lm_head(h), hidden


def llama_goldens():
    torch.manual_seed(5)
    model = LlamaForCausalLM(theta=500.0).eval()
    randomise(model)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "layernorm" in name or name == "model.norm.weight":
                p.copy_(1 + torch.randn_like(p) * 0.1)
    ids = torch.randint(0, 64, (2, 7))
    with torch.no_grad():
        logits, hidden = model(ids)
    outs = {"logits": logits}
    outs.update({f"hidden.{i}": h for i, h in enumerate(hidden)})
    write("llama_tiny.safetensors", model, {"ids": ids}, outs)

    # LoRA on q_proj and v_proj of every layer (r = 4, alpha = 8), non-zero B, PEFT adapter names.
    torch.manual_seed(6)
    adapter = {}
    for i, layer in enumerate(model.model.layers):
        for target in ("q_proj", "v_proj"):
            base = getattr(layer.self_attn, target)
            lora = LoraLinear(base, 4, 8.0)
            with torch.no_grad():
                lora.lora_A.weight.copy_(torch.randn_like(lora.lora_A.weight) * 0.2)
                lora.lora_B.weight.copy_(torch.randn_like(lora.lora_B.weight) * 0.2)
            layer.self_attn.lora[target] = lora
            prefix = f"base_model.model.model.layers.{i}.self_attn.{target}"
            adapter[prefix + ".lora_A.weight"] = lora.lora_A.weight.detach().clone()
            adapter[prefix + ".lora_B.weight"] = lora.lora_B.weight.detach().clone()
    with torch.no_grad():
        lora_logits, _ = model(ids)
    path = os.path.join(OUT, "llama_tiny_lora_adapter.safetensors")
    st.save(adapter, path, metadata={"r": "4", "lora_alpha": "8", "target_modules": "q_proj,v_proj"})
    print(f"llama_tiny_lora_adapter.safetensors: {os.path.getsize(path)} bytes")
    path = os.path.join(OUT, "llama_tiny_lora_expected.safetensors")
    st.save({"output.logits": lora_logits.contiguous()}, path)
    print(f"llama_tiny_lora_expected.safetensors: {os.path.getsize(path)} bytes")


def parameter_counts():
    def count(m):
        return sum(p.numel() for p in m.parameters())

    for name, kw in {
        "vit_tiny_patch16_224": dict(dim=192, heads=3),
        "vit_small_patch16_224": dict(dim=384, heads=6),
        "vit_base_patch16_224": dict(dim=768, heads=12),
    }.items():
        print(name, count(VisionTransformer(**kw)))
    print("clip-vit-large-patch14-336 vision",
          count(ClipVisionModel(img=336, patch=14, dim=1024, heads=16, hidden=4096, layers=24)))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    vit_goldens()
    resample_goldens()
    clip_goldens()
    llama_goldens()
    if "--counts" in sys.argv:
        parameter_counts()
