package org.jpeglm.codec.igpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.jpeglm.ErrorCode;
import org.jpeglm.JpeglmException;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.BpeTrainer;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.codec.Cut;
import org.jpeglm.codec.Event;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Generator;
import org.jpeglm.codec.Previews;
import org.jpeglm.codec.Score;
import org.jpeglm.codec.StopReason;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.testing.LogitsAssert;
import org.jpeglm.testing.TinyStreamLm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generic {@code Generator} over the pixel codecs, on tiny random igpt and bpe-igpt models (8×6 pixels, 4 gray
 * levels, a vocabulary padded past the tokenizer's): constrained streams are exactly one image whatever the weights,
 * completions keep their prompt's rows byte for byte, scores and seeds repeat, progress and previews count rows, and
 * a file with the wrong keys is refused naming the key.
 */
class PixelCodecContractTest {
    static final IgptProfile PROFILE = new IgptProfile(8, 6, Palette.gray(4));

    @TempDir
    static Path dir;

    /** A few images of the profile: a bright box on noise. */
    static BufferedImage picture(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        BufferedImage image = new BufferedImage(PROFILE.width(), PROFILE.height(), BufferedImage.TYPE_BYTE_GRAY);
        int x0 = random.nextInt(4);
        int y0 = random.nextInt(3);
        for (int y = 0; y < PROFILE.height(); y++) {
            for (int x = 0; x < PROFILE.width(); x++) {
                boolean box = x >= x0 && x < x0 + 4 && y >= y0 && y < y0 + 3;
                image.getRaster().setSample(x, y, 0, box ? 255 : random.nextInt(90));
            }
        }
        return image;
    }

    /** The spec of codec ("igpt": no merges; "bpe-igpt": 12 merges learned on 20 pictures). */
    static IgptSpec spec(String codec) {
        if (codec.equals(IgptSpec.IGPT)) {
            return IgptSpec.igpt(PROFILE);
        }
        List<byte[]> streams = IntStream.range(0, 20)
                .mapToObj(i -> PixelStreams.encode(picture(i), PROFILE))
                .toList();
        BpeTokenizer tokenizer =
                new BpeTrainer(12, 2, BpeTokenizer.DEFAULT_BOS, BpeTokenizer.DEFAULT_EOS, 4).train(streams);
        return new IgptSpec(PROFILE, tokenizer);
    }

    /** Writes a tiny random model of codec (its vocabulary padded by 3 ids no token has). */
    static Path model(String codec) throws IOException {
        Path path = dir.resolve(codec + ".gguf");
        IgptSpec spec = spec(codec);
        TinyStreamLm.write(path, 7, spec.tokenizer().vocabSize() + 3, spec.toGguf(), 128);
        return path;
    }

    private static Generator<BufferedImage, GeneratedPixels> generator(
            CodecModel<BufferedImage, GeneratedPixels> model, boolean constrained) {
        return model.newGenerator(GenerationOptions.builder()
                .parallel(2)
                .threads(2)
                .seed(11)
                .constrained(constrained)
                .maxTokens(100)
                .build());
    }

    private static List<BufferedImage> pictures() {
        return IntStream.range(0, 3).mapToObj(i -> picture(100 + i)).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"igpt", "bpe-igpt"})
    void constrainedStreamsAreExactlyOneImage(String codec) throws IOException {
        try (var model = PixelModels.load(model(codec));
                var g = generator(model, true)) {
            assertEquals(codec, model.codec().name());
            List<GeneratedPixels> images = g.generate(4);
            assertEquals(4, images.size());
            for (GeneratedPixels p : images) {
                assertEquals(PROFILE.pixels(), p.stream().length, "result " + p.index());
                assertTrue(p.clean(), p.report().toString());
                assertEquals(StopReason.END, p.stop(), "ends at the last pixel, without an EOS step");
                assertEquals(PROFILE.width(), p.image().getWidth());
                assertEquals(PROFILE.height(), p.image().getHeight());
                assertArrayEquals(p.stream(), PixelStreams.encode(p.image(), PROFILE), "the image is its stream");
            }
        }
    }

    /** Random weights sample BOS, EOS and padding ids freely: what the grammar keeps out. */
    @Test
    void unconstrainedStreamsNeedNotBeAndAreStillDecoded() throws IOException {
        try (var model = PixelModels.load(model(IgptSpec.IGPT));
                var g = generator(model, false)) {
            List<GeneratedPixels> images = g.generate(6);
            assertTrue(images.stream().anyMatch(p -> !p.clean()), "some random stream is not exactly one image");
            for (GeneratedPixels p : images) {
                assertEquals(PROFILE.width(), p.image().getWidth());
                assertEquals(
                        p.clean(),
                        p.stream().length == PROFILE.pixels(),
                        p.report().toString());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"igpt", "bpe-igpt"})
    void aCompletionKeepsItsPromptsRowsByteForByte(String codec) throws IOException {
        try (var model = PixelModels.load(model(codec));
                var g = generator(model, true)) {
            List<BufferedImage> prompts = pictures();
            List<GeneratedPixels> done = g.complete(prompts, Cut.share(0.5));
            for (int i = 0; i < done.size(); i++) {
                byte[] stream = PixelStreams.encode(prompts.get(i), PROFILE);
                int kept = 3 * PROFILE.width();
                GeneratedPixels p = done.get(i);
                assertArrayEquals(Arrays.copyOf(stream, kept), Arrays.copyOf(p.stream(), kept), "rows 0-2 of " + i);
                assertTrue(p.clean(), p.report().toString());
            }
            List<GeneratedPixels> whole = g.complete(prompts, Cut.share(1));
            for (int i = 0; i < whole.size(); i++) {
                assertArrayEquals(PixelStreams.encode(prompts.get(i), PROFILE), whole.get(i).stream());
            }
            var e = assertThrows(IllegalArgumentException.class, () -> g.complete(prompts, Cut.units(7)));
            assertTrue(e.getMessage().contains("rows of the model's 6"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"igpt", "bpe-igpt"})
    void scoresAndSeedsRepeat(String codec) throws IOException {
        try (var model = PixelModels.load(model(codec));
                var g = generator(model, true)) {
            List<BufferedImage> twice = List.of(picture(5), picture(5), picture(6));
            List<Score> scores = g.score(twice);
            assertEquals(scores.get(0), scores.get(1));
            assertFalse(scores.get(0).equals(scores.get(2)), "another image, another score");
            Score s = scores.get(0);
            assertEquals(PROFILE.pixels(), s.bytes(), "a byte is a pixel");
            assertEquals(model.codec().tokenizer().encode(g.streamOf(picture(5)), true, true).length - 1, s.tokens());
            assertTrue(s.bits() > 0 && Double.isFinite(s.bits()), s.toString());
            assertEquals(streams(g.generate(3)), streams(g.generate(3)));
        }
    }

    /**
     * A score is the model's likelihood of the stream: each token after BOS (EOS included) at the natural
     * log-softmax of the raw logits before it, summed here from a session of its own fed one token at a time, in
     * bits. The tolerance (1e-5; measured ~3e-7) is float rounding: leaving out one token's term (EOS: 3-8 %) or
     * scoring under the grammar's mask would miss it by far more.
     */
    @ParameterizedTest
    @ValueSource(strings = {"igpt", "bpe-igpt"})
    void aScoreIsTheSumOfItsTokensLogSoftmax(String codec) throws IOException {
        try (var model = PixelModels.load(model(codec));
                var g = generator(model, true)) {
            for (BufferedImage picture : List.of(picture(5), picture(6))) {
                Score s = g.score(List.of(picture)).getFirst();
                int[] tokens = model.codec().tokenizer().encode(g.streamOf(picture), true, true);
                double bits = bitsByHand(model.model(), tokens);
                assertEquals(tokens.length - 1, s.tokens());
                assertEquals(bits, s.bits(), 1e-5 * bits, codec + ": " + s);
            }
        }
    }

    /** −Σ log2 softmax(logits before token i)[token i] over tokens[1..], one decode a token. */
    private static double bitsByHand(org.jpeglm.Model model, int[] tokens) {
        double nats = 0;
        try (var session = model.newSession(org.jpeglm.SessionOptions.builder()
                .contextLength(128)
                .threads(2)
                .build())) {
            float[] logits = new float[session.vocabSize()];
            session.decode(new int[] {0}, new int[] {tokens[0]});
            for (int i = 1; i < tokens.length; i++) {
                session.logits(0, logits);
                nats += LogitsAssert.logSoftmax(logits, tokens[i]);
                if (i + 1 < tokens.length) {
                    session.decode(new int[] {0}, new int[] {tokens[i]});
                }
            }
        }
        return -nats / Math.log(2);
    }

    private static List<String> streams(List<GeneratedPixels> images) {
        return images.stream().map(p -> Arrays.toString(p.stream())).toList();
    }

    @Test
    void progressAndPreviewsCountRows() throws IOException {
        try (var model = PixelModels.load(model(IgptSpec.BPE_IGPT));
                var g = generator(model, true)) {
            List<Event<GeneratedPixels>> events = new ArrayList<>();
            g.generate(2, Previews.every(1, java.time.Duration.ZERO), events::add);
            for (int index = 0; index < 2; index++) {
                int i = index;
                List<Integer> rows = events.stream()
                        .filter(e -> e.index() == i && e instanceof Event.Progress<GeneratedPixels>)
                        .map(e -> ((Event.Progress<GeneratedPixels>) e).units())
                        .toList();
                assertFalse(rows.isEmpty(), "progress of image " + i);
                for (int k = 1; k < rows.size(); k++) {
                    assertTrue(rows.get(k) > rows.get(k - 1), rows.toString());
                }
                assertTrue(rows.getLast() <= PROFILE.height(), rows.toString());
            }
            List<Event.Preview<GeneratedPixels>> previews = events.stream()
                    .filter(e -> e instanceof Event.Preview<GeneratedPixels>)
                    .map(e -> (Event.Preview<GeneratedPixels>) e)
                    .toList();
            assertFalse(previews.isEmpty(), "previews every row");
            for (var p : previews) {
                BufferedImage shown = ImageIO.read(new ByteArrayInputStream(p.file()));
                assertEquals(PROFILE.width(), shown.getWidth(), "a preview is a PNG of the whole image");
                assertEquals(PROFILE.height(), shown.getHeight());
                assertEquals(PROFILE.height(), p.totalUnits());
            }
        }
    }

    /**
     * The recipe trains igpt on windows of one image (BOS and the pixels as inputs, the pixels and EOS as labels):
     * a context of exactly pixels + 1 must generate, complete and score whole images.
     */
    @Test
    void aContextOfOneImageIsEnough() throws IOException {
        Path path = dir.resolve("one-image-context.gguf");
        IgptSpec spec = spec(IgptSpec.IGPT);
        TinyStreamLm.write(path, 7, spec.tokenizer().vocabSize(), spec.toGguf(), PROFILE.pixels() + 1);
        try (var model = PixelModels.load(path);
                var g = model.newGenerator(
                        GenerationOptions.builder().threads(2).build())) {
            assertTrue(g.generate(2).stream().allMatch(GeneratedPixels::clean));
            assertTrue(g.complete(pictures(), Cut.share(0.5)).stream().allMatch(GeneratedPixels::clean));
            Score s = g.score(List.of(picture(1))).getFirst();
            assertEquals(PROFILE.pixels() + 1, s.tokens(), "the pixels and EOS");
            Path roomy = dir.resolve("roomy-context.gguf"); // the same weights, room for EOS too
            TinyStreamLm.write(roomy, 7, spec.tokenizer().vocabSize(), spec.toGguf(), 128);
            try (var wide = PixelModels.load(roomy);
                    var w = wide.newGenerator(
                            GenerationOptions.builder().threads(2).build())) {
                Score fed = w.score(List.of(picture(1))).getFirst();
                assertEquals(fed.bits(), s.bits(), 1e-4 * fed.bits(), "EOS scored from the last pixel's logits");
            }
        }
    }

    @Test
    void aFileWithWrongKeysIsRefusedNamingTheKey() throws IOException {
        IgptSpec spec = spec(IgptSpec.IGPT);
        var keys = new java.util.LinkedHashMap<>(spec.toGguf());
        keys.remove(IgptSpec.PALETTE_KEY);
        Path broken = dir.resolve("no-palette.gguf");
        TinyStreamLm.write(broken, 1, spec.tokenizer().vocabSize(), keys, 128);
        var e = assertThrows(JpeglmException.class, () -> PixelModels.load(broken));
        assertEquals(ErrorCode.FORMAT, e.code());
        assertTrue(
                e.getMessage().contains("no-palette.gguf") && e.getMessage().contains(IgptSpec.PALETTE_KEY),
                e.getMessage());
        keys = new java.util.LinkedHashMap<>(spec.toGguf());
        keys.put(IgptSpec.CODEC_KEY, GgufValue.string("jpeg"));
        Path jpeg = dir.resolve("jpeg-named.gguf");
        TinyStreamLm.write(jpeg, 1, spec.tokenizer().vocabSize(), keys, 128);
        var named = assertThrows(JpeglmException.class, () -> PixelModels.load(jpeg));
        assertTrue(named.getMessage().contains("'jpeglm.codec' is 'jpeg'"), named.getMessage());
    }
}
