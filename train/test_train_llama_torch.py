#!/usr/bin/env python3
"""Checks train_llama_torch.py against train_llama.py (NumPy), at a tiny scale on the CPU:

- the same loss on the same batch and the same gradients (within 1e-4 relative),
- the same parameters (all but a few elements within 1e-4) and AdamW moments after optimizer steps,
- the same run: a few steps of each trainer from the same seed, data and schedule write the same checkpoint,
  and a run started by one and resumed by the other ends where either alone does;
- --keep-best keeps the best evaluated model, dropout acts in training only, BF16 export rounds as torch does.

    python3 train/test_train_llama_torch.py     (TrainRecipeTest runs it in `mvn verify`; needs python3-torch)
"""
import json
import os
import shutil
import sys
import tempfile
import unittest

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_llama as tl  # noqa: E402
import train_llama_torch as tt  # noqa: E402

torch.set_num_threads(1)


def args(**kw):
    """The trainers' options as their command line parses them (--device cpu), then the test's: a tiny model."""
    a = tt.arg_parser().parse_args(["--data", "-", "--out", "-", "--device", "cpu"])
    tiny = dict(dim=32, layers=2, heads=2, ffn=48, max_positions=64, batch=4, steps=6, lr=3e-3, warmup=2,
                eval_every=3, eval_windows=8, checkpoint_every=2)
    for k, v in dict(tiny, **kw).items():
        assert hasattr(a, k), k
        setattr(a, k, v)
    return a


def read_json(*path):
    with open(os.path.join(*path)) as f:
        return json.load(f)


def rel(a, b):
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-12))


def outliers(a, b, tight=1e-4, loose=1e-3):
    """The share of elements further apart than tight (relative to b's largest), or 1 if any is beyond loose."""
    d = np.abs(a - b) / max(np.abs(b).max(), 1e-12)
    return 1.0 if d.max() >= loose else float((d > tight).mean())


class SameArithmetic(unittest.TestCase):
    def setUp(self):
        self.cfg = tl.Config(vocab=40, dim=32, layers=2, heads=2, ffn=48, context=64)
        rng = np.random.default_rng(7)
        self.params = tl.init_params(self.cfg, rng, std=0.1)
        for k in self.params:
            if "norm" in k:
                self.params[k] = (1 + rng.normal(0, 0.2, self.params[k].shape)).astype(np.float32)
        self.batch = rng.integers(0, 40, (3, 17))

    def engines(self):
        a = args()
        copy = {k: v.copy() for k, v in self.params.items()}
        return tl.NumpyEngine(self.cfg, copy, a), tt.TorchEngine(self.cfg, self.params, a)

    def test_same_loss_and_gradients_on_a_batch(self):
        _, loss, cache = tl.forward(self.params, self.cfg, self.batch[:, :-1], self.batch[:, 1:])
        grads = tl.backward(self.params, self.cfg, cache)
        torch_engine = tt.TorchEngine(self.cfg, self.params, args())
        tloss = torch_engine.loss(self.batch)
        tloss.backward()
        self.assertLess(abs(float(tloss) - loss), 1e-4 * abs(loss), (float(tloss), loss))
        self.assertEqual(set(grads), set(torch_engine.params))
        for k, w in torch_engine.params.items():
            self.assertLess(rel(w.grad.numpy(), grads[k]), 1e-4, k)

    def test_same_state_after_steps(self):
        numpy_engine, torch_engine = self.engines()
        for lr in (1e-2, 5e-3, 1e-3):  # the first step is clipped (|g| > 1 at this init), the later ones decay
            ln, gn = numpy_engine.step(self.batch, lr)
            lt, gt = torch_engine.step(self.batch, lr)
            self.assertLess(abs(float(lt) - ln), 1e-4 * abs(ln))
            self.assertLess(abs(float(gt) - gn), 1e-4 * gn)
        pn, mn, vn, tn = numpy_engine.state()
        pt, mt, vt, tt_ = torch_engine.state()
        self.assertEqual(tn, tt_)
        for k in pn:
            # AdamW divides by sqrt(v) + eps: where an element's second moment is near zero, float-order noise in its
            # gradient becomes a visible step (one q_proj element of 1,024 at 2.2e-4 of the tensor's scale with
            # torch's AVX-512 kernels), so a few elements may pass 1e-4. A real difference (weight decay, bias
            # correction, clipping) moves most elements.
            self.assertLessEqual(outliers(pt[k], pn[k]), 0.005, k)
            self.assertLess(rel(mt[k], mn[k]), 1e-3, k)
            self.assertLess(rel(vt[k], vn[k]), 1e-3, k)
        self.assertGreater(rel(pt["lm_head.weight"], self.params["lm_head.weight"]), 1e-3, "the steps moved it")

    def test_same_logits_file(self):
        with tempfile.TemporaryDirectory() as d:
            meta = {"bos_id": 38, "eos_id": 39}
            tl.write_model_files(d, self.params, self.cfg, meta, d)
            tokens = [38, 1, 5, 7, 30, 2]
            tl.write_logits(d, tokens, os.path.join(d, "n.f32"))
            tt.write_logits(d, tokens, os.path.join(d, "t.f32"))
            n = np.fromfile(os.path.join(d, "n.f32"), dtype="<f4")
            t = np.fromfile(os.path.join(d, "t.f32"), dtype="<f4")
            self.assertEqual(n.size, len(tokens) * 40)
            self.assertLess(rel(t, n), 1e-5)


