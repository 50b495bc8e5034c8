#!/usr/bin/env python3
"""Trains the small CNN behind jpeglm's quality metric (eval/README.md) on Fashion-MNIST, with NumPy only.

The metric's features (FID, KID, precision/recall) are this network's penultimate layer; its softmax gives the
recognisable share and the class histogram. Java runs the network (org.jpeglm.eval.FashionClassifier); this
script makes the weights file it reads:

    python3 eval/train_classifier.py --out eval/src/main/resources/org/jpeglm/eval/fashion-mnist-classifier.gguf

Network (input: a 28x28 gray image, pixel / 255):
    conv 3x3, 1 -> 16, padding 1, ReLU, max-pool 2x2       28x28 -> 14x14
    conv 3x3, 16 -> 32, padding 1, ReLU, max-pool 2x2      14x14 -> 7x7
    dense 1568 -> 128, ReLU                                the features
    dense 128 -> 10                                        the class logits
Training: the 60,000 training images, each epoch in a fresh random order, each image flipped left-right with
probability 1/2; Adam (lr 1e-3, cosine decay to 1e-5, beta 0.9/0.999), batch 128, cross-entropy, He-normal
initialisation, 5 epochs, one seed for everything.

Output: one GGUF v3 file (the project's model format; org.jpeglm.gguf reads it): tensors conv1.weight [16,1,3,3]
(numpy shape; GGUF lists dimensions fastest first), conv1.bias, conv2.weight [32,16,3,3], conv2.bias,
fc1.weight [128,1568], fc1.bias, fc2.weight [10,128], fc2.bias, all F32 in numpy's C order; metadata
classifier.* (the recipe, seed, test accuracy and count correct, and the logits of the first test images, so
Java can check that it computes what NumPy computed).

Needs python3-numpy and Debian's dataset-fashion-mnist. Takes about 7 CPU minutes (80 s an epoch), much longer in wall time on 2 busy shared cores
(OPENBLAS_NUM_THREADS=1 nice ...).
"""
import argparse
import gzip
import math
import os
import struct
import sys
import time

import numpy as np

