package org.jpeglm.bpe;

/**
 * Applies a merge table to one byte stream. Both implementations give HF's result — merge the
 * lowest-rank adjacent pair, leftmost first, until none is left — they differ in speed and in what
 * tables they accept.
 */
sealed interface MergeEngine permits BucketMergeEngine, HeapMergeEngine {

    /** Inputs up to this many bytes reuse per-thread scratch arrays; longer ones get fresh ones. */
    int RETAINED_SCRATCH_BYTES = 1 << 20;

    /**
     * Encodes {@code bytes[from, to)}.
     *
     * @param prefixId id put before the tokens, or {@link MergeRules#NONE}
     * @param suffixId id put after the tokens, or {@link MergeRules#NONE}
     */
    int[] encode(byte[] bytes, int from, int to, int prefixId, int suffixId);

    /** The fast engine when the table allows it, else the general one. */
    static MergeEngine forRules(MergeRules rules) {
        return rules.monotone ? new BucketMergeEngine(rules) : new HeapMergeEngine(rules);
    }
}
