/**
 * Byte-level BPE for Jpeg-LM: the tokenizer that turns (abbreviated) JPEG byte streams into the
 * token ids the language model reads, and back.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link org.jpeglm.bpe.BpeTokenizer}: the immutable model (vocabulary + ranked merges);
 *       {@code encode}, {@code decode}, and {@link org.jpeglm.bpe.StreamingDecoder} for generation.</li>
 *   <li>{@link org.jpeglm.bpe.BpeTrainer}: learns the merges from a corpus of byte streams.</li>
 *   <li>{@link org.jpeglm.bpe.BpeGgufMetadata} / {@link org.jpeglm.bpe.BpeGgufKey}: the tokenizer as
 *       GGUF metadata values; {@link org.jpeglm.bpe.HfTokenizerJson}: HF {@code tokenizer.json}.</li>
 * </ul>
 *
 * <h2>Token id layout</h2>
 * The default layout, which {@link org.jpeglm.bpe.BpeTrainer} and
 * {@link org.jpeglm.bpe.BpeTokenizer#fromMerges} produce, is:
 * <pre>
 *   0 .. 255              the 256 single-byte tokens, id == byte value
 *   256 .. 256+K-1        one token per merge that made a new byte string, in merge order
 *                         (K == number of merges unless two merges spell the same bytes)
 *   256+K, 256+K+1        BOS ("&lt;s&gt;") and EOS ("&lt;/s&gt;")
 * </pre>
 * So with 320 merges: merge {@code i} makes id {@code 256+i}, BOS is 576, EOS 577, vocabulary 578. Over an
 * alphabet of A &lt; 256 symbols (bytes {@code 0..A-1}, {@code BpeTrainer.withAlphabet(A)}) the same layout starts
 * the merges at A: igpt with 16 gray levels and no merges is ids 0..15, BOS 16, EOS 17.
 * Imported tokenizers (a {@code tokenizer.json} trained by HF puts its special tokens first and the
 * byte tokens in GPT-2 character order) keep their own ids: the model is general — any id may hold
 * any byte string or special token — and BOS/EOS are explicit ids, not positions.
 *
 * <h2>Relation to Hugging Face tokenizers' BPE</h2>
 * Encoding equals HF's {@code BPE} model applied to the whole stream as one word (pre-tokenizer
 * {@code ByteLevel} with {@code use_regex: false} and {@code add_prefix_space: false}, no
 * normalizer): repeatedly merge the adjacent pair with the lowest merge rank, leftmost first among
 * equal ranks. HF's word cache only memoizes this function, so it changes nothing. HF's
 * {@code ignore_merges} (a whole word found in the vocabulary becomes that one token) is honoured.
 * HF's added-token matching (splitting the input on the text of special tokens) is not done: the
 * input is image data, special tokens are never read from it. HF takes text, not bytes; see
 * {@link org.jpeglm.bpe.HfTokenizerJson} for how byte streams map onto HF's string API.
 *
 * <p>Training follows HF's {@code BpeTrainer} for byte-level BPE with no pre-tokenizer, tie-break order
 * included (see {@link org.jpeglm.bpe.BpeTrainer}). The tests compare with ids and merges that HF tokenizers
 * itself produced on real abbreviated JPEG streams (a committed fixture).
 */
package org.jpeglm.bpe;
