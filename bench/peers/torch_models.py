#!/usr/bin/python3
"""The four reference models (MLP AE, MLP VAE, MLP GAN, DCGAN) in PyTorch 1.13, on the same embedded
data (data/*.gz), for side-by-side quality and speed against `scratchgen train` (see README, "Measured").

Run with Debian's Python (python3-torch):
    /usr/bin/python3 bench/peers/torch_models.py vae --epochs 2
    /usr/bin/python3 bench/peers/torch_models.py ae|gan --epochs 1
Prints per epoch: train images/s (first batch to last, optimizer steps included) and the held-out
loss in the same units as Scratchgen (VAE: -ELBO nats per image; AE: BCE per pixel; GAN: D loss).
Same split as Scratchgen: the first 9,000 images train, the last 1,000 test; batch 128; 2 threads.
"""
import argparse
import gzip
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


class Vae(nn.Module):
    def __init__(self, latent=20):
        super().__init__()
        self.fc1, self.mu, self.logvar = nn.Linear(784, 400), nn.Linear(400, latent), nn.Linear(400, latent)
        self.fc3, self.fc4 = nn.Linear(latent, 400), nn.Linear(400, 784)

    def loss(self, x):
        h = F.relu(self.fc1(x))
        mu, logvar = self.mu(h), self.logvar(h).clamp(-30, 20)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        logits = self.fc4(F.relu(self.fc3(z)))
        rec = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / x.shape[0]
        kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()) / x.shape[0]
        return rec + kl


class Ae(nn.Module):
    def __init__(self, latent=32):
        super().__init__()
        dims = [784, 512, 128, latent, 128, 512, 784]
        layers = []
        for i in range(len(dims) - 1):
            layers.append(nn.Linear(dims[i], dims[i + 1]))
            if i + 2 < len(dims):
                layers.append(nn.ReLU())
        self.net = nn.Sequential(*layers)

    def loss(self, x):
        return F.binary_cross_entropy_with_logits(self.net(x), x)


def mlp(dims, last=None):
    layers = []
    for i in range(len(dims) - 1):
        layers.append(nn.Linear(dims[i], dims[i + 1]))
        if i + 2 < len(dims):
            layers.append(nn.LeakyReLU(0.2))
    if last is not None:
        layers.append(last)
    return nn.Sequential(*layers)


def train_gan(x_train, x_test, epochs, batch):
    g, d = mlp([100, 256, 512, 1024, 784], nn.Tanh()), mlp([784, 512, 256, 1])
    og = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    bce = F.binary_cross_entropy_with_logits
    x_train, x_test = x_train * 2 - 1, x_test * 2 - 1
    for epoch in range(epochs):
        perm = torch.randperm(len(x_train))
        t0 = time.perf_counter()
        for i in range(0, len(x_train), batch):
            x = x_train[perm[i:i + batch]]
            n = len(x)
            ones, zeros = torch.ones(n, 1), torch.zeros(n, 1)
            fake = g(torch.randn(n, 100))
            both = d(torch.cat([x, fake.detach()]))  # as GanBase.CriticOfBoth: an MLP D sees real and fake as one batch
            loss_d = bce(both[:n], ones) + bce(both[n:], zeros)
            od.zero_grad(); loss_d.backward(); od.step()
            d.requires_grad_(False)  # as Scratchgen's GanBase: no D weight gradients in G's update
            loss_g = bce(d(fake), ones)
            og.zero_grad(); loss_g.backward(); og.step()
            d.requires_grad_(True)
        seconds = time.perf_counter() - t0
        with torch.no_grad():
            n = len(x_test)
            test_d = bce(d(x_test), torch.ones(n, 1)) + bce(d(g(torch.randn(n, 100))), torch.zeros(n, 1))
        print(f"gan epoch {epoch + 1}: {len(x_train) / seconds:.0f} img/s, {seconds:.1f} s, test loss_d {test_d.item():.4f}", flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model", choices=["vae", "ae", "gan"])
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(a.seed)
    images = read_idx("data/mnist-10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
    x = torch.from_numpy(images)
    x_train, x_test = x[:9000], x[9000:]
    if a.model == "gan":
        train_gan(x_train, x_test, a.epochs, a.batch_size)
        return
    model = Vae() if a.model == "vae" else Ae()
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    for epoch in range(a.epochs):
        perm = torch.randperm(len(x_train))
        t0 = time.perf_counter()
        for i in range(0, len(x_train), a.batch_size):
            loss = model.loss(x_train[perm[i:i + a.batch_size]])
            opt.zero_grad(); loss.backward(); opt.step()
        seconds = time.perf_counter() - t0
        with torch.no_grad():
            test = sum(model.loss(x_test[i:i + 250]).item() * len(x_test[i:i + 250]) for i in range(0, len(x_test), 250)) / len(x_test)
        unit = "-ELBO nats/image" if a.model == "vae" else "BCE/pixel"
        print(f"{a.model} epoch {epoch + 1}: {len(x_train) / seconds:.0f} img/s, {seconds:.1f} s, test {unit} {test:.4f}", flush=True)


if __name__ == "__main__":
    main()
