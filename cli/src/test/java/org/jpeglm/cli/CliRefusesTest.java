package org.jpeglm.cli;

import static org.jpeglm.cli.CliTest.assertUserError;
import static org.jpeglm.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.jpeglm.Jpeglm;
import org.jpeglm.bpe.HfTokenizerJson;
import org.jpeglm.cli.CliTest.Run;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.testing.HfCheckpoints;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.RandomLlama;
import org.jpeglm.testing.TinyJpegLm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * What a user of the command line can do wrong, each refused with one {@code error:} line and exit 1 (or, for
 * harmless cases, one warning), before anything is loaded or written where the problem is known by then.
 */
class CliRefusesTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Path model;
    static Path image;

    @BeforeAll
    static void models() throws IOException {
        model = dir.resolve("tiny.gguf");
        TinyJpegLm.write(model, 5);
        image = dir.resolve("in.png");
        ImageIO.write(TinyJpegLm.picture(99), "png", image.toFile());
    }

    /** generate with the tiny model and short images, so runs take a second. */
    static Run generate(Path out, String... more) {
        List<String> args = new ArrayList<>(
                List.of("generate", "-m", model.toString(), "-t", "2", "--max-tokens", "8", "-o", out.toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    // ---- 3: convert never writes over its inputs

    @Test
    void convertRefusesToReplaceItsOwnInputsEvenWithForce() throws IOException {
        LlamaConfig c = new LlamaConfig(300, 64, 2, 4, 2, 96, 128, 10000f, 1e-5f, false);
        Path ckpt = HfCheckpoints.write(dir.resolve("ckpt"), RandomLlama.create(c, 1), "F32", 2);
        HfCheckpoints.addJpegLm(ckpt, HfCheckpoints.tokenizer(c.vocabSize(), 1), JpegProfile.PAPER);
        Path tokenizer = dir.resolve("tok.json");
        HfTokenizerJson.write(HfCheckpoints.tokenizer(c.vocabSize(), 2), tokenizer);
        for (String name : List.of("config.json", "model.safetensors.index.json", "model-00002-of-00002.safetensors")) {
            Path input = ckpt.resolve(name);
            byte[] before = Files.readAllBytes(input);
            ConvertCliTest.assertRefused(
                    ConvertCliTest.run("convert", "-q", ckpt.toString(), "-o", input.toString(), "--force"),
                    "error: the output " + input + " is an input of this conversion; give another -o path",
                    "--force never replaces an input");
            assertArrayEquals(before, Files.readAllBytes(input), name);
        }
        byte[] tok = Files.readAllBytes(tokenizer);
        ConvertCliTest.assertRefused(
                ConvertCliTest.run(
                        "convert",
                        "-q",
                        ckpt.toString(),
                        "--tokenizer",
                        tokenizer.toString(),
                        "-o",
                        tokenizer.toString(),
                        "--force"),
                "error: the output " + tokenizer + " is an input");
        ConvertCliTest.assertRefused(
                ConvertCliTest.run(
                        "convert", "-q", ckpt.toString(), "--profile", model.toString(), "-o", model.toString()),
                "error: the output " + model + " is an input",
                "give another -o path");
        Path link = Files.createSymbolicLink(dir.resolve("link.gguf"), ckpt.resolve("config.json"));
        ConvertCliTest.assertRefused(
                ConvertCliTest.run("convert", "-q", ckpt.toString(), "-o", link.toString(), "--force"),
                "error: the output " + link + " is the input " + ckpt.resolve("config.json") + " (through a link)");
        assertArrayEquals(tok, Files.readAllBytes(tokenizer));
        assertTrue(Files.isSymbolicLink(link));
    }

    // ---- 4: an output directory holds one run

    @Test
    void aNonEmptyOutputDirectoryIsRefusedWithoutForce() throws IOException {
        Path out = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        assertUserError(
                generate(out, "-n", "1"), "the output directory " + out + " is not empty (notes.txt): pass --force");
        assertUserError(
                run("complete", "-m", model.toString(), image.toString(), "-o", out.toString()), "is not empty");
        assertEquals(List.of("notes.txt"), names(out), "nothing written");
    }

    @Test
    void forceReplacesAnEarlierGenerateRunWithoutStaleFiles() throws IOException {
        Path out = dir.resolve("again");
        assertEquals(0, generate(out, "-n", "5", "-np", "5").exit());
        Files.writeString(out.resolve("notes.txt"), "mine");
        Files.write(out.resolve(".image-0009.png.1-1.partial"), new byte[3]); // left by a killed run
        Run second = generate(out, "-n", "2", "--force", "--no-images");
        assertEquals(0, second.exit(), second.err());
        assertEquals(
                List.of("grid.png", "notes.txt", "summary.json"), names(out), "the first run's five images are gone");
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertTrue(summary.get("complete").asBoolean());
        assertEquals(2, summary.get("count").asInt());
        assertEquals(2, summary.get("images").size());

        Run third = generate(out, "-n", "3", "--force");
        assertEquals(0, third.exit(), third.err());
        assertEquals(
                List.of(
                        "grid.png",
                        "image-0000.jpg",
                        "image-0000.png",
                        "image-0001.jpg",
                        "image-0001.png",
                        "image-0002.jpg",
                        "image-0002.png",
                        "notes.txt",
                        "summary.json"),
                names(out));
        assertListsExactlyTheImagesPresent(out, true);
    }

    @Test
    void forceReplacesAnEarlierCompleteRun() throws IOException {
        Path out = dir.resolve("completions");
        Run first = run(
                "complete",
                "-m",
                model.toString(),
                image.toString(),
                image.toString(),
                "--samples",
                "2",
                "-t",
                "2",
                "-o",
                out.toString());
        assertEquals(0, first.exit(), first.err());
        assertUserError(
                run("complete", "-m", model.toString(), image.toString(), "-o", out.toString()), "pass --force");
        Run second =
                run("complete", "-m", model.toString(), image.toString(), "-t", "2", "-o", out.toString(), "--force");
        assertEquals(0, second.exit(), second.err());
        assertEquals(List.of("completion-0000-0.jpg", "completion-0000-0.png", "grid.png", "summary.json"), names(out));
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertTrue(summary.get("complete").asBoolean());
        assertEquals("complete", summary.get("command").asText());
        assertEquals(
                List.of("completion-0000-0.png", "completion-0000-0.jpg"),
                JSON.convertValue(summary.get("images").get(0).get("files"), List.class));
    }

    @Test
    void anInputNamedLikeARunFileInTheOutputIsNeverReplaced() throws IOException {
        // --force deletes an earlier run's files: an input among them would be read, then deleted.
        Path out = Files.createDirectories(dir.resolve("reused"));
        Path named = Files.copy(image, out.resolve("completion-0000-0.png"));
        byte[] before = Files.readAllBytes(named);
        assertUserError(
                run("complete", "-m", model.toString(), named.toString(), "-o", out.toString(), "--force"),
                "an input is never an output");
        assertArrayEquals(before, Files.readAllBytes(named), "the input is still there, unchanged");
    }

    // ---- 5: the output is checked before the model is loaded

    @Test
    void badOutputsAreRefusedBeforeTheModelLoads() throws IOException {
        Path file = Files.writeString(dir.resolve("existing.txt"), "text");
        // A missing model would be reported if it were loaded first.
        String missing = dir.resolve("missing.gguf").toString();
        assertUserError(
                run("generate", "-m", missing, "-o", file.toString()),
                "the output " + file + " is a file, not a directory");
        assertUserError(
                run("complete", "-m", missing, image.toString(), "-o", file.toString()), "is a file, not a directory");
        assertUserError(
                run("generate", "-m", missing, "-o", file.resolve("sub").toString()),
                "cannot create the output directory " + file.resolve("sub") + ": " + file + " is a file");
        assertUserError(run("generate", "-m", missing, "-o", ""), "--output is empty");
        assertEquals("text", Files.readString(file));
    }

    @Test
    void aReadOnlyOutputDirectoryIsRefused() throws IOException {
        Path ro = Files.createDirectories(dir.resolve("ro"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            if (Files.isWritable(ro)) {
                // Permissions do not bind root (CI runs as root): sysfs refuses new entries to everyone.
                Path sysfs = Path.of("/sys/kernel/jpeglm-never");
                assertUserError(generate(sysfs, "-n", "1"), "cannot write into the output directory " + sysfs);
                assertFalse(Files.exists(sysfs));
            } else {
                assertUserError(
                        generate(ro, "-n", "1"),
                        "cannot write into the output directory " + ro + ": permission denied");
                assertUserError(
                        generate(ro.resolve("new"), "-n", "1"),
                        "cannot create the output directory " + ro.resolve("new"));
            }
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void checkingTheOutputLeavesNothingBehind() throws IOException {
        Path fresh = dir.resolve("fresh/a/b");
        try (RunOutput checked = RunOutput.open(fresh, false)) {
            assertEquals(fresh, checked.dir());
        }
        assertFalse(Files.exists(dir.resolve("fresh")), "the probe removes the directories it made");
    }

    // ---- 6: counts are bounded; memory is checked; an OutOfMemoryError is one line

    @Test
    void countsAreBounded() {
        Path out = dir.resolve("never");
        assertUserError(generate(out, "-n", "100000000"), "--count is 100,000,000: at most 1,000,000 images per run");
        assertUserError(generate(out, "-n", "0"), "--count must be 1 to 1,000,000, got 0");
        assertUserError(
                run(
                        "complete",
                        "-m",
                        model.toString(),
                        image.toString(),
                        "--samples",
                        "100000000",
                        "-o",
                        out.toString()),
                "--samples is 100,000,000: at most 1,000,000");
        assertUserError(
                run(
                        "complete",
                        "-m",
                        model.toString(),
                        image.toString(),
                        image.toString(),
                        "--samples",
                        "600000",
                        "-o",
                        out.toString()),
                "2 inputs x --samples 600000 is 1,200,000: at most 1,000,000");
        assertUserError(
                run("score", "--fashion-mnist", "100000", "-m", model.toString()),
                "--fashion-mnist 100000: the test split has 10000 images");
        assertUserError(
                run("score", "--fashion-mnist", "9000", "--offset", "2000", "-m", model.toString()),
                "--offset + --fashion-mnist must be at most 10000");
        assertFalse(Files.exists(out));
    }

    @Test
    void theHeapCheckNamesWhatDoesNotFit() {
        long mib = 1 << 20;
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Limits.requireHeap(1000, mib, "generated images", 512 * mib, 12 * mib));
        assertEquals(
                "1,000 generated images keep about 1000 MiB in memory, more than the Java heap can hold (500 MiB free of "
                        + "512 MiB); use fewer per run, or a larger heap, e.g. JAVA_TOOL_OPTIONS=-Xmx2g",
                e.getMessage());
        Limits.requireHeap(100, mib, "generated images", 512 * mib, 12 * mib);
        assertEquals(16L * 16 * 3 + 2 * (256 + 1024) + 2048, Limits.bytesPerResult(TinyJpegLm.PROFILE));
    }

    @Test
    void aSmallHeapRefusesLargeRunsAndImagesWithOneLine() throws Exception {
        Path out = dir.resolve("small-heap");
        Run r = runChild(List.of("-Xmx64m"), "generate", "-m", model.toString(), "-n", "100000", "-o", out.toString());
        assertUserError(r, "100,000 generated images keep about 513 MiB in memory, more than the Java heap can hold");
        assertFalse(Files.exists(out), "refused before anything is written");

        Path large = dir.resolve("large.png");
        ImageIO.write(
                new java.awt.image.BufferedImage(4000, 4000, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "png",
                large.toFile());
        Run s = runChild(List.of("-Xmx32m"), "score", "-m", model.toString(), large.toString());
        assertUserError(s, large + " (4000x4000 pixels) does not fit in the Java heap");
        assertFalse(s.err().contains("Exception"), s.err());
    }

    @Command(name = "oom")
    static final class OutOfMemoryCommand extends JpeglmCommand {
        @Override
        protected int run() {
            throw new OutOfMemoryError("Java heap space");
        }
    }

    @Test
    void anOutOfMemoryErrorIsOneLine() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new OutOfMemoryCommand());
        cl.setErr(new PrintWriter(err, true));
        assertEquals(1, cl.execute());
        assertTrue(err.toString().startsWith("error: out of memory: the Java heap ("), err.toString());
        assertTrue(err.toString().contains("JAVA_TOOL_OPTIONS=-Xmx"), err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
    }

    // ---- 7: threads and -np, checked in one place

    @Test
    void threadsAndParallelAreBounded() {
        int max = Limits.maxThreads();
        Path out = dir.resolve("never");
        for (List<String> command : List.of(
                List.of("generate", "-m", model.toString(), "-o", out.toString()),
                List.of("complete", "-m", model.toString(), image.toString(), "-o", out.toString()),
                List.of("score", "-m", model.toString(), image.toString()))) {
            assertUserError(run(concat(command, "-t", "1000")), "--threads must be 0 (automatic) to " + max + " ");
            assertUserError(run(concat(command, "-t", "-1")), "--threads must be");
            assertUserError(run(concat(command, "-tb", "-1")), "--threads-batch must be 0 (as -t) to " + max + " ");
            assertUserError(run(concat(command, "--poll", "101")), "poll must be 0 to 100");
            assertUserError(run(concat(command, "-C", "0xzz")), "cpuMask must be 1 to 128 hexadecimal digits");
            for (String np : List.of("0", "-5", "100000")) {
                assertUserError(run(concat(command, "-np", np)), "--parallel must be 1 to 256, got " + np);
            }
        }
        Path gguf = dir.resolve("never.gguf");
        assertUserError(
                run("random", "-q", "-o", gguf.toString(), "-t", "1000"),
                "--threads must be 0 (every core) to " + max + " ");
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(gguf));
    }

    @Test
    void randomRefusesAShapeLlamaCppCannotLoadBeforeWritingAnything() {
        Path gguf = dir.resolve("too-deep.gguf");
        String[][] cases = {
            {"--layers", "100000", "--layers must be 1 to 512 (the most llama.cpp loads), got 100,000"},
            {"--layers", "0", "--layers must be 1 to 512"},
            {"--dim", "2097152", "--dim must be 1 to 1,048,576"},
            {"--heads", "70000", "--heads must be 1 to 65,536"},
            {"--kv-heads", "-2", "--kv-heads must be 1 to 65,536"},
            {"--ffn", "20000000", "--ffn must be 1 to 16,777,216"},
            {"--ctx", "2000000", "--ctx must be 1 to 1,048,576"},
            {"--vocab", "0", "--vocab must be 1 to"},
            {"--rope-theta", "1e13", "--rope-theta must be above 0 and at most"},
            {"--rope-theta", "NaN", "--rope-theta must be above 0"},
            {"--rms-eps", "1", "--rms-eps must be above 0 and below 1"},
        };
        for (String[] c : cases) {
            assertUserError(run("random", "-q", "-o", gguf.toString(), c[0], c[1]), c[2]);
            assertFalse(Files.exists(gguf), c[0] + " " + c[1]);
        }
    }

    static String[] concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }

    // ---- 8: a run stopped by a signal leaves a consistent directory

    @Test
    void anInterruptedRunLeavesASummaryListingExactlyTheImagesWritten() throws Exception {
        Path out = dir.resolve("interrupted");
        Path log = dir.resolve("interrupted.log");
        Process child = child(
                List.of(),
                log,
                "generate",
                "-m",
                model.toString(),
                "-n",
                "100000",
                "-np",
                "4",
                "-t",
                "2",
                "--max-tokens",
                "8",
                "-o",
                out.toString());
        String signal = "INT";
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!Files.isDirectory(out)
                    || names(out).stream().filter(n -> n.startsWith("image-")).count() < 6) {
                assertTrue(child.isAlive(), () -> "the run ended early: " + read(log));
                assertTrue(System.nanoTime() < deadline, "no images after 2 minutes");
                Thread.sleep(20);
            }
            new ProcessBuilder("kill", "-INT", Long.toString(child.pid()))
                    .start()
                    .waitFor();
            if (!child.waitFor(20, TimeUnit.SECONDS)) {
                signal = "TERM"; // SIGINT is ignored by a child of a shell without job control; SIGTERM runs the same
                // hooks
                child.destroy();
            }
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the run stops on SIG" + signal);
        } finally {
            child.destroyForcibly();
        }
        assertNotEquals(0, child.exitValue(), read(log));
        assertListsExactlyTheImagesPresent(out, false);
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertTrue(
                summary.get("count").asInt() >= 3 && summary.get("count").asInt() < 100_000,
                "SIG" + signal + ": " + summary.get("count"));
        assertEquals(100_000, summary.get("requested").asInt());
        assertFalse(names(out).contains("grid.png"), "the grid is written only by a complete run");
        System.out.println(
                "CliRefusesTest: stopped by SIG" + signal + " with " + summary.get("count") + " images listed");
    }

    /** The command line in a new JVM with jvmOptions (as a user runs it), its output and errors going to log. */
    static Process child(List<String> jvmOptions, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        if (System.getProperty("jpeglm.library.path") != null) {
            command.add("-Djpeglm.library.path=" + System.getProperty("jpeglm.library.path"));
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), JpeglmCli.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** child(...) run to its end: exit code and output (as err). */
    static Run runChild(List<String> jvmOptions, String... args) throws Exception {
        Path log = Files.createTempFile(dir, "child", ".log");
        Process p = child(jvmOptions, log, args);
        try {
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), "ends: " + read(log));
        } finally {
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), "", read(log));
    }

    static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    // ---- 8: options that silently meant something else

    @Test
    void optionsOutsideTheirRangeAreErrors() throws IOException {
        Path out = dir.resolve("never");
        assertUserError(generate(out, "--columns", "0"), "--columns must be at least 1, got 0");
        List<String> plain = List.of("generate", "-m", model.toString(), "-o", out.toString());
        assertUserError(run(concat(plain, "--max-tokens", "0")), "--max-tokens must be at least 1, got 0");
        assertUserError(
                run(concat(plain, "--max-tokens", "100000")),
                "--max-tokens 100000 exceeds the model's context of 256 tokens");
        assertUserError(
                run("score", "-m", model.toString(), image.toString(), "--offset", "3"),
                "--offset applies to --fashion-mnist only");
        assertUserError(run("score", "-m", model.toString(), "--fashion-mnist", "-1"), "must not be negative");
        assertTrue(!Files.exists(out) || names(out).isEmpty(), "nothing written");
    }

    @Test
    void anUnknownDeviceIsRefusedWithTheDevicesThereAre() throws IOException {
        Path out = dir.resolve("dev");
        Run unknown = generate(out, "-n", "1", "-dev", "NoSuchGpu0");
        assertUserError(unknown, "no device is named 'NoSuchGpu0'; the devices are: ");
        assertTrue(unknown.err().contains("CPU ("), "the CPU is listed: " + unknown.err());
        assertUserError(
                generate(out, "-n", "1", "-dev", "none,CPU"),
                "'none' names no device, so it stands alone: [none, CPU]");
        assertTrue(!Files.exists(out) || names(out).isEmpty(), "nothing written");
    }

    @Test
    void gpuLayersWithoutAGpuWarnOnce() throws IOException {
        assumeFalse(Jpeglm.gpuOffloadSupported(), "this native library offloads to a GPU");
        Run r = generate(dir.resolve("ngl"), "-n", "1", "-ngl", "5");
        assertEquals(0, r.exit(), r.err());
        assertEquals(
                1,
                Pattern.compile("warning: -ngl 5 offloads nothing: this native library has no GPU backend")
                        .matcher(r.err())
                        .results()
                        .count(),
                r.err());
        Run none = generate(dir.resolve("ngl0"), "-n", "1");
        assertFalse(none.err().contains("warning"), none.err());
    }

    @Test
    void aTooLargeImageIsRefusedBeforeDecoding() throws IOException {
        Path huge = dir.resolve("huge.png");
        Files.write(huge, pngHeader(100_000, 100_000));
        assertUserError(
                run("score", "-m", model.toString(), huge.toString()),
                huge + " is 100000x100000 pixels (9537 megapixels): images of at most 64 megapixels are read");
        Path broken = dir.resolve("broken.png");
        Files.write(broken, pngHeader(4, 4)); // a header and no pixel data
        Run r = run("score", "-m", model.toString(), broken.toString());
        assertUserError(r, broken + " is not a readable image: ");
        assertFalse(r.err().strip().endsWith(":"), "says what went wrong: " + r.err());
    }

    @Test
    void aJpegCutShortIsRefusedNotCompletedFromGray() throws IOException {
        BufferedImage photo = new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR);
        Random random = new Random(3);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                photo.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(photo, "jpeg", jpeg);
        Path cut = dir.resolve("half-downloaded.jpg");
        Files.write(cut, Arrays.copyOf(jpeg.toByteArray(), jpeg.size() / 2));
        Run r = run(
                "complete",
                "-m",
                model.toString(),
                cut.toString(),
                "-o",
                dir.resolve("cut").toString());
        assertUserError(r, cut + " is not a readable image: the file is cut short");
        assertFalse(Files.exists(dir.resolve("cut")), "nothing written");
    }

    /** A PNG signature, an RGB IHDR of width x height, and IEND: a valid header without pixel data. */
    static byte[] pngHeader(int width, int height) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {8, 2, 0, 0, 0});
        chunk(out, "IHDR", ihdr.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return bytes.toByteArray();
    }

    static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        out.writeInt(data.length);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }

    // ---- helpers

    static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** summary.json says complete (or not) and lists exactly the image files in out, each whole; no temporaries. */
    static void assertListsExactlyTheImagesPresent(Path out, boolean complete) throws IOException {
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(complete, summary.get("complete").asBoolean(), summary.toString());
        Set<String> listed = new TreeSet<>();
        for (JsonNode img : summary.get("images")) {
            img.get("files").forEach(f -> listed.add(f.asText()));
        }
        Set<String> present = new TreeSet<>();
        for (String name : names(out)) {
            assertFalse(name.endsWith(".partial"), "temporary file left: " + name);
            if (name.startsWith("image-")) {
                present.add(name);
                if (name.endsWith(".png")) {
                    assertNotNull(ImageIO.read(out.resolve(name).toFile()), name + " is a whole PNG");
                }
            }
        }
        assertEquals(present, listed);
        assertEquals(summary.get("images").size(), summary.get("count").asInt());
    }
}
