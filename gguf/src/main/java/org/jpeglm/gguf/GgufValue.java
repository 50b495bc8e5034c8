package org.jpeglm.gguf;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One GGUF metadata value with its type.
 *
 * <p>Java representation by type: every integer type is a {@link Long} (UINT64 keeps its 64 bits), FLOAT32 a
 * {@link Float}, FLOAT64 a {@link Double}, BOOL a {@link Boolean}, STRING a {@link String}. An ARRAY holds
 * {@code long[]} (integer elements), {@code float[]}, {@code double[]}, {@code boolean[]}, a {@code List<String>}
 * or, for arrays of arrays, a {@code List<GgufValue>}. Arrays are copied in and out, so a value is immutable.
 *
 * @param type the value's type
 * @param elementType the element type of an ARRAY, else null
 * @param value the value, as above
 */
public record GgufValue(GgufValueType type, GgufValueType elementType, Object value) {
    public GgufValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        if (type == GgufValueType.ARRAY) {
            Objects.requireNonNull(elementType, "elementType of an array");
            value = checkArray(elementType, value);
        } else {
            if (elementType != null) {
                throw new IllegalArgumentException("a " + type + " value has no element type");
            }
            checkScalar(type, value);
        }
    }

    // ---- factories -----------------------------------------------------------------------------------------

    public static GgufValue uint8(int v) {
        return integer(GgufValueType.UINT8, v);
    }

    public static GgufValue int8(int v) {
        return integer(GgufValueType.INT8, v);
    }

    public static GgufValue uint16(int v) {
        return integer(GgufValueType.UINT16, v);
    }

    public static GgufValue int16(int v) {
        return integer(GgufValueType.INT16, v);
    }

    public static GgufValue uint32(long v) {
        return integer(GgufValueType.UINT32, v);
    }

    public static GgufValue int32(int v) {
        return integer(GgufValueType.INT32, v);
    }

    /** A UINT64; v's 64 bits are the unsigned value. */
    public static GgufValue uint64(long v) {
        return integer(GgufValueType.UINT64, v);
    }

    public static GgufValue int64(long v) {
        return integer(GgufValueType.INT64, v);
    }

    /** An integer of any integer type, range-checked. */
    public static GgufValue integer(GgufValueType type, long v) {
        if (!type.isInteger()) {
            throw new IllegalArgumentException(type + " is not an integer type");
        }
        return new GgufValue(type, null, v);
    }

    public static GgufValue float32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, null, v);
    }

    public static GgufValue float64(double v) {
        return new GgufValue(GgufValueType.FLOAT64, null, v);
    }

    public static GgufValue bool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, null, v);
    }

    public static GgufValue string(String v) {
        return new GgufValue(GgufValueType.STRING, null, v);
    }

    /** An array of integers of elementType. */
    public static GgufValue array(GgufValueType elementType, long[] values) {
        return new GgufValue(GgufValueType.ARRAY, elementType, values);
    }

    /** An array of integers of elementType. */
    public static GgufValue array(GgufValueType elementType, int[] values) {
        return array(elementType, Arrays.stream(values).asLongStream().toArray());
    }

    public static GgufValue floats(float[] values) {
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.FLOAT32, values);
    }

    public static GgufValue doubles(double[] values) {
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.FLOAT64, values);
    }

    public static GgufValue bools(boolean[] values) {
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.BOOL, values);
    }

    public static GgufValue strings(List<String> values) {
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.STRING, values);
    }

    /** An array of arrays. */
    public static GgufValue arrays(List<GgufValue> values) {
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.ARRAY, values);
    }

    // ---- accessors -----------------------------------------------------------------------------------------

    /** An integer value of any width (UINT64 as its bits). */
    public long asLong() {
        if (!type.isInteger()) {
            throw mismatch("an integer");
        }
        return (Long) value;
    }

    /** An integer value that fits an int. */
    public int asInt() {
        long v = asLong();
        if (v != (int) v || (type == GgufValueType.UINT64 && v < 0)) {
            throw new IllegalStateException(this + " does not fit an int");
        }
        return (int) v;
    }

    /** A FLOAT32 or FLOAT64 value. */
    public double asDouble() {
        if (value instanceof Float f) {
            return f;
        }
        if (value instanceof Double d) {
            return d;
        }
        throw mismatch("a float");
    }

    public float asFloat() {
        return (float) asDouble();
    }

    public boolean asBoolean() {
        if (value instanceof Boolean b) {
            return b;
        }
        throw mismatch("a bool");
    }

    public String asString() {
        if (value instanceof String s) {
            return s;
        }
        throw mismatch("a string");
    }

    /** Number of elements of an array. */
    public int length() {
        return switch (value) {
            case long[] a -> a.length;
            case float[] a -> a.length;
            case double[] a -> a.length;
            case boolean[] a -> a.length;
            case List<?> l -> l.size();
            default -> throw mismatch("an array");
        };
    }

    /** An array of any integer type. */
    public long[] asLongArray() {
        if (value instanceof long[] a) {
            return a.clone();
        }
        throw mismatch("an integer array");
    }

    /** An integer array whose elements all fit an int. */
    public int[] asIntArray() {
        long[] a = asLongArray();
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            if (a[i] != (int) a[i]) {
                throw new IllegalStateException("element " + i + " = " + a[i] + " does not fit an int");
            }
            out[i] = (int) a[i];
        }
        return out;
    }

    public float[] asFloatArray() {
        if (value instanceof float[] a) {
            return a.clone();
        }
        throw mismatch("a float32 array");
    }

    public double[] asDoubleArray() {
        if (value instanceof double[] a) {
            return a.clone();
        }
        throw mismatch("a float64 array");
    }

    public boolean[] asBooleanArray() {
        if (value instanceof boolean[] a) {
            return a.clone();
        }
        throw mismatch("a bool array");
    }

    @SuppressWarnings("unchecked")
    public List<String> asStringList() {
        if (type == GgufValueType.ARRAY && elementType == GgufValueType.STRING) {
            return (List<String>) value;
        }
        throw mismatch("a string array");
    }

    @SuppressWarnings("unchecked")
    public List<GgufValue> asArrayList() {
        if (type == GgufValueType.ARRAY && elementType == GgufValueType.ARRAY) {
            return (List<GgufValue>) value;
        }
        throw mismatch("an array of arrays");
    }

    /** The Java value; arrays are copies. */
    @Override
    public Object value() {
        return switch (value) {
            case long[] a -> a.clone();
            case float[] a -> a.clone();
            case double[] a -> a.clone();
            case boolean[] a -> a.clone();
            default -> value;
        };
    }

    private IllegalStateException mismatch(String wanted) {
        return new IllegalStateException("value of type " + describeType() + " is not " + wanted);
    }

    /** "UINT32", or "ARRAY[STRING]". */
    public String describeType() {
        return type == GgufValueType.ARRAY ? "ARRAY[" + elementType + "]" : type.name();
    }

    // ---- checks ----------------------------------------------------------------------------------------------

    private static void checkScalar(GgufValueType type, Object value) {
        switch (type) {
            case FLOAT32 -> requireClass(type, value, Float.class);
            case FLOAT64 -> requireClass(type, value, Double.class);
            case BOOL -> requireClass(type, value, Boolean.class);
            case STRING -> requireClass(type, value, String.class);
            case ARRAY -> throw new AssertionError();
            default -> {
                requireClass(type, value, Long.class);
                checkRange(type, (Long) value);
            }
        }
    }

    private static void checkRange(GgufValueType type, long v) {
        boolean ok = switch (type) {
            case UINT8 -> v >= 0 && v <= 0xFF;
            case INT8 -> v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE;
            case UINT16 -> v >= 0 && v <= 0xFFFF;
            case INT16 -> v >= Short.MIN_VALUE && v <= Short.MAX_VALUE;
            case UINT32 -> v >= 0 && v <= 0xFFFF_FFFFL;
            case INT32 -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
            default -> true; // 64-bit types take every long
        };
        if (!ok) {
            throw new IllegalArgumentException(v + " is out of range for " + type);
        }
    }

    private static void requireClass(GgufValueType type, Object value, Class<?> c) {
        if (!c.isInstance(value)) {
            throw new IllegalArgumentException("a " + type + " value must be a " + c.getSimpleName() + ", got "
                    + value.getClass().getSimpleName());
        }
    }

    private static Object checkArray(GgufValueType et, Object value) {
        switch (et) {
            case FLOAT32 -> {
                if (value instanceof float[] a) {
                    return a.clone();
                }
            }
            case FLOAT64 -> {
                if (value instanceof double[] a) {
                    return a.clone();
                }
            }
            case BOOL -> {
                if (value instanceof boolean[] a) {
                    return a.clone();
                }
            }
            case STRING -> {
                if (value instanceof List<?> l) {
                    for (Object o : l) {
                        if (!(o instanceof String)) {
                            throw new IllegalArgumentException("a string array holds a "
                                    + (o == null ? "null" : o.getClass().getSimpleName()));
                        }
                    }
                    return List.copyOf(l);
                }
            }
            case ARRAY -> {
                if (value instanceof List<?> l) {
                    for (Object o : l) {
                        if (!(o instanceof GgufValue v) || v.type() != GgufValueType.ARRAY) {
                            throw new IllegalArgumentException("an array of arrays holds a non-array element");
                        }
                    }
                    return List.copyOf(l);
                }
            }
            default -> {
                if (value instanceof long[] a) {
                    for (long v : a) {
                        checkRange(et, v);
                    }
                    return a.clone();
                }
            }
        }
        throw new IllegalArgumentException(
                "an ARRAY[" + et + "] cannot hold a " + value.getClass().getSimpleName());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufValue v
                && type == v.type
                && elementType == v.elementType
                && Objects.deepEquals(value, v.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, elementType, Arrays.deepHashCode(new Object[] {value}));
    }

    @Override
    public String toString() {
        String shown = switch (value) {
            case long[] a -> a.length > 8 ? "[" + a.length + " values]" : Arrays.toString(a);
            case float[] a -> a.length > 8 ? "[" + a.length + " values]" : Arrays.toString(a);
            case double[] a -> a.length > 8 ? "[" + a.length + " values]" : Arrays.toString(a);
            case boolean[] a -> a.length > 8 ? "[" + a.length + " values]" : Arrays.toString(a);
            case List<?> l -> l.size() > 8 ? "[" + l.size() + " values]" : l.toString();
            case String s -> '"' + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + '"';
            default -> String.valueOf(value);
        };
        return describeType() + " " + shown;
    }
}
