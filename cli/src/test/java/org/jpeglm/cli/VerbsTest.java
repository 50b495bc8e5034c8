package org.jpeglm.cli;

import static org.jpeglm.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jpeglm.SamplingParams;
import org.jpeglm.avclm.VideoModel;
import org.jpeglm.cli.CliTest.Run;
import org.jpeglm.codec.Codecs;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.testing.TinyAvcLm;
import org.jpeglm.testing.TinyJpegLm;
import org.jpeglm.video.H264Encoder;
import org.jpeglm.video.VideoWriters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One command per verb: generate, complete, score and info run any model by the codec its GGUF names, the -video
 * commands are aliases that write the same bytes, and an option of one codec given with a model of the other is one
 * usage error naming both.
 */
class VerbsTest {
    static final Path BUNDLED_VIDEO = VideoNumbersTest.MODEL;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Path video;
    static Path image;
    static Path clip;
    static Path picture;

    @BeforeAll
    static void models() throws IOException {
        video = dir.resolve("tiny-avclm.gguf");
        TinyAvcLm.write(video, 5);
        image = dir.resolve("tiny-jpeglm.gguf");
        TinyJpegLm.write(image, 5);
        clip = dir.resolve("clip.mp4");
        new VideoWriters()
                .writeMp4(new H264Encoder().encode(TinyAvcLm.video(77), TinyAvcLm.PROFILE), TinyAvcLm.PROFILE, clip);
        picture = dir.resolve("picture.png");
        ImageIO.write(TinyJpegLm.picture(3), "png", picture.toFile());
    }

    @Test
    void generateWithAVideoModelWritesWhatGenerateVideoWritesByteForByte() throws IOException {
        List<String> args = List.of(
                "-m", BUNDLED_VIDEO.toString(), "-n", "2", "-np", "2", "-t", "2", "--max-tokens", "300", "-s", "5");
        Run alias = run(withOutput("generate-video", args, dir.resolve("gen-alias")));
        Run verb = run(withOutput("generate", args, dir.resolve("gen-verb")));
        assertEquals(0, alias.exit(), alias.err());
        assertEquals(0, verb.exit(), verb.err());
        assertTrue(verb.out().startsWith("2 videos in"), verb.out());
        assertEquals(headline(alias.out()), headline(verb.out()));
        assertSameRun(dir.resolve("gen-alias"), dir.resolve("gen-verb"), "videos");
    }

    @Test
    void completeWithAVideoModelWritesWhatCompleteVideoWritesByteForByte() throws IOException {
        List<String> args =
                List.of("-m", BUNDLED_VIDEO.toString(), "--frames", "2", "--samples", "2", "-t", "2", "-s", "3");
        List<String> alias = new ArrayList<>(List.of("--input", clip.toString()));
        alias.addAll(args);
        List<String> verb = new ArrayList<>(List.of(clip.toString())); // INPUT as an argument, as for images
        verb.addAll(args);
        Run a = run(withOutput("complete-video", alias, dir.resolve("complete-alias")));
        Run v = run(withOutput("complete", verb, dir.resolve("complete-verb")));
        assertEquals(0, a.exit(), a.err());
        assertEquals(0, v.exit(), v.err());
        assertTrue(v.out().startsWith("2 completions from 2 frames"), v.out());
        assertSameRun(dir.resolve("complete-alias"), dir.resolve("complete-verb"), "videos");
    }

    @Test
    void theAliasesOnlyChangeTheDefaultModel() throws IOException {
        Run r = run("generate-video", "-m", image.toString(), "-n", "2", "-t", "2", "-o", out("alias-images"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("2 images in"), r.out());
        assertTrue(Files.exists(dir.resolve("alias-images").resolve("image-0001.png")));

        Run c = run(
                "complete-video",
                "-m",
                image.toString(),
                picture.toString(),
                "--ratio",
                "0.5",
                "-t",
                "2",
                "-o",
                out("alias-completions"));
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().startsWith("1 completions at ratio 0.50"), c.out());
        for (String alias : List.of("generate-video", "complete-video")) {
            Run help = run("help", alias);
            assertEquals(0, help.exit(), help.err());
            assertTrue(help.out().contains("Alias of " + alias.replace("-video", "")), help.out());
            assertTrue(help.out().contains("Examples:"), help.out());
        }
    }

