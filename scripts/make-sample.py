#!/usr/bin/env python3
"""Regenerates data/fashion-mnist-sample/ from the full Fashion-MNIST set.

Takes the first 500 training and the first 100 test images of each class, in file order, and
writes them as IDX files (gzip, mtime 0, so the output is byte-for-byte reproducible).
Usage: python3 scripts/make-sample.py [/usr/share/datasets/fashion-mnist] [data/fashion-mnist-sample]
"""
import gzip
import os
import struct
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
dst = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "data",
                                                         "fashion-mnist-sample")


def read(path):
    with gzip.open(path, "rb") as f:
        return f.read()


def write(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                filename="") as f:
        f.write(data)
    os.replace(tmp, path)


def subset(prefix, per_class):
    images = read(os.path.join(src, prefix + "-images-idx3-ubyte.gz"))
    labels = read(os.path.join(src, prefix + "-labels-idx1-ubyte.gz"))
    magic, n, rows, cols = struct.unpack(">IIII", images[:16])
    assert magic == 0x803 and struct.unpack(">II", labels[:8]) == (0x801, n)
    size = rows * cols
    keep, count = [], [0] * 10
    for i in range(n):
        c = labels[8 + i]
        if count[c] < per_class:
            count[c] += 1
            keep.append(i)
    out_images = struct.pack(">IIII", 0x803, len(keep), rows, cols) + b"".join(
        images[16 + i * size:16 + (i + 1) * size] for i in keep)
    out_labels = struct.pack(">II", 0x801, len(keep)) + bytes(labels[8 + i] for i in keep)
    write(os.path.join(dst, prefix + "-images-idx3-ubyte.gz"), out_images)
    write(os.path.join(dst, prefix + "-labels-idx1-ubyte.gz"), out_labels)
    print(f"{prefix}: {len(keep)} images, {per_class} per class")


os.makedirs(dst, exist_ok=True)
subset("train", 500)
subset("t10k", 100)
