#!/usr/bin/env python3
"""An older Python way to make a Hugging Face fixture; HfFixtureTest no longer reads its output.

The committed fixture (hf-fixture/: jpeglm-trained, shuffled and hf-trained tokenizers plus cases.json
with ids per tokenizer) is made by org.jpeglm.bpe.HfFixture and make_hf_fixture.mjs, which run HF's Rust
library through its npm package; see HfFixture's javadoc. This script writes a different layout (one
tokenizer.json trained by HF with special tokens first, and cases.json with one "ids" list per case) and
is kept only as a reference for doing the same from Python.

Original description:

    pip install tokenizers            # optional: pillow, to add real JPEG files to the corpus
    python make_hf_fixture.py /tmp/hf-fixture-py

writes, into the given folder (not hf-fixture/, which holds the current fixture):
  tokenizer.json  a byte-level BPE trained by HF tokenizers on JPEG-like byte streams
  cases.json      {"tokenizer_version": ..., "special": {"bos_id", "eos_id"},
                   "cases": [{"name", "input_base64", "ids"}, ...]}  ids as HF computes them

HF tokenizers works on text: its ByteLevel pre-tokenizer maps the UTF-8 bytes of a str, so raw
JPEG bytes (not UTF-8) cannot go through Tokenizer.encode. Like the Java side, this script maps
each byte to its GPT-2 character itself and gives the resulting string to the BPE model directly
(training with no pre-tokenizer, encoding with tokenizer.model.tokenize): the whole stream is one
word. The saved file then gets the ByteLevel pre-tokenizer (no regex, no prefix space) and decoder,
as the Java export writes; for ASCII input the script checks Tokenizer.encode agrees.
"""
import base64
import io
import json
import random
import sys
from pathlib import Path

import tokenizers
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

MERGES = 320
SPECIALS = ["<s>", "</s>"]


def bytes_to_unicode():
    """GPT-2's table: printable Latin-1 bytes map to themselves, the others to U+0100 onwards."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


B2U = bytes_to_unicode()


def to_text(data: bytes) -> str:
    return "".join(B2U[b] for b in data)


def jpeg_like(rnd: random.Random, n_bytes: int) -> bytes:
    """Scan-like bytes: skewed byte values, 0xFF followed by stuffed 0x00, an occasional RST marker."""
    out = bytearray(b"\xff\xd8\xff\xc0\x00\x11\x08\x01\x00\x01\x00\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
                    b"\xff\xda\x00\x0c\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00")
    rst = 0
    while len(out) < n_bytes:
        r = rnd.random()
        if r < 0.004:
            out += bytes([0xFF, 0xD0 + rst % 8])
            rst += 1
        elif r < 0.03:
            out += b"\xff\x00"
        else:
            out.append(min(254, int(rnd.expovariate(1 / 60.0))) if rnd.random() < 0.6 else rnd.randrange(255))
    return bytes(out) + b"\xff\xd9"


def real_jpegs(rnd: random.Random, count: int):
    try:
        from PIL import Image
    except ImportError:
        return []
    images = []
    for _ in range(count):
        img = Image.new("RGB", (64, 64))
        px = img.load()
        fx, fy, noise = rnd.uniform(0.5, 4), rnd.uniform(0.5, 4), rnd.uniform(0, 60)
        for y in range(64):
            for x in range(64):
                v = int(128 + 100 * ((x * fx + y * fy) % 64) / 64 + rnd.uniform(-noise, noise)) % 256
                px[x, y] = (v, (v * 3) % 256, 255 - v)
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=25)
        images.append(buf.getvalue())
    return images


def main(out_dir: str):
    rnd = random.Random(1234)
    corpus = [jpeg_like(rnd, rnd.randrange(500, 4000)) for _ in range(400)] + real_jpegs(rnd, 100)

    tok = Tokenizer(models.BPE())
    trainer = trainers.BpeTrainer(
        vocab_size=len(SPECIALS) + 256 + MERGES,  # stops earlier if some merges re-make a token
        special_tokens=SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator((to_text(s) for s in corpus), trainer=trainer)
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    tok.decoder = decoders.ByteLevel()

    inputs = [("empty", b""), ("one byte", b"\xff"), ("ascii", b"hello  world\n"),
              ("all bytes", bytes(range(256))), ("ff00 run", b"\xff\x00" * 50), ("zeros", b"\x00" * 33)]
    inputs += [(f"corpus {i}", corpus[i]) for i in (0, 1, 399)]
    inputs += [(f"fresh jpeg-like {i}", jpeg_like(rnd, rnd.randrange(100, 2000))) for i in range(12)]
    inputs += [(f"random {i}", bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 500)))) for i in range(10)]
    inputs += [(f"real jpeg {i}", data) for i, data in enumerate(real_jpegs(rnd, 3))]

    cases = []
    for name, data in inputs:
        ids = [t.id for t in tok.model.tokenize(to_text(data))] if data else []
        cases.append({"name": name, "input_base64": base64.b64encode(data).decode("ascii"), "ids": ids})
    ascii_text = "hello  world\n"
    assert tok.encode(ascii_text, add_special_tokens=False).ids == cases[2]["ids"], "pipeline differs from model"

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tok.save(str(out / "tokenizer.json"), pretty=True)
    special = {"bos_id": tok.token_to_id("<s>"), "eos_id": tok.token_to_id("</s>")}
    # One case per line keeps the file small and its diffs readable.
    lines = ",\n".join(json.dumps(c, separators=(",", ":")) for c in cases)
    (out / "cases.json").write_text(
        '{"tokenizer_version":%s,\n"special":%s,\n"cases":[\n%s\n]}\n'
        % (json.dumps(tokenizers.__version__), json.dumps(special), lines))
    print(f"wrote {len(cases)} cases, vocab {tok.get_vocab_size()}, to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/hf-fixture-py")
