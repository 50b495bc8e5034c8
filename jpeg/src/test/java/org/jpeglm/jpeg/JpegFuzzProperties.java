package org.jpeglm.jpeg;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzing: on random and mutated bytes the parser (and strip, prefix, reassemble, decode on top of it) only
 * ever throws {@link JpegFormatException}, and repair never throws for a sized profile (for a profile without
 * size only {@link JpegFormatException}) and always yields a stream that parses strictly, has the profile's
 * MCU count, and decodes with ImageIO at the profile's size. Every input runs under a deadline, so a hang
 * fails the property, naming the input, instead of stalling the build.
 */
class JpegFuzzProperties {
    private static final JpegProfile SMALL = JpegProfile.PAPER.withSize(32, 32);
    private static final JpegProfile SMALL_GRAY =
            JpegProfile.of(25, Subsampling.GRAY, 1).withSize(28, 28);

    private static final byte[] SMALL_STREAM = new JpegEncoder(SMALL).encode(TestImages.noise(32, 32, 1, false));
    private static final byte[] GRAY_STREAM =
            new JpegEncoder(SMALL_GRAY).encode(TestImages.png("sources/fashion3.png"));
    private static final byte[] PAPER_STREAM = JpegEncoder.paper().encode(TestImages.png("sources/wine.png"));
    private static final List<byte[]> SEEDS = List.of(
            SMALL_STREAM,
            GRAY_STREAM,
            JpegStreams.reassemble(SMALL_STREAM, SMALL.tables()),
            new JpegEncoder(JpegProfile.of(60, Subsampling.S444, 3)).encodeFull(TestImages.gradient(24, 16, 3, false)),
            new JpegEncoder(JpegProfile.of(25, Subsampling.S420, 0)).encode(TestImages.blocks(40, 40, 4, false)));

    /** One edit of a byte array; positions are fractions of the length so they fit any array. */
    record Mutation(int kind, double at, double to, int value) {
        byte[] apply(byte[] b) {
            int n = b.length, i = (int) (at * n), j = Math.max(i, (int) (to * n));
            var out = new ByteArrayOutputStream(n + 16);
            switch (kind) {
                case 0 -> { // overwrite one byte
                    if (n == 0) return b;
                    byte[] c = b.clone();
                    c[Math.min(i, n - 1)] = (byte) value;
                    return c;
                }
                case 1 -> { // insert a marker
                    out.write(b, 0, i);
                    out.write(0xFF);
                    out.write(value);
                    out.write(b, i, n - i);
                }
                case 2 -> { // delete a range
                    out.write(b, 0, i);
                    out.write(b, j, n - j);
                }
                case 3 -> { // truncate
                    return Arrays.copyOf(b, i);
                }
                case 4 -> { // duplicate a range at its end
                    out.write(b, 0, j);
                    out.write(b, i, j - i);
                    out.write(b, j, n - j);
                }
                default -> { // flip a bit
                    if (n == 0) return b;
                    byte[] c = b.clone();
                    c[Math.min(i, n - 1)] ^= (byte) (1 << (value & 7));
                    return c;
                }
            }
            return out.toByteArray();
        }
    }

