package org.jpeglm.avclm;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.jpeglm.ErrorCode;
import org.jpeglm.JpeglmException;
import org.jpeglm.SamplingParams;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Previews;
import org.jpeglm.codec.Score;
import org.jpeglm.codec.Written;
import org.jpeglm.engine.Slot;
import org.jpeglm.image.ImageModel;
import org.jpeglm.testing.TinyAvcLm;
import org.jpeglm.testing.TinyJpegLm;
import org.jpeglm.testing.TinyStreamLm;
import org.jpeglm.video.Ffmpeg;
import org.jpeglm.video.H264Encoder;
import org.jpeglm.video.H264Streams;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoLmSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generation, completion and scoring of videos on a tiny random-weight Avc-LM ({@link TinyAvcLm}): its streams are
 * garbage, which exercises the tolerant decoder; prompts must still be kept byte for byte, budgets and EOS must stop
 * videos, and errors must be clear.
 */
class VideoGeneratorTest {
    @TempDir
    static Path dir;

    static Path modelPath;
    static VideoModel model;
    static BpeTokenizer tokenizer;

    @BeforeAll
    static void writeModel() throws IOException {
        modelPath = dir.resolve("tiny-avclm.gguf");
        tokenizer = TinyAvcLm.write(modelPath, 5).tokenizer();
        model = VideoModel.load(modelPath);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static GenerationOptions.Builder options() {
        return VideoModel.options()
                .threads(2)
                .seed(3)
                .sampling(SamplingParams.builder().temperature(1.0f).build());
    }

    @Test
    void modelCarriesItsProfileAndTokenizer() {
        assertEquals(TinyAvcLm.PROFILE, model.profile());
        assertEquals(tokenizer.vocabSize(), model.tokenizer().vocabSize());
    }

    /** The video model refuses a spec its model cannot score, as every codec model does (CodecModel.of's check). */
    @Test
    void aTokenizerLargerThanTheModelsVocabularyIsRefused() throws Exception {
        List<byte[]> streams = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            streams.add(new H264Encoder().encode(TinyAvcLm.video(i), TinyAvcLm.PROFILE));
        }
        BpeTokenizer larger = TinyStreamLm.tokenizer(streams, 120);
        int scored = model.model().vocabSize();
        assertTrue(larger.vocabSize() > scored, larger.vocabSize() + " tokens");
        var refused = assertThrows(
                IllegalArgumentException.class,
                () -> VideoModel.of(model.model(), new VideoLmSpec(TinyAvcLm.PROFILE, larger)));
        assertEquals(
                "the tokenizer has " + larger.vocabSize() + " tokens but the model scores " + scored,
                refused.getMessage());
    }

    @Test
    void generationBatchesVideosStopsAtTheBudgetAndDecodesTolerantly() {
        List<GeneratedVideo> out;
        try (VideoGenerator g =
                model.newGenerator(options().parallel(3).maxTokens(60).build())) {
            out = g.generate(5);
        }
        assertEquals(5, out.size());
        for (int i = 0; i < out.size(); i++) {
            GeneratedVideo v = out.get(i);
            assertEquals(i, v.index());
            assertTrue(v.tokens() >= 1 && v.tokens() <= 60, v.toString());
            assertEquals(v.stop() == GeneratedVideo.StopReason.MAX_TOKENS, v.tokens() == 60, v.toString());
            assertEquals(1, v.promptTokens());
            assertEquals(0, v.promptBytes());
            assertEquals(TinyAvcLm.PROFILE.frames(), v.report().expectedFrames());
            assertEquals(v.report().decodedFrames(), v.video().frameCount());
            assertEquals(TinyAvcLm.PROFILE.fps(), v.video().fps());
        }
        // A random model's 60 tokens are not 5 frames of H.264: the decoder reports what it could not decode.
        assertTrue(out.stream().anyMatch(v -> !v.report().clean()));
    }

