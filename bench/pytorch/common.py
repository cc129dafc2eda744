"""Shared by the PyTorch twins of the project's benchmarks (bench/README.md, "Side by side with
PyTorch"): the command line, thread setup, Fashion-MNIST from the IDX files, median timing and the
one JSON line each script prints. Imported by deep_ae.py, conv_ae.py, vae.py and knn.py."""
import argparse
import gzip
import json
import os
import pathlib
import statistics
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch starts its OpenMP pool
import numpy as np  # noqa: E402
import torch  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
FULL = pathlib.Path("/usr/share/datasets/fashion-mnist")
SAMPLE = ROOT / "data" / "fashion-mnist-sample"


def parser(description, epochs=None, batch=None):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--quick", action="store_true", help="the committed sample (5,000 images)")
    ap.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    ap.add_argument("--seed", type=int, default=42, help="seed of the weights and the order")
    if epochs:
        ap.add_argument("--epochs", type=int, default=epochs, help=f"epochs timed (default {epochs})")
    if batch:
        ap.add_argument("--batch-size", type=int, default=batch, help=f"default {batch}")
    return ap


def setup(args):
    for flag in ("threads", "epochs", "batch_size"):
        if getattr(args, flag, 1) < 1:
            sys.exit(f"error: --{flag.replace('_', '-')} expects a positive number; found "
                     f"{getattr(args, flag)}. Leave it out for the default.")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)


def _idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 16 or int.from_bytes(raw[:4], "big") != 0x803:
        sys.exit(f"error: {path}: not an IDX image file (magic 0x803 expected); reinstall the data")
    n, h, w = (int.from_bytes(raw[4 * i:4 * i + 4], "big") for i in (1, 2, 3))
    return np.frombuffer(raw, np.uint8, n * h * w, 16).reshape(n, h * w).astype(np.float32) / 255


def load(quick):
    """(train, test, is_sample): (N, 784) float32 tensors in [0, 1], as ae::load_data picks them:
    $AE_DATA_DIR or the full set unless --quick, else the committed sample."""
    dirs = [] if quick else [pathlib.Path(p) for p in [os.environ.get("AE_DATA_DIR")] if p] + [FULL]
    for d in dirs + [SAMPLE]:
        tr, te = d / "train-images-idx3-ubyte.gz", d / "t10k-images-idx3-ubyte.gz"
        if tr.is_file() and te.is_file():
            return torch.from_numpy(_idx(tr)), torch.from_numpy(_idx(te)), d == SAMPLE
    sys.exit(f"error: no Fashion-MNIST in {', '.join(map(str, dirs + [SAMPLE]))}; "
             "install it with: sudo apt-get install dataset-fashion-mnist")


def adam_epochs(net, x, batch_size, seed, loss_of):
    """One epoch function for timed_epochs: Adam (lr 1e-3) over x in a fresh seeded shuffle each
    epoch, batches of batch_size, loss_of(net, batch) a mean over the batch; it returns the mean
    training loss over the epoch's images."""
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(seed)

    def epoch():
        order, total = torch.randperm(len(x), generator=gen), 0.0
        for start in range(0, len(x), batch_size):
            batch = x[order[start:start + batch_size]]
            opt.zero_grad(set_to_none=False)
            loss = loss_of(net, batch)
            loss.backward()
            opt.step()
            total += loss.item() * len(batch)
        return total / len(x)

    return epoch


def timed_epochs(epochs, one_epoch):
    """Runs one_epoch() epochs times; returns (median wall s, CPU s per epoch, last return)."""
    secs, cpu0, last = [], time.process_time(), None
    for _ in range(epochs):
        t = time.perf_counter()
        last = one_epoch()
        secs.append(time.perf_counter() - t)
    return statistics.median(secs), (time.process_time() - cpu0) / epochs, last


def emit(record, args):
    record.update(threads=torch.get_num_threads(), torch=torch.__version__,
                  omp_wait_policy=os.environ.get("OMP_WAIT_POLICY"))
    print(json.dumps(record), flush=True)
