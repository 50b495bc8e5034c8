package org.jpeglm.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import org.jpeglm.SamplingParams;
import org.jpeglm.ThreadOptions;
import org.junit.jupiter.api.Test;

/**
 * The one options record: its defaults, its builder (every setting carried), its checks (one message per setting).
 * (The video preset that keeps the video commands' defaults: codec/avclm's VideoOptionsTest.)
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
    void theBuilderCarriesEverySettingIntoTheRecord() {
        SamplingParams sampling = SamplingParams.builder().temperature(0.7f).build();
        GenerationOptions all = GenerationOptions.builder()
                .parallel(3)
                .threads(2)
                .batchSize(64)
                .deterministic(true)
                .sampling(sampling)
                .seed(9)
                .constrained(false)
                .maxTokens(100)
                .maxQueued(7)
                .build();
        assertEquals(
                new GenerationOptions(3, ThreadOptions.AUTOMATIC.withThreads(2), 64, true, sampling, 9, false, 100, 7),
                all);
        assertEquals(all, all.toBuilder().build(), "toBuilder starts from every setting");
        assertEquals(
                new GenerationOptions(5, all.threads(), 64, true, sampling, 9, false, 100, 7),
                all.toBuilder().parallel(5).build());
    }

    @Test
    void badSettingsAreRefusedWithOneMessageEach() {
        List<Supplier<Object>> parallel0 = List.of(
                () -> GenerationOptions.builder().parallel(0).build(),
                () -> GenerationOptions.builder().parallel(257).build());
        for (Supplier<Object> build : parallel0) {
            var e = assertThrows(IllegalArgumentException.class, build::get);
            assertTrue(e.getMessage().startsWith("parallel must be in [1, 256], got "), e.getMessage());
        }
        var batch = assertThrows(
                IllegalArgumentException.class,
                () -> GenerationOptions.builder().batchSize(0).build());
        assertEquals("batchSize must be positive, got 0", batch.getMessage());
        var tokens = assertThrows(
                IllegalArgumentException.class,
                () -> GenerationOptions.builder().maxTokens(-1).build());
        assertEquals("maxTokens must be >= 0, got -1", tokens.getMessage());
        var queue = assertThrows(
                IllegalArgumentException.class,
                () -> GenerationOptions.builder().maxQueued(0).build());
        assertEquals("maxQueued must be positive, got 0", queue.getMessage());
        assertThrows(
                NullPointerException.class,
                () -> GenerationOptions.builder().sampling(null).build());
        assertThrows(
                NullPointerException.class,
                () -> GenerationOptions.builder().threads(null).build());
    }
}
