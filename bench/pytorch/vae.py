#!/usr/bin/env python3
"""PyTorch twin of bench/bench_vae.cpp: lesson 05's VAE 784-400-20 (ReLU trunk, linear mu and
logvar heads, decoder 20-400-784 to logits), loss = mean over the batch of (BCE on the logits
summed over the pixels + KL), Adam lr 1e-3, batches of 128 in a fresh shuffle each epoch, the
output bias starting at logit(mean pixel). Prints one JSON line: seconds_per_epoch (median)."""
import torch
from torch import nn
from torch.nn import functional as F

import common


class Vae(nn.Module):
    def __init__(self, d=784, h=400, z=20):
        super().__init__()
        self.trunk, self.mu, self.logvar = nn.Linear(d, h), nn.Linear(h, z), nn.Linear(h, z)
        self.dec = nn.Sequential(nn.Linear(z, h), nn.ReLU(), nn.Linear(h, d))

    def loss(self, x):
        hid = F.relu(self.trunk(x))
        mu, logvar = self.mu(hid), self.logvar(hid)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        recon = F.binary_cross_entropy_with_logits(self.dec(z), x, reduction="sum")
        kl = -0.5 * torch.sum(1 + logvar - mu * mu - logvar.exp())
        return (recon + kl) / len(x)


def main():
    args = common.parser(__doc__.splitlines()[0], epochs=3, batch=128).parse_args()
    common.setup(args)
    x, _, sample = common.load(args.quick)
    net = Vae()
    with torch.no_grad():
        m = x.mean(0).clamp(1e-3, 1 - 1e-3)
        net.dec[2].bias.copy_(torch.log(m / (1 - m)))
    epoch = common.adam_epochs(net, x, args.batch_size, args.seed,
                               lambda net, batch: net.loss(batch))

    sec, cpu, loss = common.timed_epochs(args.epochs, epoch)
    common.emit({"bench": "train_vae", "framework": "pytorch", "model": "784-400-20",
                 "images": len(x), "sample": sample, "batch": args.batch_size,
                 "epochs": args.epochs, "seconds_per_epoch": round(sec, 3),
                 "cpu_seconds_per_epoch": round(cpu, 3), "final_train_loss": round(loss, 3)}, args)


if __name__ == "__main__":
    main()
