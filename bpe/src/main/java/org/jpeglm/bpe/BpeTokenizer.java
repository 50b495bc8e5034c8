package org.jpeglm.bpe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A byte-level BPE tokenizer: a vocabulary of byte strings and special tokens, and an ordered list
 * of merges (rank = index). Immutable and thread-safe.
 *
 * <p>Encoding starts from one token per byte and repeatedly merges the adjacent pair with the
 * lowest rank, leftmost first among equal ranks, until no adjacent pair has a merge — the result of
 * HF tokenizers' {@code BPE} model on the whole stream as one word (see the package docs). It runs
 * in about linear time with no allocation per token.
 *
 * <p>Ids: see the package docs for the default layout ({@link #fromMerges}). In general any id may
 * hold any {@link VocabEntry}; BOS and EOS are the explicit ids {@link #bosId()} and
 * {@link #eosId()}. Invariants checked on construction: each byte of the <em>alphabet</em> is exactly one
 * single-byte piece, and every piece is spelled in the alphabet; pieces are distinct; merges join two pieces and
 * their concatenation is a piece of the vocabulary (the merge's result); no pair is merged twice.
 *
 * <p>The alphabet is the set of bytes that have a single-byte piece: all 256 for byte-level BPE (JPEG and H.264
 * streams), fewer for streams of symbols (igpt's K palette indices, bytes 0..K-1), where a full alphabet would
 * give the model ids it never sees. {@link #encode} refuses a byte outside the alphabet and names it.
 */
public final class BpeTokenizer {
    /** The value of {@link #bosId()} / {@link #eosId()} when the tokenizer has no such token. */
    public static final int NO_TOKEN = -1;
    /** Default BOS text, as in Llama's tokenizer. */
    public static final String DEFAULT_BOS = "<s>";
    /** Default EOS text, as in Llama's tokenizer. */
    public static final String DEFAULT_EOS = "</s>";

    private final List<VocabEntry> vocab;
    private final List<TokenPair> merges;
    /** Bytes of each id; an empty array for special tokens. */
    private final byte[][] tokenBytes;

    private final boolean[] special;
    private final int bosId;
    private final int eosId;
    private final boolean ignoreMerges;
    private final Map<ByteKey, Integer> pieceIds;
    private final int maxPieceLength;
    private final int alphabetSize;
    private final MergeRules rules;
    private final MergeEngine engine;

    private BpeTokenizer(List<VocabEntry> vocab, List<TokenPair> merges, int bosId, int eosId, boolean ignoreMerges) {
        this.vocab = List.copyOf(vocab);
        this.merges = List.copyOf(merges);
        int size = this.vocab.size();
        tokenBytes = new byte[size][];
        special = new boolean[size];
        pieceIds = new HashMap<>(size * 2);
        int[] byteToId = new int[256];
        Arrays.fill(byteToId, NO_TOKEN);
        int longest = 0;
        for (int id = 0; id < size; id++) {
            switch (this.vocab.get(id)) {
                case VocabEntry.Piece piece -> {
                    byte[] bytes = piece.bytesUnsafe();
                    tokenBytes[id] = bytes;
                    longest = Math.max(longest, bytes.length);
                    Integer other = pieceIds.putIfAbsent(new ByteKey(bytes), id);
                    if (other != null) {
                        throw new IllegalArgumentException("ids " + other + " and " + id + " are the same " + piece);
                    }
                    if (bytes.length == 1) {
                        byteToId[bytes[0] & 0xFF] = id;
                    }
                }
                case VocabEntry.Special s -> {
                    tokenBytes[id] = new byte[0];
                    special[id] = true;
                }
            }
        }
        maxPieceLength = longest;
        alphabetSize = checkAlphabet(byteToId);
        this.bosId = checkSpecial("BOS", bosId);
        this.eosId = checkSpecial("EOS", eosId);
        this.ignoreMerges = ignoreMerges;

        int count = this.merges.size();
        int[] left = new int[count];
        int[] right = new int[count];
        int[] result = new int[count];
        for (int rank = 0; rank < count; rank++) {
            TokenPair pair = this.merges.get(rank);
            left[rank] = checkPiece(rank, pair.left());
            right[rank] = checkPiece(rank, pair.right());
            Integer id = pieceIds.get(ByteKey.concat(tokenBytes[left[rank]], tokenBytes[right[rank]]));
            if (id == null) {
                throw new IllegalArgumentException(
                        "merge " + rank + " (" + pair + "): its bytes are not in the vocabulary");
            }
            result[rank] = id;
        }
        rules = new MergeRules(left, right, result, byteToId, size);
        engine = MergeEngine.forRules(rules);
    }

    /** The number of bytes with a single-byte piece; every piece must be spelled in them. */
    private int checkAlphabet(int[] byteToId) {
        int count = 0;
        for (int id : byteToId) {
            count += id == NO_TOKEN ? 0 : 1;
        }
        if (count == 0) {
            throw new IllegalArgumentException("no single-byte piece: the alphabet is empty");
        }
        if (count < 256) {
            for (int id = 0; id < tokenBytes.length; id++) {
                for (byte b : tokenBytes[id]) {
                    if (byteToId[b & 0xFF] == NO_TOKEN) {
                        throw new IllegalArgumentException("id " + id + " (" + vocab.get(id) + ") holds byte "
                                + (b & 0xFF) + ", which is not in the alphabet (no single-byte piece)");
                    }
                }
            }
        }
        return count;
    }

    private int checkSpecial(String what, int id) {
        if (id == NO_TOKEN) {
            return id;
        }
        if (id < 0 || id >= special.length || !special[id]) {
            throw new IllegalArgumentException(what + " id " + id + " is not a special token");
        }
        return id;
    }

    private int checkPiece(int rank, int id) {
        if (id >= special.length || special[id]) {
            throw new IllegalArgumentException("merge " + rank + " uses id " + id + ", which is not a piece");
        }
        return id;
    }

    /**
     * A tokenizer with any id layout.
     *
     * @param vocab        entry of each id (index = id)
     * @param merges       merges by rank
     * @param bosId        id of the BOS special token, or {@link #NO_TOKEN}
     * @param eosId        id of the EOS special token, or {@link #NO_TOKEN}
     * @param ignoreMerges HF's {@code ignore_merges}: an input that is exactly one piece encodes to it
     * @throws IllegalArgumentException if the invariants in the class docs do not hold
     */
    public static BpeTokenizer of(
            List<VocabEntry> vocab, List<TokenPair> merges, int bosId, int eosId, boolean ignoreMerges) {
        return new BpeTokenizer(vocab, merges, bosId, eosId, ignoreMerges);
    }

    /** {@link #fromMerges(int, List, String, String)} over all 256 bytes, with {@code <s>} and {@code </s>}. */
    public static BpeTokenizer fromMerges(List<TokenPair> merges) {
        return fromMerges(merges, DEFAULT_BOS, DEFAULT_EOS);
    }

    /** {@link #fromMerges(int, List, String, String)} over all 256 bytes: the byte-level layout. */
    public static BpeTokenizer fromMerges(List<TokenPair> merges, String bos, String eos) {
        return fromMerges(256, merges, bos, eos);
    }

    /**
     * A tokenizer in the default layout over the alphabet of bytes {@code 0..alphabet-1}: ids 0..alphabet-1 are
     * those bytes; each merge whose bytes are new gets the next id (so merge i makes alphabet+i unless an earlier
     * merge spelled the same bytes, in which case it reuses that id, as HF's trainer does); then BOS, then EOS.
     * With 256 (byte-level BPE) merge i makes 256+i.
     *
     * @param alphabet how many bytes have a piece, 1..256
     * @param merges   merges by rank; each may only use ids made by earlier merges
     * @param bos      BOS text, or null for none
     * @param eos      EOS text, or null for none
     */
    public static BpeTokenizer fromMerges(int alphabet, List<TokenPair> merges, String bos, String eos) {
        if (alphabet < 1 || alphabet > 256) {
            throw new IllegalArgumentException("the alphabet must have 1..256 bytes, not " + alphabet);
        }
        List<VocabEntry> vocab = new ArrayList<>(alphabet + merges.size() + 2);
        List<byte[]> bytes = new ArrayList<>();
        Map<ByteKey, Integer> ids = new HashMap<>();
        for (int b = 0; b < alphabet; b++) {
            byte[] one = {(byte) b};
            vocab.add(new VocabEntry.Piece(one));
            bytes.add(one);
            ids.put(new ByteKey(one), b);
        }
        for (int rank = 0; rank < merges.size(); rank++) {
            TokenPair pair = merges.get(rank);
            if (pair.left() >= bytes.size() || pair.right() >= bytes.size()) {
                throw new IllegalArgumentException(
                        "merge " + rank + " (" + pair + ") uses an id no earlier merge made");
            }
            ByteKey joined = ByteKey.concat(bytes.get(pair.left()), bytes.get(pair.right()));
            if (!ids.containsKey(joined)) {
                ids.put(joined, vocab.size());
                vocab.add(new VocabEntry.Piece(joined.bytes()));
                bytes.add(joined.bytes());
            }
        }
        int bosId = NO_TOKEN;
        int eosId = NO_TOKEN;
        if (bos != null) {
            bosId = vocab.size();
            vocab.add(new VocabEntry.Special(bos));
        }
        if (eos != null) {
            eosId = vocab.size();
            vocab.add(new VocabEntry.Special(eos));
        }
        return new BpeTokenizer(vocab, merges, bosId, eosId, false);
    }

    // ---------------------------------------------------------------- encoding

    /** The ids of {@code bytes}, without BOS/EOS. */
    public int[] encode(byte[] bytes) {
        return encode(bytes, 0, bytes.length, false, false);
    }

    /** The ids of {@code bytes}, with BOS first and/or EOS last if asked (and the tokenizer has them). */
    public int[] encode(byte[] bytes, boolean addBos, boolean addEos) {
        return encode(bytes, 0, bytes.length, addBos, addEos);
    }

    /**
     * The ids of {@code bytes[offset, offset+length)}.
     *
     * @throws IllegalStateException    if BOS or EOS is asked for but the tokenizer has none
     * @throws IllegalArgumentException if a byte is not in the alphabet
     */
    public int[] encode(byte[] bytes, int offset, int length, boolean addBos, boolean addEos) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (alphabetSize < 256) {
            requireAlphabet(bytes, offset, length);
        }
        int prefix = addBos ? require(bosId, "BOS") : NO_TOKEN;
        int suffix = addEos ? require(eosId, "EOS") : NO_TOKEN;
        if (ignoreMerges && length > 1 && length <= maxPieceLength) {
            Integer whole = pieceIds.get(new ByteKey(Arrays.copyOfRange(bytes, offset, offset + length)));
            if (whole != null) {
                return wrap(whole, prefix, suffix);
            }
        }
        return engine.encode(bytes, offset, offset + length, prefix, suffix);
    }

    /** Refuses the first byte without a piece (a full alphabet never gets here: no cost for byte-level BPE). */
    private void requireAlphabet(byte[] bytes, int offset, int length) {
        int[] byteToId = rules.byteToId;
        for (int i = offset; i < offset + length; i++) {
            if (byteToId[bytes[i] & 0xFF] == NO_TOKEN) {
                throw new IllegalArgumentException("byte " + (bytes[i] & 0xFF) + " at offset " + (i - offset)
                        + " is not in this tokenizer's alphabet of " + alphabetSize + " bytes");
            }
        }
    }

    private static int require(int id, String what) {
        if (id == NO_TOKEN) {
            throw new IllegalStateException("this tokenizer has no " + what + " token");
        }
        return id;
    }

    private static int[] wrap(int id, int prefix, int suffix) {
        int[] out = new int[1 + (prefix >= 0 ? 1 : 0) + (suffix >= 0 ? 1 : 0)];
        int k = 0;
        if (prefix >= 0) {
            out[k++] = prefix;
        }
        out[k++] = id;
        if (suffix >= 0) {
            out[k] = suffix;
        }
        return out;
    }

    // ---------------------------------------------------------------- decoding

    /**
     * The bytes of {@code ids}; special tokens (BOS, EOS, ...) add nothing.
     *
     * @throws IllegalArgumentException if an id is outside the vocabulary
     */
    public byte[] decode(int[] ids) {
        int total = 0;
        for (int id : ids) {
            total += bytesOf(id).length;
        }
        byte[] out = new byte[total];
        int k = 0;
        for (int id : ids) {
            byte[] b = tokenBytes[id];
            System.arraycopy(b, 0, out, k, b.length);
            k += b.length;
        }
        return out;
    }

    /** A new decoder that takes one id at a time, as a generator samples them. */
    public StreamingDecoder streamingDecoder() {
        return new StreamingDecoder(this);
    }

    /** The bytes of one id, not copied: callers in this package must not change them. */
    byte[] bytesOf(int id) {
        if (id < 0 || id >= tokenBytes.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + tokenBytes.length);
        }
        return tokenBytes[id];
    }

    // ---------------------------------------------------------------- vocabulary

    /** Number of ids, special tokens included. */
    public int vocabSize() {
        return tokenBytes.length;
    }

    /** The bytes token {@code id} stands for (a copy); empty for special tokens. */
    public byte[] tokenBytes(int id) {
        return bytesOf(id).clone();
    }

    /** Number of bytes token {@code id} stands for; 0 for special tokens. */
    public int tokenLength(int id) {
        return bytesOf(id).length;
    }

    /** The vocabulary entry of {@code id}. */
    public VocabEntry entry(int id) {
        bytesOf(id);
        return vocab.get(id);
    }

    /** Every entry, index = id (unmodifiable). */
    public List<VocabEntry> vocabulary() {
        return vocab;
    }

    /** Whether {@code id} is a special token. */
    public boolean isSpecial(int id) {
        bytesOf(id);
        return special[id];
    }

    /** The id of the piece with exactly these bytes, or {@link #NO_TOKEN}. */
    public int pieceId(byte[] bytes) {
        Integer id = pieceIds.get(new ByteKey(bytes.clone()));
        return id == null ? NO_TOKEN : id;
    }

    /** The id of the single-byte token for {@code b} (0..255), or {@link #NO_TOKEN} if b is not in the alphabet. */
    public int byteTokenId(int b) {
        return rules.byteToId[Objects.checkIndex(b, 256)];
    }

    /** How many bytes have a single-byte piece: 256 for byte-level BPE, K for a K-symbol alphabet. */
    public int alphabetSize() {
        return alphabetSize;
    }

    /** BOS id, or {@link #NO_TOKEN}. */
    public int bosId() {
        return bosId;
    }

    /** EOS id, or {@link #NO_TOKEN}. */
    public int eosId() {
        return eosId;
    }

    /** HF's {@code ignore_merges} flag. */
    public boolean ignoreMerges() {
        return ignoreMerges;
    }

    // ---------------------------------------------------------------- merges

    /** The merges by rank (unmodifiable). */
    public List<TokenPair> merges() {
        return merges;
    }

    /** Number of merges. */
    public int mergeCount() {
        return rules.count;
    }

    /** The id merge {@code rank} produces. */
    public int mergeResult(int rank) {
        return rules.result[Objects.checkIndex(rank, rules.count)];
    }

    /** The rank of the merge {@code left right}, or -1 if there is none. */
    public int mergeRank(int left, int right) {
        return rules.rank(left, right);
    }

    /** Same vocabulary, merges, BOS/EOS and flags. */
    @Override
    public boolean equals(Object o) {
        return o instanceof BpeTokenizer t
                && vocab.equals(t.vocab)
                && merges.equals(t.merges)
                && bosId == t.bosId
                && eosId == t.eosId
                && ignoreMerges == t.ignoreMerges;
    }

    @Override
    public int hashCode() {
        return Objects.hash(vocab, merges, bosId, eosId, ignoreMerges);
    }

    @Override
    public String toString() {
        return "BpeTokenizer[vocab=" + vocabSize() + ", merges=" + mergeCount() + ", bos=" + bosId + ", eos=" + eosId
                + (ignoreMerges ? ", ignoreMerges" : "") + "]";
    }

    /** The flat merge table; for tests that drive an engine directly. */
    MergeRules rules() {
        return rules;
    }

    /** Whether encoding uses the bucket engine (the merge table is monotone); for tests. */
    boolean usesBucketEngine() {
        return engine instanceof BucketMergeEngine;
    }

    /** Unmodifiable view used by serializers that need every special token. */
    List<Integer> specialIds() {
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < special.length; id++) {
            if (special[id]) {
                ids.add(id);
            }
        }
        return Collections.unmodifiableList(ids);
    }
}
