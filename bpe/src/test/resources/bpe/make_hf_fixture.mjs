// The Node half of the Hugging Face fixture that HfFixtureTest checks (the Java half is
// org.jpeglm.bpe.HfFixture, which also says how to run the whole thing). From jpeglm/:
//
//   scripts/run-test-tool bpe org.jpeglm.bpe.HfFixture bpe/src/test/resources/bpe/hf-fixture /tmp/hf-work
//   (mkdir -p /tmp/hf-node && cd /tmp/hf-node && npm install tokenizers@0.23.2)
//   TOKENIZERS_HOME=/tmp/hf-node node src/test/resources/bpe/make_hf_fixture.mjs \
//       src/test/resources/bpe/hf-fixture /tmp/hf-work
//
// It uses the npm package `tokenizers`: Hugging Face's Rust tokenizers library itself, compiled into the
// package's prebuilt Node binding (napi-rs), not a JavaScript re-implementation. It
//   1. trains HF's BPE (the model's default BpeTrainer) on the corpus HfFixture wrote, one file per
//      stream, each stream's bytes written as GPT-2 byte-level text with no newline, so each stream is
//      one word; keeps HF's first `merges` merges and the tokens they make, adds <s> and </s>, and lets
//      HF save that as hf-trained.tokenizer.json;
//   2. encodes every case of cases.json with each tokenizer listed there and writes the ids back.
//
// HF encodes text, and its ByteLevel pre-tokenizer maps the UTF-8 bytes of that text, so raw JPEG
// bytes (not UTF-8) cannot go through it. As in make_hf_fixture.py, the bytes are mapped to GPT-2's
// characters here and given to a copy of the tokenizer without pre-tokenizer and without added tokens
// (so HF does not split the input on "<s>"): HF's BPE model then tokenizes the whole stream as one word.
// For inputs that are valid UTF-8 the script also checks that the unmodified tokenizer.json, pipeline
// and all, gives the same ids.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const [fixtureDir, workDir] = process.argv.slice(2);
if (!fixtureDir || !workDir) {
  console.error('usage: node make_hf_fixture.mjs FIXTURE_DIR WORK_DIR');
  process.exit(2);
}
const home = path.resolve(process.env.TOKENIZERS_HOME ?? '.');
const require = createRequire(path.join(home, 'package.json'));
const hf = require('tokenizers');
const hfVersion = JSON.parse(fs.readFileSync(require.resolve('tokenizers/package.json'), 'utf8')).version;

// GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the others get U+0100 onwards.
const byteToChar = (() => {
  const table = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = String.fromCharCode(printable ? b : 256 + extra++);
  }
  return table;
})();
const toText = (bytes) => Array.from(bytes, (b) => byteToChar[b]).join('');

const casesPath = path.join(fixtureDir, 'cases.json');
const spec = JSON.parse(fs.readFileSync(casesPath, 'utf8'));

// 1. HF's own training on the corpus.
const corpusDir = path.join(workDir, 'corpus');
const textDir = path.join(workDir, 'text');
fs.mkdirSync(textDir, { recursive: true });
const files = fs.readdirSync(corpusDir).filter((f) => f.endsWith('.bin')).sort();
if (files.length !== spec.corpus_streams) {
  throw new Error(`corpus has ${files.length} files, cases.json says ${spec.corpus_streams}`);
}
const textFiles = files.map((f) => {
  const out = path.join(textDir, f.replace(/\.bin$/, '.txt'));
  fs.writeFileSync(out, toText(fs.readFileSync(path.join(corpusDir, f))), 'utf8');
  return out;
});
const trainee = new hf.Tokenizer(hf.BPE.empty());
trainee.train(textFiles); // BpeTrainer::default(): vocab 30000, min_frequency 0, no special tokens
const fullPath = path.join(workDir, 'hf-full.tokenizer.json');
trainee.save(fullPath, false);
const full = JSON.parse(fs.readFileSync(fullPath, 'utf8'));
const merges = full.model.merges.slice(0, spec.merges).map((m) => (Array.isArray(m) ? m : m.split(' ')));
if (merges.length !== spec.merges) throw new Error(`HF learned only ${merges.length} merges`);
const made = new Set(merges.map(([a, b]) => a + b));
const vocab = {};
for (const [token, id] of Object.entries(full.model.vocab)) {
  if ([...token].length === 1 || made.has(token)) vocab[token] = id;
}
const ids = Object.values(vocab).sort((x, y) => x - y);
ids.forEach((id, i) => {
  if (id !== i) throw new Error(`kept vocabulary is not 0..${ids.length - 1}: id ${id} at ${i}`);
});
// The Node API has no ByteLevel decoder constructor: both are given in the JSON HF parses back.
const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false };
const truncated = {
  ...full, added_tokens: [], pre_tokenizer: byteLevel, decoder: byteLevel, model: { ...full.model, vocab, merges },
};
const hfTrained = hf.Tokenizer.fromString(JSON.stringify(truncated));
hfTrained.addSpecialTokens(['<s>', '</s>']);
hfTrained.save(path.join(fixtureDir, 'hf-trained.tokenizer.json'), false);
console.log(`HF trained ${full.model.merges.length} merges on ${files.length} streams; kept ${merges.length}, vocabulary ${ids.length} + 2`);

// 2. HF's ids for every case.
const decodeUtf8 = (bytes) => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
};
const special = {};
const idsOf = spec.cases.map(() => ({}));
let pipelineChecks = 0;
for (const name of spec.tokenizers) {
  const file = path.join(fixtureDir, `${name}.tokenizer.json`);
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const pipeline = hf.Tokenizer.fromFile(file);
  const model = hf.Tokenizer.fromString(JSON.stringify({
    ...json, added_tokens: [], normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null,
  }));
  special[name] = { bos_id: pipeline.tokenToId('<s>'), eos_id: pipeline.tokenToId('</s>') };
  for (const [i, c] of spec.cases.entries()) {
    const bytes = Buffer.from(c.input_base64, 'base64');
    const got = bytes.length === 0 ? [] : (await model.encode(toText(bytes), null, { addSpecialTokens: false })).getIds();
    idsOf[i][name] = got;
    const text = decodeUtf8(bytes);
    if (bytes.length > 0 && text !== null && !text.includes('<s>') && !text.includes('</s>')) {
      const viaPipeline = (await pipeline.encode(text, null, { addSpecialTokens: false })).getIds();
      if (JSON.stringify(viaPipeline) !== JSON.stringify(got)) {
        throw new Error(`${name} / ${c.name}: pipeline ${viaPipeline} but model ${got}`);
      }
      const back = await pipeline.decode(got, false);
      if (back !== text) throw new Error(`${name} / ${c.name}: decodes to ${JSON.stringify(back)}`);
      pipelineChecks++;
    }
  }
}

const producer = { library: 'tokenizers (npm; Hugging Face Rust library, prebuilt napi-rs binding)', version: hfVersion, node: process.version };
const head = { ...spec, producer, special };
delete head.cases;
const lines = spec.cases.map((c, i) => JSON.stringify({ name: c.name, input_base64: c.input_base64, ids: idsOf[i] }));
fs.writeFileSync(casesPath, `${JSON.stringify(head).slice(0, -1)},\n"cases":[\n${lines.join(',\n')}\n]}\n`);
console.log(`wrote ids of ${spec.cases.length} cases x ${spec.tokenizers.length} tokenizers (${pipelineChecks} also checked through the full pipeline) to ${casesPath}`);
