package org.jpeglm.codec.igpt;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jpeglm.bpe.BpeGgufKey;
import org.jpeglm.bpe.BpeGgufMetadata;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.gguf.GgufValueType;

/**
 * What an igpt or bpe-igpt model file says beside its weights: the pixel profile and the tokenizer over its
 * symbols. The codec follows from the tokenizer: {@code igpt} has no merges (one token a pixel), {@code bpe-igpt}
 * has some. A GGUF file carries the spec under these keys:
 *
 * <table>
 *   <caption>GGUF keys</caption>
 *   <tr><td>{@code jpeglm.format_version}</td><td>UINT32</td><td>1</td></tr>
 *   <tr><td>{@code jpeglm.codec}</td><td>STRING</td><td>{@code igpt} or {@code bpe-igpt}</td></tr>
 *   <tr><td>{@code jpeglm.igpt.width}, {@code .height}</td><td>UINT32</td><td>the image size</td></tr>
 *   <tr><td>{@code jpeglm.igpt.channels}</td><td>UINT32</td><td>1 (gray) or 3 (RGB)</td></tr>
 *   <tr><td>{@code jpeglm.igpt.palette}</td><td>ARRAY[UINT8]</td><td>K·channels bytes, 2 ≤ K ≤ 256</td></tr>
 *   <tr><td>{@code jpeglm.igpt.order}</td><td>STRING</td><td>{@code raster}</td></tr>
 *   <tr><td>{@code jpeglm.bpe.*}</td><td></td><td>the tokenizer over the alphabet of K symbols</td></tr>
 * </table>
 *
 * @param profile   size and palette
 * @param tokenizer BPE over exactly the bytes 0..K−1, with distinct BOS and EOS
 */
public record IgptSpec(IgptProfile profile, BpeTokenizer tokenizer) {
    public static final int FORMAT_VERSION = 1;
    public static final String FORMAT_VERSION_KEY = "jpeglm.format_version";
    public static final String CODEC_KEY = "jpeglm.codec";
    /** Raster-order pixels, one token each. */
    public static final String IGPT = "igpt";
    /** Raster-order pixels, byte-pair encoded. */
    public static final String BPE_IGPT = "bpe-igpt";

    public static final String WIDTH_KEY = "jpeglm.igpt.width";
    public static final String HEIGHT_KEY = "jpeglm.igpt.height";
    public static final String CHANNELS_KEY = "jpeglm.igpt.channels";
    public static final String PALETTE_KEY = "jpeglm.igpt.palette";
    public static final String ORDER_KEY = "jpeglm.igpt.order";

    public IgptSpec {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(tokenizer, "tokenizer");
        int k = profile.symbols();
        if (tokenizer.alphabetSize() != k) {
            throw new IllegalArgumentException("the tokenizer's alphabet has " + tokenizer.alphabetSize()
                    + " bytes, but the palette " + k + " entries: each symbol must be one byte of it");
        }
        for (int b = 0; b < k; b++) {
            if (tokenizer.byteTokenId(b) == BpeTokenizer.NO_TOKEN) {
                throw new IllegalArgumentException("the tokenizer has no token for symbol " + b
                        + ": its alphabet must be the bytes 0.." + (k - 1));
            }
        }
        if (tokenizer.bosId() < 0 || tokenizer.eosId() < 0 || tokenizer.bosId() == tokenizer.eosId()) {
            throw new IllegalArgumentException("a pixel model's tokenizer needs distinct BOS and EOS tokens ("
                    + BpeGgufKey.BOS_ID.key() + ", " + BpeGgufKey.EOS_ID.key() + ")");
        }
    }

    /** igpt's spec: K symbols, no merges, BOS and EOS after them. */
    public static IgptSpec igpt(IgptProfile profile) {
        return new IgptSpec(
                profile,
                BpeTokenizer.fromMerges(
                        profile.symbols(), java.util.List.of(), BpeTokenizer.DEFAULT_BOS, BpeTokenizer.DEFAULT_EOS));
    }

    /** {@value #IGPT} without merges, {@value #BPE_IGPT} with. */
    public String codec() {
        return tokenizer.mergeCount() == 0 ? IGPT : BPE_IGPT;
    }

    /** Whether metadata names one of these codecs. */
    public static boolean isIgpt(Map<String, GgufValue> metadata) {
        GgufValue codec = metadata.get(CODEC_KEY);
        return codec != null
                && codec.type() == GgufValueType.STRING
                && (codec.asString().equals(IGPT) || codec.asString().equals(BPE_IGPT));
    }

