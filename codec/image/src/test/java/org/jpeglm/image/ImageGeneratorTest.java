package org.jpeglm.image;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jpeglm.ErrorCode;
import org.jpeglm.JpeglmException;
import org.jpeglm.Model;
import org.jpeglm.SamplingParams;
import org.jpeglm.Session;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.RunStats;
import org.jpeglm.codec.Score;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.JpegStreams;
import org.jpeglm.jpeg.JpegSyntax;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.LogitsAssert;
import org.jpeglm.testing.RandomLlama;
import org.jpeglm.testing.TinyJpegLm;
import org.jpeglm.testing.TinyLlamaGguf;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generation, completion and scoring on a tiny random-weight Jpeg-LM (16×16 gray images, 4 MCUs): a random model
 * writes nonsense, which is what makes the guarantees visible (constrained streams are valid anyway, prompts are
 * kept, repair catches the rest).
 */
class ImageGeneratorTest {
    static final JpegProfile PROFILE = TinyJpegLm.PROFILE;
    static Path dir;
    static Path modelPath;
    static ImageModel model;
    static List<BufferedImage> images;

    static BufferedImage image(long seed) {
        return TinyJpegLm.picture(seed);
    }

    @BeforeAll
    static void writeModel() throws IOException {
        dir = Files.createTempDirectory("jpeglm-image-test");
        images = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            images.add(image(i));
        }
        modelPath = dir.resolve("tiny-jpeglm.gguf");
        TinyJpegLm.write(modelPath, 11);
        model = ImageModel.load(modelPath);
    }

    @AfterAll
    static void close() throws IOException {
        model.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    static GenerationOptions.Builder options() {
        return GenerationOptions.builder()
                .threads(2)
                .seed(7)
                .sampling(SamplingParams.builder().temperature(1.0f).build());
    }

    @Test
    void constrainedGenerationWritesValidStreamsEvenFromARandomModel() {
        try (ImageGenerator g = model.newGenerator(options().parallel(3).build())) {
            List<GeneratedImage> out = g.generate(6);
            assertEquals(6, out.size());
            JpegSyntax syntax = new JpegSyntax(PROFILE);
            for (GeneratedImage img : out) {
                assertTrue(img.clean(), img.toString());
                assertTrue(syntax.accepts(img.stream()), img.toString());
                assertEquals(GeneratedImage.StopReason.EOI, img.stop());
                assertArrayEquals(
                        img.stream(), JpegStreams.strip(img.jpeg()), "clean: the file is the stream plus tables");
                assertEquals(16, img.image().getWidth());
                assertEquals(1, img.promptTokens());
            }
        }
    }

    @Test
    void unconstrainedNonsenseIsRepairedIntoDecodableImages() {
        try (ImageGenerator g = model.newGenerator(
                options().constrained(false).parallel(2).maxTokens(60).build())) {
            List<GeneratedImage> out = g.generate(4);
            for (GeneratedImage img : out) {
                assertFalse(img.clean(), "a random model does not write valid JPEG by chance: " + img);
                assertEquals(16, img.image().getHeight());
                assertTrue(img.tokens() <= 60);
                assertTrue(new JpegSyntax(PROFILE).accepts(JpegStreams.strip(img.jpeg())), "repaired output is valid");
            }
        }
    }

    @Test
    void theSameRequestGivesTheSameImagesAndSeedsDiffer() {
        List<GeneratedImage> a;
        List<GeneratedImage> b;
        List<GeneratedImage> c;
        try (ImageGenerator g = model.newGenerator(options().parallel(4).build())) {
            a = g.generate(8);
            b = g.generate(8);
        }
        try (ImageGenerator g = model.newGenerator(options().parallel(4).seed(8).build())) {
            c = g.generate(8);
        }
        for (int i = 0; i < 8; i++) {
            assertEquals(i, a.get(i).index());
            assertArrayEquals(a.get(i).stream(), b.get(i).stream(), "image " + i);
        }
        long same = java.util.stream.IntStream.range(0, 8)
                .filter(i -> Arrays.equals(a.get(i).stream(), c.get(i).stream()))
                .count();
        assertTrue(same < 2, "another seed gives other images");
        long distinct =
                a.stream().map(i -> Arrays.hashCode(i.stream())).distinct().count();
        assertTrue(distinct > 6, "images of one request differ from each other");
    }

    @Test
    void anEarlierRequestDoesNotChangeTheImagesOfTheNext() {
        List<GeneratedImage> fresh;
        try (ImageGenerator g = model.newGenerator(
                options().constrained(false).parallel(2).maxTokens(40).build())) {
            fresh = g.generate(4);
        }
        try (ImageGenerator g = model.newGenerator(
                options().constrained(false).parallel(2).maxTokens(40).build())) {
            // A whole-image completion ends while forcing its last token's bytes, under that mask.
            g.complete(images.subList(0, 2), 1);
            List<GeneratedImage> after = g.generate(4);
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(fresh.get(i).stream(), after.get(i).stream(), "image " + i);
            }
        }
    }

    @Test
    void completionKeepsThePromptsMcusByteForByte() {
        try (ImageGenerator g = model.newGenerator(options().parallel(2).build())) {
            List<BufferedImage> prompts = images.subList(0, 4);
            for (double ratio : new double[] {0, 0.5, 1}) {
                List<GeneratedImage> out = g.complete(prompts, ratio);
                for (int i = 0; i < prompts.size(); i++) {
                    byte[] prefix = JpegStreams.prefix(g.streamOf(prompts.get(i)), ratio);
                    byte[] written = out.get(i).stream();
                    assertTrue(written.length >= prefix.length);
                    assertArrayEquals(prefix, Arrays.copyOf(written, prefix.length), "ratio " + ratio + " image " + i);
                    assertTrue(out.get(i).clean(), out.get(i).toString());
                }
                if (ratio == 0.5) {
                    // Gray MCUs decode independently after each restart: the prompt's pixels come back exactly.
                    for (int i = 0; i < prompts.size(); i++) {
                        BufferedImage original = org.jpeglm.jpeg.JpegImages.decode(g.streamOf(prompts.get(i)), PROFILE);
                        BufferedImage completed = out.get(i).image();
                        for (int y = 0; y < 8; y++) {
                            for (int x = 0; x < 16; x++) {
                                assertEquals(
                                        original.getRaster().getSample(x, y, 0),
                                        completed.getRaster().getSample(x, y, 0),
                                        "image " + i + " pixel " + x + "," + y);
                            }
                        }
                    }
                }
                if (ratio == 1) {
                    for (int i = 0; i < prompts.size(); i++) {
                        assertArrayEquals(
                                g.streamOf(prompts.get(i)), out.get(i).stream(), "nothing to add to a whole image");
                    }
                }
            }
            assertThrows(IllegalArgumentException.class, () -> g.complete(prompts, 1.5));
            assertThrows(IllegalArgumentException.class, () -> g.complete(prompts, Double.NaN));
        }
    }

    @Test
    void scoresAreTheSumOfTokenLogLikelihoods() {
        List<BufferedImage> some = images.subList(0, 3);
        List<Score> scores;
        try (ImageGenerator g = model.newGenerator(options().parallel(2).build())) {
            scores = g.score(some);
            for (int i = 0; i < some.size(); i++) {
                // The same sum, token by token through plain logits.
                byte[] stream = g.streamOf(some.get(i));
                int[] tokens = model.spec().tokenizer().encode(stream, true, true);
                double nats = 0;
                try (Session s = model.model().newSession(tokens.length + 1)) {
                    for (int t = 0; t + 1 < tokens.length; t++) {
                        s.sequence(0).feed(tokens[t]);
                        nats -= LogitsAssert.logSoftmax(s.sequence(0).logits(), tokens[t + 1]);
                    }
                }
                Score sc = scores.get(i);
                assertEquals(nats / Math.log(2), sc.bits(), 1e-3 * sc.bits());
                assertEquals(tokens.length - 1, sc.tokens());
                assertEquals(stream.length, sc.bytes());
                assertTrue(sc.bitsPerByte() > 0);
            }
        }
    }

    /** The listener's own exception comes out of generate as thrown (join() wraps the request's cancellation). */
    @Test
    void aListenerThatThrowsIsThrownAsItThrewAndTheGeneratorGoesOn() {
        try (ImageGenerator g = model.newGenerator(options().parallel(2).build())) {
            IllegalStateException thrown = new IllegalStateException("the listener's own");
            var e = assertThrows(
                    IllegalStateException.class,
                    () -> g.generate(4, image -> {
                        throw thrown;
                    }));
            assertSame(thrown, e);
            assertEquals(2, g.generate(2).size());
        }
    }

    @Test
    void statsAccountForTheRequestButNotTheListener() {
        try (ImageGenerator g = model.newGenerator(options().parallel(3).build())) {
            List<GeneratedImage> out = g.generate(5, image -> {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            RunStats st = g.lastStats();
            assertEquals(5, st.results());
            long tokens = out.stream().mapToLong(GeneratedImage::tokens).sum();
            assertEquals(tokens, st.tokens());
            long longest = out.stream().mapToLong(GeneratedImage::tokens).max().orElseThrow();
            assertTrue(st.steps() >= Math.max(longest, (tokens + 2) / 3) && st.steps() <= tokens, st.toString());
            for (long phase :
                    new long[] {st.stepNanos(), st.promptNanos(), st.maskNanos(), st.acceptNanos(), st.finishNanos()}) {
                assertTrue(phase > 0, st.toString());
            }
            long phases = st.stepNanos() + st.promptNanos() + st.maskNanos() + st.acceptNanos() + st.finishNanos();
            assertTrue(st.totalNanos() - phases >= 5 * 20_000_000L, "the listener's sleep is in the total only: " + st);
            assertTrue(st.firstNanos() > 0 && st.firstNanos() < st.totalNanos(), st.toString());
        }
    }

    @Test
    void aPromptThatFillsTheContextIsRefusedBeforeGenerating() throws IOException {
        Path small = dir.resolve("context-16.gguf");
        var spec = TinyJpegLm.spec();
        var config = new LlamaConfig(spec.tokenizer().vocabSize(), 32, 1, 2, 2, 32, 16, 10000f, 1e-5f, false);
        TinyLlamaGguf.writer(RandomLlama.create(config, 3), GgmlType.F32)
                .putAll(spec.toGguf())
                .write(small);
        try (ImageModel m = ImageModel.load(small);
                ImageGenerator g = m.newGenerator(options().build())) {
            assertEquals(16, g.contextLength());
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> g.complete(images.subList(0, 1), 1));
            assertTrue(e.getMessage().contains("context of 16"), e.getMessage());
            assertEquals(1, g.complete(images.subList(0, 1), 0).size(), "a header-only prompt fits");
        }
    }

    @Test
    void aModelWithoutJpegLmKeysIsRefusedByName() throws IOException {
        Path plain = dir.resolve("plain.gguf");
        TinyLlamaGguf.write(
                RandomLlama.create(new LlamaConfig(64, 32, 1, 2, 2, 32, 64, 10000f, 1e-5f, false), 1),
                plain,
                GgmlType.F32);
        JpeglmException e = assertThrows(JpeglmException.class, () -> ImageModel.load(plain));
        assertEquals(ErrorCode.FORMAT, e.code());
        assertTrue(e.getMessage().contains("not a Jpeg-LM model"), e.getMessage());
        // The model was closed again: the file can be loaded and closed normally.
        try (Model m = Model.load(plain)) {
            assertEquals(64, m.vocabSize());
        }
    }

    @Test
    void cancelStopsARequest() throws Exception {
        try (ImageGenerator g =
                model.newGenerator(options().constrained(false).parallel(1).build())) {
            Thread canceller = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(30);
                } catch (InterruptedException e) {
                    return;
                }
                g.cancel();
            });
            assertThrows(java.util.concurrent.CancellationException.class, () -> g.generate(10_000));
            canceller.join();
            assertEquals(2, g.generate(2).size(), "the generator works again");
        }
    }

    @Test
    void aCancelDuringTheInputsPreparationStopsACompletionBeforeItsFirstStep() {
        try (ImageGenerator g = model.newGenerator(options().parallel(1).build())) {
            int[] read = {0};
            List<BufferedImage> counted = new java.util.AbstractList<>() {
                @Override
                public BufferedImage get(int i) {
                    read[0]++;
                    return images.get(i);
                }

                @Override
                public int size() {
                    return images.size();
                }
            };
            g.cancel(); // pending before the request: the preparation uses it up before encoding any input
            assertThrows(java.util.concurrent.CancellationException.class, () -> g.complete(counted, 0.5));
            assertEquals(0, read[0], "no input was encoded after the cancel");
            assertEquals(1, g.complete(images.subList(0, 1), 0.5).size(), "the generator works again");
        }
    }
}
