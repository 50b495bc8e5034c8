#!/usr/bin/env python3
"""Trains a small Llama (Hugging Face LlamaForCausalLM layout) on token windows, on the CPU, with NumPy only.

This is how the bundled model in models/ is made (see models/README.md). The usual recipe is PyTorch and
transformers on a GPU; this project's machines have neither, so the same architecture is written out here:
forward and backward by hand, top to bottom, checked against finite differences (train/test_train_llama.py)
and against llama.cpp after conversion (TrainRecipeTest in the cli module). train_llama_torch.py is the same
trainer with PyTorch doing the arithmetic (for a GPU); both share this file's loop, schedule and files, so a
run started by one can be resumed by the other.

Input: a directory from `prepare-fashion-mnist` or `prepare-moving-fashion-mnist` (train.u16/test.u16 windows,
tokenizer.json, jpeglm_profile.json or jpeglm_video_profile.json, meta.json). Output: a checkpoint directory the
converter reads (config.json, model.safetensors, tokenizer.json, the profile) plus trainer_state.npz to resume,
and training_log.json.

    python3 train/train_llama.py --data train/data --out train/checkpoint --steps 3000
    jpeglm convert train/checkpoint -o models/fashion-mnist-32.gguf --type f32
    python3 train/train_llama.py logits CHECKPOINT 576,12,7 logits.f32     (every position's logits, for tests)
    python3 train/train_llama.py export CHECKPOINT OUT --dtype BF16 --shard-mib 15   (a smaller copy to convert)
    python3 train/train_llama.py export MODEL.gguf OUT --dtype F32   (an F32 GGUF back to a checkpoint, exactly)

Needs python3-numpy (Debian) and, for speed, libopenblas0-pthread.
"""
import argparse
import json
import math
import os
import shutil
import struct
import sys
import time

import numpy as np

F32 = np.float32
PROFILE_FILES = ("jpeglm_profile.json", "jpeglm_video_profile.json", "jpeglm_igpt_profile.json")


# --------------------------------------------------------------------------------------------------------------
# Model

class Config:
    def __init__(self, vocab, dim, layers, heads, ffn, context, rope_theta=10000.0, eps=1e-5):
        assert dim % heads == 0 and (dim // heads) % 2 == 0
        self.vocab, self.dim, self.layers, self.heads, self.ffn = vocab, dim, layers, heads, ffn
        self.context, self.rope_theta, self.eps = context, rope_theta, eps
        self.head_dim = dim // heads

    def hf_config(self, bos, eos):
        return {
            "architectures": ["LlamaForCausalLM"], "model_type": "llama",
            "vocab_size": self.vocab, "hidden_size": self.dim, "intermediate_size": self.ffn,
            "num_hidden_layers": self.layers, "num_attention_heads": self.heads,
            "num_key_value_heads": self.heads, "max_position_embeddings": self.context,
            "rms_norm_eps": self.eps, "rope_theta": self.rope_theta, "hidden_act": "silu",
            "tie_word_embeddings": False, "attention_bias": False, "mlp_bias": False,
            "bos_token_id": bos, "eos_token_id": eos, "torch_dtype": "float32",
        }


def init_params(c, rng, std=0.02):
    """transformers' LlamaPreTrainedModel init: N(0, std^2) for embeddings and projections, ones for norms."""
    p = {"model.embed_tokens.weight": rng.normal(0, std, (c.vocab, c.dim))}
    for i in range(c.layers):
        L = f"model.layers.{i}."
        p[L + "input_layernorm.weight"] = np.ones(c.dim)
        for name, shape in (("q", (c.dim, c.dim)), ("k", (c.dim, c.dim)), ("v", (c.dim, c.dim)), ("o", (c.dim, c.dim))):
            p[L + f"self_attn.{name}_proj.weight"] = rng.normal(0, std, shape)
        p[L + "post_attention_layernorm.weight"] = np.ones(c.dim)
        p[L + "mlp.gate_proj.weight"] = rng.normal(0, std, (c.ffn, c.dim))
        p[L + "mlp.up_proj.weight"] = rng.normal(0, std, (c.ffn, c.dim))
        p[L + "mlp.down_proj.weight"] = rng.normal(0, std, (c.dim, c.ffn))
    p["model.norm.weight"] = np.ones(c.dim)
    p["lm_head.weight"] = rng.normal(0, std, (c.vocab, c.dim))
    return {k: v.astype(F32) for k, v in p.items()}


def rope_tables(c, T):
    """cos/sin of transformers' rotate-half RoPE: frequency j applies to dims j and j + head_dim/2."""
    half = c.head_dim // 2
    inv_freq = 1.0 / (c.rope_theta ** (np.arange(half, dtype=np.float64) * 2 / c.head_dim))
    ang = np.outer(np.arange(T, dtype=np.float64), inv_freq)          # [T, half]
    ang = np.concatenate([ang, ang], axis=1)                           # [T, head_dim]
    return np.cos(ang).astype(F32), np.sin(ang).astype(F32)


def rotate_half(x):
    h = x.shape[-1] // 2
    return np.concatenate([-x[..., h:], x[..., :h]], axis=-1)


def rotate_half_t(g):
    """The transpose of rotate_half, for the backward pass."""
    h = g.shape[-1] // 2
    return np.concatenate([g[..., h:], -g[..., :h]], axis=-1)


def rmsnorm(x, w, eps):
    r = 1.0 / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)
    return x * r * w, r


