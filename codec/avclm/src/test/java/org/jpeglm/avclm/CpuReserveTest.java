package org.jpeglm.avclm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.jpeglm.Jpeglm;
import org.jpeglm.Session;
import org.jpeglm.SessionOptions;
import org.jpeglm.ThreadCounts;
import org.jpeglm.ThreadOptions;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.image.ImageModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CPUs reserved for a process's other work ({@code jpeglm_session_set_cpu_reserve}): the automatic counts are chosen
 * and tuned among the usable CPUs less the reserve, counts asked for are kept, and the engine reserves one CPU for a
 * codec whose results are finished on other threads (h264: ffmpeg decodes each video while the session writes more),
 * none for one finished on the engine's thread (jpeg).
 */
class CpuReserveTest {
    private static final String RESERVED = "1 CPU left to the process's other work";

    @TempDir
    static Path dir;

    static TinyCodecs tiny;
    static ImageModel images;
    static VideoModel videos;

    @BeforeAll
    static void load() throws IOException {
        tiny = TinyCodecs.load(dir);
        images = tiny.images();
        videos = tiny.videos();
    }

    @AfterAll
    static void close() {
        tiny.close();
    }

    private static ThreadCounts threads(SessionOptions.Builder options) {
        try (Session s = images.model().newSession(options.contextLength(64).build())) {
            s.sequence(0).feed(new int[] {1, 2, 3});
            return s.threads();
        }
    }

    /** The bound the automatic counts are tuned up to, as the reason states it; 1 when they are not tuned. */
    private static int tunedUpTo(ThreadCounts t) {
        String marker = "adapted between 1 and ";
        int at = t.reason().indexOf(marker);
        if (at < 0) {
            return 1;
        }
        String rest = t.reason().substring(at + marker.length());
        return Integer.parseInt(rest.substring(0, rest.indexOf(' ')));
    }

    @Test
    void automaticCountsStayWithinTheCpusTheReserveLeaves() {
        int usable = Jpeglm.cpuBudget().cpus();
        ThreadCounts plain = threads(SessionOptions.builder());
        ThreadCounts reserved = threads(SessionOptions.builder().reservedCpus(1));
        assertEquals(usable, tunedUpTo(plain), plain.reason());
        assertEquals(Math.max(1, usable - 1), tunedUpTo(reserved), reserved.reason());
        assertTrue(reserved.threads() <= Math.max(1, usable - 1), reserved.reason());
        assertTrue(reserved.threadsBatch() <= Math.max(1, usable - 1), reserved.reason());
        assertTrue(reserved.reason().contains(RESERVED), reserved.reason());
        assertFalse(plain.reason().contains("left to the process's other work"), plain.reason());
    }

    @Test
    void aReserveOfEveryCpuStillLeavesOneThread() {
        ThreadCounts t = threads(SessionOptions.builder().reservedCpus(ThreadOptions.MAX_THREADS));
        assertEquals(1, t.threads(), t.reason());
        assertEquals(1, t.threadsBatch(), t.reason());
    }

    @Test
    void countsAskedForAreKept() {
        ThreadCounts t = threads(SessionOptions.builder().threads(2).reservedCpus(1));
        assertEquals(2, t.threads(), t.reason());
        assertEquals(2, t.threadsBatch(), t.reason());
    }

    @Test
    void aReserveOutOfRangeIsRefused() {
        for (int bad : new int[] {-1, ThreadOptions.MAX_THREADS + 1}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> SessionOptions.builder().reservedCpus(bad).build());
            assertTrue(e.getMessage().contains("reservedCpus"), e.getMessage());
        }
    }

    @Test
    void theEngineReservesACpuForCodecsThatFinishOffItsThread() {
        GenerationOptions options = GenerationOptions.builder().parallel(2).build();
        assertTrue(videos.codecModel().codec().finishesOffThread());
        assertFalse(images.codecModel().codec().finishesOffThread());
        try (var service = videos.codecModel().newService(options);
                var generator = videos.codecModel().newGenerator(options)) {
            assertTrue(
                    service.threads().reason().contains(RESERVED),
                    service.threads().reason());
            assertTrue(
                    generator.threads().reason().contains(RESERVED),
                    generator.threads().reason());
        }
        try (var service = images.codecModel().newService(options);
                var generator = images.codecModel().newGenerator(options)) {
            assertFalse(
                    service.threads().reason().contains(RESERVED),
                    service.threads().reason());
            assertFalse(
                    generator.threads().reason().contains(RESERVED),
                    generator.threads().reason());
        }
    }
}
