#!/usr/bin/env python3
"""PyTorch twin of bench/bench_knn.cpp: PCA-32 of the training images (covariance, eigh), then the
5 nearest training images of every test image by squared Euclidean distance (blocks of 512
queries: |r|^2 - 2 q r^T in one addmm, then topk), on the PCA-32 codes and on raw pixels. One JSON
line per measurement: the PCA (seconds), and each search (seconds, the fastest of --reps)."""
import time

import torch

import common


def pca_codes(train, test, z=32):
    mean = train.mean(0, keepdim=True)
    xc = train - mean
    cov = xc.T @ xc / len(train)
    _, vecs = torch.linalg.eigh(cov)  # ascending: the last z columns
    w = vecs[:, -z:]
    return xc @ w, (test - mean) @ w


def k_nearest(queries, refs, k, block=512):
    """|r|^2 - 2 q r^T in one addmm per block (|q|^2 is the same along a row: it cannot change
    which references are nearest), then topk."""
    r2 = (refs * refs).sum(1)
    out = []
    for s in range(0, len(queries), block):
        d2 = torch.addmm(r2, queries[s:s + block], refs.T, alpha=-2)
        out.append(torch.topk(d2, k, dim=1, largest=False).indices)
    return torch.cat(out)


def main():
    ap = common.parser(__doc__.splitlines()[0])
    ap.add_argument("--k", type=int, default=5, help="neighbours per query (default 5)")
    ap.add_argument("--reps", type=int, default=1, help="runs of each search; the fastest counts")
    ap.add_argument("--only", choices=["pca", "pca32", "pixels"], help="one measurement")
    args = ap.parse_args()
    common.setup(args)
    if args.k < 1 or args.reps < 1:
        raise SystemExit(f"error: --k and --reps expect positive numbers; found {args.k} and "
                         f"{args.reps}.")
    train, test, sample = common.load(args.quick)
    t = time.perf_counter()
    train_codes, test_codes = pca_codes(train, test)
    pca_s = time.perf_counter() - t
    base = {"framework": "pytorch", "queries": len(test), "refs": len(train), "sample": sample}
    if args.only in (None, "pca"):
        common.emit({"bench": "pca", **base, "dim": train.shape[1], "components": 32,
                     "seconds": round(pca_s, 3)}, args)
    for name, q, r in (("pca32", test_codes, train_codes), ("pixels", test, train)):
        if args.only not in (None, name):
            continue
        best = float("inf")
        for _ in range(args.reps):
            t = time.perf_counter()
            k_nearest(q, r, args.k)
            best = min(best, time.perf_counter() - t)
        common.emit({"bench": "knn", "representation": name, **base, "dim": r.shape[1],
                     "k": args.k, "seconds": round(best, 3), "reps": args.reps}, args)


if __name__ == "__main__":
    main()
