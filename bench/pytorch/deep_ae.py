#!/usr/bin/env python3
"""PyTorch twin of bench/bench_train.cpp: the deep autoencoder 784-256-64-32-64-256-784 (ReLU on
the hidden layers, a linear code, sigmoid output), MSE per pixel, Adam lr 1e-3, batches of 256 in
a fresh shuffle each epoch. Prints one JSON line: seconds_per_epoch (median of the epochs)."""
import torch
from torch import nn

import common

WIDTHS = [784, 256, 64, 32, 64, 256, 784]


def model():
    """As bench_train's: weights normal with std sqrt(2 / in) (He) before a ReLU, sqrt(2 / (in +
    out)) (Xavier) before the code and the output; biases zero."""
    layers = []
    for i in range(len(WIDTHS) - 1):
        layers.append(nn.Linear(WIDTHS[i], WIDTHS[i + 1]))
        last, code = i + 2 == len(WIDTHS), WIDTHS[i + 1] == 32
        fan = WIDTHS[i] if not (last or code) else WIDTHS[i] + WIDTHS[i + 1]
        nn.init.normal_(layers[-1].weight, 0.0, (2.0 / fan) ** 0.5)
        nn.init.zeros_(layers[-1].bias)
        layers.append(nn.Sigmoid() if last else nn.Identity() if code else nn.ReLU())
    return nn.Sequential(*layers)


def main():
    args = common.parser(__doc__.splitlines()[0], epochs=3, batch=256).parse_args()
    common.setup(args)
    x, _, sample = common.load(args.quick)
    net = model()
    epoch = common.adam_epochs(net, x, args.batch_size, args.seed,
                               lambda net, batch: nn.functional.mse_loss(net(batch), batch))

    sec, cpu, loss = common.timed_epochs(args.epochs, epoch)
    common.emit({"bench": "train_deep_ae", "framework": "pytorch",
                 "model": "784-256-64-32-64-256-784", "images": len(x), "sample": sample,
                 "batch": args.batch_size, "epochs": args.epochs, "seconds_per_epoch": round(sec, 3),
                 "cpu_seconds_per_epoch": round(cpu, 3), "final_train_loss": round(loss, 5)}, args)


if __name__ == "__main__":
    main()
