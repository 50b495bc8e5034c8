package org.jpeglm.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.BpeTrainer;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.video.VideoProfile;
import org.junit.jupiter.api.Test;

class VideoLmSpecTest {
    private static final BpeTokenizer TOKENIZER = new BpeTrainer(20, 1, "<s>", "</s>")
            .train(List.of(
                    new byte[] {0, 0, 0, 1, 0x67, 0x64, 0, 0x0a}, new byte[] {0, 0, 1, 0x41, (byte) 0x9a, 0, 0, 1}));

    @Test
    void roundTripsThroughGgufKeys() {
        VideoLmSpec spec = new VideoLmSpec(VideoProfile.toy(), TOKENIZER);
        Map<String, GgufValue> m = spec.toGguf();
        assertTrue(VideoLmSpec.isVideoLm(m));
        assertTrue(JpegLmSpec.isJpegLm(m), "a Jpeg-LM format file, of the video kind");
        assertEquals(spec, VideoLmSpec.fromMetadata(m));
        assertFalse(m.containsKey(JpegLmSpec.SUBSAMPLING_KEY));
    }

    @Test
    void imageAndVideoModelsAreToldApartByName() {
        Map<String, GgufValue> video = new VideoLmSpec(VideoProfile.toy(), TOKENIZER).toGguf();
        var e = assertThrows(IllegalArgumentException.class, () -> JpegLmSpec.fromMetadata(video));
        assertTrue(e.getMessage().contains("video model"), e.getMessage());
        Map<String, GgufValue> image =
                JpegLmSpec.of(JpegProfile.PAPER, TOKENIZER).toGguf();
        assertFalse(VideoLmSpec.isVideoLm(image));
        var e2 = assertThrows(IllegalArgumentException.class, () -> VideoLmSpec.fromMetadata(image));
        assertTrue(e2.getMessage().contains("image model"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> VideoLmSpec.fromMetadata(Map.of()));
        assertTrue(e3.getMessage().contains(JpegLmSpec.FORMAT_VERSION_KEY), e3.getMessage());
    }

    @Test
    void aBrokenKeyOrTokenizerIsNamed() {
        Map<String, GgufValue> m = new LinkedHashMap<>(new VideoLmSpec(VideoProfile.toy(), TOKENIZER).toGguf());
        m.put(VideoProfile.FPS_KEY, GgufValue.uint32(0));
        var e = assertThrows(IllegalArgumentException.class, () -> VideoLmSpec.fromMetadata(m));
        assertTrue(e.getMessage().contains("fps"), e.getMessage());
        BpeTokenizer noEos = new BpeTrainer(5, 1, "<s>", null).train(List.of(new byte[] {1, 2, 3}));
        assertThrows(IllegalArgumentException.class, () -> new VideoLmSpec(VideoProfile.toy(), noEos));
    }
}
