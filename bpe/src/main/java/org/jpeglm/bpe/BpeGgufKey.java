package org.jpeglm.bpe;

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
    VOCAB_SIZE("jpeglm.bpe.vocab_size", ValueType.UINT32, true),
    /** ARRAY of 256 INT32: the id of each byte's single-byte token (identity in the default layout). */
    BYTE_IDS("jpeglm.bpe.byte_ids", ValueType.INT32_ARRAY, true),
    /** ARRAY of INT32, two per merge, by rank: left id, right id, left id, right id, ... */
    MERGES("jpeglm.bpe.merges", ValueType.INT32_ARRAY, true),
    /** ARRAY of INT32, one per merge: the id it makes (256+rank in the default layout when no merges share bytes). */
    MERGE_IDS("jpeglm.bpe.merge_ids", ValueType.INT32_ARRAY, true),
    /** ARRAY of INT32: the ids of the special tokens, in the order of {@link #SPECIAL_TOKENS}. */
    SPECIAL_IDS("jpeglm.bpe.special_ids", ValueType.INT32_ARRAY, true),
    /** ARRAY of STRING: the texts of the special tokens (e.g. {@code <s>}, {@code </s>}). */
    SPECIAL_TOKENS("jpeglm.bpe.special_tokens", ValueType.STRING_ARRAY, true),
    /** UINT32, optional: the BOS id; absent when there is none. */
    BOS_ID("jpeglm.bpe.bos_id", ValueType.UINT32, false),
    /** UINT32, optional: the EOS id; absent when there is none. */
    EOS_ID("jpeglm.bpe.eos_id", ValueType.UINT32, false),
    /** BOOL, optional (false when absent): HF's {@code ignore_merges}. */
    IGNORE_MERGES("jpeglm.bpe.ignore_merges", ValueType.BOOL, false);

    /** GGUF value types used here, and the Java type {@link BpeGgufMetadata#toMetadata} gives each. */
    public enum ValueType {
        /** GGUF UINT32, as {@link Integer} (values stay below 2^31). */
        UINT32,
        /** GGUF BOOL, as {@link Boolean}. */
        BOOL,
        /** GGUF ARRAY of INT32, as {@code int[]}. */
        INT32_ARRAY,
        /** GGUF ARRAY of STRING, as {@code List<String>}. */
        STRING_ARRAY
    }

    private final String key;
    private final ValueType type;
    private final boolean required;

    BpeGgufKey(String key, ValueType type, boolean required) {
        this.key = key;
        this.type = type;
        this.required = required;
    }

    /** The GGUF key string, e.g. {@code jpeglm.bpe.merges}. */
    public String key() {
        return key;
    }

    /** The GGUF value type. */
    public ValueType type() {
        return type;
    }

    /** Whether a tokenizer's metadata always has this key. */
    public boolean required() {
        return required;
    }
}
