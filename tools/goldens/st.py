"""Minimal safetensors writer and reader for the golden generators (no third-party safetensors package).

Debian bookworm has no python3-safetensors, so the format is written by hand (djl-notes.md §1.2):

    [8-byte little-endian header length N][N bytes UTF-8 JSON header][raw little-endian tensor bytes]
    header = {"<name>": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ..., "__metadata__": {...}}

Offsets are relative to the start of the raw-data section. Tensors are laid out in the order given, without
gaps. The header is padded with spaces to a multiple of 8 bytes, as the reference implementation does.

Usage from another generator script in this folder:

    import st
    st.save({"weight": torch.randn(3, 4), "ids": torch.arange(5)}, "out.safetensors", metadata={"seed": "0"})
    tensors = st.load("out.safetensors")   # name -> torch.Tensor
"""

import json
import struct

import torch

# torch dtype -> safetensors dtype name. BF16 is writable so that Java readers can be tested on it.
_DTYPES = {
    torch.float64: "F64",
    torch.float32: "F32",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.int64: "I64",
    torch.int32: "I32",
    torch.int16: "I16",
    torch.int8: "I8",
    torch.uint8: "U8",
    torch.bool: "BOOL",
}
_TORCH = {v: k for k, v in _DTYPES.items()}


def _raw_bytes(t):
    """Little-endian bytes of a contiguous CPU tensor (reinterpreted as uint8, so bf16 needs no numpy)."""
    t = t.detach().cpu().contiguous()
    if t.numel() == 0:
        return b""
    return t.view(-1).view(torch.uint8).numpy().tobytes() if t.dtype != torch.bool \
        else t.to(torch.uint8).numpy().tobytes()


def save(tensors, path, metadata=None):
    """Write name -> tensor (insertion order) to path; metadata is an optional str -> str dict."""
    header = {}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        if t.dtype not in _DTYPES:
            raise ValueError(f"tensor {name!r}: dtype {t.dtype} has no safetensors name")
        raw = _raw_bytes(t)
        header[name] = {"dtype": _DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    head += b" " * ((8 - len(head) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for raw in blobs:
            f.write(raw)


def load(path):
    """Read a safetensors file written by save (or any producer) into name -> torch.Tensor."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = _TORCH[info["dtype"]]
        raw = bytearray(data[base + begin:base + end])
        if dtype == torch.bool:
            t = torch.frombuffer(raw, dtype=torch.uint8).to(torch.bool) if raw else torch.zeros(0, dtype=torch.bool)
        else:
            t = torch.frombuffer(raw, dtype=torch.uint8).view(dtype) if raw else torch.zeros(0, dtype=dtype)
        out[name] = t.reshape(info["shape"]).clone()
    return out
