package org.jpeglm.bpe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link BpeTokenizer} as GGUF metadata values under the {@link BpeGgufKey} keys, in a plain
 * {@code Map<String, Object>} that a GGUF writer can store and a GGUF reader can give back.
 */
public final class BpeGgufMetadata {
    private BpeGgufMetadata() {
    }

    /**
     * The metadata for {@code tokenizer}, in key order of {@link BpeGgufKey}; values have the Java
     * types {@link BpeGgufKey.ValueType} lists.
     *
     * @throws IllegalArgumentException if a piece is neither a byte nor made by a merge (such a
     *                                  vocabulary, possible from an import, has no GGUF form here)
     */
    public static Map<String, Object> toMetadata(BpeTokenizer tokenizer) {
        int size = tokenizer.vocabSize();
        boolean[] described = new boolean[size];
        int[] byteIds = new int[256];
        for (int b = 0; b < 256; b++) {
            byteIds[b] = tokenizer.byteTokenId(b);
            described[byteIds[b]] = true;
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

        Map<String, Object> out = new LinkedHashMap<>();
        out.put(BpeGgufKey.VOCAB_SIZE.key(), size);
        out.put(BpeGgufKey.BYTE_IDS.key(), byteIds);
        out.put(BpeGgufKey.MERGES.key(), merges);
        out.put(BpeGgufKey.MERGE_IDS.key(), mergeIds);
        out.put(BpeGgufKey.SPECIAL_IDS.key(), specialIds.stream().mapToInt(Integer::intValue).toArray());
        out.put(BpeGgufKey.SPECIAL_TOKENS.key(), List.copyOf(specialTexts));
        if (tokenizer.bosId() != BpeTokenizer.NO_TOKEN) {
            out.put(BpeGgufKey.BOS_ID.key(), tokenizer.bosId());
        }
        if (tokenizer.eosId() != BpeTokenizer.NO_TOKEN) {
            out.put(BpeGgufKey.EOS_ID.key(), tokenizer.eosId());
        }
        if (tokenizer.ignoreMerges()) {
            out.put(BpeGgufKey.IGNORE_MERGES.key(), true);
        }
        return out;
    }

    /**
     * The tokenizer stored in {@code metadata}; other keys are ignored. Numbers may be any
     * {@link Number}; INT32 arrays may be {@code int[]}, {@code long[]} or a {@code List} of numbers;
     * string arrays a {@code List} or {@code String[]}.
     *
     * @throws IllegalArgumentException if a key is missing, has the wrong type, or the values are
     *                                  inconsistent
     */
    public static BpeTokenizer fromMetadata(Map<String, ?> metadata) {
        int size = toInt(require(metadata, BpeGgufKey.VOCAB_SIZE), BpeGgufKey.VOCAB_SIZE);
        int[] byteIds = ints(require(metadata, BpeGgufKey.BYTE_IDS), BpeGgufKey.BYTE_IDS);
        int[] flatMerges = ints(require(metadata, BpeGgufKey.MERGES), BpeGgufKey.MERGES);
        int[] mergeIds = ints(require(metadata, BpeGgufKey.MERGE_IDS), BpeGgufKey.MERGE_IDS);
        int[] specialIds = ints(require(metadata, BpeGgufKey.SPECIAL_IDS), BpeGgufKey.SPECIAL_IDS);
        List<String> specialTexts = strings(require(metadata, BpeGgufKey.SPECIAL_TOKENS), BpeGgufKey.SPECIAL_TOKENS);
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
            int id = checkId(byteIds[b], size, BpeGgufKey.BYTE_IDS);
            bytes[id] = new byte[]{(byte) b};
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
            merges.add(new TokenPair(checkId(flatMerges[2 * r], size, BpeGgufKey.MERGES),
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
                byte[] joined = ByteKey.concat(bytes[m.left()], bytes[m.right()]).bytes();
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
        int bos = optionalId(metadata, BpeGgufKey.BOS_ID);
        int eos = optionalId(metadata, BpeGgufKey.EOS_ID);
        Object ignore = metadata.get(BpeGgufKey.IGNORE_MERGES.key());
        if (ignore != null && !(ignore instanceof Boolean)) {
            throw bad(BpeGgufKey.IGNORE_MERGES, "is not a Boolean");
        }
        try {
            return BpeTokenizer.of(Arrays.asList(entries), merges, bos, eos, Boolean.TRUE.equals(ignore));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("GGUF tokenizer metadata: " + e.getMessage(), e);
        }
    }

    private static Object require(Map<String, ?> metadata, BpeGgufKey key) {
        Object v = metadata.get(key.key());
        if (v == null) {
            throw bad(key, "is missing");
        }
        return v;
    }

    private static int optionalId(Map<String, ?> metadata, BpeGgufKey key) {
        Object v = metadata.get(key.key());
        return v == null ? BpeTokenizer.NO_TOKEN : toInt(v, key);
    }

    private static int checkId(int id, int size, BpeGgufKey key) {
        if (id < 0 || id >= size) {
            throw bad(key, "has id " + id + " outside the vocabulary of " + size);
        }
        return id;
    }

    private static int toInt(Object v, BpeGgufKey key) {
        if (v instanceof Number n && n.longValue() >= 0 && n.longValue() <= Integer.MAX_VALUE
                && n.doubleValue() == n.longValue()) {
            return n.intValue();
        }
        throw bad(key, "is not a non-negative 32-bit integer: " + v);
    }

    private static int[] ints(Object v, BpeGgufKey key) {
        return switch (v) {
            case int[] a -> a.clone();
            case long[] a -> Arrays.stream(a).mapToInt(x -> toInt(x, key)).toArray();
            case List<?> list -> list.stream().mapToInt(x -> toInt(x, key)).toArray();
            default -> throw bad(key, "is not an integer array: " + v.getClass().getName());
        };
    }

    private static List<String> strings(Object v, BpeGgufKey key) {
        List<?> list = switch (v) {
            case String[] a -> Arrays.asList(a);
            case List<?> l -> l;
            default -> throw bad(key, "is not a string array: " + v.getClass().getName());
        };
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof CharSequence s)) {
                throw bad(key, "has a non-string element: " + o);
            }
            out.add(s.toString());
        }
        return out;
    }

    private static IllegalArgumentException bad(BpeGgufKey key, String message) {
        return new IllegalArgumentException("GGUF tokenizer metadata: " + key.key() + " " + message);
    }
}
