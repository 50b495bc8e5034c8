package org.jpeglm.bpe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jpeglm.gguf.GgufValue;

/**
 * A {@link BpeTokenizer} as GGUF metadata values under the {@link BpeGgufKey} keys: the map a GGUF writer
 * stores and a GGUF reader (or a loaded model) gives back.
 */
public final class BpeGgufMetadata {
    private BpeGgufMetadata() {}

    /**
     * The metadata for {@code tokenizer}, in key order of {@link BpeGgufKey}, each value of its key's
     * {@link BpeGgufKey#type()}.
     *
     * @throws IllegalArgumentException if a piece is neither a byte nor made by a merge (such a
     *                                  vocabulary, possible from an import, has no GGUF form here)
     */
    public static Map<String, GgufValue> toGguf(BpeTokenizer tokenizer) {
        int size = tokenizer.vocabSize();
        boolean[] described = new boolean[size];
        int[] byteIds = new int[256];
        for (int b = 0; b < 256; b++) {
            byteIds[b] = tokenizer.byteTokenId(b); // NO_TOKEN (-1) for a byte outside the alphabet
            if (byteIds[b] != BpeTokenizer.NO_TOKEN) {
                described[byteIds[b]] = true;
            }
        }
        int count = tokenizer.mergeCount();
        int[] merges = new int[2 * count];
        int[] mergeIds = new int[count];
        for (int r = 0; r < count; r++) {
            TokenPair m = tokenizer.merges().get(r);
            merges[2 * r] = m.left();
            merges[2 * r + 1] = m.right();
            mergeIds[r] = tokenizer.mergeResult(r);
            described[mergeIds[r]] = true;
        }
        List<Integer> specialIds = tokenizer.specialIds();
        List<String> specialTexts = new ArrayList<>();
        for (int id : specialIds) {
            specialTexts.add(((VocabEntry.Special) tokenizer.entry(id)).content());
            described[id] = true;
        }
        for (int id = 0; id < size; id++) {
            if (!described[id]) {
                throw new IllegalArgumentException("piece " + id + " is neither a byte nor made by a merge");
            }
        }

        Map<String, GgufValue> out = new LinkedHashMap<>();
        put(out, BpeGgufKey.VOCAB_SIZE, size);
        put(out, BpeGgufKey.BYTE_IDS, byteIds);
        put(out, BpeGgufKey.MERGES, merges);
        put(out, BpeGgufKey.MERGE_IDS, mergeIds);
        put(
                out,
                BpeGgufKey.SPECIAL_IDS,
                specialIds.stream().mapToInt(Integer::intValue).toArray());
        out.put(BpeGgufKey.SPECIAL_TOKENS.key(), GgufValue.strings(specialTexts));
        if (tokenizer.bosId() != BpeTokenizer.NO_TOKEN) {
            put(out, BpeGgufKey.BOS_ID, tokenizer.bosId());
        }
        if (tokenizer.eosId() != BpeTokenizer.NO_TOKEN) {
            put(out, BpeGgufKey.EOS_ID, tokenizer.eosId());
        }
        if (tokenizer.ignoreMerges()) {
            out.put(BpeGgufKey.IGNORE_MERGES.key(), GgufValue.bool(true));
        }
        return out;
    }

    private static void put(Map<String, GgufValue> out, BpeGgufKey key, int value) {
        out.put(key.key(), GgufValue.integer(key.type(), value));
    }

    private static void put(Map<String, GgufValue> out, BpeGgufKey key, int[] ids) {
        out.put(key.key(), GgufValue.array(key.elementType(), ids));
    }

