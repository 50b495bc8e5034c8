package org.jpeglm.jpeg;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The grammar accepts exactly what the encoder writes and what JpegRepair (an independent decoder and re-encoder)
 * calls clean: checked on encoder output and on thousands of mutations of it.
 */
class JpegSyntaxTest {
    static List<JpegProfile> profiles() {
        return List.of(
                new JpegProfile(25, Subsampling.GRAY, 1, 32, 32),
                new JpegProfile(25, Subsampling.S420, 1, 48, 32),
                new JpegProfile(50, Subsampling.S444, 2, 24, 24),
                new JpegProfile(90, Subsampling.GRAY_444, 0, 17, 9),
                new JpegProfile(10, Subsampling.S420, 3, 40, 40));
    }

    static List<BufferedImage> images(JpegProfile p, boolean gray) {
        int w = p.width();
        int h = p.height();
        List<BufferedImage> out = new ArrayList<>();
        for (long seed = 0; seed < 4; seed++) {
            out.add(TestImages.noise(w, h, seed, gray));
            out.add(TestImages.gradient(w, h, seed, gray));
            out.add(TestImages.blocks(w, h, seed, gray));
        }
        out.add(TestImages.flat(w, h, 0x000000, gray));
        out.add(TestImages.flat(w, h, 0xFFFFFF, gray));
        return out;
    }

    static List<byte[]> streams(JpegProfile p) {
        JpegEncoder enc = new JpegEncoder(p);
        return images(p, p.subsampling().isGray()).stream().map(enc::encode).toList();
    }

    @ParameterizedTest
    @MethodSource("profiles")
    void acceptsWhatTheEncoderWritesAndEveryPrefixStaysAlive(JpegProfile p) {
        JpegSyntax syntax = new JpegSyntax(p);
        for (byte[] s : streams(p)) {
            assertTrue(syntax.accepts(s), () -> "rejected a stream of the encoder, " + s.length + " bytes");
            JpegSyntax.State st = syntax.start();
            for (int i = 0; i < s.length; i++) {
                assertFalse(st.isComplete(), "complete before the end at " + i);
                assertTrue(st.advance(s[i] & 0xFF), "byte " + i);
            }
            assertTrue(st.isComplete());
            assertEquals(syntax.mcuCount(), st.mcusDone());
            assertFalse(st.copy().advance(0x00), "nothing follows EOI");
        }
    }

    @ParameterizedTest
    @MethodSource("profiles")
    void agreesWithRepairOnMutatedStreams(JpegProfile p) {
        JpegSyntax syntax = new JpegSyntax(p);
        JpegRepair repair = new JpegRepair(p);
        Random r = new Random(p.hashCode());
        int accepted = 0;
        int rejected = 0;
        for (byte[] s : streams(p)) {
            for (int trial = 0; trial < 150; trial++) {
                byte[] m = mutate(s, r);
                boolean clean = repair.repair(m).report().clean();
                boolean ok = syntax.accepts(m);
                assertEquals(
                        clean, ok, () -> "repair says clean=" + clean + " for a mutation of " + m.length + " bytes");
                if (ok) {
                    accepted++;
                } else {
                    rejected++;
                }
            }
        }
        assertTrue(
                accepted > 20 && rejected > 20,
                "both kinds occur: " + accepted + " accepted, " + rejected + " rejected");
    }

    /** A copy with a few bits flipped in the entropy-coded data, or truncated, or extended. */
    static byte[] mutate(byte[] s, Random r) {
        int headerEnd = JpegParser.parse(s).scanStart();
        byte[] m = s.clone();
        switch (r.nextInt(5)) {
            case 0 -> {
                int i = headerEnd + r.nextInt(m.length - headerEnd);
                m[i] ^= (byte) (1 << r.nextInt(8));
            }
            case 1 -> m = Arrays.copyOf(m, headerEnd + r.nextInt(m.length - headerEnd));
            case 2 -> {
                m = Arrays.copyOf(m, m.length + 2);
                m[m.length - 2] = (byte) r.nextInt(256);
                m[m.length - 1] = (byte) r.nextInt(256);
            }
            case 3 -> {
                int i = headerEnd + r.nextInt(m.length - headerEnd);
                m[i] = (byte) r.nextInt(256);
            }
            default -> {} // unchanged
        }
        return m;
    }

    @ParameterizedTest
    @MethodSource("profiles")
    void equalKeysAcceptTheSameContinuations(JpegProfile p) {
        JpegSyntax syntax = new JpegSyntax(p);
        Random r = new Random(7);
        List<byte[]> streams = streams(p);
        java.util.Map<Long, JpegSyntax.State> seen = new java.util.HashMap<>();
        for (byte[] s : streams) {
            JpegSyntax.State st = syntax.start();
            for (int i = 0; i < s.length; i++) {
                JpegSyntax.State earlier = seen.putIfAbsent(st.key(), st.copy());
                if (earlier != null) {
                    // Same key: the same bytes (this stream's rest, and random ones) are accepted or not alike.
                    byte[] tail = Arrays.copyOfRange(s, i, Math.min(s.length, i + 12));
                    assertEquals(
                            earlier.copy().advance(tail, 0, tail.length),
                            st.copy().advance(tail, 0, tail.length));
                    for (int t = 0; t < 20; t++) {
                        int b = r.nextInt(256);
                        assertEquals(earlier.copy().advance(b), st.copy().advance(b));
                    }
                }
                st.advance(s[i] & 0xFF);
            }
        }
        assertTrue(seen.size() > 10);
    }

    @Test
    void advancingAllocatesNothing() throws ReflectiveOperationException {
        JpegProfile p = profiles().get(1);
        JpegSyntax syntax = new JpegSyntax(p);
        byte[] stream = streams(p).getFirst();
        JpegSyntax.State start = syntax.start(), st = syntax.start();
        long before = 0;
        for (int round = 0; round < 2; round++) { // the first round loads and links what advance uses
            before = allocatedBytes();
            for (int rep = 0; rep < 200; rep++) {
                st.copyFrom(start);
                for (byte b : stream) st.advance(b & 0xFF);
                assertTrue(st.isComplete());
            }
        }
        long allocated = allocatedBytes() - before;
        assertTrue(allocated < 1024, allocated + " bytes allocated over " + 200 * stream.length + " bytes advanced");
    }

    private static Object threads;
    private static java.lang.reflect.Method allocated;

    // Reached reflectively: these tests compile inside module org.jpeglm.jpeg, which reads no management API.
    private static long allocatedBytes() throws ReflectiveOperationException {
        if (allocated == null) {
            threads = Class.forName("java.lang.management.ManagementFactory")
                    .getMethod("getThreadMXBean")
                    .invoke(null);
            allocated = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        }
        return (long) allocated.invoke(threads);
    }
}
