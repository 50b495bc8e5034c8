package org.jpeglm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Mutations of a real GGUF file for fuzzing, each a function of (seed, case) alone: the header, bytes of the KV
 * and tensor-info regions, typed metadata values set to NaN, ±inf, negative, zero or huge, type ids and length
 * fields, tensor shapes, truncation.
 */
final class GgufMutator {
    /** One mutated file and what was done to it. */
    record Mutant(byte[] bytes, String description) {}

    /** Where one metadata value lies: its type id, and its value (for arrays: the first element). */
    private record Value(String key, int typeAt, int type, int valueAt, int elementType, int elements) {}

    private final byte[] base;
    private final List<Value> values = new ArrayList<>();
    private final List<Integer> lengthFields = new ArrayList<>(); // u64 string lengths and array counts
    private final List<Integer> tensorInfos = new ArrayList<>(); // offset of each tensor's n_dims
    private int kvStart;
    private int tensorInfoStart;
    private int tensorInfoEnd;

    GgufMutator(byte[] base) {
        this.base = base.clone();
        parse(ByteBuffer.wrap(this.base).order(ByteOrder.LITTLE_ENDIAN));
    }

    private void parse(ByteBuffer b) {
        b.position(8);
        long nTensors = b.getLong();
        long nKv = b.getLong();
        kvStart = b.position();
        for (long i = 0; i < nKv; i++) {
            lengthFields.add(b.position());
            String key = string(b);
            int typeAt = b.position();
            int type = b.getInt();
            if (type == 9) {
                int elementType = b.getInt();
                lengthFields.add(b.position());
                int n = (int) b.getLong();
                values.add(new Value(key, typeAt, type, b.position(), elementType, n));
                for (int e = 0; e < n; e++) {
                    skipScalar(b, elementType);
                }
            } else {
                values.add(new Value(key, typeAt, type, b.position(), -1, 1));
                skipScalar(b, type);
            }
        }
        tensorInfoStart = b.position();
        for (long t = 0; t < nTensors; t++) {
            string(b);
            tensorInfos.add(b.position());
            int dims = b.getInt();
            b.position(b.position() + 8 * dims + 4 + 8);
        }
        tensorInfoEnd = b.position();
    }

