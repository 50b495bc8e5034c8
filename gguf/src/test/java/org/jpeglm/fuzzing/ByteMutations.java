package org.jpeglm.fuzzing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Mutated copies of real files for binary formats with little-endian counts and lengths (GGUF, safetensors): a
 * few edits each, from bit flips to "this count is 2^63". Positions are fractions of the file, so an edit fits
 * any length; counts and lengths are hit on purpose through the seed's "field-like" positions, where 8 bytes
 * read as a small little-endian number (every length, count, dimension and offset of a small file).
 */
public final class ByteMutations {
    /** Values that break naive bounds checks: zero, signs, int and long limits, just past them. */
    static final long[] INTERESTING = {
        0,
        1,
        2,
        7,
        8,
        13,
        24,
        31,
        32,
        255,
        256,
        65535,
        1L << 20,
        Integer.MAX_VALUE,
        1L << 31,
        0xFFFF_FFFFL,
        1L << 32,
        1L << 40,
        Long.MAX_VALUE,
        Long.MIN_VALUE,
        -1,
        -2,
        -8
    };

    private ByteMutations() {}

    /** One edit; at and to are fractions of the current length (or of the field-like positions). */
    record Edit(int kind, double at, double to, int value) {
        byte[] apply(byte[] b, int[] fields) {
            int n = b.length;
            int i = Math.min((int) (at * n), Math.max(0, n - 1));
            int j = Math.max(i, Math.min(n, (int) (to * n)));
            return switch (kind) {
                case 0 -> set(b, i, 1, value); // one byte
                case 1 -> set(b, i, 4, INTERESTING[value % INTERESTING.length]); // an i32 anywhere
                case 2, 3 ->
                    fields.length == 0 // a count or length: 8 bytes, then 4 (a type id) after it
                            ? b
                            : set(
                                    b,
                                    fields[(int) (to * fields.length) % fields.length] + (kind == 3 ? 8 : 0),
                                    kind == 2 ? 8 : 4,
                                    kind == 2 ? INTERESTING[value % INTERESTING.length] : value % 40 - 4);
                case 4 -> Arrays.copyOf(b, i); // truncate
                case 5 -> splice(b, i, j, new byte[0]); // delete a range
                case 6 -> splice(b, i, i, Arrays.copyOfRange(b, i, j)); // duplicate a range
                case 7 -> splice(b, i, i, new byte[] {(byte) value, (byte) (value >> 3), 0, 0, 0, 0, 0, 0});
                default -> flip(b, i, value);
            };
        }
    }

    private static byte[] set(byte[] b, int at, int width, long v) {
        if (at < 0 || at + width > b.length) {
            return b;
        }
        byte[] c = b.clone();
        ByteBuffer buf = ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN);
        switch (width) {
            case 1 -> c[at] = (byte) v;
            case 4 -> buf.putInt(at, (int) v);
            default -> buf.putLong(at, v);
        }
        return c;
    }

    private static byte[] flip(byte[] b, int at, int bit) {
        if (b.length == 0) {
            return b;
        }
        byte[] c = b.clone();
        c[at] ^= (byte) (1 << (bit & 7));
        return c;
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        var out = new ByteArrayOutputStream(b.length + insert.length);
        out.write(b, 0, from);
        out.write(insert, 0, insert.length);
        out.write(b, to, b.length - to);
        return out.toByteArray();
    }

    /** Offsets in b where 8 little-endian bytes read as a number below 2^24: a small file's counts and lengths. */
    static int[] fieldLike(byte[] b, int limit) {
        List<Integer> out = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 8 <= Math.min(b.length, limit); i++) {
            long v = buf.getLong(i);
            if (v > 0 && v < 1 << 24) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Seeds with one to five edits each. Edits that aim at field-like positions look only at the first headerBytes
     * of a seed (its header, KV and tensor-info regions; not its tensor data).
     */
    public static Arbitrary<byte[]> of(List<byte[]> seeds, int headerBytes) {
        List<int[]> fields = seeds.stream().map(s -> fieldLike(s, headerBytes)).toList();
        Arbitrary<Edit> edit = Combinators.combine(
                        Arbitraries.integers().between(0, 8),
                        Arbitraries.doubles().between(0, 1),
                        Arbitraries.doubles().between(0, 1),
                        Arbitraries.integers().between(0, 1 << 16))
                .as(Edit::new);
        return Combinators.combine(
                        Arbitraries.integers().between(0, seeds.size() - 1),
                        edit.list().ofMinSize(1).ofMaxSize(5))
                .as((k, edits) -> {
                    byte[] b = seeds.get(k);
                    for (Edit e : edits) {
                        b = e.apply(b, fields.get(k));
                    }
                    return b;
                });
    }
}
