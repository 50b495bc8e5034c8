package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jpeglm.Model;
import org.jpeglm.Session;
import org.jpeglm.SessionOptions;
import org.jpeglm.cli.CliTest.Run;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.convert.TokenizerFiles;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufFile;
import org.jpeglm.gguf.GgufTensorInfo;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.testing.HfCheckpoints;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.RandomLlama;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a user runs them: exit codes, messages without stack traces, help with examples. */
class ConvertCliTest {
    @TempDir
    Path dir;

    /** An F32 KV cache and no flash attention: only float rounding separates llama.cpp from the reference. */
    static final SessionOptions EXACT_64 = SessionOptions.builder()
            .contextLength(64)
            .kvCacheType(SessionOptions.KvCacheType.F32)
            .flashAttention(SessionOptions.FlashAttention.OFF)
            .build();

    static Run run(String... args) {
        return CliTest.run(args);
    }

    static void assertNoStackTrace(Run r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace: " + r.err());
    }

    @Test
    void helpOfEveryCommandHasExamples() {
        for (String cmd : List.of("convert", "info", "random")) {
            Run r = run(cmd, "--help");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("Examples:"), cmd + ": " + r.out());
            assertTrue(r.out().contains("Usage: jpeglm " + cmd), r.out());
        }
        Run top = run("--help");
        assertEquals(0, top.exit());
        assertTrue(
                top.out().contains("convert")
                        && top.out().contains("info")
                        && top.out().contains("random"),
                top.out());
    }

    /**
     * A small model's conversion says its sizes in KiB (not "0 of 0 MiB"), and llama.cpp's quantizer warnings,
     * written in pieces with a "warning:" of their own, come out as one line each with one level.
     */
    @Test
    void smallSizesAndQuantizerWarningsReadWell() throws IOException {
        LlamaConfig c = new LlamaConfig(300, 64, 2, 4, 2, 96, 128, 10000f, 1e-5f, true);
        Path ckpt = HfCheckpoints.write(dir.resolve("ckpt"), RandomLlama.create(c, 1), "BF16", 1);
        org.jpeglm.bpe.HfTokenizerJson.write(HfCheckpoints.tokenizer(c.vocabSize(), 2), ckpt.resolve("tokenizer.json"));
        java.io.PrintStream old = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        Run r;
        System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        try { // the library's log goes to System.err (CliLogging), the command's own lines to its writer
            r = run(
                    "convert",
                    ckpt.toString(),
                    "-o",
                    dir.resolve("q.gguf").toString(),
                    "--profile",
                    "paper",
                    "--size",
                    "64x32",
                    "--type",
                    "q4_k_m");
        } finally {
            System.setErr(old);
        }
        String native_ = log.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, r.exit(), r.err() + native_);
        assertTrue(
                r.err()
                        .lines()
                        .anyMatch(l ->
                                l.matches("writing BF16 for the quantizer: [0-9.]+ KiB of [0-9.]+ KiB in [0-9.]+ s")),
                r.err());
        assertFalse(r.err().contains("0 MiB"), r.err());
        assertTrue(
                r.out()
                        .matches(
                                "(?s)wrote .*q\\.gguf: q4_k_m, 20 tensors, [0-9.]+ KiB, with the tokenizer and profile of codec jpeg in .*"),
                r.out());
        assertTrue(
                native_.contains("jpeglm: warning: blk.0.attn_k.weight - ncols 64 not divisible by 256 (required "
                        + "for type q4_K) -> falling back to q5_0" + System.lineSeparator()),
                native_);
        assertFalse(native_.contains("warning: warning:"), native_);
        assertTrue( // no continuation on a line of its own
                native_.lines().allMatch(l -> l.startsWith("jpeglm: warning: ") && !l.contains("warning: ->")),
                native_);
    }

    @Test
    void convertThenInfo() throws IOException {
        LlamaConfig c = new LlamaConfig(300, 64, 2, 4, 2, 96, 128, 10000f, 1e-5f, true);
        Path ckpt = HfCheckpoints.write(dir.resolve("ckpt"), RandomLlama.create(c, 1), "BF16", 1);
        HfCheckpoints.tokenizer(c.vocabSize(), 2);
        org.jpeglm.bpe.HfTokenizerJson.write(HfCheckpoints.tokenizer(c.vocabSize(), 2), ckpt.resolve("tokenizer.json"));
        Path out = dir.resolve("m.gguf");
        Run r = run(
                "convert",
                ckpt.toString(),
                "-o",
                out.toString(),
                "--profile",
                "paper",
                "--size",
                "64x32",
                "--type",
                "q8_0",
                "--kv-cache-type",
                "Q8_0");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("wrote " + out + ": q8_0, 20 tensors"), r.out());
        try (var f = org.jpeglm.gguf.GgufFile.open(out)) {
            assertEquals("q8_0", f.get("jpeglm.kv_cache_type").orElseThrow().value());
        }
        Run badType =
                run("convert", ckpt.toString(), "-o", dir.resolve("never.gguf").toString(), "--kv-cache-type", "q4");
        assertEquals(1, badType.exit());
        assertTrue(badType.err().contains("jpeglm.kv_cache_type is 'q4', not one of f16, f32, q8_0"), badType.err());
        assertTrue(r.err().contains("writing Q8_0"), r.err());
        assertEquals(
                new JpegProfile(25, org.jpeglm.jpeg.Subsampling.S420, 1, 64, 32),
                org.jpeglm.convert.TokenizerFiles.readSpec(out).profile());

        Run again = run("convert", ckpt.toString(), "-o", out.toString(), "--profile", "paper");
        assertEquals(1, again.exit());
        assertTrue(again.err().startsWith("error: the output " + out + " exists; pass --force"), again.err());
        assertNoStackTrace(again);

        Run info = run("info", out.toString());
        assertEquals(0, info.exit(), info.err());
        assertTrue(info.out().contains("general.architecture"), info.out());
        assertTrue(info.out().contains("\"llama\""), info.out());
        assertTrue(info.out().contains("llama.attention.head_count_kv"), info.out());
        assertTrue(info.out().contains("blk.1.ffn_down.weight"), info.out());
        assertTrue(info.out().contains("Jpeg-LM: JPEG quality 25, 4:2:0, restart interval 1, 64x32"), info.out());
        assertTrue(info.out().contains("tokenizer: 300 tokens, 42 merges, BOS 298, EOS 299"), info.out());
        assertTrue(info.out().contains("... (84 values)"), "long arrays are abbreviated: " + info.out());
        Run brief = run("info", out.toString(), "--no-tensors");
        assertFalse(brief.out().contains("blk.1.ffn_down.weight"));
    }

    @Test
    void userErrorsAreOneLineWithoutStackTrace() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Run r = run("convert", empty.toString(), "-o", dir.resolve("x.gguf").toString());
        assertEquals(1, r.exit());
        assertEquals(
                "error: missing config.json: " + empty
                        + " has no config.json (a Hugging Face checkpoint directory holds "
                        + "config.json and model.safetensors)",
                r.err().strip());
        assertNoStackTrace(r);

        Run info = run("info", dir.resolve("none.gguf").toString());
        assertEquals(1, info.exit());
        assertTrue(info.err().startsWith("error: no such file: "), info.err());
        assertNoStackTrace(info);

        Path text = dir.resolve("text.gguf");
        Files.writeString(text, "not a model at all");
        Run notGguf = run("info", text.toString());
        assertEquals(1, notGguf.exit());
        assertTrue(notGguf.err().contains("is not a GGUF file"), notGguf.err());

        Run badType = run("random", "-o", dir.resolve("r.gguf").toString(), "--type", "q9");
        assertEquals(1, badType.exit());
        assertTrue(badType.err().startsWith("error: unknown --type 'q9'"), badType.err());
        assertNoStackTrace(badType);

        Run badShape = run("random", "-o", dir.resolve("r.gguf").toString(), "--dim", "100", "--heads", "3");
        assertEquals(1, badShape.exit());
        assertTrue(
                badShape.err().contains("hidden_size 100 is not a multiple of num_attention_heads 3"), badShape.err());

        Run usage = run("convert", empty.toString());
        assertEquals(2, usage.exit(), "picocli's usage error");
        assertTrue(usage.err().contains("Missing required option: '--output=FILE'"), usage.err());
        assertFalse(Files.exists(dir.resolve("r.gguf")));
        assertFalse(Files.exists(dir.resolve("x.gguf")));
    }

    @Test
    void converterProblemsNameTheFlagThatFixesThem() throws IOException {
        LlamaConfig c = new LlamaConfig(300, 64, 2, 4, 2, 96, 128, 10000f, 1e-5f, false);
        Path bare = HfCheckpoints.write(dir.resolve("bare"), RandomLlama.create(c, 2), "F32", 1);
        String out = dir.resolve("x.gguf").toString();
        assertRefused(
                run("convert", "-q", bare.toString(), "-o", out),
                "error: " + bare + " has no tokenizer.json and no jpeglm_profile.json",
                "give them with --tokenizer and --profile (--profile paper",
                "or pass --plain");
        Path tokenizer = dir.resolve("tok.json");
        org.jpeglm.bpe.HfTokenizerJson.write(HfCheckpoints.tokenizer(c.vocabSize(), 2), tokenizer);
        assertRefused(
                run("convert", "-q", bare.toString(), "-o", out, "--tokenizer", tokenizer.toString()),
                "error: no JPEG profile: ",
                "give one with --profile FILE, --profile paper",
                "--quality/--subsampling/--restart-interval/--size");
        assertRefused(
                run("convert", "-q", bare.toString(), "-o", out, "--profile", "paper"),
                "error: no tokenizer: ",
                "give one with --tokenizer (a tokenizer.json or a Jpeg-LM .gguf), or pass --plain");
        assertRefused(
                run(
                        "convert",
                        "-q",
                        bare.toString(),
                        "-o",
                        out,
                        "--tokenizer",
                        tokenizer.toString(),
                        "--quality",
                        "25",
                        "--subsampling",
                        "4:2:0",
                        "--restart-interval",
                        "1"),
                "error: the JPEG profile (the overrides) lacks 'width'",
                "--size WxH");
        assertRefused(
                run("convert", "-q", bare.toString(), "-o", out, "--type", "q3_x"),
                "error: unknown --type 'q3_x'; one of auto, f32",
                "q4_k_m");
        assertRefused(
                run("convert", "-q", bare.toString(), "-o", out, "--plain", "--tokenizer", tokenizer.toString()),
                "error: --plain writes no tokenizer and no JPEG profile; drop --tokenizer");
        assertRefused(
                run("convert", "-q", bare.toString(), "-o", dir.toString(), "--plain"),
                "error: the output " + dir + " is a directory; give the GGUF file to write (-o model.gguf)");
        assertRefused(
                run("random", "-q", "-o", out, "--vocab", "100", "--jpeglm"),
                "error: a synthetic Jpeg-LM tokenizer fills a vocabulary of 258 to 65794 tokens",
                "not 100; --jpeglm needs --vocab 258 to 65794");
        assertFalse(Files.exists(Path.of(out)));
    }

    static void assertRefused(Run r, String start, String... fragments) {
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().startsWith(start), r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "'" + f + "' in " + r.err());
        }
        assertNoStackTrace(r);
    }

    @Test
    void randomWritesAModelThatLoadsAndRuns() throws IOException {
        Path out = dir.resolve("random.gguf");
        Run r = run(
                "random",
                "-o",
                out.toString(),
                "--dim",
                "64",
                "--layers",
                "3",
                "--heads",
                "4",
                "--kv-heads",
                "2",
                "--ffn",
                "96",
                "--vocab",
                "400",
                "--ctx",
                "256",
                "--type",
                "q8_0",
                "--jpeglm",
                "--seed",
                "7");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("q8_0"), r.out());
        long params;
        try (GgufFile f = GgufFile.open(out)) {
            params =
                    f.tensors().stream().mapToLong(GgufTensorInfo::elementCount).sum();
            assertEquals(
                    GgmlType.Q8_0, f.tensor("blk.2.attn_q.weight").orElseThrow().type());
            assertEquals(
                    GgmlType.F32,
                    f.tensor("blk.2.ffn_norm.weight").orElseThrow().type());
            assertEquals(2 + 9 * 3 + 1, f.tensors().size());
            JpegLmSpec spec = TokenizerFiles.readSpec(out);
            assertEquals(400, spec.tokenizer().vocabSize());
            assertEquals(JpegProfile.PAPER, spec.profile());
        }
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "%,d parameters", params)), r.out());
        try (Model m = Model.load(out);
                Session s = m.newSession(EXACT_64)) {
            assertEquals(400, m.vocabSize());
            assertEquals(3, m.layers());
            assertEquals(2, m.kvHeads());
            s.sequence(0).feed(new int[] {398, 1, 2, 3});
            float[] logits = s.sequence(0).logits();
            for (float v : logits) {
                assertTrue(Float.isFinite(v));
            }
            double spread = 0;
            for (float v : logits) {
                spread = Math.max(spread, Math.abs(v - logits[0]));
            }
            assertTrue(spread > 1e-3, "random weights give distinct logits");
            for (int i = 0; i < 8; i++) {
                int t = s.sequence(0).step();
                assertTrue(t >= 0 && t < 400);
            }
        }
        // The same seed writes the same file; another seed another one.
        Path same = dir.resolve("same.gguf");
        assertEquals(
                0,
                run(
                                "random",
                                "-o",
                                same.toString(),
                                "--dim",
                                "64",
                                "--layers",
                                "3",
                                "--heads",
                                "4",
                                "--kv-heads",
                                "2",
                                "--ffn",
                                "96",
                                "--vocab",
                                "400",
                                "--ctx",
                                "256",
                                "--type",
                                "q8_0",
                                "--jpeglm",
                                "--seed",
                                "7",
                                "-q")
                        .exit());
        assertArrayEquals(Files.readAllBytes(out), Files.readAllBytes(same));
        assertEquals(
                0,
                run(
                                "random",
                                "-o",
                                same.toString(),
                                "--dim",
                                "64",
                                "--layers",
                                "3",
                                "--heads",
                                "4",
                                "--kv-heads",
                                "2",
                                "--ffn",
                                "96",
                                "--vocab",
                                "400",
                                "--ctx",
                                "256",
                                "--type",
                                "q8_0",
                                "--jpeglm",
                                "--seed",
                                "8",
                                "-q",
                                "--force")
                        .exit());
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(out), Files.readAllBytes(same)));
        Run exists = run("random", "-o", same.toString());
        assertEquals(1, exists.exit());
        assertTrue(exists.err().contains("exists; pass --force"), exists.err());
    }

    @Test
    void randomKQuant() throws IOException {
        Path out = dir.resolve("q4.gguf");
        Run r = run(
                "random",
                "-o",
                out.toString(),
                "--dim",
                "256",
                "--layers",
                "2",
                "--heads",
                "4",
                "--ffn",
                "512",
                "--vocab",
                "300",
                "--type",
                "q4_k_m",
                "--tied",
                "-t",
                "2");
        assertEquals(0, r.exit(), r.err());
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(
                    GgmlType.Q4_K, f.tensor("blk.0.ffn_up.weight").orElseThrow().type());
            assertTrue(f.tensor("output.weight").isEmpty());
        }
        try (Model m = Model.load(out);
                Session s = m.newSession(EXACT_64)) {
            s.sequence(0).feed(new int[] {1, 2, 3});
            assertTrue(s.sequence(0).step() >= 0);
        }
        try (var files = Files.list(dir)) {
            assertEquals(
                    List.of("q4.gguf"),
                    files.map(p -> p.getFileName().toString()).toList(),
                    "no temporary file left");
        }
    }
}
