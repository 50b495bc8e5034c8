package org.jpeglm.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FfmpegTest {
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
}