def rmsnorm_back(dy, x, w, r):
    """y = x * r * w with r = (mean(x^2) + eps)^-1/2."""
    u = dy * w
    dx = r * u - x * (r ** 3) * np.mean(u * x, axis=-1, keepdims=True)
    dw = np.sum(dy * x * r, axis=tuple(range(dy.ndim - 1)))
    return dx, dw


def silu(x):
    return x / (1.0 + np.exp(-x))


def forward(p, c, tokens, labels=None):
    """tokens [B, T] -> (logits [B, T, V], loss or None, cache for backward)."""
    B, T = tokens.shape
    H, D, hd = c.heads, c.dim, c.head_dim
    cos, sin = rope_tables(c, T)
    mask = np.triu(np.full((T, T), -np.inf, dtype=F32), 1)
    x = p["model.embed_tokens.weight"][tokens]                         # [B, T, D]
    cache = {"tokens": tokens, "layers": []}
    for i in range(c.layers):
        L = f"model.layers.{i}."
        lc = {"x": x}
        h, lc["r1"] = rmsnorm(x, p[L + "input_layernorm.weight"], c.eps)
        lc["h"] = h
        q = (h @ p[L + "self_attn.q_proj.weight"].T).reshape(B, T, H, hd).transpose(0, 2, 1, 3)
        k = (h @ p[L + "self_attn.k_proj.weight"].T).reshape(B, T, H, hd).transpose(0, 2, 1, 3)
        v = (h @ p[L + "self_attn.v_proj.weight"].T).reshape(B, T, H, hd).transpose(0, 2, 1, 3)
        qr = q * cos + rotate_half(q) * sin                            # [B, H, T, hd]
        kr = k * cos + rotate_half(k) * sin
        s = (qr @ kr.transpose(0, 1, 3, 2)) * F32(1.0 / math.sqrt(hd)) + mask
        s -= s.max(axis=-1, keepdims=True)
        a = np.exp(s)
        a /= a.sum(axis=-1, keepdims=True)                            # [B, H, T, T]
        o = (a @ v).transpose(0, 2, 1, 3).reshape(B, T, D)
        lc.update(qr=qr, kr=kr, v=v, a=a, o=o)
        x = x + o @ p[L + "self_attn.o_proj.weight"].T
        lc["x2"] = x
        h2, lc["r2"] = rmsnorm(x, p[L + "post_attention_layernorm.weight"], c.eps)
        g = h2 @ p[L + "mlp.gate_proj.weight"].T
        u = h2 @ p[L + "mlp.up_proj.weight"].T
        sg = 1.0 / (1.0 + np.exp(-g))
        m = g * sg * u
        lc.update(h2=h2, g=g, u=u, sg=sg, m=m)
        x = x + m @ p[L + "mlp.down_proj.weight"].T
        cache["layers"].append(lc)
    hn, rn = rmsnorm(x, p["model.norm.weight"], c.eps)
    logits = hn @ p["lm_head.weight"].T                               # [B, T, V]
    cache.update(xn=x, hn=hn, rn=rn, cos=cos, sin=sin)
    if labels is None:
        return logits, None, cache
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    loss = -np.mean(np.take_along_axis(logp, labels[..., None], axis=-1))
    cache.update(logp=logp, labels=labels)
    return logits, float(loss), cache


