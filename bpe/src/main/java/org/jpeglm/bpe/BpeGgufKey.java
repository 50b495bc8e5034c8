package org.jpeglm.bpe;

import org.jpeglm.gguf.GgufValueType;

/**
 * The GGUF metadata keys that store a {@link BpeTokenizer}, with their GGUF value types. See
 * {@link BpeGgufMetadata} for reading and writing them.
 *
 * <p>Why flat INT32 arrays of ids instead of llama.cpp-style {@code "a b"} strings: ids are exact
 * (no text mapping, no space splitting), compact, and read without parsing; and the id layout itself
 * (where bytes, merge results and specials sit) is data here, so an imported tokenizer keeps its
 * ids. Every piece's bytes follow from {@link #BYTE_IDS} and the merges, so no byte strings are
 * stored.
 */
public enum BpeGgufKey {
    /** UINT32: number of token ids; every id in {@code [0, vocab_size)} is described below. */
    VOCAB_SIZE("jpeglm.bpe.vocab_size", GgufValueType.UINT32, null, true),
    /**
     * ARRAY of 256 INT32: the id of each byte's single-byte token (identity in the default layout), or -1 for a
     * byte outside the alphabet (a K-symbol tokenizer has -1 from byte K on). Byte-level files have no -1.
     */
    BYTE_IDS("jpeglm.bpe.byte_ids", GgufValueType.ARRAY, GgufValueType.INT32, true),
    /** ARRAY of INT32, two per merge, by rank: left id, right id, left id, right id, ... */
    MERGES("jpeglm.bpe.merges", GgufValueType.ARRAY, GgufValueType.INT32, true),
    /** ARRAY of INT32, one per merge: the id it makes (256+rank in the default layout when no merges share bytes). */
    MERGE_IDS("jpeglm.bpe.merge_ids", GgufValueType.ARRAY, GgufValueType.INT32, true),
    /** ARRAY of INT32: the ids of the special tokens, in the order of {@link #SPECIAL_TOKENS}. */
    SPECIAL_IDS("jpeglm.bpe.special_ids", GgufValueType.ARRAY, GgufValueType.INT32, true),
    /** ARRAY of STRING: the texts of the special tokens (e.g. {@code <s>}, {@code </s>}). */
    SPECIAL_TOKENS("jpeglm.bpe.special_tokens", GgufValueType.ARRAY, GgufValueType.STRING, true),
    /** UINT32, optional: the BOS id; absent when there is none. */
    BOS_ID("jpeglm.bpe.bos_id", GgufValueType.UINT32, null, false),
    /** UINT32, optional: the EOS id; absent when there is none. */
    EOS_ID("jpeglm.bpe.eos_id", GgufValueType.UINT32, null, false),
    /** BOOL, optional (false when absent): HF's {@code ignore_merges}. */
    IGNORE_MERGES("jpeglm.bpe.ignore_merges", GgufValueType.BOOL, null, false);

    private final String key;
    private final GgufValueType type;
    private final GgufValueType elementType;
    private final boolean required;

    BpeGgufKey(String key, GgufValueType type, GgufValueType elementType, boolean required) {
        this.key = key;
        this.type = type;
        this.elementType = elementType;
        this.required = required;
    }

    /** The GGUF key string, e.g. {@code jpeglm.bpe.merges}. */
    public String key() {
        return key;
    }

    /**
     * The GGUF value type {@link BpeGgufMetadata#toGguf} writes. {@link BpeGgufMetadata#fromGguf} also reads an
     * integer (or integer array) of any other integer type, as long as its values fit.
     */
    public GgufValueType type() {
        return type;
    }

    /** The element type of an {@link GgufValueType#ARRAY}, else null. */
    public GgufValueType elementType() {
        return elementType;
    }

    /** Whether a tokenizer's metadata always has this key. */
    public boolean required() {
        return required;
    }
}