    /** Every {@code jpeglm.*} key of this spec as GGUF values, in a stable order. */
    public Map<String, GgufValue> toGguf() {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put(FORMAT_VERSION_KEY, GgufValue.uint32(FORMAT_VERSION));
        m.put(CODEC_KEY, GgufValue.string(codec()));
        m.put(WIDTH_KEY, GgufValue.uint32(profile.width()));
        m.put(HEIGHT_KEY, GgufValue.uint32(profile.height()));
        m.put(CHANNELS_KEY, GgufValue.uint32(profile.channels()));
        byte[] entries = profile.palette().entries();
        long[] palette = new long[entries.length];
        for (int i = 0; i < entries.length; i++) {
            palette[i] = entries[i] & 0xFF;
        }
        m.put(PALETTE_KEY, GgufValue.array(GgufValueType.UINT8, palette));
        m.put(ORDER_KEY, GgufValue.string(IgptProfile.RASTER));
        m.putAll(BpeGgufMetadata.toGguf(tokenizer));
        return m;
    }

    /**
     * The spec in a model file's metadata. Integers may have any GGUF integer type whose values fit.
     *
     * @throws IllegalArgumentException naming the missing or malformed key, or the codec the file names instead
     */
    public static IgptSpec fromGguf(Map<String, GgufValue> metadata) {
        Keys keys = new Keys(metadata);
        int version = keys.count(FORMAT_VERSION_KEY);
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException(
                    "jpeglm format version " + version + " is not supported (this is version " + FORMAT_VERSION + ")");
        }
        String codec = keys.string(CODEC_KEY);
        if (!codec.equals(IGPT) && !codec.equals(BPE_IGPT)) {
            throw new IllegalArgumentException(
                    "'" + CODEC_KEY + "' is '" + codec + "', not " + IGPT + " or " + BPE_IGPT);
        }
        String order = keys.string(ORDER_KEY);
        if (!order.equals(IgptProfile.RASTER)) {
            throw new IllegalArgumentException(
                    "'" + ORDER_KEY + "' is '" + order + "'; the only order is '" + IgptProfile.RASTER + "'");
        }
        IgptProfile profile;
        try {
            Palette palette = Palette.of(keys.count(CHANNELS_KEY), keys.bytes(PALETTE_KEY));
            profile = new IgptProfile(keys.count(WIDTH_KEY), keys.count(HEIGHT_KEY), palette);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad igpt profile in the model: " + e.getMessage(), e);
        }
        BpeTokenizer tokenizer;
        try {
            tokenizer = BpeGgufMetadata.fromGguf(metadata);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad tokenizer in the model: " + e.getMessage(), e);
        }
        IgptSpec spec = new IgptSpec(profile, tokenizer);
        if (!spec.codec().equals(codec)) {
            throw new IllegalArgumentException("'" + CODEC_KEY + "' is '" + codec + "' but the tokenizer has "
                    + tokenizer.mergeCount() + " merges: " + IGPT + " has none, " + BPE_IGPT + " some");
        }
        return spec;
    }

    /** Typed reads that name the key when it is missing or unusable. */
    private record Keys(Map<String, GgufValue> metadata) {
        GgufValue value(String key) {
            GgufValue v = metadata.get(key);
            if (v == null) {
                throw new IllegalArgumentException("the model lacks '" + key + "'");
            }
            return v;
        }

        int count(String key) {
            int v;
            try {
                v = value(key).asInt();
            } catch (IllegalStateException | ArithmeticException e) {
                throw new IllegalArgumentException("'" + key + "' is not usable: " + e.getMessage(), e);
            }
            if (v < 0) {
                throw new IllegalArgumentException("'" + key + "' = " + v + " is out of range");
            }
            return v;
        }

        String string(String key) {
            try {
                return value(key).asString();
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException("'" + key + "' is not usable: " + e.getMessage(), e);
            }
        }

        byte[] bytes(String key) {
            long[] values;
            try {
                values = value(key).asLongArray();
            } catch (IllegalStateException | ArithmeticException e) {
                throw new IllegalArgumentException("'" + key + "' is not usable: " + e.getMessage(), e);
            }
            byte[] out = new byte[values.length];
            for (int i = 0; i < values.length; i++) {
                if (values[i] < 0 || values[i] > 255) {
                    throw new IllegalArgumentException("'" + key + "' holds " + values[i] + ", not a byte");
                }
                out[i] = (byte) values[i];
            }
            return out;
        }
    }
}
