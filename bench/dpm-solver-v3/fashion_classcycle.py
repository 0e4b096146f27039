"""Data for `model stats models/fashion-unet-eps/model.json --ems --data ...` (issue 23).

The class-conditional UNet is called on batch row r with class r mod 10, so row r of the data must be an image of
class r mod 10: the first 480 Fashion-MNIST training images of each class in that order, scaled to [-1, 1].
Usage: /usr/bin/python3 bench/dpm-solver-v3/fashion_classcycle.py OUT.npy
"""
import gzip
import sys

import numpy as np

ROOT = "/usr/share/datasets/fashion-mnist/"
images = np.frombuffer(gzip.open(ROOT + "train-images-idx3-ubyte.gz").read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
labels = np.frombuffer(gzip.open(ROOT + "train-labels-idx1-ubyte.gz").read(), np.uint8, offset=8)
by_class = {c: list(np.where(labels == c)[0]) for c in range(10)}
rows = [by_class[r % 10].pop(0) for r in range(480)]
np.save(sys.argv[1], images[rows].astype(np.float64) * (2 / 255.0) - 1.0)