    @Test
    void aVideoModelGeneratesTheVideoCountByDefault() throws IOException {
        Run r = run("generate", "-m", video.toString(), "--max-tokens", "20", "-t", "2", "-o", out("default-count"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("8 videos in"), r.out());
        JsonNode summary =
                JSON.readTree(dir.resolve("default-count/summary.json").toFile());
        assertEquals("generate", summary.get("command").asText());
        assertEquals(8, summary.get("requested").asInt());
    }

    @Test
    void eachCodecSamplesWithItsOwnDefaults() {
        GenerateCommand command = new GenerateCommand();
        new picocli.CommandLine(command).parseArgs();
        SamplingParams videos = command.generation.sampling.params(true);
        SamplingParams paper = VideoModel.options().build().sampling();
        assertEquals(List.of(paper.temperature(), paper.topK(), paper.topP(), paper.minP()), values(videos));
        SamplingParams images = command.generation.sampling.params(false);
        SamplingParams library = GenerationOptions.DEFAULT_SAMPLING;
        assertEquals(List.of(library.temperature(), library.topK(), library.topP(), library.minP()), values(images));
        assertNotEquals(values(images), values(videos), "images filter by min-p, videos as the paper does not");
    }

    @Test
    void anOptionOfTheOtherCodecIsOneUsageErrorNamingItAndTheModelsCodec() {
        String isVideo = "tiny-avclm.gguf is a video model (codec h264)";
        String isImage = "tiny-jpeglm.gguf is an image model (codec jpeg)";
        for (String option : List.of("--unconstrained", "--no-images", "--preview")) {
            assertUsageError(
                    "generate",
                    List.of("-m", video.toString(), option),
                    option + " applies to image models only, but " + isVideo);
        }
        assertUsageError(
                "generate",
                List.of("-m", video.toString(), "--columns", "3"),
                "--columns applies to image models only, but " + isVideo);
        assertUsageError(
                "generate",
                List.of("-m", image.toString(), "--scale", "3"),
                "--scale applies to video models only, but " + isImage);
        assertUsageError(
                "complete",
                List.of("-m", video.toString(), clip.toString(), "--frames", "2", "--ratio", "0.5"),
                "--ratio applies to image models only, but " + isVideo);
        assertUsageError(
                "complete-video",
                List.of("-m", video.toString(), "--fashion-mnist", "2", "--frames", "2"),
                "--fashion-mnist applies to image models only, but " + isVideo);
        assertUsageError(
                "complete",
                List.of("-m", image.toString(), picture.toString(), "--frames", "2"),
                "--frames applies to video models only, but " + isImage);
        for (String option : List.of("--moving-fashion-mnist", "--max-tokens", "--scale")) {
            assertUsageError(
                    "complete",
                    List.of("-m", image.toString(), picture.toString(), option, "1"),
                    option + " applies to video models only, but " + isImage);
        }
        assertUsageError(
                "complete",
                List.of("-m", video.toString(), clip.toString()),
                "--frames K is required with " + isVideo.replace(" is ", ", "));
        assertUsageError(
                "score",
                List.of("-m", video.toString(), "--fashion-mnist", "2"),
                "--fashion-mnist applies to image models only, but " + isVideo);
    }

    @Test
    void scoreAndInfoRunBothKinds() {
        Run images = run("score", "-m", image.toString(), picture.toString(), "-i", picture.toString(), "-t", "2");
        assertEquals(0, images.exit(), images.err());
        assertTrue(images.out().startsWith("2 images: ") && images.out().contains(" bits/image"), images.out());
        Run videos = run("score", "-m", video.toString(), clip.toString(), "-i", clip.toString(), "-t", "2");
        assertEquals(0, videos.exit(), videos.err());
        assertTrue(videos.out().startsWith("2 videos: ") && videos.out().contains(" bits/video"), videos.out());

        Run imageInfo = run("info", image.toString(), "--no-tensors");
        assertEquals(0, imageInfo.exit(), imageInfo.err());
        assertTrue(imageInfo.out().contains("codec: jpeg, each stream an image of 4 MCUs"), imageInfo.out());
        assertTrue(imageInfo.out().contains("Jpeg-LM: JPEG quality 25"), imageInfo.out());
        Run videoInfo = run("info", video.toString(), "--no-tensors");
        assertEquals(0, videoInfo.exit(), videoInfo.err());
        assertTrue(videoInfo.out().contains("codec: h264, each stream a video of 5 frames"), videoInfo.out());
        assertTrue(videoInfo.out().contains("Avc-LM: h264 32x32"), videoInfo.out());
    }

    /**
     * A codec the registry lacks: the verbs refuse it in one error listing the codecs it has (with this test class
     * path's {@link ForeignCodecFactory}); info names it the same way without failing, the header still shown. A codec
     * the registry has but the commands cannot write is one error saying so.
     */
    @Test
    void anUnknownCodecIsNamedWithTheKnownOnes() throws IOException {
        Path vp9 = dir.resolve("declares-vp9.gguf");
        TinyJpegLm.write(vp9, 5, Map.of(Codecs.CODEC_KEY, GgufValue.string("vp9")));
        String known = "unknown codec 'vp9' in 'jpeglm.codec': this jpeglm runs bpe-igpt, foreign, h264, igpt and jpeg";
        CliTest.assertUserError(
                run(
                        "generate",
                        "-m",
                        vp9.toString(),
                        "-o",
                        dir.resolve("vp9-out").toString()),
                "declares-vp9.gguf: " + known);
        Run info = run("info", vp9.toString(), "--no-tensors");
        assertEquals(0, info.exit(), info.err());
        assertTrue(info.out().contains("codec: " + known), info.out());

        Path foreign = dir.resolve("declares-foreign.gguf");
        TinyJpegLm.write(foreign, 5, Map.of(Codecs.CODEC_KEY, GgufValue.string(ForeignCodecFactory.NAME)));
        CliTest.assertUserError(
                run("score", "-m", foreign.toString(), picture.toString()),
                "declares-foreign.gguf: codec 'foreign' (ForeignCodecFactory) loads through the Java API, but these"
                        + " commands write only images, videos and pixels");
    }

    /** A usage error (exit code 2) in one line that says part, before anything is written (score writes nothing). */
    private static void assertUsageError(String command, List<String> args, String part) {
        Path out = dir.resolve("refused-" + command + "-" + Math.abs(args.hashCode()));
        Run r = command.equals("score") ? run(withOutput(command, args, null)) : run(withOutput(command, args, out));
        assertEquals(2, r.exit(), command + " " + args + ": " + r.out() + r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains(part), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(Files.exists(out), "nothing written: " + out);
    }

    /** The command line command ARGS -o OUT (no -o for a null out). */
    private static String[] withOutput(String command, List<String> args, Path out) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(args);
        if (out != null) {
            all.addAll(List.of("-o", out.toString()));
        }
        return all.toArray(String[]::new);
    }

    private static String out(String name) {
        return dir.resolve(name).toString();
    }

    /** The last line without its timing and its folder: what the run made. */
    private static String headline(String out) {
        String last = out.strip().lines().reduce((a, b) -> b).orElseThrow();
        return last.replaceAll("in [0-9.]+ s \\([^)]*\\)", "in _ s").replaceAll("wrote .*", "wrote _");
    }

    /**
     * Two runs made the same files with the same bytes, and summaries that differ only in the command's name and in
     * timings.
     */
    private static void assertSameRun(Path a, Path b, String items) throws IOException {
        assertEquals(names(a), names(b));
        assertTrue(names(a).size() > 3, names(a).toString());
        for (String name : names(a)) {
            if (!name.equals("summary.json")) {
                assertArrayEquals(Files.readAllBytes(a.resolve(name)), Files.readAllBytes(b.resolve(name)), name);
            }
        }
        assertEquals(untimed(a, items), untimed(b, items));
    }

    private static JsonNode untimed(Path run, String items) throws IOException {
        ObjectNode summary =
                (ObjectNode) JSON.readTree(run.resolve("summary.json").toFile());
        assertTrue(summary.get("complete").asBoolean());
        for (String field : List.of("command", "seconds", "threads", "output")) {
            summary.remove(field);
        }
        summary.get(items).forEach(item -> ((ObjectNode) item).remove("ms"));
        return summary;
    }

    private static TreeSet<String> names(Path run) throws IOException {
        try (Stream<Path> files = Files.list(run)) {
            return files.map(p -> p.getFileName().toString())
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    private static List<Number> values(SamplingParams p) {
        return List.of(p.temperature(), p.topK(), p.topP(), p.minP());
    }
}
