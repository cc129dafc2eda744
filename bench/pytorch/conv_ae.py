#!/usr/bin/env python3
"""PyTorch twin of bench/bench_conv.cpp: lesson 08's convolutional AE, Conv2d(1->16, 3x3, s2, p1),
ReLU, Conv2d(16->32, 3x3, s2, p1), ReLU, Linear(1568 -> 32) | Linear(32 -> 1568), ReLU,
ConvTranspose2d(32->16, 4x4, s2, p1), ReLU, ConvTranspose2d(16->1, 4x4, s2, p1), sigmoid; MSE,
Adam lr 1e-3. As bench_conv: one warm-up step, then --batches steps on one batch of uniform
noise, timed; seconds_per_epoch = seconds_per_batch x ceil(60000 / batch). One JSON line."""
import math
import time

import torch
from torch import nn

import common


def model(z=32):
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, 2, 1), nn.ReLU(), nn.Conv2d(16, 32, 3, 2, 1), nn.ReLU(),
        nn.Flatten(), nn.Linear(32 * 7 * 7, z),
        nn.Linear(z, 32 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (32, 7, 7)),
        nn.ConvTranspose2d(32, 16, 4, 2, 1), nn.ReLU(), nn.ConvTranspose2d(16, 1, 4, 2, 1),
        nn.Sigmoid())


def main():
    ap = common.parser(__doc__.splitlines()[0], batch=128)
    ap.add_argument("--batches", type=int, default=60, help="training steps timed (default 60)")
    args = ap.parse_args()
    common.setup(args)
    if args.batches < 1:
        raise SystemExit(f"error: --batches expects a positive number; found {args.batches}.")
    net = model()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x = torch.rand(args.batch_size, 1, 28, 28)

    def step():
        opt.zero_grad(set_to_none=False)
        loss = nn.functional.mse_loss(net(x), x)
        loss.backward()
        opt.step()

    step()
    t, cpu0 = time.perf_counter(), time.process_time()
    for _ in range(args.batches):
        step()
    per_batch = (time.perf_counter() - t) / args.batches
    cpu_batch = (time.process_time() - cpu0) / args.batches
    per_epoch = math.ceil(60000 / args.batch_size)
    common.emit({"bench": "conv_ae", "framework": "pytorch", "model": "1x28x28 -conv-> 16 -conv-> "
                 "32 -> 32, transposed back (NCHW)", "batch": args.batch_size,
                 "batches": args.batches, "seconds_per_batch": round(per_batch, 4),
                 "seconds_per_epoch": round(per_batch * per_epoch, 2),
                 "cpu_seconds_per_epoch": round(cpu_batch * per_epoch, 2)}, args)


if __name__ == "__main__":
    main()
