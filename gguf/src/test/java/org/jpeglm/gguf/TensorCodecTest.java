package org.jpeglm.gguf;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TensorCodecTest {
    @Test
    void bf16RoundsToNearestEven() {
        // 1 + 2^-8 is halfway between two bf16 values (7 mantissa bits): ties go to the even one, 1.0.
        assertEquals(1.0f, TensorCodec.fromBf16(TensorCodec.toBf16(1 + 0x1p-8f)));
        // 1 + 3 * 2^-8 is halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): up.
        assertEquals(1 + 0x1p-6f, TensorCodec.fromBf16(TensorCodec.toBf16(1 + 3 * 0x1p-8f)));
        // Just above the halfway point rounds up.
        assertEquals(1 + 0x1p-7f, TensorCodec.fromBf16(TensorCodec.toBf16(1 + 0x1p-8f + 0x1p-20f)));
        assertTrue(Float.isNaN(TensorCodec.fromBf16(TensorCodec.toBf16(Float.NaN))));
        assertEquals(Float.NEGATIVE_INFINITY, TensorCodec.fromBf16(TensorCodec.toBf16(Float.NEGATIVE_INFINITY)));
        assertEquals(
                Float.POSITIVE_INFINITY,
                TensorCodec.fromBf16(TensorCodec.toBf16(Float.MAX_VALUE)),
                "overflow rounds to inf");
        Random r = new Random(1);
        for (int i = 0; i < 10000; i++) {
            float f = Float.intBitsToFloat(r.nextInt() & 0x7f3fffff); // finite, below the bf16 overflow threshold
            float back = TensorCodec.fromBf16(TensorCodec.toBf16(f));
            // The nearest bf16: no other bf16 value is closer.
            float up = Math.nextUp(back);
            float lower = Float.intBitsToFloat(Float.floatToRawIntBits(back) - 0x10000);
            float upper = Float.intBitsToFloat(Float.floatToRawIntBits(back) + 0x10000);
            assertTrue(
                    Math.abs(f - back) <= Math.abs(f - lower) && Math.abs(f - back) <= Math.abs(f - upper),
                    f + " -> " + back + " " + up);
        }
    }

    @Test
    void q8_0BlocksFollowGgmlsReferenceQuantizer() {
        Random r = new Random(2);
        float[] x = new float[64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        x[5] = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(68);
            assertEquals(68, TensorCodec.encode(GgmlType.Q8_0, x, 0, 64, s, 0));
            for (int b = 0; b < 2; b++) {
                float amax = 0;
                for (int j = 0; j < 32; j++) {
                    amax = Math.max(amax, Math.abs(x[32 * b + j]));
                }
                float d = amax / 127;
                assertEquals(Float.floatToFloat16(d), s.get(ValueLayout.JAVA_SHORT_UNALIGNED, 34L * b));
                for (int j = 0; j < 32; j++) {
                    byte q = s.get(ValueLayout.JAVA_BYTE, 34L * b + 2 + j);
                    float scaled = x[32 * b + j] * (1.0f / d);
                    assertEquals(
                            Math.round(Math.abs(scaled)) * (int) Math.signum(scaled), q, "block " + b + " value " + j);
                }
            }
        }
    }

    @Test
    void q8_0OfZerosIsZero() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(34);
            TensorCodec.encode(GgmlType.Q8_0, new float[32], 0, 32, s, 0);
            float[] back = new float[32];
            TensorCodec.decode(GgmlType.Q8_0, s, 0, back, 0, 32);
            assertArrayEquals(new float[32], back);
        }
    }

    @Test
    void roundHalfAwayFromZeroLikeC() {
        assertEquals(1, TensorCodec.roundHalfAway(0.5f));
        assertEquals(-1, TensorCodec.roundHalfAway(-0.5f));
        assertEquals(2, TensorCodec.roundHalfAway(2.4999998f));
        assertEquals(-127, TensorCodec.roundHalfAway(-127f));
    }

    @Test
    void typesLlamaCppQuantizesAreNotEncodedHere() {
        assertFalse(TensorCodec.supports(GgmlType.Q4_K));
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(
                    UnsupportedOperationException.class,
                    () -> TensorCodec.encode(GgmlType.Q4_K, new float[256], 0, 256, arena.allocate(144), 0));
        }
    }
}