F32 = np.float32
DATA = "/usr/share/datasets/fashion-mnist"
CHECK_IMAGES = 16  # test images whose logits go into the file


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">i", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "i" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(data, split):
    images = read_idx(os.path.join(data, f"{split}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data, f"{split}-labels-idx1-ubyte.gz"))
    return images.astype(F32) / F32(255), labels.astype(np.int64)


# ----------------------------------------------------------------------------------------------------------------
# Layers (NCHW), forward returns what backward needs

def conv_forward(x, w, b):
    """3x3 convolution, padding 1, stride 1, as one matrix product over im2col columns."""
    n, c, h, wd = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    cols = np.lib.stride_tricks.sliding_window_view(xp, (3, 3), axis=(2, 3))  # n c h w 3 3
    cols = cols.transpose(0, 2, 3, 1, 4, 5).reshape(n * h * wd, c * 9)
    out = cols @ w.reshape(w.shape[0], -1).T + b
    return out.reshape(n, h, wd, -1).transpose(0, 3, 1, 2), cols


def conv_backward(dout, cols, x_shape, w):
    n, c, h, wd = x_shape
    o = w.shape[0]
    d = dout.transpose(0, 2, 3, 1).reshape(n * h * wd, o)
    dw = (d.T @ cols).reshape(w.shape)
    db = d.sum(axis=0)
    dcols = (d @ w.reshape(o, -1)).reshape(n, h, wd, c, 3, 3)
    dxp = np.zeros((n, c, h + 2, wd + 2), dtype=F32)
    for ky in range(3):
        for kx in range(3):
            dxp[:, :, ky:ky + h, kx:kx + wd] += dcols[:, :, :, :, ky, kx].transpose(0, 3, 1, 2)
    return dxp[:, :, 1:-1, 1:-1], dw, db


def pool_forward(x):
    n, c, h, w = x.shape
    r = x.reshape(n, c, h // 2, 2, w // 2, 2)
    out = r.max(axis=(3, 5))
    return out, r


def pool_backward(dout, r):
    # The gradient goes to the first maximum of each window (row-major), as an argmax would send it.
    n, c, h2, _, w2, _ = r.shape
    flat = r.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h2, w2, 4)
    idx = flat.argmax(axis=4)
    d = np.zeros_like(flat)
    np.put_along_axis(d, idx[..., None], dout[..., None], axis=4)
    return d.reshape(n, c, h2, w2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h2 * 2, w2 * 2)


def forward(p, x):
    """Logits, features and the cache for backward; x is (n, 28, 28)."""
    x = x[:, None]
    a1, cols1 = conv_forward(x, p["conv1.weight"], p["conv1.bias"])
    r1 = np.maximum(a1, 0)
    p1, pr1 = pool_forward(r1)
    a2, cols2 = conv_forward(p1, p["conv2.weight"], p["conv2.bias"])
    r2 = np.maximum(a2, 0)
    p2, pr2 = pool_forward(r2)
    flat = p2.reshape(len(x), -1)
    h = flat @ p["fc1.weight"].T + p["fc1.bias"]
    feat = np.maximum(h, 0)
    logits = feat @ p["fc2.weight"].T + p["fc2.bias"]
    return logits, feat, (x, cols1, a1, pr1, p1, cols2, a2, pr2, p2, flat, h, feat)


def backward(p, cache, dlogits):
    x, cols1, a1, pr1, p1, cols2, a2, pr2, p2, flat, h, feat = cache
    g = {"fc2.weight": dlogits.T @ feat, "fc2.bias": dlogits.sum(0)}
    dh = (dlogits @ p["fc2.weight"]) * (h > 0)
    g["fc1.weight"] = dh.T @ flat
    g["fc1.bias"] = dh.sum(0)
    dp2 = (dh @ p["fc1.weight"]).reshape(p2.shape)
    da2 = pool_backward(dp2, pr2) * (a2 > 0)
    dp1, g["conv2.weight"], g["conv2.bias"] = conv_backward(da2, cols2, p1.shape, p["conv2.weight"])
    da1 = pool_backward(dp1, pr1) * (a1 > 0)
    _, g["conv1.weight"], g["conv1.bias"] = conv_backward(da1, cols1, x.shape, p["conv1.weight"])
    return g


def cross_entropy(logits, labels):
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(len(labels)), labels].mean()
    d = np.exp(logp)
    d[np.arange(len(labels)), labels] -= 1
    return loss, (d / len(labels)).astype(F32)


def init(rng):
    def he(shape, fan_in):
        return (rng.standard_normal(shape) * math.sqrt(2.0 / fan_in)).astype(F32)

    return {
        "conv1.weight": he((16, 1, 3, 3), 9), "conv1.bias": np.zeros(16, F32),
        "conv2.weight": he((32, 16, 3, 3), 144), "conv2.bias": np.zeros(32, F32),
        "fc1.weight": he((128, 1568), 1568), "fc1.bias": np.zeros(128, F32),
        "fc2.weight": he((10, 128), 128), "fc2.bias": np.zeros(10, F32),
    }


def augment(x, rng):
    """Each image flipped left-right with probability 1/2."""
    flip = rng.random(len(x)) < 0.5
    return np.where(flip[:, None, None], x[:, :, ::-1], x)


def evaluate(p, x, y, batch=1000):
    correct = 0
    for i in range(0, len(x), batch):
        logits, _, _ = forward(p, x[i:i + batch])
        correct += int((logits.argmax(1) == y[i:i + batch]).sum())
    return correct


# ----------------------------------------------------------------------------------------------------------------
# GGUF v3 (only what this file needs: strings, u32, f64, f32 arrays; F32 tensors)

def gguf_bytes(tensors, meta, alignment=32):
    def s(text):
        b = text.encode("utf-8")
        return struct.pack("<Q", len(b)) + b

    def kv(key, value):
        if isinstance(value, str):
            return s(key) + struct.pack("<I", 8) + s(value)
        if isinstance(value, bool):
            raise TypeError(key)
        if isinstance(value, int):
            return s(key) + struct.pack("<II", 4, value)
        if isinstance(value, float):
            return s(key) + struct.pack("<Id", 12, value)
        arr = np.asarray(value, dtype=F32).ravel()
        return s(key) + struct.pack("<IIQ", 9, 6, len(arr)) + arr.astype("<f4").tobytes()

    out = bytearray(b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(meta)))
    for k, v in meta.items():
        out += kv(k, v)
    offset = 0
    data = bytearray()
    for name, t in tensors.items():
        out += s(name) + struct.pack("<I", t.ndim) + struct.pack("<" + "Q" * t.ndim, *reversed(t.shape))
        out += struct.pack("<IQ", 0, offset)
        raw = np.ascontiguousarray(t, dtype="<f4").tobytes()
        data += raw + bytes(-len(raw) % alignment)
        offset += len(raw) + (-len(raw) % alignment)
    out += bytes(-len(out) % alignment)
    return bytes(out + data)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=int, default=0, help="training images to use (0: all); for quick tests")
    ap.add_argument("--test-limit", type=int, default=0, help="test images to measure (0: all); for quick tests")
    args = ap.parse_args()

    xtr, ytr = load(args.data, "train")
    xte, yte = load(args.data, "t10k")
    if args.limit:
        xtr, ytr = xtr[:args.limit], ytr[:args.limit]
    if args.test_limit:
        xte, yte = xte[:args.test_limit], yte[:args.test_limit]
    rng = np.random.default_rng(args.seed)
    p = init(rng)
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v = {k: np.zeros_like(v) for k, v in p.items()}
    steps_per_epoch = math.ceil(len(xtr) / args.batch)
    total = steps_per_epoch * args.epochs
    step = 0
    started = time.time()
    for epoch in range(args.epochs):
        order = rng.permutation(len(xtr))
        losses = []
        for i in range(0, len(xtr), args.batch):
            idx = order[i:i + args.batch]
            xb = augment(xtr[idx], rng)
            logits, _, cache = forward(p, xb)
            loss, dlogits = cross_entropy(logits, ytr[idx])
            g = backward(p, cache, dlogits)
            step += 1
            lr = 1e-5 + (args.lr - 1e-5) * 0.5 * (1 + math.cos(math.pi * (step - 1) / total))
            for k in p:
                m[k] = 0.9 * m[k] + 0.1 * g[k]
                v[k] = 0.999 * v[k] + 0.001 * g[k] * g[k]
                mh = m[k] / (1 - 0.9 ** step)
                vh = v[k] / (1 - 0.999 ** step)
                p[k] = (p[k] - lr * mh / (np.sqrt(vh) + 1e-8)).astype(F32)
            losses.append(loss)
        correct = evaluate(p, xte, yte)
        print(f"epoch {epoch + 1}/{args.epochs}: train loss {np.mean(losses):.4f}, test accuracy "
              f"{correct / len(xte):.4f}, {time.time() - started:.0f} s", flush=True)

    correct = evaluate(p, xte, yte)
    check, _, _ = forward(p, xte[:CHECK_IMAGES])
    recipe = (f"train_classifier.py --epochs {args.epochs} --batch {args.batch} --lr {args.lr} --seed {args.seed}"
              f"{f' --limit {args.limit}' if args.limit else ''}; numpy {np.__version__}")
    meta = {
        "general.architecture": "fashion-mnist-classifier",
        "general.name": "jpeglm quality metric: Fashion-MNIST CNN",
        "classifier.recipe": recipe,
        "classifier.seed": args.seed,
        "classifier.train_images": len(xtr),
        "classifier.test_images": len(xte),
        "classifier.test_correct": correct,
        "classifier.test_accuracy": correct / len(xte),
        "classifier.train_seconds": float(round(time.time() - started)),
        "classifier.check_logits": check.astype(F32),
    }
    blob = gguf_bytes(p, meta)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(blob)
    os.replace(tmp, args.out)
    print(f"test accuracy {correct / len(xte):.4f} ({correct}/{len(xte)}); wrote {args.out} ({len(blob)} bytes)")


if __name__ == "__main__":
    sys.exit(main())
