#!/usr/bin/python3
"""Scratchgen's DCGAN (src/Scratchgen/Models/Dcgan.cs) layer for layer in PyTorch 1.13, on the same
embedded data, to compare sample quality and images/s side by side:
    /usr/bin/python3 bench/peers/torch_dcgan.py --epochs 5 --batch-size 64 --out /tmp/torch_dcgan.png
Writes a 10x10 grid of samples (PNG, written with zlib: no imaging package needed).
On a GPU, --tf32 off (the default) keeps every product and convolution in float32, as Scratchgen computes them;
PyTorch's own default lets cuDNN run convolutions on TF32 tensor cores (inputs rounded to 10-bit mantissas),
which --tf32 on restores. The setting is printed on the first line."""
import argparse
import struct
import time
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_models import read_idx


def generator(latent):
    return nn.Sequential(
        nn.Linear(latent, 128 * 7 * 7), nn.Unflatten(1, (128, 7, 7)), nn.BatchNorm2d(128), nn.ReLU(),
        nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh())


def discriminator():
    return nn.Sequential(
        nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 4, 2, 1), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(128 * 7 * 7, 1))


def dcgan_init(net):
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(m.weight, 0, 0.02)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1, 0.02)
            nn.init.zeros_(m.bias)


def save_png(path, grid):
    h, w = grid.shape
    raw = b"".join(b"\x00" + grid[y].tobytes() for y in range(h))
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--out", default="torch_dcgan.png")
    p.add_argument("--device", default="cpu", help="cpu or cuda")
    p.add_argument("--tf32", choices=["off", "on"], default="off",
                   help="TF32 tensor cores for cuDNN convolutions and cuBLAS products (GPU only; PyTorch's default is on for convolutions)")
    a = p.parse_args()
    torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = a.tf32 == "on"
    print(f"# torch {torch.__version__}, {a.device}, cudnn.allow_tf32={torch.backends.cudnn.allow_tf32}, "
          f"matmul.allow_tf32={torch.backends.cuda.matmul.allow_tf32}", flush=True)
    torch.set_num_threads(2)
    torch.manual_seed(1)
    x = torch.from_numpy(read_idx("data/mnist-10k-images-idx3-ubyte.gz").astype(np.float32) / 255 * 2 - 1).reshape(-1, 1, 28, 28)[:9000]
    dev = torch.device(a.device)
    x = x.to(dev)
    g, d = generator(100).to(dev), discriminator().to(dev)
    dcgan_init(g); dcgan_init(d)
    og = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    bce = F.binary_cross_entropy_with_logits
    noise = torch.randn(100, 100, device=dev)
    for epoch in range(a.epochs):
        perm = torch.randperm(len(x), device=dev)
        t0 = time.perf_counter()
        for i in range(0, len(x), a.batch_size):
            real = x[perm[i:i + a.batch_size]]
            n = len(real)
            fake = g(torch.randn(n, 100, device=dev))
            ones, zeros = torch.ones(n, 1, device=dev), torch.zeros(n, 1, device=dev)
            loss_d = bce(d(real), ones) + bce(d(fake.detach()), zeros)
            od.zero_grad(); loss_d.backward(); od.step()
            d.requires_grad_(False)  # as Scratchgen's GanBase: no D weight gradients in G's update
            loss_g = bce(d(fake), ones)
            og.zero_grad(); loss_g.backward(); og.step()
            d.requires_grad_(True)
        if dev.type == "cuda":
            torch.cuda.synchronize()
        seconds = time.perf_counter() - t0
        print(f"dcgan epoch {epoch + 1}: {len(x) / seconds:.0f} img/s, {seconds:.1f} s, loss_d {loss_d.item():.3f} loss_g {loss_g.item():.3f}", flush=True)
    g.eval()
    with torch.no_grad():
        s = ((g(noise).clamp(-1, 1) + 1) * 127.5).round().byte().cpu().numpy().reshape(10, 10, 28, 28)
    grid = np.full((10 * 30 + 2, 10 * 30 + 2), 128, np.uint8)
    for r in range(10):
        for c in range(10):
            grid[2 + r * 30:2 + r * 30 + 28, 2 + c * 30:2 + c * 30 + 28] = s[r, c]
    save_png(a.out, grid)


if __name__ == "__main__":
    main()