def backward(p, c, cache):
    """Gradients of the mean cross-entropy of forward(..., labels) with respect to every parameter."""
    tokens, labels, logp = cache["tokens"], cache["labels"], cache["logp"]
    B, T = tokens.shape
    H, D, hd = c.heads, c.dim, c.head_dim
    cos, sin = cache["cos"], cache["sin"]
    grads = {}
    dlogits = np.exp(logp)
    np.put_along_axis(dlogits, labels[..., None], np.take_along_axis(dlogits, labels[..., None], axis=-1) - 1, axis=-1)
    dlogits /= F32(B * T)
    hn = cache["hn"]
    grads["lm_head.weight"] = dlogits.reshape(-1, c.vocab).T @ hn.reshape(-1, D)
    dhn = dlogits @ p["lm_head.weight"]
    dx, grads["model.norm.weight"] = rmsnorm_back(dhn, cache["xn"], p["model.norm.weight"], cache["rn"])
    for i in reversed(range(c.layers)):
        L = f"model.layers.{i}."
        lc = cache["layers"][i]
        # feed-forward: x = x2 + m @ Wd^T, m = silu(g) * u
        grads[L + "mlp.down_proj.weight"] = dx.reshape(-1, D).T @ lc["m"].reshape(-1, c.ffn)
        dm = dx @ p[L + "mlp.down_proj.weight"]
        g, u, sg = lc["g"], lc["u"], lc["sg"]
        du = dm * g * sg
        dg = dm * u * sg * (1 + g * (1 - sg))
        h2 = lc["h2"].reshape(-1, D)
        grads[L + "mlp.gate_proj.weight"] = dg.reshape(-1, c.ffn).T @ h2
        grads[L + "mlp.up_proj.weight"] = du.reshape(-1, c.ffn).T @ h2
        dh2 = dg @ p[L + "mlp.gate_proj.weight"] + du @ p[L + "mlp.up_proj.weight"]
        dx2, grads[L + "post_attention_layernorm.weight"] = rmsnorm_back(
            dh2, lc["x2"], p[L + "post_attention_layernorm.weight"], lc["r2"])
        dx = dx + dx2
        # attention: x2 = x + o @ Wo^T
        grads[L + "self_attn.o_proj.weight"] = dx.reshape(-1, D).T @ lc["o"].reshape(-1, D)
        do = (dx @ p[L + "self_attn.o_proj.weight"]).reshape(B, T, H, hd).transpose(0, 2, 1, 3)
        a, v, qr, kr = lc["a"], lc["v"], lc["qr"], lc["kr"]
        da = do @ v.transpose(0, 1, 3, 2)
        dv = a.transpose(0, 1, 3, 2) @ do
        ds = a * (da - np.sum(da * a, axis=-1, keepdims=True)) * F32(1.0 / math.sqrt(hd))
        dqr = ds @ kr
        dkr = ds.transpose(0, 1, 3, 2) @ qr
        dq = dqr * cos + rotate_half_t(dqr * sin)
        dk = dkr * cos + rotate_half_t(dkr * sin)
        h = lc["h"].reshape(-1, D)
        dh = np.zeros_like(lc["h"])
        for name, dproj in (("q", dq), ("k", dk), ("v", dv)):
            d2 = dproj.transpose(0, 2, 1, 3).reshape(-1, D)
            grads[L + f"self_attn.{name}_proj.weight"] = d2.T @ h
            dh += (d2 @ p[L + f"self_attn.{name}_proj.weight"]).reshape(B, T, D)
        dx1, grads[L + "input_layernorm.weight"] = rmsnorm_back(dh, lc["x"], p[L + "input_layernorm.weight"], lc["r1"])
        dx = dx + dx1
    demb = np.zeros_like(p["model.embed_tokens.weight"])
    np.add.at(demb, tokens.reshape(-1), dx.reshape(-1, D))
    grads["model.embed_tokens.weight"] = demb
    return {k: v.astype(F32) for k, v in grads.items()}


# --------------------------------------------------------------------------------------------------------------
# Optimizer: AdamW with decoupled weight decay on matrices (not norms or embeddings), global-norm clipping.

class AdamW:
    def __init__(self, params, beta1=0.9, beta2=0.95, eps=1e-8, weight_decay=0.1):
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.beta1, self.beta2, self.eps, self.wd, self.t = beta1, beta2, eps, weight_decay, 0

    def step(self, params, grads, lr, clip=1.0):
        norm = math.sqrt(sum(float(np.sum(g.astype(np.float64) ** 2)) for g in grads.values()))
        scale = min(1.0, clip / (norm + 1e-6)) if clip > 0 else 1.0
        self.t += 1
        b1c, b2c = 1 - self.beta1 ** self.t, 1 - self.beta2 ** self.t
        for k, w in params.items():
            g = grads[k] * F32(scale)
            m, v = self.m[k], self.v[k]
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            if w.ndim == 2 and k != "model.embed_tokens.weight":
                w *= F32(1 - lr * self.wd)
            w -= F32(lr) * (m / b1c) / (np.sqrt(v / b2c) + F32(self.eps))
        return norm


