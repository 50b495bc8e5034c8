package org.jpeglm.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Converts float32 values to and from the tensor types jpeglm writes itself: F32, F16, BF16 and Q8_0, bit for bit
 * as ggml's reference code does (round to nearest even for F16 and BF16, ggml's Q8_0 block quantizer).
 * Other types are produced by llama.cpp's quantizer.
 */
public final class TensorCodec {
    private TensorCodec() {}

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    /** Whether {@link #encode} and {@link #decode} handle type. */
    public static boolean supports(GgmlType type) {
        return switch (type) {
            case F32, F16, BF16, Q8_0 -> true;
            default -> false;
        };
    }

    /** Bytes that n values of type take. */
    public static long encodedSize(GgmlType type, long n) {
        return type.rowBytes(n);
    }

    /**
     * Encodes src[from .. from+n) as type into dst at byte offset dstOffset (little-endian); n must be a multiple
     * of the type's block size. Returns the bytes written.
     */
    public static long encode(GgmlType type, float[] src, int from, int n, MemorySegment dst, long dstOffset) {
        long size = type.rowBytes(n);
        switch (type) {
            case F32 -> MemorySegment.copy(src, from, dst, F32, dstOffset, n);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst.set(I16, dstOffset + 2L * i, Float.floatToFloat16(src[from + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst.set(I16, dstOffset + 2L * i, toBf16(src[from + i]));
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < n / 32; b++) {
                    quantizeQ8_0Block(src, from + 32 * b, dst, dstOffset + 34L * b);
                }
            }
            default -> throw new UnsupportedOperationException("jpeglm does not encode " + type + " itself");
        }
        return size;
    }

    /** Decodes n values of type from src at byte offset srcOffset into dst[from ..). */
    public static void decode(GgmlType type, MemorySegment src, long srcOffset, float[] dst, int from, int n) {
        type.rowBytes(n); // block multiple check
        switch (type) {
            case F32 -> MemorySegment.copy(src, F32, srcOffset, dst, from, n);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst[from + i] = Float.float16ToFloat(src.get(I16, srcOffset + 2L * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst[from + i] = fromBf16(src.get(I16, srcOffset + 2L * i));
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < n / 32; b++) {
                    long at = srcOffset + 34L * b;
                    float d = Float.float16ToFloat(src.get(I16, at));
                    for (int j = 0; j < 32; j++) {
                        dst[from + 32 * b + j] = d * src.get(ValueLayout.JAVA_BYTE, at + 2 + j);
                    }
                }
            }
            default -> throw new UnsupportedOperationException("jpeglm does not decode " + type + " itself");
        }
    }

    /** float32 to bfloat16 as ggml does: round to nearest even, NaN kept quiet. */
    public static short toBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) {
            return (short) ((u >>> 16) | 64);
        }
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }

    public static float fromBf16(short h) {
        return Float.intBitsToFloat((h & 0xffff) << 16);
    }

    // ggml's quantize_row_q8_0_ref: d = amax / 127 stored as F16, q = roundf(x / d).
    private static void quantizeQ8_0Block(float[] x, int from, MemorySegment dst, long at) {
        float amax = 0;
        for (int j = 0; j < 32; j++) {
            amax = Math.max(amax, Math.abs(x[from + j]));
        }
        float d = amax / 127;
        float id = d != 0 ? 1.0f / d : 0.0f;
        dst.set(I16, at, Float.floatToFloat16(d));
        for (int j = 0; j < 32; j++) {
            dst.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) roundHalfAway(x[from + j] * id));
        }
    }

    /** C's roundf: halves round away from zero. */
    static int roundHalfAway(float v) {
        double a = Math.floor(Math.abs((double) v) + 0.5); // exact in double
        return (int) (v < 0 ? -a : a);
    }
}
