#!/usr/bin/env python3
"""train_llama.py's trainer with PyTorch doing the arithmetic, for a GPU (or a CPU).

The same model (Hugging Face LlamaForCausalLM layout), initialisation, data order, AdamW, clipping, schedule,
evaluation and files as train_llama.py, whose loop it runs: only a step's arithmetic differs (autograd instead
of the hand-written backward pass, optionally bf16 autocast and fused kernels on a GPU). A checkpoint either
trainer writes is one the converter reads unchanged and the other trainer resumes (--resume).
train/test_train_llama_torch.py checks it against the NumPy trainer; TrainRecipeTest against llama.cpp.

    python3 train/train_llama_torch.py --data train/data --out CKPT --steps 3000 [--device cuda --bf16]
    python3 train/train_llama_torch.py logits CHECKPOINT 576,12,7 logits.f32   (every position's logits, f32)

Works with PyTorch 1.13 (Debian's python3-torch, CPU) and 2.x; uses scaled_dot_product_attention where it
exists. --time-budget fixes the number of steps from the measured speed, so a run fits a device call.
"""
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_llama as tl  # noqa: E402

EMBED = "model.embed_tokens.weight"
SDPA = hasattr(F, "scaled_dot_product_attention")


def rope_tables(cfg, T, device):
    cos, sin = tl.rope_tables(cfg, T)  # the NumPy trainer's tables: the same rounding
    return torch.from_numpy(cos).to(device), torch.from_numpy(sin).to(device)


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat([-x[..., h:], x[..., :h]], dim=-1)


def rmsnorm(x, w, eps):
    """transformers' LlamaRMSNorm: normalised in float32, scaled by the weight."""
    x32 = x.float()
    return w * (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps))


def forward(p, cfg, tokens, cos, sin, dropout=0.0):
    """tokens [B, T] (int64 tensor) -> logits [B, T, V] (float32). dropout > 0 (training only) drops attention
    weights and each block's output before the residual sum, as GPT-2 does; the model's shape is unchanged."""
    B, T = tokens.shape
    H, hd = cfg.heads, cfg.head_dim
    x = F.embedding(tokens, p[EMBED])
    mask = None if SDPA else torch.full((T, T), float("-inf"), device=tokens.device).triu(1)
    for i in range(cfg.layers):
        L = f"model.layers.{i}."
        h = rmsnorm(x, p[L + "input_layernorm.weight"], cfg.eps)

        def heads(name):
            return F.linear(h, p[L + f"self_attn.{name}_proj.weight"]).view(B, T, H, hd).transpose(1, 2)

        q, k, v = heads("q"), heads("k"), heads("v")
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if SDPA:
            o = F.scaled_dot_product_attention(q, k, v, dropout_p=dropout, is_causal=True)
        else:
            a = torch.softmax((q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(hd)) + mask, dim=-1)
            o = F.dropout(a, dropout) @ v
        x = x + F.dropout(F.linear(o.transpose(1, 2).reshape(B, T, cfg.dim), p[L + "self_attn.o_proj.weight"]),
                          dropout)
        h2 = rmsnorm(x, p[L + "post_attention_layernorm.weight"], cfg.eps)
        m = F.silu(F.linear(h2, p[L + "mlp.gate_proj.weight"])) * F.linear(h2, p[L + "mlp.up_proj.weight"])
        x = x + F.dropout(F.linear(m, p[L + "mlp.down_proj.weight"]), dropout)
    return F.linear(rmsnorm(x, p["model.norm.weight"], cfg.eps), p["lm_head.weight"]).float()


