package org.jpeglm.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jpeglm.Model;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.HfTokenizerJson;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.codec.jpeg.JpegProfileFile;
import org.jpeglm.gguf.GgufFile;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.testing.HfCheckpoints;
import org.jpeglm.testing.LlamaWeights;
import org.jpeglm.testing.RandomLlama;
import org.jpeglm.video.VideoLmSpec;
import org.jpeglm.video.VideoProfile;
import org.jpeglm.video.VideoProfileFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint with a video profile becomes an Avc-LM file: the video keys instead of the JPEG ones. */
class ConvertVideoTest {
    @TempDir
    Path dir;

    private final LlamaWeights weights = RandomLlama.create(ConvertFeaturesTest.GQA, 5);
    private final BpeTokenizer tokenizer = HfCheckpoints.tokenizer(ConvertFeaturesTest.GQA.vocabSize(), 3);

    private Path videoCheckpoint(VideoProfile profile) throws IOException {
        Path ckpt = HfCheckpoints.write(dir.resolve("ckpt"), weights, "F32", 1);
        HfTokenizerJson.write(tokenizer, ckpt.resolve("tokenizer.json"));
        VideoProfileFile.write(ckpt.resolve(VideoProfileFile.FILE_NAME), profile);
        return ckpt;
    }

    @Test
    void theVideoProfileAndTokenizerBecomeTheFilesKeys() throws Exception {
        VideoProfile profile = VideoProfile.paper();
        Path out = dir.resolve("video.gguf");
        ConvertResult r = Converter.convert(
                Models.convert(videoCheckpoint(profile), out, "f32").build());
        assertTrue(r.jpegLm());
        try (GgufFile f = GgufFile.open(out)) {
            Map<String, GgufValue> m = f.metadata();
            assertTrue(VideoLmSpec.isVideoLm(m));
            VideoLmSpec spec = VideoLmSpec.fromMetadata(m);
            assertEquals(profile, spec.profile());
            assertEquals(tokenizer, spec.tokenizer());
            assertFalse(m.containsKey(JpegLmSpec.QUALITY_KEY), "no JPEG keys in a video model");
            var e = assertThrows(IllegalArgumentException.class, () -> JpegLmSpec.fromMetadata(m));
            assertTrue(e.getMessage().contains("video model"), e.getMessage());
        }
        StringWriter info = new StringWriter();
        GgufInfo.print(out, new PrintWriter(info), false, false);
        assertTrue(info.toString().contains("Avc-LM: h264 256x144, 15 frames at 3 fps, QP 37"), info.toString());
        try (Model model = Model.load(out, Models.options())) {
            assertEquals(ConvertFeaturesTest.GQA.vocabSize(), model.vocabSize());
        }
    }

    @Test
    void aCheckpointWithBothProfilesIsRefused() throws Exception {
        Path ckpt = videoCheckpoint(VideoProfile.toy());
        JpegProfileFile.write(ckpt.resolve(JpegProfileFile.FILE_NAME), JpegProfile.PAPER, null);
        var e = assertThrows(
                CheckpointException.class,
                () -> Converter.convert(
                        Models.convert(ckpt, dir.resolve("x.gguf"), "f32").build()));
        assertTrue(e.getMessage().contains(VideoProfileFile.FILE_NAME), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x.gguf")));
    }

    @Test
    void aBrokenVideoProfileOrNoTokenizerIsNamed() throws Exception {
        Path ckpt = videoCheckpoint(VideoProfile.toy());
        Files.writeString(ckpt.resolve(VideoProfileFile.FILE_NAME), "{\"codec\": \"vp9\"}");
        var e = assertThrows(
                CheckpointException.class,
                () -> Converter.convert(
                        Models.convert(ckpt, dir.resolve("x.gguf"), "f32").build()));
        assertTrue(e.getMessage().contains(VideoProfileFile.FILE_NAME), e.getMessage());
        VideoProfileFile.write(ckpt.resolve(VideoProfileFile.FILE_NAME), VideoProfile.toy());
        Files.delete(ckpt.resolve("tokenizer.json"));
        var noTok = assertThrows(
                CheckpointException.class,
                () -> Converter.convert(
                        Models.convert(ckpt, dir.resolve("x.gguf"), "f32").build()));
        assertEquals(CheckpointException.Kind.NO_TOKENIZER, noTok.kind());
    }
}
