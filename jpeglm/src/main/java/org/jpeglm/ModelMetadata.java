package org.jpeglm;

import static org.jpeglm.bindings.jpeglm_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A model file's GGUF metadata, copied into Java when the model loads, in file order.
 *
 * <p>Values are Java objects by GGUF type: every integer type is a {@link Long} (UINT64 keeps its bits), FLOAT32
 * a {@link Float}, FLOAT64 a {@link Double}, BOOL a {@link Boolean}, STRING a {@link String}; arrays are
 * {@code long[]}, {@code float[]}, {@code double[]}, {@code boolean[]} or an unmodifiable {@code List<String>}.
 */
public final class ModelMetadata {
    /** GGUF value types, by their file ids. */
    public enum Type { UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64;

        static Type of(int id) {
            if (id < 0 || id >= values().length) {
                throw new JpeglmException(ErrorCode.FORMAT, "unknown GGUF value type " + id);
            }
            return values()[id];
        }
    }

    /** One key's value, with its GGUF type (and element type for arrays). */
    public record Entry(String key, Type type, Type elementType, Object value) {}

    private final Map<String, Entry> entries;

    private ModelMetadata(Map<String, Entry> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    static ModelMetadata read(MemorySegment model) {
        long count = jpeglm_model_meta_count(model);
        if (count < 0) {
            throw Native.lastErrorException(ErrorCode.INTERNAL);
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment scalar = arena.allocate(8, 8);
            for (long i = 0; i < count; i++) {
                String key = Native.string(jpeglm_model_meta_key(model, i));
                Type type = Type.of(jpeglm_model_meta_type(model, i));
                Entry entry;
                if (type == Type.ARRAY) {
                    Type et = Type.of(jpeglm_model_meta_array_type(model, i));
                    entry = new Entry(key, type, et, readArray(model, i, et));
                } else if (type == Type.STRING) {
                    entry = new Entry(key, type, null, Native.string(jpeglm_model_meta_string(model, i, -1)));
                } else {
                    Native.check(jpeglm_model_meta_scalar(model, i, scalar, 8));
                    entry = new Entry(key, type, null, scalarAt(scalar, 0, type));
                }
                entries.put(key, entry);
            }
        }
        return new ModelMetadata(entries);
    }

    private static Object readArray(MemorySegment model, long index, Type et) {
        long n = jpeglm_model_meta_array_length(model, index);
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw new JpeglmException(ErrorCode.FORMAT, "metadata array of " + n + " elements");
        }
        int length = (int) n;
        if (et == Type.STRING) {
            List<String> strings = new ArrayList<>(length);
            for (int j = 0; j < length; j++) {
                strings.add(Native.string(jpeglm_model_meta_string(model, index, j)));
            }
            return Collections.unmodifiableList(strings);
        }
        if (et == Type.ARRAY) {
            throw new JpeglmException(ErrorCode.UNSUPPORTED, "nested metadata arrays are not supported");
        }
        MemorySegment data = jpeglm_model_meta_array_data(model, index);
        if (data.equals(MemorySegment.NULL)) {
            throw Native.lastErrorException(ErrorCode.INTERNAL);
        }
        data = data.reinterpret((long) length * size(et));
        return switch (et) {
            case FLOAT32 -> data.toArray(ValueLayout.JAVA_FLOAT);
            case FLOAT64 -> data.toArray(ValueLayout.JAVA_DOUBLE);
            case BOOL -> {
                boolean[] b = new boolean[length];
                for (int j = 0; j < length; j++) {
                    b[j] = data.get(ValueLayout.JAVA_BYTE, j) != 0;
                }
                yield b;
            }
            default -> {
                long[] v = new long[length];
                for (int j = 0; j < length; j++) {
                    v[j] = (Long) scalarAt(data, (long) j * size(et), et);
                }
                yield v;
            }
        };
    }

