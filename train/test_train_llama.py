#!/usr/bin/env python3
"""Checks train_llama.py's hand-written backward pass against finite differences, in float64.

    python3 train/test_train_llama.py        (TrainRecipeTest runs it in `mvn verify` when numpy is installed)
"""
import os
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_llama as tl  # noqa: E402


class GradientCheck(unittest.TestCase):
    def setUp(self):
        tl.F32 = np.float64  # exact arithmetic for the comparison
        self.cfg = tl.Config(vocab=13, dim=8, layers=2, heads=2, ffn=12, context=16)
        rng = np.random.default_rng(3)
        self.params = {k: v.astype(np.float64) for k, v in tl.init_params(self.cfg, rng, std=0.3).items()}
        for k in self.params:
            if k.endswith("norm.weight") or "layernorm" in k:
                self.params[k] = 1 + rng.normal(0, 0.2, self.params[k].shape)  # norms away from 1
        self.tokens = rng.integers(0, 13, (2, 6))
        self.labels = rng.integers(0, 13, (2, 6))

    def tearDown(self):
        tl.F32 = np.float32

    def loss(self):
        return tl.forward(self.params, self.cfg, self.tokens, self.labels)[1]

    def test_every_parameter_matches_finite_differences(self):
        _, _, cache = tl.forward(self.params, self.cfg, self.tokens, self.labels)
        grads = tl.backward(self.params, self.cfg, cache)
        self.assertEqual(set(grads), set(self.params))
        rng = np.random.default_rng(5)
        for name, w in self.params.items():
            for _ in range(6):
                i = tuple(rng.integers(0, s) for s in w.shape)
                old = w[i]
                w[i] = old + 1e-6
                up = self.loss()
                w[i] = old - 1e-6
                down = self.loss()
                w[i] = old
                numeric = (up - down) / 2e-6
                self.assertAlmostEqual(grads[name][i], numeric, delta=1e-6 + 1e-5 * abs(numeric),
                                       msg=f"{name}{i}")

    def test_causal(self):
        """Changing a later token changes no earlier logits."""
        a = tl.forward(self.params, self.cfg, self.tokens)[0]
        t2 = self.tokens.copy()
        t2[:, 4] = (t2[:, 4] + 1) % 13
        b = tl.forward(self.params, self.cfg, t2)[0]
        np.testing.assert_allclose(a[:, :4], b[:, :4], rtol=0, atol=1e-12)
        self.assertGreater(np.abs(a[:, 4:] - b[:, 4:]).max(), 1e-6)

    def test_training_learns_the_previous_token(self):
        """A task only attention solves: predict the token before the current one."""
        tl.F32 = np.float32
        cfg = tl.Config(vocab=16, dim=32, layers=1, heads=2, ffn=32, context=64)
        rng = np.random.default_rng(0)
        params = tl.init_params(cfg, rng)
        opt = tl.AdamW(params, weight_decay=0.0)
        for step in range(300):
            toks = rng.integers(0, 16, (8, 33))
            labels = np.concatenate([np.zeros((8, 1), dtype=toks.dtype), toks[:, :-1]], axis=1)
            _, loss, cache = tl.forward(params, cfg, toks, labels)
            opt.step(params, tl.backward(params, cfg, cache), 3e-3)
        self.assertLess(loss, 0.5, "uniform guessing is log(16) = 2.77")


class Growth(unittest.TestCase):
    def test_a_grown_model_computes_the_same_and_its_new_layers_learn(self):
        small_cfg = tl.Config(vocab=16, dim=16, layers=1, heads=2, ffn=24, context=32)
        big_cfg = tl.Config(vocab=16, dim=16, layers=3, heads=2, ffn=24, context=32)
        rng = np.random.default_rng(1)
        small = tl.init_params(small_cfg, rng, std=0.2)
        grown = tl.grow_layers(small, tl.init_params(big_cfg, rng, std=0.2))
        tokens = rng.integers(0, 16, (2, 9))
        labels = rng.integers(0, 16, (2, 9))
        a, loss_a, _ = tl.forward(small, small_cfg, tokens, labels)
        b, loss_b, cache = tl.forward(grown, big_cfg, tokens, labels)
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-5)
        grads = tl.backward(grown, big_cfg, cache)
        for k in ("model.layers.2.self_attn.o_proj.weight", "model.layers.2.mlp.down_proj.weight"):
            self.assertFalse(np.any(grown[k]), k)
            self.assertGreater(np.abs(grads[k]).max(), 1e-6, k)


if __name__ == "__main__":
    unittest.main()
