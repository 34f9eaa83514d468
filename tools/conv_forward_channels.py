#!/usr/bin/python3
"""Max abs error of torch's CPU conv2d forward and its input/weight gradients against a float64 loop reference,
for input channels 1..48 (ConvForwardChannels' shapes), in this interpreter's torch. Run once per oneDNN ceiling:
  ONEDNN_MAX_CPU_ISA=AVX /usr/bin/python3 tools/conv_forward_channels.py
Prints one line per wrong shape (an error above 1e-3 of max(1, max |reference|)) and a summary; the reference is the definition of cross-correlation,
out[b,o,y,x] = sum_{c,i,j} w[o,c,i,j] * xpad[b,c,y*s+i,x*s+j], computed by unfold in float64."""
import os, sys
import torch

def reference(x, w, stride, pad):
    # float64 im2col: exact up to float64 rounding
    xd, wd = x.double(), w.double()
    b, c, h, wi = xd.shape
    o, _, k, _ = wd.shape
    cols = torch.nn.functional.unfold(xd, k, padding=pad, stride=stride)  # (b, c*k*k, L)
    out = wd.reshape(o, -1) @ cols
    ho = (h + 2 * pad - k) // stride + 1
    wo = (wi + 2 * pad - k) // stride + 1
    return out.reshape(b, o, ho, wo)

def main():
    threads_list = [1, 2]
    g = torch.Generator().manual_seed(20261207)
    wrong, total = 0, 0
    for threads in threads_list:
        torch.set_num_threads(threads)
        for cin in range(1, 49):
            for cout in (8, 13):
                for k in (1, 3):
                    for stride, batch in [(s, b) for s in (1, 2) for b in (1, 3)]:
                        pad = 1 if k == 3 else 0
                        x = (torch.rand(batch, cin, 8, 8, generator=g) * 2 - 1).requires_grad_(True)
                        w = (torch.rand(cout, cin, k, k, generator=g) * 2 - 1).requires_grad_(True)
                        y = torch.nn.functional.conv2d(x, w, None, stride, pad)
                        up = torch.rand(y.shape, generator=g) * 2 - 1
                        (y * up).sum().backward()
                        xr = x.detach().double().requires_grad_(True)
                        wr = w.detach().double().requires_grad_(True)
                        yr = reference(xr, wr, stride, pad)
                        (yr * up.double()).sum().backward()
                        pairs = [(y.detach(), yr.detach()), (x.grad, xr.grad), (w.grad, wr.grad)]
                        errs = [(a.double() - r).abs().max().item() for a, r in pairs]
                        bad = any(e > 1e-3 * max(1.0, r.abs().max().item()) or e != e for e, (_, r) in zip(errs, pairs))
                        total += 1
                        if bad:
                            wrong += 1
                            print(f"WRONG threads={threads} cin={cin} cout={cout} k={k} stride={stride} batch={batch} "
                                  f"fwd={errs[0]:.3g} dx={errs[1]:.3g} dw={errs[2]:.3g}")
    print(f"torch {torch.__version__} ONEDNN_MAX_CPU_ISA={os.environ.get('ONEDNN_MAX_CPU_ISA', '(unset)')} "
          f"wrong {wrong} of {total}")

if __name__ == "__main__":
    main()