    @Test
    void theSameSeedGivesTheSameVideosAndAnotherSeedOthers() {
        List<byte[]> a;
        List<byte[]> b;
        List<byte[]> c;
        try (VideoGenerator g =
                model.newGenerator(options().parallel(2).maxTokens(40).build())) {
            a = streams(g.generate(3));
            b = streams(g.generate(3));
        }
        try (VideoGenerator g =
                model.newGenerator(options().parallel(2).maxTokens(40).seed(4).build())) {
            c = streams(g.generate(3));
        }
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(a.get(i), b.get(i));
        }
        assertFalse(Arrays.equals(a.get(0), c.get(0)) && Arrays.equals(a.get(1), c.get(1)));
    }

    private static List<byte[]> streams(List<GeneratedVideo> videos) {
        return videos.stream().map(GeneratedVideo::stream).toList();
    }

    @Test
    void aCompletionKeepsItsPromptFramesBytesExactly() {
        List<Video> videos = List.of(TinyAvcLm.video(100), TinyAvcLm.video(101), TinyAvcLm.video(102));
        try (VideoGenerator g =
                model.newGenerator(options().parallel(2).maxTokens(50).build())) {
            for (int frames : new int[] {1, 3}) {
                List<GeneratedVideo> out = g.complete(videos, frames);
                assertEquals(3, out.size());
                for (int i = 0; i < 3; i++) {
                    byte[] prefix = H264Streams.prefixFrames(g.streamOf(videos.get(i)), frames);
                    GeneratedVideo v = out.get(i);
                    assertEquals(prefix.length, v.promptBytes());
                    assertArrayEquals(prefix, Arrays.copyOf(v.stream(), prefix.length), "video " + i);
                    assertTrue(v.stream().length > prefix.length || v.stop() == GeneratedVideo.StopReason.EOS);
                    // The prompt's frames decode whatever the model appended.
                    assertTrue(v.report().decodedFrames() >= frames, v.report().summary());
                }
            }
        }
    }

    @Test
    void aCompletionNeedsAPromptOfFewerFramesThanTheModelsAndVideosThatLong() {
        Video oneFrame = new Video(List.of(TinyAvcLm.video(1).frames().getFirst()), TinyAvcLm.PROFILE.fps());
        try (VideoGenerator g = model.newGenerator(options().build())) {
            var zero = assertThrows(IllegalArgumentException.class, () -> g.complete(List.of(TinyAvcLm.video(1)), 0));
            assertTrue(zero.getMessage().contains("1 to 4 frames"), zero.getMessage());
            assertThrows(IllegalArgumentException.class, () -> g.complete(List.of(TinyAvcLm.video(1)), 5));
            var shortVideo = assertThrows(IllegalArgumentException.class, () -> g.complete(List.of(oneFrame), 2));
            assertTrue(shortVideo.getMessage().contains("has 1 frames"), shortVideo.getMessage());
        }
    }

    @Test
    void eosEndsAVideoAndItsStreamHoldsOnlyThePrompt() {
        // A prompt of 2 frames fed straight to a slot, then EOS: the video is the prompt, its 2 frames decoded.
        try (VideoGenerator g = model.newGenerator(options().build())) {
            byte[] prefix = H264Streams.prefixFrames(g.streamOf(TinyAvcLm.video(7)), 2);
            H264Codec codec = (H264Codec) model.codecModel().codec();
            Slot<Written, Written> slot = slotFor(codec, prefix);
            while (slot.forcing()) {
                int[] t = tokenizer.encode(
                        Arrays.copyOfRange(prefix, slot.job().promptBytes().length, prefix.length), false, false);
                assertFalse(slot.accept(t[0]));
            }
            assertTrue(slot.accept(tokenizer.eosId()));
            GeneratedVideo v = codec.finish(slot.finish());
            assertEquals(GeneratedVideo.StopReason.EOS, v.stop());
            assertArrayEquals(prefix, v.stream());
            assertEquals(2, v.report().decodedFrames(), v.report().summary());
        }
    }

    /** A slot of the h264 codec's writer, its stream followed as the engine follows it, finished as it is. */
    private static Slot<Written, Written> slotFor(H264Codec codec, byte[] prefix) {
        var tokens = new org.jpeglm.engine.TokenTable(tokenizer, model.model().vocabSize());
        var prompts = new org.jpeglm.engine.StreamPrompts(tokenizer, tokens, 1024, "video");
        var job = prompts.completion(0, 1, prefix);
        var writer = new org.jpeglm.engine.CodecWriter<Written, Written>(
                codec.newWriter(model.model().vocabSize()), w -> w, Previews.NONE, NO_EVENTS);
        var request = new org.jpeglm.engine.EngineRequest<Written, Written>(
                List.of(job), SamplingParams.builder().build(), false, 100, writer, v -> {}, (i, v) -> v);
        return new Slot<>(job, request, tokens, 1024);
    }

    private static final org.jpeglm.engine.CodecWriter.Events<Written> NO_EVENTS =
            new org.jpeglm.engine.CodecWriter.Events<>() {
                @Override
                public Written progress(int index, int tokens, int units, int totalUnits) {
                    return null;
                }

                @Override
                public Written preview(int index, int units, int totalUnits, byte[] file) {
                    return null;
                }
            };

    @Test
    void aCancelFromTheListenerStopsTheRequestAndTheGeneratorGoesOn() {
        try (VideoGenerator g =
                model.newGenerator(options().parallel(2).maxTokens(30).build())) {
            List<GeneratedVideo> seen = new ArrayList<>();
            assertThrows(
                    CancellationException.class,
                    () -> g.generate(6, v -> {
                        seen.add(v);
                        g.cancel();
                    }));
            assertTrue(seen.size() >= 1 && seen.size() < 6, "videos seen: " + seen.size());
            assertEquals(2, g.generate(2).size());
        }
    }

    @Test
    void scoresAreTheStreamsLikelihood() {
        List<Video> videos = List.of(TinyAvcLm.video(200), TinyAvcLm.video(201), TinyAvcLm.video(202));
        try (VideoGenerator g = model.newGenerator(options().parallel(2).build())) {
            List<Score> scores = g.score(videos);
            List<byte[]> streams = videos.stream().map(g::streamOf).toList();
            List<Score> again = g.scoreStreams(streams);
            assertEquals(3, scores.size());
            for (int i = 0; i < 3; i++) {
                Score s = scores.get(i);
                assertEquals(streams.get(i).length, s.bytes());
                assertEquals(tokenizer.encode(streams.get(i), true, true).length - 1, s.tokens());
                assertTrue(s.bits() > 0 && Double.isFinite(s.bitsPerByte()), s.toString());
                assertEquals(s.bits(), again.get(i).bits(), 1e-6 * s.bits());
            }
        }
    }

    @Test
    void aMissingFfmpegIsAClearErrorNotAHang() {
        Ffmpeg missing = Ffmpeg.system().withExecutable("/nonexistent/ffmpeg-for-jpeglm-tests");
        try (VideoGenerator g = new VideoGenerator(model, options().maxTokens(5).build(), missing)) {
            var e = assertThrows(UncheckedIOException.class, () -> g.generate(1));
            assertTrue(e.getMessage().contains("cannot decode generated video 0"), e.getMessage());
            var enc = assertThrows(UncheckedIOException.class, () -> g.streamOf(TinyAvcLm.video(1)));
            assertTrue(enc.getMessage().contains("cannot encode"), enc.getMessage());
        }
    }

    /**
     * The race CI met: a decode that has failed by the time the engine hands on the next video (here it runs at once,
     * on the engine's thread) fails inside the engine's listener; the caller must get the decode's error, not the
     * CancellationException that stopped the request, and the generator must go on.
     */
    @Test
    void aDecodeThatFailsWhileTheEngineRunsIsTheDecodesErrorNotACancellation() {
        Ffmpeg missing = Ffmpeg.system().withExecutable("/nonexistent/ffmpeg-for-jpeglm-tests");
        try (VideoGenerator g = new VideoGenerator(
                model, options().parallel(1).maxTokens(5).build(), missing, VideoGeneratorTest::decodingAtOnce)) {
            for (int run = 0; run < 2; run++) {
                var e = assertThrows(UncheckedIOException.class, () -> g.generate(3));
                assertTrue(e.getMessage().contains("cannot decode generated video 0"), e.getMessage());
            }
        }
    }

    /** An executor that runs each task on the thread submitting it, before the submit returns. */
    static ExecutorService decodingAtOnce() {
        return new AbstractExecutorService() {
            private volatile boolean shutdown;

            @Override
            public void execute(Runnable task) {
                task.run();
            }

            @Override
            public void shutdown() {
                shutdown = true;
            }

            @Override
            public List<Runnable> shutdownNow() {
                shutdown = true;
                return List.of();
            }

            @Override
            public boolean isShutdown() {
                return shutdown;
            }

            @Override
            public boolean isTerminated() {
                return shutdown;
            }

            @Override
            public boolean awaitTermination(long timeout, TimeUnit unit) {
                return true;
            }
        };
    }

    @Test
    void anImageModelIsRefusedNamingItsCodecAndAVideoModelByTheImageApi() throws IOException {
        Path image = dir.resolve("tiny-jpeglm.gguf");
        TinyJpegLm.write(image, 1);
        var e = assertThrows(JpeglmException.class, () -> VideoModel.load(image));
        assertEquals(ErrorCode.FORMAT, e.code());
        assertTrue(e.getMessage().contains("tiny-jpeglm.gguf: 'jpeglm.codec' is 'jpeg', not h264"), e.getMessage());
        var back = assertThrows(JpeglmException.class, () -> ImageModel.load(modelPath));
        assertEquals(ErrorCode.FORMAT, back.code());
        assertTrue(back.getMessage().contains("'jpeglm.codec' is 'h264', not jpeg"), back.getMessage());
    }
}
