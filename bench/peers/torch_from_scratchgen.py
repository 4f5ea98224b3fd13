#!/usr/bin/python3
"""The other way from `scratchgen import-torch`: a Scratchgen VAE checkpoint (784-400-20, mlp) loaded into
the PyTorch twin of torch_models.py, which then prints the held-out -ELBO in nats per image, as
`scratchgen eval CHECKPOINT` does (both draw their own noise: the two agree to Monte Carlo error, about
0.1 nat with --draws 10).
    /usr/bin/python3 bench/peers/torch_from_scratchgen.py runs/vae/checkpoint [--draws 10]
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import load  # noqa: E402
from torch_models import Vae, read_idx  # noqa: E402

# Scratchgen's names to the twin's (the inverse of the built-in mapping in src/Scratchgen/Training/TorchImport.cs).
NAMES = {"encoder.0": "fc1", "mu": "mu", "logvar": "logvar", "decoder.0": "fc3", "decoder.2": "fc4"}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("checkpoint")
    p.add_argument("--draws", type=int, default=10)
    a = p.parse_args()
    tensors, meta = load(os.path.join(a.checkpoint, "model.safetensors"))
    if meta.get("model") != "vae" or meta.get("architecture") != "mlp" or meta.get("latent_dim") != "20":
        sys.exit(f"{a.checkpoint}: a {meta.get('model')} ({meta.get('architecture')}, latent {meta.get('latent_dim')}), not the 784-400-20 mlp vae")
    state = {}
    for name, value in tensors.items():
        module, kind = name.rsplit(".", 1)
        state[f"{NAMES[module]}.{kind}"] = torch.from_numpy(value)
    model = Vae()
    model.load_state_dict(state)  # strict: every tensor named and shaped as the twin's
    model.eval()
    torch.manual_seed(1)
    images = read_idx("data/mnist-10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
    x_test = torch.from_numpy(images)[9000:]
    with torch.no_grad():
        losses = [sum(model.loss(x_test[i:i + 250]).item() * len(x_test[i:i + 250]) for i in range(0, len(x_test), 250)) / len(x_test)
                  for _ in range(a.draws)]
    print(f"held-out -ELBO {np.mean(losses):.4f} nats/image (PyTorch, mean of {a.draws} draws, spread {np.std(losses):.4f})")


if __name__ == "__main__":
    main()
