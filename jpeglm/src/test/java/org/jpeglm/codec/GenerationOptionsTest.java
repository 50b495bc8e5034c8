package org.jpeglm.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import org.jpeglm.SamplingParams;
import org.jpeglm.ThreadOptions;
import org.jpeglm.avclm.VideoOptions;
import org.jpeglm.image.GeneratorOptions;
import org.jpeglm.image.ServiceOptions;
import org.junit.jupiter.api.Test;

/**
 * The one options record: its defaults, its checks (one message per setting, whichever codec's options are built),
 * and the three older option records as views of it.
 */
class GenerationOptionsTest {
    @Test
    void defaults() {
        GenerationOptions d = GenerationOptions.defaults();
        assertEquals(1, d.parallel());
        assertEquals(ThreadOptions.AUTOMATIC, d.threads());
        assertEquals(512, d.batchSize());
        assertFalse(d.deterministic());
        assertEquals(GenerationOptions.DEFAULT_SAMPLING, d.sampling());
        assertEquals(0, d.seed());
        assertTrue(d.constrained());
        assertEquals(0, d.maxTokens());
        assertEquals(GenerationOptions.DEFAULT_MAX_QUEUED, d.maxQueued());
    }

    @Test
    void eachViewCarriesItsSettingsIntoTheOneRecord() {
        SamplingParams sampling = SamplingParams.builder().temperature(0.7f).build();
        GenerationOptions image = GeneratorOptions.builder()
                .parallel(3)
                .threads(2)
                .batchSize(64)
                .deterministic(true)
                .sampling(sampling)
                .seed(9)
                .constrained(false)
                .maxTokens(100)
                .build()
                .generation();
        assertEquals(
                new GenerationOptions(
                        3, ThreadOptions.AUTOMATIC.withThreads(2), 64, true, sampling, 9, false, 100, 1024),
                image);
        GenerationOptions video = VideoOptions.builder()
                .parallel(3)
                .threads(2)
                .batchSize(64)
                .deterministic(true)
                .sampling(sampling)
                .seed(9)
                .maxTokens(100)
                .build()
                .generation();
        assertEquals(image, video, "videos are never constrained");
        GenerationOptions service = ServiceOptions.builder()
                .parallel(3)
                .threads(2)
                .batchSize(64)
                .deterministic(true)
                .maxQueuedImages(7)
                .build()
                .generation();
        assertEquals(
                new GenerationOptions(
                        3,
                        ThreadOptions.AUTOMATIC.withThreads(2),
                        64,
                        true,
                        GenerationOptions.DEFAULT_SAMPLING,
                        0,
                        true,
                        0,
                        7),
                service);
    }

    @Test
    void eachViewKeepsItsOwnDefaultsOnTheOneBuilder() {
        GenerationOptions d = GenerationOptions.defaults();
        assertEquals(d, GeneratorOptions.defaults().generation());
        GenerationOptions video = VideoOptions.defaults().generation();
        assertEquals(SamplingParams.builder().temperature(1.0f).build(), video.sampling());
        assertFalse(video.constrained(), "videos are sampled without a grammar");
        assertEquals(1, video.parallel());
        GenerationOptions service = ServiceOptions.builder().build().generation();
        assertEquals(4, service.parallel());
        assertEquals(d.maxQueued(), service.maxQueued());
        GenerationOptions all = GenerationOptions.builder()
                .constrained(false)
                .maxQueued(5)
                .seed(3)
                .build();
        assertEquals(new GenerationOptions(1, ThreadOptions.AUTOMATIC, 512, false, d.sampling(), 3, false, 0, 5), all);
    }

    @Test
    void badSettingsAreRefusedTheSameWayByEveryView() {
        List<Supplier<Object>> parallel0 = List.of(
                () -> GenerationOptions.builder().parallel(0).build(),
                () -> GeneratorOptions.builder().parallel(0).build(),
                () -> ServiceOptions.builder().parallel(0).build(),
                () -> VideoOptions.builder().parallel(0).build());
        for (Supplier<Object> build : parallel0) {
            var e = assertThrows(IllegalArgumentException.class, build::get);
            assertEquals("parallel must be in [1, 256], got 0", e.getMessage());
        }
        var batch = assertThrows(
                IllegalArgumentException.class,
                () -> VideoOptions.builder().batchSize(0).build());
        assertEquals("batchSize must be positive, got 0", batch.getMessage());
        var tokens = assertThrows(
                IllegalArgumentException.class,
                () -> GeneratorOptions.builder().maxTokens(-1).build());
        assertEquals("maxTokens must be >= 0, got -1", tokens.getMessage());
        var queue = assertThrows(
                IllegalArgumentException.class,
                () -> ServiceOptions.builder().maxQueuedImages(0).build());
        assertEquals("maxQueued must be positive, got 0", queue.getMessage());
        assertThrows(
                NullPointerException.class,
                () -> GenerationOptions.builder().sampling(null).build());
    }
}