    @Provide
    Arbitrary<Mutation> mutation() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 5),
                        Arbitraries.doubles().between(0, 1),
                        Arbitraries.doubles().between(0, 1),
                        Arbitraries.integers().between(0, 255))
                .as(Mutation::new);
    }

    private Arbitrary<byte[]> mutatedFrom(List<byte[]> seeds) {
        return Combinators.combine(
                        Arbitraries.of(seeds), mutation().list().ofMinSize(1).ofMaxSize(6))
                .as((seed, ms) -> {
                    byte[] b = seed;
                    for (Mutation m : ms) b = m.apply(b);
                    return b;
                });
    }

    @Provide
    Arbitrary<byte[]> mutatedSeeds() {
        return mutatedFrom(SEEDS);
    }

    @Provide
    Arbitrary<byte[]> mutatedSmall() {
        return mutatedFrom(List.of(SMALL_STREAM));
    }

    @Provide
    Arbitrary<byte[]> mutatedPaper() {
        return mutatedFrom(List.of(PAPER_STREAM));
    }

    @Provide
    Arbitrary<byte[]> randomBytes() {
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
        byte[] header = JpegStreams.header(SMALL);
        return Arbitraries.oneOf(
                raw,
                raw.map(b -> concat(new byte[] {(byte) 0xFF, (byte) 0xD8}, b)),
                raw.map(b -> concat(header, b)),
                // Mostly 0xFF and marker bytes: the hardest case for marker handling.
                Arbitraries.of((byte) 0xFF, (byte) 0x00, (byte) 0xD0, (byte) 0xD9, (byte) 0xDA, (byte) 0xC0, (byte)
                                0x28)
                        .array(byte[].class)
                        .ofMaxSize(300)
                        .map(b -> concat(header, b)));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Generous: one input takes milliseconds; only a hang (or a pathological slowdown) gets near it. */
    private static final long DEADLINE_SECONDS = 30;

    private static ExecutorService worker = newWorker();

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "jpeg-fuzz-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code body} on a worker thread and fails, naming the input, if it does not finish in time. */
    private static synchronized void withinDeadline(byte[] input, Runnable body) {
        Future<?> f = worker.submit(body);
        try {
            f.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            worker = newWorker(); // the stuck thread is a daemon; later inputs get a fresh one
            fail("no result after " + DEADLINE_SECONDS + " s (a hang?) on " + input.length + " bytes: "
                    + java.util.HexFormat.of().formatHex(input, 0, Math.min(input.length, 2000)));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) throw err;
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new AssertionError(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Everything that parses a stream: only JpegFormatException may come out. */
    private static void parseEverything(byte[] b) {
        withinDeadline(b, () -> {
            try {
                JpegFile f = JpegParser.parse(b);
                McuIndex idx = f.mcuIndex();
                assertEquals(f.frame().mcuCount(), idx.mcuCount());
                for (int i = 0; i < idx.intervalCount(); i++)
                    assertTrue(idx.start(i) <= idx.end(i) && idx.end(i) < b.length);
                byte[] stripped = JpegStreams.strip(b);
                JpegStreams.prefix(stripped, 0.5);
                if (f.hasAllTables()) {
                    JpegStreams.reassemble(stripped, f.tables());
                    JpegImages.decode(b);
                }
            } catch (JpegFormatException expected) {
                assertNotNull(expected.problem());
                assertNotNull(expected.getMessage());
            }
        });
    }

    private static void assertRepairDecodes(byte[] input, JpegProfile profile) {
        withinDeadline(input, () -> checkRepair(input, profile));
    }

    private static void checkRepair(byte[] input, JpegProfile profile) {
        JpegRepair.Result r = JpegRepair.repair(input, profile);
        JpegFile parsed = JpegParser.parse(r.stream());
        assertEquals(
                profile.mcuCount(profile.width(), profile.height()),
                parsed.mcuIndex().mcuCount());
        assertEquals(
                r.report().mcusExpected(),
                r.report().mcusKept() + r.report().mcusRepaired() + r.report().mcusPadded());
        BufferedImage img = JpegImages.decode(r.jpeg());
        assertEquals(profile.width(), img.getWidth());
        assertEquals(profile.height(), img.getHeight());
        assertEquals(r.report().clean(), Arrays.equals(input, r.stream()));
        assertTrue(JpegRepair.repair(r.stream(), profile).report().clean(), "idempotent");
    }

    @Property(tries = 4000)
    void parserOnRandomBytesThrowsOnlyJpegFormatException(@ForAll("randomBytes") byte[] b) {
        parseEverything(b);
    }

    @Property(tries = 4000)
    void parserOnMutatedFilesThrowsOnlyJpegFormatException(@ForAll("mutatedSeeds") byte[] b) {
        parseEverything(b);
    }

    @Property(tries = 2000)
    void repairOfMutatedStreamsAlwaysDecodes(@ForAll("mutatedSmall") byte[] b) {
        assertRepairDecodes(b, SMALL);
    }

    @Property(tries = 1500)
    void repairOfRandomBytesAlwaysDecodes(@ForAll("randomBytes") byte[] b) {
        assertRepairDecodes(b, SMALL);
    }

    @Property(tries = 1000)
    void repairOfMutatedOtherLayoutsAlwaysDecodes(@ForAll("mutatedSeeds") byte[] b) {
        assertRepairDecodes(b, SMALL_GRAY);
        assertRepairDecodes(b, JpegProfile.of(60, Subsampling.S444, 3).withSize(24, 16));
    }

    @Property(tries = 200)
    void repairOfMutatedPaperStreamsAlwaysDecodes(@ForAll("mutatedPaper") byte[] b) {
        assertRepairDecodes(b, JpegProfile.PAPER);
    }

    /** Without a fixed size the SOF decides; an input without a usable one is the documented exception. */
    @Property(tries = 1000)
    void repairWithoutSizeDecodesOrThrowsOnlyJpegFormatException(@ForAll("mutatedSeeds") byte[] b) {
        withinDeadline(b, () -> {
            JpegProfile anySize = JpegProfile.PAPER.anySize();
            JpegRepair.Result r;
            try {
                r = JpegRepair.repair(b, anySize);
            } catch (JpegFormatException expected) {
                assertNotNull(expected.problem());
                return;
            }
            JpegFile parsed = JpegParser.parse(r.stream());
            assertEquals(r.report().mcusExpected(), parsed.mcuIndex().mcuCount());
            BufferedImage img = JpegImages.decode(r.jpeg());
            assertEquals(parsed.frame().width(), img.getWidth());
            assertEquals(parsed.frame().height(), img.getHeight());
        });
    }

    /**
     * The grammar (the generation constraint) on the same fuzz inputs: it never throws, finishes in time, and accepts
     * exactly the streams repair finds clean (JpegSyntaxTest checks this on its own mutations; here it runs on the
     * fuzz inputs, marker-heavy random bytes included, under the deadline).
     */
    @Property(tries = 1000)
    void grammarNeverThrowsAndAgreesWithRepair(@ForAll("randomOrMutatedSmall") byte[] b) {
        withinDeadline(b, () -> {
            boolean accepted = new JpegSyntax(SMALL).accepts(b);
            assertEquals(JpegRepair.repair(b, SMALL).report().clean(), accepted, "grammar vs repair");
        });
    }

    @Provide
    Arbitrary<byte[]> randomOrMutatedSmall() {
        return Arbitraries.oneOf(randomBytes(), mutatedSmall());
    }
}