def learning_rate(step, steps, peak, warmup, floor, decay_steps=None):
    """Linear warm-up, then a cosine decay to floor * peak over the rest of the run, or, with decay_steps
    ("warmup-stable-decay"), the peak until the last decay_steps and a linear decay to floor * peak over those.
    The second depends on the run's length only in its last decay_steps, so a long run can be resumed with any
    later end, or a copy of it cooled down from any checkpoint, and be the run a fresh start with that end makes."""
    if step < warmup:
        return peak * (step + 1) / warmup
    if decay_steps is not None:
        start = steps - decay_steps
        progress = 0.0 if step < start else min(1.0, (step - start + 1) / decay_steps)
        return peak * (1 - (1 - floor) * progress)
    progress = min(1.0, (step - warmup) / max(1, steps - warmup))
    return peak * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress)))


# --------------------------------------------------------------------------------------------------------------
# Files

def bf16_bits(x):
    """float32 -> bfloat16 bit patterns, rounded to nearest even (as torch and the converter round)."""
    b = np.ascontiguousarray(x, dtype="<f4").view("<u4").astype(np.uint64)
    return ((b + 0x7FFF + ((b >> 16) & 1)) >> 16).astype("<u2")


def write_safetensors(path, tensors, dtype="F32"):
    """safetensors: 8-byte little-endian header length, JSON header, raw little-endian F32 or BF16 data."""
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        t = tensors[name]
        data = (np.ascontiguousarray(t, dtype="<f4") if dtype == "F32" else bf16_bits(t)).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    tmp = path + ".partial"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def read_safetensors(path):
    """One F32 or BF16 safetensors file, or the shards model.safetensors.index.json names, as float32 arrays."""
    index = os.path.join(os.path.dirname(path), "model.safetensors.index.json")
    if not os.path.exists(path) and os.path.exists(index):
        with open(index) as f:
            shards = sorted(set(json.load(f)["weight_map"].values()))
        return {k: v for shard in shards for k, v in read_safetensors(os.path.join(os.path.dirname(path), shard)).items()}
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        base = 8 + n
        out = {}
        for name, t in header.items():
            if name == "__metadata__":
                continue
            f.seek(base + t["data_offsets"][0])
            count = int(np.prod(t["shape"])) if t["shape"] else 1
            if t["dtype"] == "BF16":
                a = (np.frombuffer(f.read(count * 2), dtype="<u2").astype("<u4") << 16).view("<f4")
            else:
                a = np.frombuffer(f.read(count * 4), dtype="<f4")
            out[name] = a.reshape(t["shape"]).astype(F32)
        return out