class TorchEngine:
    """A step in PyTorch: autograd, global-norm clipping and torch.optim.AdamW with train_llama.AdamW's
    settings (β 0.9/0.95, ε 1e-8, decoupled weight decay on the matrices but the token embedding)."""

    def __init__(self, cfg, params, args):
        self.cfg, self.clip, self.dropout = cfg, args.clip, getattr(args, "dropout", 0.0)
        self.device = torch.device(args.device)
        self.autocast = args.bf16 and self.device.type == "cuda"
        self.params = {k: torch.tensor(v, dtype=torch.float32, device=self.device, requires_grad=True)
                       for k, v in params.items()}
        decay = [w for k, w in self.params.items() if w.ndim == 2 and k != EMBED]
        rest = [w for k, w in self.params.items() if not (w.ndim == 2 and k != EMBED)]
        groups = [{"params": decay, "weight_decay": args.weight_decay}, {"params": rest, "weight_decay": 0.0}]
        self.fused = self.device.type == "cuda"
        try:
            self.opt = torch.optim.AdamW(groups, lr=args.lr, betas=(0.9, 0.95), eps=1e-8, fused=self.fused)
        except (TypeError, RuntimeError):  # PyTorch 1.13 has no fused AdamW
            self.fused = False
            self.opt = torch.optim.AdamW(groups, lr=args.lr, betas=(0.9, 0.95), eps=1e-8)
        self.cos, self.sin = rope_tables(cfg, cfg.context, self.device)
        self.fwd = forward
        if getattr(args, "compile", False) and hasattr(torch, "compile"):
            self.fwd = torch.compile(forward)

    def loss(self, batch, dropout=0.0):
        t = torch.from_numpy(np.ascontiguousarray(batch)).to(self.device, non_blocking=True)
        T = t.shape[1] - 1
        if self.autocast:
            with torch.autocast("cuda", dtype=torch.bfloat16):
                logits = self.fwd(self.params, self.cfg, t[:, :-1], self.cos[:T], self.sin[:T], dropout)
        else:
            logits = self.fwd(self.params, self.cfg, t[:, :-1], self.cos[:T], self.sin[:T], dropout)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), t[:, 1:].reshape(-1))

    def step(self, batch, lr):
        """One optimizer step; returns (loss before the step, gradient norm) as 0-d tensors (read lazily, so
        that a GPU is not waited for at every step)."""
        loss = self.loss(batch, self.dropout)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        gnorm = torch.nn.utils.clip_grad_norm_(list(self.params.values()), self.clip)
        for g in self.opt.param_groups:
            g["lr"] = lr
        self.opt.step()
        return loss.detach(), gnorm.detach()

    @torch.no_grad()
    def evaluate(self, windows, batch):
        total = 0.0
        for i in range(0, len(windows), batch):
            total += float(self.loss(windows[i:i + batch])) * len(windows[i:i + batch])
        return total / len(windows)

    def state(self):
        def host(t):
            return t.detach().float().cpu().numpy().astype(np.float32)

        params = {k: host(w) for k, w in self.params.items()}
        m, v, t = {}, {}, 0
        for k, w in self.params.items():
            s = self.opt.state.get(w, {})
            m[k] = host(s["exp_avg"]) if s else np.zeros_like(params[k])
            v[k] = host(s["exp_avg_sq"]) if s else np.zeros_like(params[k])
            t = int(s["step"]) if s else t
        return params, m, v, t

    def load_state(self, params, m, v, t):
        with torch.no_grad():
            for k, w in self.params.items():
                w.copy_(torch.from_numpy(params[k]))
                if t > 0:
                    step = torch.tensor(float(t), dtype=torch.float32, device=self.device if self.fused else "cpu")
                    self.opt.state[w] = {"step": step,
                                         "exp_avg": torch.from_numpy(m[k]).to(self.device),
                                         "exp_avg_sq": torch.from_numpy(v[k]).to(self.device)}


def write_logits(checkpoint, tokens, out):
    """Every position's logits for tokens, computed by this trainer's forward pass (for parity tests)."""
    cfg = tl.load_config(checkpoint)
    params = {k: torch.from_numpy(v) for k, v in tl.read_safetensors(os.path.join(checkpoint, "model.safetensors")).items()}
    cos, sin = rope_tables(cfg, len(tokens), "cpu")
    with torch.no_grad():
        logits = forward(params, cfg, torch.tensor([tokens]), cos, sin)[0]
    logits.numpy().astype("<f4").tofile(out)


def timed(make_engine, budget_s, skip=10, measured=30):
    """An engine factory that times steps skip+1 .. skip+measured (the first ones pay for warm-up: allocation,
    kernel selection) and then cuts args.steps to what fits in budget_s from the first step, less 10 % for
    evaluations and checkpoints. Meant for a fresh run: the loop reads args.steps at every step, and the
    warmup-stable-decay schedule makes the shortened run cool down over its own last steps."""
    def factory(cfg, params, args):
        engine = make_engine(cfg, params, args)
        inner, clock, done = engine.step, {}, [0]

        def step(batch, lr):
            if done[0] == 0:
                clock["start"] = time.time()
            out = inner(batch, lr)
            done[0] += 1
            if done[0] in (skip, skip + measured):
                float(out[0])  # wait for the device
                clock[done[0]] = time.time()
            if done[0] == skip + measured:
                rate = measured / (clock[skip + measured] - clock[skip])
                left = budget_s * 0.9 - (time.time() - clock["start"])
                fit = max(done[0] + int(rate * left), done[0] + 1)
                if fit < args.steps:
                    print(f"time budget {budget_s:.0f} s at {rate:.2f} steps/s: {fit} steps instead of {args.steps}",
                          file=sys.stderr, flush=True)
                    args.steps = fit
            return out

        engine.step = step
        return engine
    return factory


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "logits":
        write_logits(sys.argv[2], [int(t) for t in sys.argv[3].split(",")], sys.argv[4])
        return
    args = arg_parser().parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.device.startswith("cuda"):
        torch.backends.cuda.matmul.allow_tf32 = True
    engine = TorchEngine if args.time_budget is None else timed(TorchEngine, args.time_budget)
    tl.train(args, engine)


def arg_parser():
    """train_llama.py's options and this trainer's own."""
    ap = tl.arg_parser(__doc__)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--bf16", action="store_true", help="bf16 autocast on a GPU (weights and AdamW stay float32)")
    ap.add_argument("--compile", action="store_true", help="torch.compile the forward pass (PyTorch 2)")
    ap.add_argument("--dropout", type=float, default=0.0,
                    help="dropout on attention weights and block outputs in training (the NumPy trainer has none)")
    ap.add_argument("--threads", type=int, default=None, help="CPU threads for PyTorch")
    ap.add_argument("--time-budget", type=float, default=None,
                    help="seconds of training: the step count is cut to fit after measuring the speed")
    return ap


if __name__ == "__main__":
    main()