    private static int size(Type t) {
        return switch (t) {
            case UINT8, INT8, BOOL -> 1;
            case UINT16, INT16 -> 2;
            case UINT32, INT32, FLOAT32 -> 4;
            case UINT64, INT64, FLOAT64 -> 8;
            case STRING, ARRAY -> throw new IllegalArgumentException(t + " has no fixed size");
        };
    }

    private static Object scalarAt(MemorySegment s, long offset, Type type) {
        return switch (type) {
            case UINT8 -> (long) Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, offset));
            case INT8 -> (long) s.get(ValueLayout.JAVA_BYTE, offset);
            case UINT16 -> (long) Short.toUnsignedInt(s.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset));
            case INT16 -> (long) s.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset);
            case UINT32 -> Integer.toUnsignedLong(s.get(ValueLayout.JAVA_INT_UNALIGNED, offset));
            case INT32 -> (long) s.get(ValueLayout.JAVA_INT_UNALIGNED, offset);
            case UINT64, INT64 -> s.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
            case FLOAT32 -> s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, offset);
            case FLOAT64 -> s.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, offset);
            case BOOL -> s.get(ValueLayout.JAVA_BYTE, offset) != 0;
            case STRING, ARRAY -> throw new IllegalArgumentException(type + " is not a scalar");
        };
    }

    /** Every key's value (Java types as in the class comment), in file order. */
    public Map<String, Object> values() {
        Map<String, Object> out = new LinkedHashMap<>();
        entries.forEach((k, e) -> out.put(k, e.value()));
        return Collections.unmodifiableMap(out);
    }

    /** Keys in file order. */
    public Set<String> keys() {
        return entries.keySet();
    }

    public int size() {
        return entries.size();
    }

    public boolean contains(String key) {
        return entries.containsKey(key);
    }

    /** The entry of key, if present. */
    public Optional<Entry> entry(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** The value of key, if present (see the class comment for the Java types). */
    public Optional<Object> get(String key) {
        return entry(key).map(Entry::value);
    }

    public String getString(String key) {
        return typed(key, String.class, "a string");
    }

    /** An integer value of any width. */
    public long getLong(String key) {
        return typed(key, Long.class, "an integer");
    }

    /** An integer value that fits an int. */
    public int getInt(String key) {
        long v = getLong(key);
        if (v != (int) v) {
            throw new IllegalArgumentException("metadata '" + key + "' = " + v + " does not fit an int");
        }
        return (int) v;
    }

    /** A FLOAT32 or FLOAT64 value. */
    public double getDouble(String key) {
        Object v = require(key).value();
        if (v instanceof Float f) {
            return f;
        }
        if (v instanceof Double d) {
            return d;
        }
        throw mismatch(key, "a float");
    }

    public boolean getBool(String key) {
        return typed(key, Boolean.class, "a bool");
    }

    @SuppressWarnings("unchecked")
    public List<String> getStringList(String key) {
        return (List<String>) typed(key, List.class, "a string array");
    }

    /** An array of any integer type. */
    public long[] getLongArray(String key) {
        return typed(key, long[].class, "an integer array").clone();
    }

    public float[] getFloatArray(String key) {
        return typed(key, float[].class, "a float32 array").clone();
    }

    private <T> T typed(String key, Class<T> type, String what) {
        Object v = require(key).value();
        if (!type.isInstance(v)) {
            throw mismatch(key, what);
        }
        return type.cast(v);
    }

    private Entry require(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            throw new IllegalArgumentException("the model has no metadata '" + key + "'");
        }
        return e;
    }

    private IllegalArgumentException mismatch(String key, String what) {
        Entry e = entries.get(key);
        return new IllegalArgumentException("metadata '" + key + "' is " + e.type()
                + (e.elementType() == null ? "" : " of " + e.elementType()) + ", not " + what);
    }

    @Override
    public String toString() {
        return "ModelMetadata" + entries.keySet();
    }
}