    private String string(ByteBuffer b) {
        int n = (int) b.getLong();
        byte[] s = new byte[n];
        b.get(s);
        return new String(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    private void skipScalar(ByteBuffer b, int type) {
        if (type == 8) {
            lengthFields.add(b.position());
            string(b);
        } else {
            b.position(b.position() + scalarSize(type));
        }
    }

    private static int scalarSize(int type) {
        return switch (type) {
            case 0, 1, 7 -> 1;
            case 2, 3 -> 2;
            case 4, 5, 6 -> 4;
            case 10, 11, 12 -> 8;
            default -> throw new IllegalArgumentException("GGUF type " + type);
        };
    }

    private static final float[] HOSTILE_FLOATS = {
        Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -1f, 0f, -0f, 1e30f, 1e-30f, Float.MAX_VALUE
    };
    private static final long[] HOSTILE_INTS = {
        0, 1, 3, -1, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL, 1L << 16, 1L << 20, 1L << 40, Long.MAX_VALUE
    };

    Mutant mutate(long seed, int index) {
        Random r = new Random(seed * 0x9E37_79B9_7F4A_7C15L + index);
        byte[] bytes = base.clone();
        int rounds = r.nextInt(4) == 0 ? 2 : 1;
        StringBuilder what = new StringBuilder();
        for (int i = 0; i < rounds && bytes.length == base.length; i++) {
            if (i > 0) {
                what.append(" + ");
            }
            bytes = mutateOnce(bytes, r, what);
        }
        return new Mutant(bytes, what.toString());
    }

    private byte[] mutateOnce(byte[] bytes, Random r, StringBuilder what) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        switch (r.nextInt(8)) {
            case 0 -> {
                int at = r.nextInt(kvStart);
                bytes[at] ^= (byte) (1 << r.nextInt(8));
                what.append("header bit flip at ").append(at);
            }
            case 1 -> {
                int at = kvStart + r.nextInt(tensorInfoStart - kvStart);
                bytes[at] = (byte) r.nextInt(256);
                what.append("KV byte ").append(at).append(" = ").append(bytes[at] & 0xff);
            }
            case 2 -> {
                int at = tensorInfoStart + r.nextInt(tensorInfoEnd - tensorInfoStart);
                bytes[at] = (byte) r.nextInt(256);
                what.append("tensor-info byte ").append(at).append(" = ").append(bytes[at] & 0xff);
            }
            case 3 -> typedValue(b, r, what);
            case 4 -> {
                Value v = values.get(r.nextInt(values.size()));
                int type = r.nextInt(5) == 0 ? -1 : r.nextInt(14);
                b.putInt(v.typeAt(), type);
                what.append("type of ").append(v.key()).append(" = ").append(type);
            }
            case 5 -> {
                int at = lengthFields.get(r.nextInt(lengthFields.size()));
                long n = HOSTILE_INTS[r.nextInt(HOSTILE_INTS.length)];
                b.putLong(at, n);
                what.append("length field at ").append(at).append(" = ").append(n);
            }
            case 6 -> tensorInfo(b, r, what);
            default -> {
                int keep = r.nextInt(bytes.length);
                what.append("truncated to ").append(keep);
                return Arrays.copyOf(bytes, keep);
            }
        }
        return bytes;
    }

    private void typedValue(ByteBuffer b, Random r, StringBuilder what) {
        Value v = values.get(r.nextInt(values.size()));
        int type = v.type() == 9 ? v.elementType() : v.type();
        if (type == 8 || v.elements() == 0) {
            what.append("no-op on ").append(v.key());
            return;
        }
        int element = r.nextInt(v.elements());
        int at = v.valueAt() + element * scalarSize(type);
        what.append(v.key()).append(v.type() == 9 ? "[" + element + "]" : "").append(" = ");
        switch (type) {
            case 6 -> {
                float f = HOSTILE_FLOATS[r.nextInt(HOSTILE_FLOATS.length)];
                b.putFloat(at, f);
                what.append(f);
            }
            case 12 -> {
                double d = HOSTILE_FLOATS[r.nextInt(HOSTILE_FLOATS.length)];
                b.putDouble(at, d);
                what.append(d);
            }
            default -> {
                long n = HOSTILE_INTS[r.nextInt(HOSTILE_INTS.length)];
                for (int i = 0; i < scalarSize(type); i++) {
                    b.put(at + i, (byte) (n >>> (8 * i)));
                }
                what.append(n).append(" (").append(scalarSize(type)).append(" bytes)");
            }
        }
    }

    private void tensorInfo(ByteBuffer b, Random r, StringBuilder what) {
        int at = tensorInfos.get(r.nextInt(tensorInfos.size()));
        // An earlier mutation of the same case may have set n_dims to anything: GGUF allows at most 4.
        int dims = Math.clamp(b.getInt(at), 0, 4);
        int field = r.nextInt(dims + 3); // n_dims, ne[0..dims), type, offset
        long n = HOSTILE_INTS[r.nextInt(HOSTILE_INTS.length)];
        if (field == 0) {
            b.putInt(at, (int) n);
            what.append("tensor n_dims at ").append(at).append(" = ").append((int) n);
        } else if (field <= dims) {
            b.putLong(at + 4 + 8 * (field - 1), n);
            what.append("tensor ne[")
                    .append(field - 1)
                    .append("] at ")
                    .append(at)
                    .append(" = ")
                    .append(n);
        } else if (field == dims + 1) {
            int type = r.nextInt(48);
            b.putInt(at + 4 + 8 * dims, type);
            what.append("tensor type at ").append(at).append(" = ").append(type);
        } else {
            b.putLong(at + 8 + 8 * dims, n);
            what.append("tensor offset at ").append(at).append(" = ").append(n);
        }
    }
}
