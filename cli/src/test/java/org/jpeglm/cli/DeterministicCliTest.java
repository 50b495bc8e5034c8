package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.serve.ServeOptions;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.RandomLlama;
import org.jpeglm.testing.TinyJpegLm;
import org.jpeglm.testing.TinyLlamaGguf;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --deterministic} on generate, complete and serve reaches the generator, the summary and the server. */
class DeterministicCliTest {
    @TempDir
    static Path dir;

    static Path model;

    /** The tiny gray profile on a random model wide enough (dim 256) for a kernel change to flip sampled tokens. */
    @BeforeAll
    static void model() throws IOException {
        model = dir.resolve("wide.gguf");
        var spec = TinyJpegLm.spec();
        var config = new LlamaConfig(spec.tokenizer().vocabSize(), 256, 2, 4, 2, 512, 256, 10000f, 1e-5f, false);
        TinyLlamaGguf.writer(RandomLlama.create(config, 9), GgmlType.F32)
                .putAll(spec.toGguf())
                .write(model);
    }

    private static Path generate(String name, String parallel, String... more) {
        Path out = dir.resolve(name);
        String[] args = {
            "generate",
            "-m",
            model.toString(),
            "-n",
            "4",
            "-np",
            parallel,
            "-t",
            "2",
            "--seed",
            "11",
            "-o",
            out.toString()
        };
        String[] all = Stream.concat(Arrays.stream(args), Arrays.stream(more)).toArray(String[]::new);
        CliTest.Run r = CliTest.run(all);
        assertEquals(0, r.exit(), r.err());
        return out;
    }

    private static JsonNode summary(Path out) throws IOException {
        return new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    }

    @Test
    void generateDeterministicGivesTheSameBytesWhateverTheParallelCount() throws IOException {
        Path one = generate("det-1", "1", "--deterministic");
        Path four = generate("det-4", "4", "--deterministic");
        for (int i = 0; i < 4; i++) {
            String name = String.format("image-%04d.jpg", i);
            assertArrayEquals(Files.readAllBytes(one.resolve(name)), Files.readAllBytes(four.resolve(name)), name);
        }
        assertTrue(summary(one).get("deterministic").asBoolean());
        assertFalse(summary(generate("plain", "2")).get("deterministic").asBoolean(), "off by default");
    }

    @Test
    void completeRecordsTheMode() throws IOException {
        Path image = dir.resolve("in.png");
        ImageIO.write(TinyJpegLm.picture(3), "png", image.toFile());
        Path out = dir.resolve("complete");
        CliTest.Run r = CliTest.run(
                "complete",
                "-m",
                model.toString(),
                image.toString(),
                "-t",
                "2",
                "--deterministic",
                "-o",
                out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(summary(out).get("deterministic").asBoolean());
    }

    @Test
    void serveTakesTheModeIntoItsService() {
        assertTrue(serveOptions("--deterministic").service().deterministic());
        assertFalse(serveOptions().service().deterministic(), "off by default");
    }

    private static ServeOptions serveOptions(String... more) {
        CommandLine cl = JpeglmCli.commandLine();
        String[] args = Stream.concat(Stream.of("serve", "-m", model.toString()), Arrays.stream(more))
                .toArray(String[]::new);
        cl.parseArgs(args);
        return ((ServeCommand) cl.getSubcommands().get("serve").getCommand()).options();
    }
}
