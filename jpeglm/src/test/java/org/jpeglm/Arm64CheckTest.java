package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jpeglm.bpe.BpeGgufMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The linux-aarch64 runtime (docs/runtime.md, "arm64"): scripts/arm64-check cross-compiles libjpeglm for aarch64
 * against node-llama-cpp's linux-arm64 package and runs native/test/smoke.c (jpeglm.h's C API only) on the
 * x86-64 prebuilt build and under qemu-user on three emulated arm64 CPUs, each loading another of the package's
 * CPU variants (the oldest, armv8.0, among them). Every run's greedy tokens after BOS equal those the library
 * under test computes here through the Java API. Needs g++-aarch64-linux-gnu and qemu-user
 * (scripts/install-prerequisites --test); without them the script, and so this test, fails saying so.
 */
class Arm64CheckTest {
    static final int TOKENS = 48;
    static final Pattern RUN = Pattern.compile(
            "^(x86_64|aarch64-[\\w.-]+) \\((libggml-cpu-[\\w.]+\\.so), \\d+ s\\): ([\\d ]+)$", Pattern.MULTILINE);

    @TempDir
    static Path dir;

    @Test
    void arm64GreedyTokensEqualTheJavaRuntimes() throws Exception {
        String output = arm64Check();
        Map<String, String> variants = new LinkedHashMap<>();
        int[] expected = javaGreedyTokens();
        Matcher run = RUN.matcher(output);
        while (run.find()) {
            variants.put(run.group(1), run.group(2));
            int[] tokens = Arrays.stream(run.group(3).trim().split(" "))
                    .mapToInt(Integer::parseInt)
                    .toArray();
            assertArrayEquals(expected, tokens, run.group(1) + " differs from the Java runtime's greedy tokens");
        }
        assertEquals(4, variants.size(), "x86-64 and three arm64 runs expected:\n" + output);
        assertTrue(variants.containsKey("x86_64"), output);
        long armVariants = variants.entrySet().stream()
                .filter(e -> e.getKey().startsWith("aarch64-"))
                .map(Map.Entry::getValue)
                .distinct()
                .count();
        assertEquals(3, armVariants, "each emulated CPU loads another variant: " + variants);
        assertTrue(variants.containsValue("libggml-cpu-armv8.0_1.so"), "the oldest variant ran: " + variants);
    }

    /** Runs scripts/arm64-check TOKENS; returns its output after checking that it passed. */
    private static String arm64Check() throws IOException, InterruptedException {
        Path root = PrebuiltRuntimes.root();
        Path log = dir.resolve("arm64-check.log");
        Process p = new ProcessBuilder(root.resolve("scripts/arm64-check").toString(), Integer.toString(TOKENS))
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            assertTrue(p.waitFor(10, TimeUnit.MINUTES), "scripts/arm64-check did not end in 10 minutes");
        } finally {
            p.destroyForcibly();
        }
        String output = Files.readString(log);
        assertEquals(0, p.exitValue(), () -> "scripts/arm64-check failed:\n" + output);
        assertTrue(output.contains("arm64-check: OK"), output);
        return output;
    }

    /**
     * The bundled video model's greedy tokens after its BOS, as smoke.c asks for them (one thread, 64-token context):
     * the F32 one, as scripts/arm64-check says why.
     */
    private static int[] javaGreedyTokens() {
        try (Model model = Model.load(
                        PrebuiltRuntimes.root().resolve("models/moving-fashion-mnist-64.gguf"),
                        ModelOptions.builder().build());
                Session session = model.newSession(
                        SessionOptions.builder().contextLength(64).threads(1).build())) {
            int bos = BpeGgufMetadata.fromGguf(model.metadata().values()).bosId(); // the file's tokenizer
            session.sequence(0).feed(bos);
            session.setSampling(0, SamplingParams.greedy());
            return session.sequence(0).generate(TOKENS, t -> true).tokens();
        }
    }
}
