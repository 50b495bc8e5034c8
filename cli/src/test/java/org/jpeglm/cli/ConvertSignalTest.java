package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.testing.HfCheckpoints;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.RandomLlama;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM at several moments of {@code convert --type q4_k_m} (Java writer, its temporary's temporary, llama.cpp's
 * quantizer): no temporary file is left beside the output, the output is absent or complete, and no stack trace.
 */
class ConvertSignalTest {
    private static final double[] MOMENTS = {0.2, 0.4, 0.55, 0.7, 0.85};

    @TempDir
    Path dir;

    @Test
    void sigtermDuringAQuantizedConversionLeavesNoTemporaryFile() throws Exception {
        LlamaConfig c = new LlamaConfig(300, 256, 4, 8, 8, 768, 256, 10000f, 1e-5f, false);
        Path ckpt = HfCheckpoints.write(dir.resolve("ckpt"), RandomLlama.create(c, 1), "F32", 1);
        HfCheckpoints.addJpegLm(ckpt, HfCheckpoints.tokenizer(c.vocabSize(), 1), JpegProfile.PAPER);
        Path reference = dir.resolve("reference").resolve("m.gguf");
        long start = System.nanoTime();
        Process whole = convert(ckpt, reference);
        assertTrue(whole.waitFor(5, TimeUnit.MINUTES));
        long wholeMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, whole.exitValue(), CliRefusesTest.read(log(reference)));
        byte[] expected = Files.readAllBytes(reference);
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < MOMENTS.length; i++) {
            Path out = dir.resolve("run-" + i).resolve("m.gguf");
            Process child = convert(ckpt, out);
            try {
                boolean ended = child.waitFor((long) (MOMENTS[i] * wholeMillis), TimeUnit.MILLISECONDS);
                if (!ended) {
                    child.destroy(); // SIGTERM
                }
                assertTrue(child.waitFor(2, TimeUnit.MINUTES), "stops on SIGTERM");
            } finally {
                child.destroyForcibly();
            }
            String log = CliRefusesTest.read(log(out));
            int exit = child.exitValue();
            assertTrue(Set.of(0, 1, 143).contains(exit), "exit " + exit + ": " + log);
            assertFalse(log.contains("\tat "), "a stack trace: " + log);
            assertEquals(List.of(), hiddenFiles(out.getParent()), "temporary files left beside the output; " + log);
            if (Files.exists(out)) {
                assertArrayEquals(expected, Files.readAllBytes(out), "an output that is not the complete one");
            }
            outcomes.add(MOMENTS[i] + ": exit " + exit + (Files.exists(out) ? ", complete" : ", absent"));
        }
        System.out.println("ConvertSignalTest (whole run " + wholeMillis + " ms): " + outcomes);
    }

    private Process convert(Path ckpt, Path out) throws IOException {
        Files.createDirectories(out.getParent());
        return CliRefusesTest.child(
                List.of(), log(out), "convert", ckpt.toString(), "-o", out.toString(), "--type", "q4_k_m", "-t", "1");
    }

    private Path log(Path out) {
        return dir.resolve(out.getParent().getFileName() + ".log");
    }

    private static List<String> hiddenFiles(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("."))
                    .toList();
        }
    }
}
