package org.jpeglm.avclm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jpeglm.SamplingParams;
import org.jpeglm.codec.GenerationOptions;
import org.junit.jupiter.api.Test;

/** The video preset of the one options record (jpeglm's GenerationOptionsTest): it keeps the video commands' defaults. */
class VideoOptionsTest {
    @Test
    void videosKeepTheirOwnDefaultsAsOnePreset() {
        GenerationOptions d = GenerationOptions.defaults();
        GenerationOptions video = VideoModel.options().build();
        assertEquals(SamplingParams.builder().temperature(1.0f).build(), video.sampling());
        assertEquals(VideoModel.DEFAULT_SAMPLING, video.sampling());
        assertFalse(video.constrained(), "videos are sampled without a grammar");
        assertEquals(
                d.toBuilder()
                        .sampling(VideoModel.DEFAULT_SAMPLING)
                        .constrained(false)
                        .build(),
                video,
                "only sampling and the grammar differ from the defaults");
        GenerationOptions service = GenerationOptions.builder()
                .parallel(4)
                .threads(2)
                .maxQueued(9)
                .seed(5)
                .build();
        GenerationOptions served = VideoModel.options(service).build();
        assertEquals(
                new GenerationOptions(4, service.threads(), 512, false, VideoModel.DEFAULT_SAMPLING, 5, false, 0, 9),
                served,
                "a service's settings kept, a video's request defaults");
    }

    @Test
    void thePresetChecksAsTheRecordDoes() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> VideoModel.options().parallel(0).build());
        assertTrue(e.getMessage().startsWith("parallel must be in [1, 256], got "), e.getMessage());
    }
}
