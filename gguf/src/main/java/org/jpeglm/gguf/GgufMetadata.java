package org.jpeglm.gguf;

import java.util.Map;
import java.util.function.Function;

/**
 * Typed reads of a GGUF file's metadata ({@link GgufFile#metadata()}) that name the key when it is missing, of
 * another type, or out of range: the one copy the codec specs and {@code ModelMetadata} share.
 */
public final class GgufMetadata {
    private GgufMetadata() {}

    /**
     * The value of key as as() reads it ({@code GgufValue::asLongArray}, say).
     *
     * @throws IllegalArgumentException "the model lacks 'key'", or "'key' is not usable: ..." for a value of another
     *     type
     */
    public static <T> T read(Map<String, GgufValue> metadata, String key, Function<GgufValue, T> as) {
        GgufValue v = metadata.get(key);
        if (v == null) {
            throw new IllegalArgumentException("the model lacks '" + key + "'");
        }
        try {
            return as.apply(v);
        } catch (IllegalStateException | ArithmeticException e) { // GgufValue's accessors say what it is instead
            throw new IllegalArgumentException("'" + key + "' is not usable: " + e.getMessage(), e);
        }
    }

    /** The string under key; see {@link #read}. */
    public static String string(Map<String, GgufValue> metadata, String key) {
        return read(metadata, key, GgufValue::asString);
    }

    /** The non-negative 32-bit integer (of any GGUF integer type whose value fits) under key; see {@link #read}. */
    public static int count(Map<String, GgufValue> metadata, String key) {
        int v = read(metadata, key, GgufValue::asInt);
        if (v < 0) {
            throw new IllegalArgumentException("'" + key + "' = " + v + " is out of range");
        }
        return v;
    }

    /** The array of integers 0..255 under key, as bytes; see {@link #read}. */
    public static byte[] bytes(Map<String, GgufValue> metadata, String key) {
        long[] values = read(metadata, key, GgufValue::asLongArray);
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] > 255) {
                throw new IllegalArgumentException(key + " holds " + values[i] + ", not a byte");
            }
            out[i] = (byte) values[i];
        }
        return out;
    }
}
