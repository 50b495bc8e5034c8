package org.jpeglm.bpe;

import java.util.List;
import java.util.Objects;

/**
 * Learns BPE merges from a corpus of byte streams (for Jpeg-LM: abbreviated JPEG files), like HF
 * tokenizers' {@code BpeTrainer} with a byte-level alphabet and no pre-tokenizer (each stream is
 * one word). Immutable; {@link #train} may run concurrently.
 *
 * <p>The rule, which is HF's ({@code tokenizers} {@code BpeTrainer}, checked against it by
 * {@code HfFixtureTest}): each step merges the adjacent pair with the highest count, counting every
 * adjacent position (overlapping ones too: {@code aaa} has two {@code (a,a)}) over all streams, a
 * stream that occurs k times counting k times (empty streams count nothing). Ties go to the smallest
 * pair in HF's id order, comparing left then right: HF numbers the 256 byte tokens by the code point
 * of their GPT-2 char ({@link ByteLevelAlphabet}: printable ASCII {@code !..~} first, then Latin-1
 * {@code ¡..ÿ}, then the remapped bytes 0x00..0x20, 0x7F..0xA0, 0xAD from U+0100), and merged tokens
 * after every byte, in creation order. So {@code (a, b)} beats {@code (b, a)}, and {@code ('a', 0x20)}
 * beats {@code (0x20, 'a')} although 0x20 &lt; 'a'. This holds whatever ids the trained tokenizer
 * uses (ours are byte values, see the package docs): only the order is HF's. Merging replaces the
 * occurrences in each stream left to right ({@code aaa} becomes {@code [aa, a]}). A merge whose bytes
 * already are a token reuses that id (as HF does). One deliberate difference, which can only show after
 * such a reuse: HF then queues the pairs next to the re-made token again with only the streams of that
 * step, so it may merge a pair in some streams, and list the same pair again later for the others; here a
 * merge applies to every occurrence at once and a pair is never merged twice. Training stops after
 * {@link #mergeCount()} merges, or when the best count is below {@code max(1, minFrequency)}.
 *
 * <p>The alphabet is all 256 bytes by default. {@link #withAlphabet(int) withAlphabet(K)} learns over the bytes
 * {@code 0..K-1} only (symbol streams such as igpt's palette indices): the tokenizer then has K single-byte ids
 * and merge i makes id K+i, and a stream holding a byte &ge; K is refused. HF's trainer likewise starts from the
 * corpus alphabet, ordered by code point, so the tie-break order is the same as with 256 bytes: the merges are
 * those of the 256-byte trainer on the same corpus, with every merged id moved down by 256-K.
 *
 * <p>Cost: about linear in the corpus size plus O(occurrences) per merge: pair counts are updated
 * incrementally from the positions each merge touches, never recounted.
 *
 * @param mergeCount   how many merges to learn (Jpeg-LM: 320)
 * @param minFrequency smallest pair count that still gets merged (HF's {@code min_frequency})
 * @param bos          text of the BOS token the trained tokenizer gets, or null for none
 * @param eos          text of the EOS token, or null for none
 * @param alphabet     the bytes {@code 0..alphabet-1} make the alphabet, 1..256 (byte-level BPE: 256)
 */
public record BpeTrainer(int mergeCount, long minFrequency, String bos, String eos, int alphabet) {
    /** Jpeg-LM's number of merges. */
    public static final int DEFAULT_MERGE_COUNT = 320;

    public BpeTrainer {
        if (mergeCount < 0) {
            throw new IllegalArgumentException("mergeCount must be >= 0: " + mergeCount);
        }
        if (minFrequency < 0) {
            throw new IllegalArgumentException("minFrequency must be >= 0: " + minFrequency);
        }
        if (alphabet < 1 || alphabet > 256) {
            throw new IllegalArgumentException("alphabet must be 1..256 bytes: " + alphabet);
        }
    }

    /** A byte-level trainer (all 256 bytes). */
    public BpeTrainer(int mergeCount, long minFrequency, String bos, String eos) {
        this(mergeCount, minFrequency, bos, eos, 256);
    }

    /** 320 merges, no minimum frequency, BOS {@code <s>} and EOS {@code </s>}. */
    public static BpeTrainer defaults() {
        return new BpeTrainer(DEFAULT_MERGE_COUNT, 0, BpeTokenizer.DEFAULT_BOS, BpeTokenizer.DEFAULT_EOS);
    }

    /** This trainer with another merge count. */
    public BpeTrainer withMergeCount(int count) {
        return new BpeTrainer(count, minFrequency, bos, eos, alphabet);
    }

    /** This trainer with another minimum frequency. */
    public BpeTrainer withMinFrequency(long frequency) {
        return new BpeTrainer(mergeCount, frequency, bos, eos, alphabet);
    }

    /** This trainer with other special tokens (null for none). */
    public BpeTrainer withSpecialTokens(String bosText, String eosText) {
        return new BpeTrainer(mergeCount, minFrequency, bosText, eosText, alphabet);
    }

    /** This trainer over the bytes {@code 0..size-1} only (see the class docs). */
    public BpeTrainer withAlphabet(int size) {
        return new BpeTrainer(mergeCount, minFrequency, bos, eos, size);
    }

    /** Learns the merges and returns the tokenizer in the default id layout (see the package docs). */
    public BpeTokenizer train(Iterable<byte[]> streams) {
        return BpeTokenizer.fromMerges(alphabet, learnMerges(streams), bos, eos);
    }

    /**
     * Learns the merges only, by rank, in the default id layout.
     *
     * @throws IllegalArgumentException if a stream holds a byte outside the alphabet
     */
    public List<TokenPair> learnMerges(Iterable<byte[]> streams) {
        Objects.requireNonNull(streams, "streams");
        return new MergeLearner(streams, alphabet).learn(mergeCount, Math.max(1, minFrequency));
    }
}