class SameRun(unittest.TestCase):
    """Both trainers over the same prepared files, as the recipe runs them."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.data = os.path.join(cls.tmp, "data")
        os.makedirs(cls.data)
        rng = np.random.default_rng(11)
        ctx = 16
        rng.integers(0, 40, (50, ctx + 1)).astype("<u2").tofile(os.path.join(cls.data, "train.u16"))
        rng.integers(0, 40, (10, ctx + 1)).astype("<u2").tofile(os.path.join(cls.data, "test.u16"))
        meta = {"context": ctx, "vocab_size": 40, "bos_id": 38, "eos_id": 39, "test_tokens": 170, "test_bytes": 255}
        with open(os.path.join(cls.data, "meta.json"), "w") as f:
            json.dump(meta, f)
        with open(os.path.join(cls.data, "tokenizer.json"), "w") as f:
            f.write("{}")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def run_trainer(self, engine, out, **kw):
        a = args(data=self.data, out=os.path.join(self.tmp, out), **kw)
        return tl.train(a, engine), a.out

    def test_numpy_and_torch_runs_write_the_same_checkpoint(self):
        # 13 steps of 4 over 50 windows: two epochs, so the order is drawn again mid-run.
        log_n, out_n = self.run_trainer(tl.NumpyEngine, "numpy", steps=13, decay_steps=4)
        log_t, out_t = self.run_trainer(tt.TorchEngine, "torch", steps=13, decay_steps=4)
        self.assertLess(abs(log_t["final"]["test_loss_nats_per_token"] - log_n["final"]["test_loss_nats_per_token"]),
                        1e-4)
        pn = tl.read_safetensors(os.path.join(out_n, "model.safetensors"))
        pt = tl.read_safetensors(os.path.join(out_t, "model.safetensors"))
        for k in pn:
            self.assertLess(rel(pt[k], pn[k]), 1e-3, k)
        self.assertEqual(read_json(out_n, "config.json"), read_json(out_t, "config.json"))

    def test_keep_best_keeps_the_model_with_the_lowest_evaluation_loss(self):
        # Random tokens: after the unigram statistics, 40 steps fit the training windows and the test loss rises.
        log, out = self.run_trainer(tl.NumpyEngine, "best", steps=40, eval_every=4, lr=0.03, warmup=1,
                                    keep_best=True, no_final_eval=True)
        losses = [h["test_loss"] for h in log["history"]]
        best = read_json(out, "best", "training_log.json")["best"]
        self.assertEqual(best["test_loss"], min(losses))
        self.assertNotEqual(best["step"], log["history"][-1]["step"], losses)
        params = tl.read_safetensors(os.path.join(out, "best", "model.safetensors"))
        test = tl.load_windows(os.path.join(self.data, "test.u16"), 16)[:8]
        self.assertAlmostEqual(tl.evaluate(params, tl.load_config(os.path.join(out, "best")), test, 4),
                               best["test_loss"], places=5)

    def test_a_run_grown_from_a_shallower_checkpoint_starts_where_it_ended(self):
        small_log, small = self.run_trainer(tl.NumpyEngine, "small", layers=1)
        grown_log, _ = self.run_trainer(tt.TorchEngine, "grown", layers=3, steps=0, init_from=small, grow=True)
        self.assertAlmostEqual(grown_log["final"]["test_loss_nats_per_token"],
                               small_log["final"]["test_loss_nats_per_token"], places=5)

    def test_a_run_resumed_by_the_other_trainer_ends_where_one_run_does(self):
        # Warmup-stable-decay: a run planned to end at step 6 without decay has the same rates as one that
        # decays over steps 8-10, so it can be stopped at 6 (mid-epoch: steps 1-12 cover 48 of 50 windows) and
        # resumed, by the other trainer, to end at 10.
        _, whole = self.run_trainer(tl.NumpyEngine, "whole", steps=10, decay_steps=2)
        _, split = self.run_trainer(tl.NumpyEngine, "split", steps=6, decay_steps=0, no_final_eval=True)
        self.run_trainer(tt.TorchEngine, "split", steps=10, decay_steps=2, resume=True)
        pw = tl.read_safetensors(os.path.join(whole, "model.safetensors"))
        ps = tl.read_safetensors(os.path.join(split, "model.safetensors"))
        for k in pw:
            self.assertLess(rel(ps[k], pw[k]), 1e-3, k)
        history = read_json(split, "training_log.json")["history"]
        self.assertEqual([h["step"] for h in history], [3, 6, 9, 10])


class Regularisation(unittest.TestCase):
    def test_dropout_changes_training_steps_but_not_evaluation(self):
        cfg = tl.Config(vocab=40, dim=32, layers=2, heads=2, ffn=48, context=64)
        params = tl.init_params(cfg, np.random.default_rng(4), std=0.1)
        batch = np.random.default_rng(5).integers(0, 40, (3, 17))
        plain = tt.TorchEngine(cfg, params, args())
        dropped = tt.TorchEngine(cfg, params, args(dropout=0.5))
        self.assertEqual(float(plain.loss(batch)), float(dropped.loss(batch)))  # evaluation: no dropout
        torch.manual_seed(0)
        self.assertNotAlmostEqual(float(dropped.loss(batch, 0.5)), float(plain.loss(batch)), places=3)
        self.assertAlmostEqual(plain.evaluate(batch, 2), tl.evaluate(params, cfg, batch, 2), places=5)


class Export(unittest.TestCase):
    def test_bf16_shards_read_back_as_the_rounded_weights(self):
        cfg = tl.Config(vocab=40, dim=32, layers=2, heads=2, ffn=48, context=64)
        params = tl.init_params(cfg, np.random.default_rng(2))
        with tempfile.TemporaryDirectory() as d:
            ckpt, out = os.path.join(d, "ckpt"), os.path.join(d, "out")
            tl.write_model_files(ckpt, params, cfg, {"bos_id": 38, "eos_id": 39}, d)
            tl.export(ckpt, out, "BF16", 0.004)  # 4 KiB shards: several files
            index = read_json(out, "model.safetensors.index.json")
            shards = sorted(set(index["weight_map"].values()))
            self.assertGreater(len(shards), 3)
            for s in shards:
                self.assertLessEqual(os.path.getsize(os.path.join(out, s)), 0.004 * 2 ** 20 + 4096)
            back = tl.read_safetensors(os.path.join(out, "model.safetensors"))
            for k, w in params.items():
                expected = torch.from_numpy(w).to(torch.bfloat16).float().numpy()
                np.testing.assert_array_equal(back[k], expected, k)
            self.assertEqual(read_json(out, "config.json")["torch_dtype"], "bfloat16")


if __name__ == "__main__":
    unittest.main()