def write_weights(out, params, dtype="F32", shard_bytes=None):
    """model.safetensors, or shards of at most shard_bytes of data with transformers' index file."""
    if shard_bytes is None:
        write_safetensors(os.path.join(out, "model.safetensors"), params, dtype)
        return
    width = 4 if dtype == "F32" else 2
    shards, size = [[]], 0
    for name in sorted(params):
        n = params[name].size * width
        if shards[-1] and size + n > shard_bytes:
            shards.append([])
            size = 0
        shards[-1].append(name)
        size += n
    weight_map = {}
    for i, names in enumerate(shards):
        file = f"model-{i + 1:05d}-of-{len(shards):05d}.safetensors"
        write_safetensors(os.path.join(out, file), {k: params[k] for k in names}, dtype)
        weight_map.update({k: file for k in names})
    total = sum(v.size * width for v in params.values())
    with open(os.path.join(out, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)


GGUF_NAMES = {"token_embd.weight": "model.embed_tokens.weight", "output_norm.weight": "model.norm.weight",
              "output.weight": "lm_head.weight"}
GGUF_LAYER_NAMES = {"attn_norm": "input_layernorm", "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj",
                    "attn_v": "self_attn.v_proj", "attn_output": "self_attn.o_proj",
                    "ffn_norm": "post_attention_layernorm", "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj",
                    "ffn_down": "mlp.down_proj"}


def read_gguf_weights(path):
    """An F32 Llama GGUF's tensors under transformers' names, the converter's Q/K row permutation undone (llama.cpp
    pairs RoPE's dimensions 2i, 2i+1 where transformers pairs i, i + head_dim/2): how a bundled model, whose
    training checkpoint is gone, becomes the starting point of more training (--init-from)."""
    return read_gguf(path)[1]


def read_gguf(path):
    """An F32 Llama GGUF's metadata (key -> value) and its tensors as read_gguf_weights gives them."""
    scalar = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
    with open(path, "rb") as f:
        buf = f.read()
    pos = 0

    def take(fmt):
        nonlocal pos
        v = struct.unpack_from(fmt, buf, pos)
        pos += struct.calcsize(fmt)
        return v[0]

    def string():
        nonlocal pos
        n = take("<Q")
        pos += n
        return buf[pos - n:pos].decode()

    def value(t):
        nonlocal pos
        if t == 8:
            return string()
        if t == 9:
            et, n = take("<I"), take("<Q")
            return [value(et) for _ in range(n)]
        return take(scalar[t])

    if buf[:4] != b"GGUF":
        sys.exit(f"error: {path} is not a GGUF file")
    pos = 4
    take("<I")
    n_tensors, n_kv = take("<Q"), take("<Q")
    kv = {}
    for _ in range(n_kv):
        key = string()
        kv[key] = value(take("<I"))
    infos = []
    for _ in range(n_tensors):
        name = string()
        dims = [take("<Q") for _ in range(take("<I"))]
        infos.append((name, dims, take("<I"), take("<Q")))
    align = kv.get("general.alignment", 32)
    base = pos + (-pos % align)
    heads = {"attn_q": kv["llama.attention.head_count"],
             "attn_k": kv.get("llama.attention.head_count_kv", kv["llama.attention.head_count"])}
    out = {}
    for name, dims, typ, off in infos:
        if typ != 0:
            sys.exit(f"error: {path}: tensor {name} is not F32 (convert the checkpoint with --type f32)")
        count = int(np.prod(dims))
        a = np.frombuffer(buf, dtype="<f4", count=count, offset=base + off).reshape(list(reversed(dims)))
        if name.startswith("blk."):
            _, layer, kind, _ = name.split(".")
            hf = f"model.layers.{layer}.{GGUF_LAYER_NAMES[kind]}.weight"
        else:
            hf = GGUF_NAMES[name]
        if kind_of(name) in heads:
            rows = a.shape[0]
            head_dim = rows // heads[kind_of(name)]
            src = [(r // head_dim) * head_dim + (r % head_dim % 2) * (head_dim // 2) + r % head_dim // 2
                   for r in range(rows)]
            b = np.empty_like(a)
            b[src] = a  # the converter wrote output row r from source row src[r]
            a = b
        out[hf] = a.astype(F32)
    return kv, out


def kind_of(gguf_name):
    parts = gguf_name.split(".")
    return parts[2] if parts[0] == "blk" else None


def load_windows(path, context):
    w = np.fromfile(path, dtype="<u2").astype(np.int64)
    if w.size % (context + 1) != 0:
        sys.exit(f"error: {path} does not hold windows of {context + 1} tokens")
    return w.reshape(-1, context + 1)


def write_model_files(out, params, cfg, meta, data_dir, dtype="F32", shard_bytes=None):
    """What the converter reads: weights, config.json, the tokenizer and the JPEG or video profile."""
    os.makedirs(out, exist_ok=True)
    write_weights(out, params, dtype, shard_bytes)
    with open(os.path.join(out, "config.json"), "w") as f:
        hf = cfg.hf_config(meta["bos_id"], meta["eos_id"])
        json.dump(dict(hf, torch_dtype="float32" if dtype == "F32" else "bfloat16"), f, indent=2)
    for name in ("tokenizer.json",) + PROFILE_FILES:  # an image model's JPEG profile or a video model's
        if os.path.exists(os.path.join(data_dir, name)):
            shutil.copyfile(os.path.join(data_dir, name), os.path.join(out, name))


def save_checkpoint(out, state, cfg, meta, data_dir, log):
    """The converter's files plus trainer_state.npz (AdamW's moments, the step, the random state and the current
    epoch's order), so that --resume continues the run as if it had not stopped."""
    write_model_files(out, state.params, cfg, meta, data_dir)
    npz = {"step": state.step, "t": state.t, "rng": json.dumps(state.rng.bit_generator.state), "order": state.order}
    for k in state.params:
        npz["m/" + k], npz["v/" + k] = state.m[k], state.v[k]
    np.savez(os.path.join(out, "trainer_state.partial.npz"), **npz)
    os.replace(os.path.join(out, "trainer_state.partial.npz"), os.path.join(out, "trainer_state.npz"))
    with open(os.path.join(out, "training_log.json.partial"), "w") as f:
        json.dump(log, f, indent=2)
    os.replace(os.path.join(out, "training_log.json.partial"), os.path.join(out, "training_log.json"))


def load_config(checkpoint):
    with open(os.path.join(checkpoint, "config.json")) as f:
        hf = json.load(f)
    return Config(hf["vocab_size"], hf["hidden_size"], hf["num_hidden_layers"], hf["num_attention_heads"],
                  hf["intermediate_size"], hf["max_position_embeddings"], hf["rope_theta"], hf["rms_norm_eps"])


def write_logits(checkpoint, tokens, out):
    """Writes the logits of every position for tokens (little-endian f32, [len, vocab]): for parity tests."""
    params = read_safetensors(os.path.join(checkpoint, "model.safetensors"))
    logits = forward(params, load_config(checkpoint), np.array([tokens]))[0][0]
    logits.astype("<f4").tofile(out)


def export(checkpoint, out, dtype, shard_mib):
    """A copy of a checkpoint's model for the converter, in BF16 or F32, optionally in shards (no trainer state).
    The checkpoint may also be an F32 GGUF (a bundled model whose checkpoint is gone): its weights and config.json
    are written; the tokenizer and profile stay in the GGUF (convert's --tokenizer and --profile take them)."""
    if os.path.exists(out):
        sys.exit(f"error: {out} exists")
    if checkpoint.endswith(".gguf"):
        export_gguf(checkpoint, out, dtype, shard_mib)
        return
    params = read_safetensors(os.path.join(checkpoint, "model.safetensors"))
    with open(os.path.join(checkpoint, "config.json")) as f:
        hf = json.load(f)
    meta = {"bos_id": hf["bos_token_id"], "eos_id": hf["eos_token_id"]}
    shard = None if shard_mib is None else int(shard_mib * 2 ** 20)
    write_model_files(out, params, load_config(checkpoint), meta, checkpoint, dtype, shard)
    if os.path.exists(os.path.join(checkpoint, "training_log.json")):
        shutil.copyfile(os.path.join(checkpoint, "training_log.json"), os.path.join(out, "training_log.json"))


def export_gguf(path, out, dtype, shard_mib):
    kv, params = read_gguf(path)
    heads = kv["llama.attention.head_count"]
    if kv.get("llama.attention.head_count_kv", heads) != heads:
        sys.exit(f"error: {path} uses grouped-query attention, which this trainer's checkpoints do not")
    cfg = Config(params["model.embed_tokens.weight"].shape[0], kv["llama.embedding_length"], kv["llama.block_count"],
                 heads, kv["llama.feed_forward_length"], kv["llama.context_length"], kv["llama.rope.freq_base"],
                 kv["llama.attention.layer_norm_rms_epsilon"])
    os.makedirs(out)
    write_weights(out, params, dtype, None if shard_mib is None else int(shard_mib * 2 ** 20))
    hf = cfg.hf_config(kv["jpeglm.bpe.bos_id"], kv["jpeglm.bpe.eos_id"])
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(dict(hf, torch_dtype="float32" if dtype == "F32" else "bfloat16"), f, indent=2)


# --------------------------------------------------------------------------------------------------------------
# The training loop, shared with train_llama_torch.py: an engine does the arithmetic of a step, this loop the
# data order, schedule, evaluation, checkpoints and resumption.

class NumpyEngine:
    """Forward, the hand-written backward pass and AdamW, in NumPy."""

    def __init__(self, cfg, params, args):
        self.cfg, self.params, self.clip = cfg, params, args.clip
        self.opt = AdamW(params, weight_decay=args.weight_decay)

    def step(self, batch, lr):
        """One optimizer step on windows [B, T + 1]; returns (loss before the step, gradient norm)."""
        _, loss, cache = forward(self.params, self.cfg, batch[:, :-1], batch[:, 1:])
        grads = backward(self.params, self.cfg, cache)
        del cache
        return loss, self.opt.step(self.params, grads, lr, self.clip)

    def evaluate(self, windows, batch):
        return evaluate(self.params, self.cfg, windows, batch)

    def state(self):
        """(params, first moments, second moments, optimizer step count), as float32 NumPy arrays by name."""
        return self.params, self.opt.m, self.opt.v, self.opt.t

    def load_state(self, params, m, v, t):
        self.params = params
        self.opt.m, self.opt.v, self.opt.t = m, v, t


def grow_layers(small, init):
    """A deeper model that computes what small does: small's layers first, then init's (random) layers with their
    attention output and feed-forward down projections zeroed, so that each adds nothing to the residual stream
    until training makes it (their inputs are not zero, so those projections get gradients at once)."""
    grown = dict(init)
    for k, v in small.items():
        if k not in init:
            sys.exit(f"error: --grow: the model to grow has {k}, deeper or of another shape than --layers says")
        grown[k] = v
    for k in init:
        if k not in small and k.endswith(("self_attn.o_proj.weight", "mlp.down_proj.weight")):
            grown[k] = np.zeros_like(init[k])
    added = sum(1 for k in init if k not in small and k.endswith("input_layernorm.weight"))
    print(f"grown by {added} layers (zero output projections: the same function)", file=sys.stderr)
    return grown


class RunState:
    def __init__(self, params, m, v, t, step, rng, order):
        self.params, self.m, self.v, self.t, self.step, self.rng, self.order = params, m, v, t, step, rng, order


def evaluate(params, cfg, windows, batch):
    losses = []
    for i in range(0, len(windows), batch):
        w = windows[i:i + batch]
        losses.append(forward(params, cfg, w[:, :-1], w[:, 1:])[1] * len(w))
    return sum(losses) / len(windows)


def arg_parser(description=__doc__):
    ap = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="directory written by PrepareFashionMnist")
    ap.add_argument("--out", required=True, help="checkpoint directory (the converter's input)")
    ap.add_argument("--dim", type=int, default=192)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=6)
    ap.add_argument("--ffn", type=int, default=512)
    ap.add_argument("--max-positions", type=int, default=512, help="max_position_embeddings written to config.json")
    ap.add_argument("--batch", type=int, default=32, help="windows per step")
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--min-lr-ratio", type=float, default=0.1)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--decay-steps", type=int, default=None,
                    help="warmup-stable-decay: the peak rate until the last DECAY_STEPS, then linear to the floor "
                         "(default: cosine over the whole run)")
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--eval-every", type=int, default=200)
    ap.add_argument("--eval-windows", type=int, default=256)
    ap.add_argument("--checkpoint-every", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--resume", action="store_true", help="continue from --out's trainer_state.npz")
    ap.add_argument("--grow", action="store_true",
                    help="with --init-from: a model with fewer layers of the same width becomes the first layers; "
                         "the others start with zero output projections, so the model computes the same function")
    ap.add_argument("--init-from", default=None,
                    help="start from these weights (a checkpoint directory or an F32 GGUF of the same shape) with "
                         "a fresh optimizer, instead of a random initialisation")
    ap.add_argument("--no-final-eval", action="store_true", help="skip the evaluation on the whole test set")
    ap.add_argument("--keep-best", action="store_true",
                    help="also keep the model with the lowest evaluation loss so far in OUT/best (early stopping for "
                         "runs that may overfit; selected on the first --eval-windows test windows)")
    return ap


def train(args, make_engine):
    """Trains with make_engine(cfg, params, args)'s arithmetic; returns the final log."""
    with open(os.path.join(args.data, "meta.json")) as f:
        meta = json.load(f)
    ctx = meta["context"]
    train_set = load_windows(os.path.join(args.data, "train.u16"), ctx)
    test = load_windows(os.path.join(args.data, "test.u16"), ctx)
    cfg = Config(meta["vocab_size"], args.dim, args.layers, args.heads, args.ffn, args.max_positions)
    rng = np.random.default_rng(args.seed)
    engine = make_engine(cfg, init_params(cfg, rng), args)
    log = {"args": vars(args), "meta": meta, "history": []}
    start, order, cpu_before = 0, None, 0.0
    if args.init_from and not args.resume:
        init = engine.state()[0]
        if args.init_from.endswith(".gguf"):
            params = read_gguf_weights(args.init_from)
        else:
            params = read_safetensors(os.path.join(args.init_from, "model.safetensors"))
        if args.grow:
            params = grow_layers(params, init)
        wrong = sorted(k for k in set(init) | set(params) if k not in params or k not in init
                       or params[k].shape != init[k].shape)
        if wrong:
            sys.exit(f"error: {args.init_from} does not fit the model's shape (first: {wrong[0]})")
        engine.load_state(params, {k: np.zeros_like(v) for k, v in params.items()},
                          {k: np.zeros_like(v) for k, v in params.items()}, 0)
        print(f"initialised from {args.init_from}", file=sys.stderr)
    if args.resume:
        params = read_safetensors(os.path.join(args.out, "model.safetensors"))
        st = np.load(os.path.join(args.out, "trainer_state.npz"))
        engine.load_state(params, {k: st["m/" + k].copy() for k in params}, {k: st["v/" + k].copy() for k in params},
                          int(st["t"]))
        start = int(st["step"])
        rng.bit_generator.state = json.loads(str(st["rng"]))
        order = st["order"] if "order" in st.files else None  # older checkpoints: a fresh order for this epoch
        with open(os.path.join(args.out, "training_log.json")) as f:
            old = json.load(f)
        log["history"] = old["history"]
        cpu_before = old.get("cpu_seconds", 0.0)
        print(f"resumed at step {start}", file=sys.stderr)
    n_params = sum(v.size for v in engine.state()[0].values())
    print(f"{n_params:,} parameters; {len(train_set)} training windows of {ctx} tokens; "
          f"{args.batch * ctx} tokens per step; {args.steps} steps = {args.steps * args.batch / len(train_set):.2f} "
          f"epochs", file=sys.stderr)
    eval_set = test[:args.eval_windows]
    if order is None:
        order = rng.permutation(len(train_set))
    t0, cpu0, tokens_done, smooth = time.time(), time.process_time(), 0, None

    def checkpoint(step):
        log["cpu_seconds"] = round(cpu_before + time.process_time() - cpu0, 1)
        params, m, v, t = engine.state()
        save_checkpoint(args.out, RunState(params, m, v, t, step, rng, order), cfg, meta, args.data, log)

    step = start
    while step < args.steps:  # args.steps, not a range: an engine may shorten the run (train_llama_torch --time-budget)
        epoch_pos = (step * args.batch) % len(train_set)
        if epoch_pos < args.batch:
            order = rng.permutation(len(train_set))
        batch = train_set[order[epoch_pos:epoch_pos + args.batch]]
        lr = learning_rate(step, args.steps, args.lr, args.warmup, args.min_lr_ratio, args.decay_steps)
        loss, gnorm = engine.step(batch, lr)
        tokens_done += batch.size - len(batch)
        smooth = loss if smooth is None else 0.95 * smooth + 0.05 * loss
        if (step + 1) % 10 == 0:
            rate = tokens_done / (time.time() - t0)
            print(f"step {step + 1}/{args.steps} loss {smooth:.4f} lr {lr:.2e} |g| {gnorm:.2f} {rate:.0f} tok/s",
                  file=sys.stderr, flush=True)
        last = step + 1 == args.steps
        if (step + 1) % args.eval_every == 0 or last:
            ev = engine.evaluate(eval_set, args.batch)
            entry = {"step": step + 1, "train_loss": float(smooth), "test_loss": ev, "lr": lr,
                     "elapsed_s": round(time.time() - t0, 1),
                     "cpu_s": round(cpu_before + time.process_time() - cpu0, 1)}
            log["history"].append(entry)
            print(f"eval {json.dumps(entry)}", file=sys.stderr, flush=True)
            if args.keep_best and ev <= min(h["test_loss"] for h in log["history"]):
                write_model_files(os.path.join(args.out, "best"), engine.state()[0], cfg, meta, args.data)
                with open(os.path.join(args.out, "best", "training_log.json"), "w") as f:
                    json.dump(dict(log, best=entry), f, indent=2)
        if (step + 1) % args.checkpoint_every == 0 or last:
            checkpoint(step + 1)
        step += 1
    if not args.no_final_eval:
        full = engine.evaluate(test, args.batch)
        bits_per_byte = full / math.log(2) * meta["test_tokens"] / meta["test_bytes"]
        log["final"] = {"test_loss_nats_per_token": full, "test_bits_per_byte_approx": bits_per_byte,
                        "train_seconds": round(time.time() - t0, 1)}
        print(f"test set: {full:.4f} nats/token, about {bits_per_byte:.3f} bits/byte", file=sys.stderr)
    checkpoint(args.steps)
    return log


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "logits":
        # train_llama.py logits CHECKPOINT TOKEN,TOKEN,... OUT
        write_logits(sys.argv[2], [int(t) for t in sys.argv[3].split(",")], sys.argv[4])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "export":
        ap = argparse.ArgumentParser(prog="train_llama.py export",
                                     description="a checkpoint's (or an F32 GGUF's) model in BF16 or F32, optionally sharded")
        ap.add_argument("checkpoint")
        ap.add_argument("out")
        ap.add_argument("--dtype", choices=("F32", "BF16"), default="BF16")
        ap.add_argument("--shard-mib", type=float, default=None, help="at most this many MiB of weights a file")
        a = ap.parse_args(sys.argv[2:])
        export(a.checkpoint, a.out, a.dtype, a.shard_mib)
        return
    train(arg_parser().parse_args(), NumpyEngine)


if __name__ == "__main__":
    main()