    /**
     * The tokenizer stored in {@code metadata}; other keys are ignored. Integers and integer arrays may
     * have any GGUF integer type whose values fit.
     *
     * @throws IllegalArgumentException naming the key that is missing, has the wrong type, or is
     *                                  inconsistent with the others
     */
    public static BpeTokenizer fromGguf(Map<String, GgufValue> metadata) {
        int size = id(metadata, BpeGgufKey.VOCAB_SIZE);
        int[] byteIds = read(metadata, BpeGgufKey.BYTE_IDS, GgufValue::asIntArray);
        int[] flatMerges = read(metadata, BpeGgufKey.MERGES, GgufValue::asIntArray);
        int[] mergeIds = read(metadata, BpeGgufKey.MERGE_IDS, GgufValue::asIntArray);
        int[] specialIds = read(metadata, BpeGgufKey.SPECIAL_IDS, GgufValue::asIntArray);
        List<String> specialTexts = read(metadata, BpeGgufKey.SPECIAL_TOKENS, GgufValue::asStringList);
        if (byteIds.length != 256) {
            throw bad(BpeGgufKey.BYTE_IDS, "has " + byteIds.length + " entries, not 256");
        }
        if (flatMerges.length != 2 * mergeIds.length) {
            throw bad(BpeGgufKey.MERGES, "has " + flatMerges.length + " ids for " + mergeIds.length + " merges");
        }
        if (specialIds.length != specialTexts.size()) {
            throw bad(BpeGgufKey.SPECIAL_IDS, "and " + BpeGgufKey.SPECIAL_TOKENS.key() + " differ in length");
        }

        VocabEntry[] entries = new VocabEntry[size];
        byte[][] bytes = new byte[size][];
        for (int b = 0; b < 256; b++) {
            if (byteIds[b] == BpeTokenizer.NO_TOKEN) {
                continue; // not in the alphabet
            }
            int id = checkId(byteIds[b], size, BpeGgufKey.BYTE_IDS);
            if (entries[id] != null) {
                throw bad(BpeGgufKey.BYTE_IDS, "gives id " + id + " to two bytes");
            }
            bytes[id] = new byte[] {(byte) b};
            entries[id] = new VocabEntry.Piece(bytes[id]);
        }
        for (int i = 0; i < specialIds.length; i++) {
            int id = checkId(specialIds[i], size, BpeGgufKey.SPECIAL_IDS);
            if (entries[id] != null) {
                throw bad(BpeGgufKey.SPECIAL_IDS, "id " + id + " is described twice");
            }
            entries[id] = new VocabEntry.Special(specialTexts.get(i));
        }
        List<TokenPair> merges = new ArrayList<>(mergeIds.length);
        for (int r = 0; r < mergeIds.length; r++) {
            merges.add(new TokenPair(
                    checkId(flatMerges[2 * r], size, BpeGgufKey.MERGES),
                    checkId(flatMerges[2 * r + 1], size, BpeGgufKey.MERGES)));
            checkId(mergeIds[r], size, BpeGgufKey.MERGE_IDS);
        }
        // A merge's bytes are known once both its parts are; a table whose merges use tokens made by
        // later merges needs more than one pass.
        boolean[] done = new boolean[mergeIds.length];
        for (boolean progress = true; progress; ) {
            progress = false;
            for (int r = 0; r < mergeIds.length; r++) {
                TokenPair m = merges.get(r);
                if (done[r] || bytes[m.left()] == null || bytes[m.right()] == null) {
                    continue;
                }
                byte[] joined =
                        ByteKey.concat(bytes[m.left()], bytes[m.right()]).bytes();
                int id = mergeIds[r];
                if (bytes[id] == null && entries[id] == null) {
                    bytes[id] = joined;
                    entries[id] = new VocabEntry.Piece(joined);
                } else if (bytes[id] == null || !Arrays.equals(bytes[id], joined)) {
                    throw bad(BpeGgufKey.MERGE_IDS, "merge " + r + " makes id " + id + ", which is another token");
                }
                done[r] = true;
                progress = true;
            }
        }
        for (int id = 0; id < size; id++) {
            if (entries[id] == null) {
                throw bad(BpeGgufKey.VOCAB_SIZE, "id " + id + " is not a byte, merge result or special token");
            }
        }
        int bos = specialId(metadata, BpeGgufKey.BOS_ID, entries);
        int eos = specialId(metadata, BpeGgufKey.EOS_ID, entries);
        boolean ignoreMerges = metadata.containsKey(BpeGgufKey.IGNORE_MERGES.key())
                && read(metadata, BpeGgufKey.IGNORE_MERGES, GgufValue::asBoolean);
        try {
            return BpeTokenizer.of(Arrays.asList(entries), merges, bos, eos, ignoreMerges);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("GGUF tokenizer metadata: " + e.getMessage(), e);
        }
    }

    /** The value of key as as() reads it; a missing key or a value of another type is named. */
    private static <T> T read(Map<String, GgufValue> metadata, BpeGgufKey key, Function<GgufValue, T> as) {
        GgufValue v = metadata.get(key.key());
        if (v == null) {
            throw bad(key, "is missing");
        }
        try {
            return as.apply(v);
        } catch (IllegalStateException e) { // GgufValue's accessors say what the value is instead
            throw bad(key, "is not usable: " + e.getMessage());
        }
    }

    private static int id(Map<String, GgufValue> metadata, BpeGgufKey key) {
        int v = read(metadata, key, GgufValue::asInt);
        if (v < 0) {
            throw bad(key, "is not a non-negative 32-bit integer: " + v);
        }
        return v;
    }

    /** The optional id under key ({@link BpeTokenizer#NO_TOKEN} if absent), which must be a special token's. */
    private static int specialId(Map<String, GgufValue> metadata, BpeGgufKey key, VocabEntry[] entries) {
        if (!metadata.containsKey(key.key())) {
            return BpeTokenizer.NO_TOKEN;
        }
        int id = checkId(id(metadata, key), entries.length, key);
        if (!(entries[id] instanceof VocabEntry.Special)) {
            throw bad(key, "is " + id + ", which is " + entries[id] + ", not a special token");
        }
        return id;
    }

    private static int checkId(int id, int size, BpeGgufKey key) {
        if (id < 0 || id >= size) {
            throw bad(key, "has id " + id + " outside the vocabulary of " + size);
        }
        return id;
    }

    private static IllegalArgumentException bad(BpeGgufKey key, String message) {
        return new IllegalArgumentException("GGUF tokenizer metadata: " + key.key() + " " + message);
    }
}
