package org.jpeglm.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jpeglm.bpe.BpeGgufMetadata;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.BpeTrainer;
import org.jpeglm.gguf.GgufValue;
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
        assertEquals(GgufValue.uint32(1), m.get(VideoLmSpec.FORMAT_VERSION_KEY), "a jpeglm format file");
        assertEquals(spec, VideoLmSpec.fromMetadata(m));
        assertFalse(
                m.keySet().stream().anyMatch(k -> k.startsWith("jpeglm.jpeg.")),
                m.keySet().toString());
    }

    @Test
    void anImageModelOrAPlainLlamaIsRefusedByName() {
        // An image (Jpeg-LM) model's file: the format version and a tokenizer, no jpeglm.codec.
        Map<String, GgufValue> image = new LinkedHashMap<>(BpeGgufMetadata.toGguf(TOKENIZER));
        image.put(VideoLmSpec.FORMAT_VERSION_KEY, GgufValue.uint32(1));
        assertFalse(VideoLmSpec.isVideoLm(image));
        var e2 = assertThrows(IllegalArgumentException.class, () -> VideoLmSpec.fromMetadata(image));
        assertTrue(e2.getMessage().contains("image model"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> VideoLmSpec.fromMetadata(Map.of()));
        assertTrue(e3.getMessage().contains(VideoLmSpec.FORMAT_VERSION_KEY), e3.getMessage());
        Map<String, GgufValue> v2 = new LinkedHashMap<>(new VideoLmSpec(VideoProfile.toy(), TOKENIZER).toGguf());
        v2.put(VideoLmSpec.FORMAT_VERSION_KEY, GgufValue.uint32(2));
        var e4 = assertThrows(IllegalArgumentException.class, () -> VideoLmSpec.fromMetadata(v2));
        assertTrue(e4.getMessage().contains("version 2"), e4.getMessage());
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
