package org.jpeglm.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.jpeglm.video.testing.FakeFfmpeg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FfmpegTest {
    @TempDir
    Path dir;

    private static long liveChildren() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive).count();
    }

    @Test
    void aMissingExecutableIsNamedWithTheFix() {
        Ffmpeg missing = Ffmpeg.system().withExecutable("/nonexistent/ffmpeg");
        var e = assertThrows(
                FfmpegException.class, () -> new H264Encoder(missing).encode(TestVideos.moving(0), VideoProfile.toy()));
        assertEquals(FfmpegException.Kind.MISSING, e.kind());
        assertTrue(
                e.getMessage().contains("/nonexistent/ffmpeg") && e.getMessage().contains("install"), e.getMessage());
    }

    @Test
    void aFailureCarriesFfmpegsLastLines() {
        var e = assertThrows(FfmpegException.class, () -> Ffmpeg.system().run(List.of("-no-such-option"), new byte[0]));
        assertEquals(FfmpegException.Kind.FAILED, e.kind());
        assertFalse(e.stderrTail().isEmpty());
        assertTrue(e.getMessage().contains("no-such-option"), e.getMessage());
    }

    @Test
    void aRunPastItsTimeIsKilledAndReaped() {
        long before = liveChildren();
        Ffmpeg slow = new Ffmpeg("sleep", Duration.ofMillis(300), 1 << 20);
        var e = assertThrows(FfmpegException.class, () -> slow.run(List.of("30"), new byte[0]));
        assertEquals(FfmpegException.Kind.TIMEOUT, e.kind());
        assertEquals(before, liveChildren(), "no process is left behind");
    }

    @Test
    void tooMuchOutputIsCutOff() {
        Ffmpeg chatty = new Ffmpeg("yes", Duration.ofSeconds(30), 100_000);
        var e = assertThrows(FfmpegException.class, () -> chatty.run(List.of(), new byte[0]));
        assertEquals(FfmpegException.Kind.TOO_MUCH_OUTPUT, e.kind());
    }

    @Test
    void largeInputAndOutputFlowWithoutDeadlock() throws Exception {
        byte[] data = new byte[8 << 20]; // far beyond a pipe's buffer, both ways at once
        new Random(3).nextBytes(data);
        Ffmpeg cat = new Ffmpeg("cat", Duration.ofSeconds(60), 1L << 30);
        assertArrayEquals(data, cat.run(List.of(), data).stdout());
    }

    @Test
    void aProcessThatIgnoresItsInputDoesNotHang() throws Exception {
        Ffmpeg ignoring = new Ffmpeg("true", Duration.ofSeconds(30), 1 << 20);
        assertEquals(0, ignoring.run(List.of(), new byte[16 << 20]).exitCode());
    }

    /** Runs the fake with a 1 s limit; the exception, after at most bound. */
    private static FfmpegException failsWithin(Duration bound, FakeFfmpeg fake) {
        long start = System.nanoTime();
        var e = assertTimeoutPreemptively(
                bound.plusSeconds(30), // a hang fails here instead of stalling the build
                () -> assertThrows(
                        FfmpegException.class,
                        () -> fake.ffmpeg(Duration.ofSeconds(1)).run(List.of("-i", "x"), new byte[0])));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(bound) < 0, "took " + took);
        return e;
    }

    @Test
    void aHungFfmpegIsKilledWithEverythingItStarted() throws Exception {
        FakeFfmpeg fake = FakeFfmpeg.write(dir, "hangs", FakeFfmpeg.HANGS);
        var e = failsWithin(Duration.ofSeconds(10), fake);
        assertEquals(FfmpegException.Kind.TIMEOUT, e.kind());
        assertTrue(e.getMessage().contains("longer than 1 s"), e.getMessage());
        fake.assertNoneLeft();
    }

    @Test
    void aGrandchildHoldingThePipesAfterFfmpegExitedIsKilledAndNothingWaitsForIt() throws Exception {
        FakeFfmpeg fake = FakeFfmpeg.write(dir, "leaves", FakeFfmpeg.LEAVES_A_GRANDCHILD);
        Duration bound = FfmpegRun.DRAIN_GRACE.plusSeconds(8);
        long start = System.nanoTime();
        assertTimeoutPreemptively(bound.plusSeconds(30), () -> {
            try { // the JDK may see the pipes' end when ffmpeg exits, or the reader waits its grace: both are fine
                assertEquals(
                        0,
                        fake.ffmpeg(Duration.ofSeconds(60))
                                .execute(List.of(), new byte[0])
                                .exitCode());
            } catch (FfmpegException e) {
                assertTrue(e.getMessage().contains("kept its output open"), e.getMessage());
            }
        });
        assertTrue(System.nanoTime() - start < bound.toNanos(), "bounded");
        fake.assertNoneLeft();
    }

    @Test
    void anEndlessLineOfMessagesIsCutOffClearly() throws Exception {
        FakeFfmpeg fake = FakeFfmpeg.write(dir, "floods", FakeFfmpeg.FLOODS_STDERR);
        var e = assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> assertThrows(
                        FfmpegException.class,
                        () -> fake.ffmpeg(Duration.ofSeconds(60)).run(List.of(), new byte[0])));
        assertEquals(FfmpegException.Kind.TOO_MUCH_OUTPUT, e.kind());
        assertTrue(e.getMessage().contains("standard error"), e.getMessage());
        assertTrue(
                e.getMessage().length() < 2000,
                "the line is cut: " + e.getMessage().length() + " chars");
        fake.assertNoneLeft();
    }

    @Test
    void longLinesAreCutAndControlCharactersDropped() throws Exception {
        FakeFfmpeg fake = FakeFfmpeg.write(
                dir,
                "odd",
                "head -c 5000 /dev/zero | tr '\\0' x >&2; printf '\\nred\\033[31m\\r\\nlast' >&2; exit 3\n");
        Ffmpeg.Result r = fake.ffmpeg(Duration.ofSeconds(30)).execute(List.of(), new byte[0]);
        assertEquals(3, r.exitCode());
        assertEquals(List.of("x".repeat(FfmpegRun.LINE_CHARS) + "...", "red[31m", "last"), r.stderr());
    }

    @Test
    void aTimeoutCanBeSetAndABadOneIsRefusedByName() {
        String was = System.getProperty(Ffmpeg.TIMEOUT_PROPERTY);
        try {
            System.setProperty(Ffmpeg.TIMEOUT_PROPERTY, "7");
            assertEquals(Duration.ofSeconds(7), Ffmpeg.system().timeout());
            for (String bad : List.of("0", "-3", "soon", "86401")) {
                System.setProperty(Ffmpeg.TIMEOUT_PROPERTY, bad);
                var e = assertThrows(IllegalArgumentException.class, Ffmpeg::system);
                assertTrue(
                        e.getMessage().contains(Ffmpeg.TIMEOUT_ENV)
                                && e.getMessage().contains(bad),
                        e.getMessage());
            }
        } finally {
            if (was == null) {
                System.clearProperty(Ffmpeg.TIMEOUT_PROPERTY);
            } else {
                System.setProperty(Ffmpeg.TIMEOUT_PROPERTY, was);
            }
        }
    }
}
