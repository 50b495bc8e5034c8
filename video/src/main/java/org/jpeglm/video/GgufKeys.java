package org.jpeglm.video;

import java.util.Map;
import org.jpeglm.gguf.GgufValue;

/** Typed reads of GGUF metadata values that name the key when it is missing or of another type. */
final class GgufKeys {
    private GgufKeys() {}

    static String string(Map<String, GgufValue> metadata, String key) {
        try {
            return value(metadata, key).asString();
        } catch (IllegalStateException e) { // GgufValue's accessors say what the value is instead
            throw new IllegalArgumentException("'" + key + "' is not usable: " + e.getMessage(), e);
        }
    }

    static int count(Map<String, GgufValue> metadata, String key) {
        int v;
        try {
            v = value(metadata, key).asInt();
        } catch (IllegalStateException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + key + "' is not usable: " + e.getMessage(), e);
        }
        if (v < 0) {
            throw new IllegalArgumentException("'" + key + "' = " + v + " is out of range");
        }
        return v;
    }

    private static GgufValue value(Map<String, GgufValue> metadata, String key) {
        GgufValue v = metadata.get(key);
        if (v == null) {
            throw new IllegalArgumentException("the model lacks '" + key + "'");
        }
        return v;
    }
}
