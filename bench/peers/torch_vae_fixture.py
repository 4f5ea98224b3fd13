#!/usr/bin/python3
"""Writes tests/fixtures/torch-vae/: a VAE (784-400-20, the twin in torch_models.py) trained by PyTorch for
five epochs on the embedded digits, its state dict in safetensors (model.safetensors), and PyTorch's own
outputs on fixed inputs (reference.safetensors), which TorchImportTests reproduces after
`scratchgen import-torch`:
  x, mu, logvar      the first 8 held-out images (9000..9007) and the encoder's outputs for them;
  z, logits          8 fixed latent codes and the decoder's logits for them;
  eps                one N(0, I) draw per held-out image (1000 x 20), and in the metadata neg_elbo: the
                     held-out -ELBO (nats per image) with z = mu + exp(logvar / 2) eps.
Run from the repository root with Debian's Python: /usr/bin/python3 bench/peers/torch_vae_fixture.py
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import save  # noqa: E402
from torch_models import Vae, read_idx  # noqa: E402

EPOCHS = 5


def main():
    out = "tests/fixtures/torch-vae"
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(2)
    torch.manual_seed(1)
    images = read_idx("data/mnist-10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
    x = torch.from_numpy(images)
    x_train, x_test = x[:9000], x[9000:]
    model = Vae()
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    for _ in range(EPOCHS):
        perm = torch.randperm(len(x_train))
        for i in range(0, len(x_train), 128):
            loss = model.loss(x_train[perm[i:i + 128]])
            opt.zero_grad(); loss.backward(); opt.step()
    model.eval()
    save(f"{out}/model.safetensors", model.state_dict(), {"trained_by": f"torch {torch.__version__}", "epochs": str(EPOCHS)})

    with torch.no_grad():
        h = F.relu(model.fc1(x_test))
        mu, logvar = model.mu(h), model.logvar(h).clamp(-30, 20)
        eps = torch.randn(mu.shape)
        z_post = mu + torch.exp(0.5 * logvar) * eps
        logits_post = model.fc4(F.relu(model.fc3(z_post)))
        rec = F.binary_cross_entropy_with_logits(logits_post, x_test, reduction="sum") / len(x_test)
        kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()) / len(x_test)
        z = torch.randn(8, 20)
        logits = model.fc4(F.relu(model.fc3(z)))
    neg_elbo = (rec + kl).item()
    save(f"{out}/reference.safetensors",
         {"x": x_test[:8], "mu": mu[:8], "logvar": logvar[:8], "z": z, "logits": logits, "eps": eps},
         {"neg_elbo": repr(neg_elbo), "reconstruction": repr(rec.item()), "kl": repr(kl.item()), "torch": torch.__version__})
    print(f"wrote {out}: held-out -ELBO {neg_elbo:.4f} nats/image (reconstruction {rec.item():.4f}, KL {kl.item():.4f})")


if __name__ == "__main__":
    main()
