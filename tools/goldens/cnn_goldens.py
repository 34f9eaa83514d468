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


# ----------------------------------------------------------------------------------------------------------
# ResNet: torchvision's own BasicBlock / Bottleneck under a top level that mirrors torchvision.models.ResNet
# but takes a base width (torchvision hard-codes 64) and the CIFAR stem. At base width 64 its state dict is
# checked against torchvision's resnet18/resnet50 names and shapes below.
# ----------------------------------------------------------------------------------------------------------
from torchvision.models.resnet import BasicBlock, Bottleneck, conv1x1  # noqa: E402
from torchvision.models import resnet18, resnet34, resnet50, mobilenet_v2  # noqa: E402
from torchvision.models.mobilenetv2 import MobileNetV2  # noqa: E402
from torchvision.ops.misc import Conv2dNormActivation  # noqa: E402


class ResNet(nn.Module):
    def __init__(self, block, layers, base=64, num_classes=1000, cifar=False):
        super().__init__()
        self.inplanes = base
        if cifar:
            self.conv1 = nn.Conv2d(3, base, kernel_size=3, stride=1, padding=1, bias=False)
        else:
            self.conv1 = nn.Conv2d(3, base, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(base)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.Identity() if cifar else nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, base, layers[0])
        self.layer2 = self._make_layer(block, base * 2, layers[1], stride=2)
        self.layer3 = self._make_layer(block, base * 4, layers[2], stride=2)
        self.layer4 = self._make_layer(block, base * 8, layers[3], stride=2)
        self.fc = nn.Linear(base * 8 * block.expansion, num_classes)

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                       nn.BatchNorm2d(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes))
        return nn.Sequential(*layers)

    def forward_all(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        stages = {}
        for name in ("layer1", "layer2", "layer3", "layer4"):
            x = getattr(self, name)(x)
            stages[name] = x
        pooled = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return self.fc(pooled), pooled, stages


def mobilenet_all(model, stage_names):
    x = model._golden_input
    stages = {}
    for k, layer in enumerate(model.features):
        x = layer(x)
        if f"features.{k}" in stage_names:
            stages[f"features.{k}"] = x
    pooled = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
    return model.classifier(pooled), pooled, stages


# ----------------------------------------------------------------------------------------------------------
# MLP-Mixer with timm's module names (timm is not packaged in Debian): stem.proj, blocks.N.{norm1, mlp_tokens,
# norm2, mlp_channels}.{fc1, fc2}, norm, head; LayerNorm eps 1e-6, exact GELU, mean pooling over tokens.
# ----------------------------------------------------------------------------------------------------------
class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class PatchEmbed(nn.Module):
    def __init__(self, patch, in_chans, dim):
        super().__init__()
        self.proj = nn.Conv2d(in_chans, dim, kernel_size=patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class MixerBlock(nn.Module):
    def __init__(self, dim, seq_len, mlp_ratio=(0.5, 4.0)):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp_tokens = Mlp(seq_len, int(mlp_ratio[0] * dim))
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp_channels = Mlp(dim, int(mlp_ratio[1] * dim))

    def forward(self, x):
        x = x + self.mlp_tokens(self.norm1(x).transpose(1, 2)).transpose(1, 2)
        return x + self.mlp_channels(self.norm2(x))


class MlpMixer(nn.Module):
    def __init__(self, num_classes=1000, img_size=224, in_chans=3, patch_size=16, num_blocks=8, embed_dim=512):
        super().__init__()
        self.stem = PatchEmbed(patch_size, in_chans, embed_dim)
        seq_len = (img_size // patch_size) ** 2
        self.blocks = nn.Sequential(*[MixerBlock(embed_dim, seq_len) for _ in range(num_blocks)])
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)
        self.head = nn.Linear(embed_dim, num_classes)

    def forward_all(self, x):
        x = self.stem(x)
        stages = {}
        for i, b in enumerate(self.blocks):
            x = b(x)
            stages[f"blocks.{i}"] = x
        pooled = self.norm(x).mean(dim=1)
        return self.head(pooled), pooled, stages


def randomise_batch_norm(model, gen):
    """Non-trivial affine parameters and running statistics, so eval-mode batch norm is really exercised."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            n = m.num_features
            m.weight.data = torch.rand(n, generator=gen) + 0.5
            m.bias.data = torch.randn(n, generator=gen) * 0.1
            m.running_mean.data = torch.randn(n, generator=gen) * 0.1
            m.running_var.data = torch.rand(n, generator=gen) + 0.5
            m.num_batches_tracked.fill_(3)


def param_count(model):
    return sum(p.numel() for p in model.parameters())


def save_golden(path, model, forward_all, x, first_bn):
    """State dict + input + eval outputs + one train-mode pass (logits and the first BN's updated stats)."""
    model.eval()
    with torch.no_grad():
        logits, pooled, stages = forward_all(model, x)
    tensors = {k: v.detach().clone() for k, v in model.state_dict().items()}
    tensors["__input"] = x
    tensors["__logits"] = logits
    tensors["__pooled"] = pooled
    for name, t in stages.items():
        tensors[f"__stage.{name}"] = t
    if first_bn is not None:
        model.train()
        with torch.no_grad():
            train_logits, _, _ = forward_all(model, x)
        bn = dict(model.named_modules())[first_bn]
        tensors["__train_logits"] = train_logits
        tensors["__train_running_mean"] = bn.running_mean.clone()
        tensors["__train_running_var"] = bn.running_var.clone()
    tensors = {k: v.contiguous() for k, v in tensors.items()}
    st.save(tensors, path, metadata={"generator": "tools/goldens/cnn_goldens.py", "torch": torch.__version__})
    size = os.path.getsize(path)
    assert size < 300_000, f"{path} is {size} bytes"
    print(f"{path}: {size} bytes, {param_count(model)} parameters, max |logit| {logits.abs().max():.3f}")


def check_names_match_torchvision():
    for ours, theirs in ((ResNet(BasicBlock, [2, 2, 2, 2]), resnet18()),
                         (ResNet(Bottleneck, [3, 4, 6, 3]), resnet50())):
        a = {k: tuple(v.shape) for k, v in ours.state_dict().items()}
        b = {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
        assert a == b, "ResNet mirror differs from torchvision"


def print_full_size_parameter_counts():
    print("resnet18", param_count(resnet18()))
    print("resnet34", param_count(resnet34()))
    print("resnet50", param_count(resnet50()))
    print("resnet18 cifar stem, 10 classes", param_count(ResNet(BasicBlock, [2, 2, 2, 2], num_classes=10, cifar=True)))
    print("mobilenet_v2", param_count(mobilenet_v2()))
    print("mixer_b16_224", param_count(MlpMixer(num_blocks=12, embed_dim=768)))
    print("mixer_s16_224", param_count(MlpMixer(num_blocks=8, embed_dim=512)))


def resnet_goldens(gen):
    os.makedirs(os.path.join(OUT, "cnn"), exist_ok=True)
    configs = [
        ("resnet18_w4", ResNet(BasicBlock, [2, 2, 2, 2], base=4, num_classes=10), 32),
        ("resnet_bottleneck_w4", ResNet(Bottleneck, [2, 1, 1, 1], base=4, num_classes=10), 32),
        ("resnet_cifar_w4", ResNet(BasicBlock, [1, 1, 1, 1], base=4, num_classes=10, cifar=True), 16),
    ]
    for name, model, size in configs:
        randomise_batch_norm(model, gen)
        x = torch.randn(2, 3, size, size, generator=gen)
        save_golden(os.path.join(OUT, "cnn", name + ".safetensors"), model, lambda m, t: m.forward_all(t), x, "bn1")


def mobilenet_golden(gen):
    setting = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 2, 2], [6, 64, 1, 2]]
    # dropout 0 so that the train-mode pass is deterministic on both sides
    model = MobileNetV2(num_classes=10, width_mult=0.25, inverted_residual_setting=setting, dropout=0.0)
    # A narrower last convolution than torchvision's fixed 1280 keeps the file small; names are unchanged.
    last_in = model.features[-1][0].in_channels
    model.features[-1] = Conv2dNormActivation(last_in, 32, kernel_size=1, norm_layer=nn.BatchNorm2d,
                                              activation_layer=nn.ReLU6)
    model.classifier[1] = nn.Linear(32, 10)
    randomise_batch_norm(model, gen)
    x = torch.randn(2, 3, 32, 32, generator=gen)
    # Stages: the last block before each downsampling block, and the last convolution.
    stage_names = ["features.1", "features.3", "features.5", "features.7"]

    def forward_all(m, t):
        m._golden_input = t
        return mobilenet_all(m, stage_names)

    save_golden(os.path.join(OUT, "cnn", "mobilenetv2_tiny.safetensors"), model, forward_all, x, "features.0.1")


def mixer_golden(gen):
    os.makedirs(os.path.join(OUT, "mlp"), exist_ok=True)
    model = MlpMixer(num_classes=10, img_size=16, patch_size=4, num_blocks=2, embed_dim=16)
    x = torch.randn(2, 3, 16, 16, generator=gen)
    save_golden(os.path.join(OUT, "mlp", "mixer_tiny.safetensors"), model, lambda m, t: m.forward_all(t), x, None)


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1234)
    write_io_dtypes()
    check_names_match_torchvision()
    print_full_size_parameter_counts()
    resnet_goldens(gen)
    mobilenet_golden(gen)
    mixer_golden(gen)


if __name__ == "__main__":
    main()
