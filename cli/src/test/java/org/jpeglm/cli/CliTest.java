package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.RandomLlama;
import org.jpeglm.testing.TinyJpegLm;
import org.jpeglm.testing.TinyLlamaGguf;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The commands on a tiny random Jpeg-LM: files written, statistics printed, user errors as one line and exit 1. */
class CliTest {
    @TempDir
    static Path dir;

    static Path model;
    static Path plainModel;
    static Path image;

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = JpeglmCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeAll
    static void models() throws IOException {
        model = dir.resolve("tiny.gguf");
        TinyJpegLm.write(model, 5);
        plainModel = dir.resolve("plain.gguf");
        TinyLlamaGguf.write(
                RandomLlama.create(new LlamaConfig(64, 32, 1, 2, 2, 32, 64, 10000f, 1e-5f, false), 5),
                plainModel,
                GgmlType.F32);
        image = dir.resolve("in.png");
        ImageIO.write(TinyJpegLm.picture(99), "png", image.toFile());
    }

    @Test
    void generateWritesImagesGridAndSummary() throws IOException {
        Path out = dir.resolve("gen");
        Run r = run(
                "generate",
                "-m",
                model.toString(),
                "-n",
                "5",
                "-np",
                "2",
                "-t",
                "2",
                "-o",
                out.toString(),
                "--seed",
                "3");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("5 images") && r.out().contains("5 clean (100.0%)"), r.out());
        for (int i = 0; i < 5; i++) {
            BufferedImage png =
                    ImageIO.read(out.resolve(String.format("image-%04d.png", i)).toFile());
            assertEquals(16, png.getWidth());
            byte[] jpg = Files.readAllBytes(out.resolve(String.format("image-%04d.jpg", i)));
            assertEquals(0xD8, jpg[1] & 0xFF);
        }
        assertNotNull(ImageIO.read(out.resolve("grid.png").toFile()));
        String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("\"clean\" : 5"), summary);
        // The threads in use at the end and why (-t 2: asked for).
        assertTrue(summary.matches("(?s).*\"threads\" : \\{\\s*\"threads\" : 2,\\s*\"threads_batch\" : 2,.*"), summary);
        assertTrue(summary.contains("2 for single tokens (asked for)"), summary);
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".partial")));
        }
    }

    @Test
    void completeAndScore() throws IOException {
        Path out = dir.resolve("complete");
        Run c = run(
                "complete",
                "-m",
                model.toString(),
                image.toString(),
                "--ratio",
                "0.5",
                "--samples",
                "2",
                "-t",
                "2",
                "-o",
                out.toString());
        assertEquals(0, c.exit(), c.err());
        assertTrue(Files.exists(out.resolve("completion-0000-1.png")));
        assertEquals(
                16 * 4 + 5 * 2,
                ImageIO.read(out.resolve("grid.png").toFile()).getWidth(),
                "original, prompt, 2 samples");
        Run s = run("score", "-m", model.toString(), image.toString(), image.toString(), "--each", "-t", "2");
        assertEquals(0, s.exit(), s.err());
        assertTrue(s.out().contains("2 images:") && s.out().contains("bits/byte"), s.out());
        // Mapping the model instead of reading it gives the same numbers.
        Run mapped =
                run("score", "-m", model.toString(), image.toString(), image.toString(), "--each", "-t", "2", "--mmap");
        assertEquals(0, mapped.exit(), mapped.err());
        assertEquals(s.out(), mapped.out());
    }

    @Test
    void userErrorsAreOneLineAndExitOne() throws IOException {
        Path notImage = dir.resolve("notes.png");
        Files.writeString(notImage, "this is text");
        assertUserError(run("complete", "-m", model.toString(), notImage.toString()), "is not an image");
        assertUserError(run("complete", "-m", model.toString(), image.toString(), "--ratio", "1.5"), "--ratio");
        assertUserError(run("generate", "-m", plainModel.toString(), "-n", "1"), "not a Jpeg-LM model");
        assertUserError(run("generate", "-m", dir.resolve("missing.gguf").toString()), "missing.gguf");
        assertUserError(run("generate", "-m", model.toString(), "--top-p", "0"), "topP");
        assertUserError(run("generate", "-m", model.toString(), "--temp", "-1"), "temperature");
        assertUserError(run("generate", "-m", model.toString(), "-n", "0"), "--count");
        assertUserError(run("score", "-m", model.toString()), "no input images");
        Run unknown = run("generate", "--no-such-option");
        assertEquals(2, unknown.exit(), "picocli's usage error");
    }

    static void assertUserError(Run r, String part) {
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains(part), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void everyCommandHasHelpWithExamples() {
        for (String cmd : List.of("generate", "complete", "score", "devices")) {
            Run r = run(cmd, "--help");
            assertEquals(0, r.exit());
            assertTrue(r.out().contains("Examples:"), cmd);
        }
        assertEquals(0, run("info", "--help").exit());
        assertEquals(0, run("convert", "--help").exit());
    }

    @Test
    void devicesListsTheCpuAndTheLibrary() {
        Run r = run("devices");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("Available devices:", lines.getFirst());
        assertTrue(
                lines.stream().anyMatch(l -> l.matches("  CPU +cpu +[0-9,]+ MiB free of +[0-9,]+ MiB  \\S.*")),
                r.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("library: ") && l.contains("jpeglm")), r.out());
    }
}
