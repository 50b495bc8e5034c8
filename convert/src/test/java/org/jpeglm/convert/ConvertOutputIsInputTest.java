package org.jpeglm.convert;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jpeglm.FileType;
import org.jpeglm.bpe.HfTokenizerJson;
import org.jpeglm.codec.jpeg.JpegProfileFile;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.testing.HfCheckpoints;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.RandomLlama;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converter never writes over a file it reads: the checkpoint's config, index, shards, tokenizer and profile,
 * or a tokenizer, profile or GGUF given from elsewhere; directly, through a symbolic link, or a hard link; with
 * replacing allowed or not. Each refusal is {@link CheckpointException.Kind#OUTPUT_IS_INPUT}, names the file, and
 * leaves every file as it was.
 */
class ConvertOutputIsInputTest {
    static final LlamaConfig CONFIG = new LlamaConfig(300, 64, 2, 4, 2, 96, 128, 10000f, 1e-5f, false);

    @TempDir
    Path dir;

    Path ckpt;

    @BeforeEach
    void writeCheckpoint() throws IOException {
        ckpt = HfCheckpoints.write(dir.resolve("ckpt"), RandomLlama.create(CONFIG, 5), "F32", 2);
        HfCheckpoints.addJpegLm(ckpt, HfCheckpoints.tokenizer(CONFIG.vocabSize(), 1), JpegProfile.PAPER);
        Files.writeString(
                ckpt.resolve(TokenizerFiles.CONFIG_FILE_NAME), "{\"bos_token\": \"<s>\", \"eos_token\": \"</s>\"}");
    }

    @Test
    void everyFileOfTheCheckpointIsRefusedWithOrWithoutReplacing() throws IOException {
        List<String> inputs = List.of(
                "config.json",
                "model.safetensors.index.json",
                "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors",
                "tokenizer.json",
                "tokenizer_config.json",
                "jpeglm_profile.json");
        Map<String, byte[]> before = snapshot();
        for (String name : inputs) {
            for (boolean replace : new boolean[] {true, false}) {
                Path out = ckpt.resolve(name);
                CheckpointException e = refused(
                        ConvertOptions.builder(ckpt, out).type(FileType.F16).replaceExisting(replace));
                assertEquals(
                        "the output " + out.toAbsolutePath().normalize() + " is an input of this conversion",
                        e.problem());
            }
        }
        assertSnapshot(before);
    }

    @Test
    void relativeAndUnnormalizedPathsAreResolved() throws IOException {
        Map<String, byte[]> before = snapshot();
        Path out = ckpt.resolve("sub/../config.json");
        Files.createDirectories(ckpt.resolve("sub"));
        refused(ConvertOptions.builder(ckpt, out).replaceExisting(true));
        Files.delete(ckpt.resolve("sub"));
        assertSnapshot(before);
    }

    @Test
    void linksToAnInputAreRefused() throws IOException {
        Map<String, byte[]> before = snapshot();
        Path symlink = Files.createSymbolicLink(dir.resolve("model.gguf"), ckpt.resolve("config.json"));
        CheckpointException e = refused(ConvertOptions.builder(ckpt, symlink).replaceExisting(true));
        assertEquals(
                "the output " + symlink + " is the input " + ckpt.resolve("config.json") + " (through a link)",
                e.problem());
        Files.delete(symlink);
        Path hard = Files.createLink(dir.resolve("hard.gguf"), ckpt.resolve("model-00002-of-00002.safetensors"));
        refused(ConvertOptions.builder(ckpt, hard).replaceExisting(true));
        Files.delete(hard);
        // A link to the checkpoint directory reaches the same files.
        Path linkedDir = Files.createSymbolicLink(dir.resolve("linked"), ckpt);
        refused(ConvertOptions.builder(linkedDir, ckpt.resolve("tokenizer.json"))
                .replaceExisting(true));
        Files.delete(linkedDir);
        assertSnapshot(before);
    }

    @Test
    void givenTokenizerProfileAndGgufAreRefused() throws IOException {
        Path tokenizer = dir.resolve("tok.json");
        HfTokenizerJson.write(HfCheckpoints.tokenizer(CONFIG.vocabSize(), 2), tokenizer);
        Path profile = dir.resolve("profile.json");
        JpegProfileFile.write(profile, JpegProfile.PAPER, null);
        byte[] tok = Files.readAllBytes(tokenizer);
        byte[] prof = Files.readAllBytes(profile);
        refused(ConvertOptions.builder(ckpt, tokenizer)
                .tokenizer(TokenizerSource.file(tokenizer))
                .replaceExisting(true));
        refused(ConvertOptions.builder(ckpt, profile)
                .profile(ProfileSource.file(profile))
                .replaceExisting(true));
        assertArrayEquals(tok, Files.readAllBytes(tokenizer));
        assertArrayEquals(prof, Files.readAllBytes(profile));

        // A Jpeg-LM GGUF as the source of the tokenizer and of the profile: it may not be the output either.
        Path gguf = dir.resolve("other.gguf");
        Converter.convert(ConvertOptions.builder(ckpt, gguf).type(FileType.F16).build());
        byte[] other = Files.readAllBytes(gguf);
        refused(ConvertOptions.builder(ckpt, gguf)
                .tokenizer(TokenizerSource.file(gguf))
                .replaceExisting(true));
        refused(ConvertOptions.builder(ckpt, gguf)
                .profile(ProfileSource.gguf(gguf))
                .replaceExisting(true));
        assertArrayEquals(other, Files.readAllBytes(gguf));

        // An output that is not an input is still replaced when allowed.
        Converter.convert(ConvertOptions.builder(ckpt, gguf)
                .tokenizer(TokenizerSource.file(tokenizer))
                .replaceExisting(true)
                .build());
        assertFalse(java.util.Arrays.equals(other, Files.readAllBytes(gguf)), "rewritten with the other tokenizer");
    }

    @Test
    void theFileOfOverridingTablesIsRefused() throws IOException {
        Path tables = Files.writeString(dir.resolve("tables.jpg"), "read by the front end");
        JpegProfileFile.Fields overrides =
                new JpegProfileFile.Fields(null, null, null, null, null, JpegProfile.PAPER.tables(), tables.toString());
        CheckpointException e = refused(
                ConvertOptions.builder(ckpt, tables).profileOverrides(overrides).replaceExisting(true));
        assertEquals("the output " + tables + " is an input of this conversion", e.problem());
        assertEquals("read by the front end", Files.readString(tables));
    }

    @Test
    void givenFilesListsWhatTheOptionsRead() {
        Path tok = Path.of("/x/tok.json");
        ConvertOptions o = ConvertOptions.builder(ckpt, Path.of("o.gguf"))
                .tokenizer(TokenizerSource.file(tok))
                .profile(ProfileSource.gguf(Path.of("/y/m.gguf")))
                .build();
        assertEquals(List.of(tok, Path.of("/x/tokenizer_config.json"), Path.of("/y/m.gguf")), o.givenFiles());
        assertEquals(
                List.of(),
                ConvertOptions.builder(ckpt, Path.of("o.gguf"))
                        .plain(true)
                        .build()
                        .givenFiles());
    }

    CheckpointException refused(ConvertOptions.Builder options) throws IOException {
        CheckpointException e = assertThrows(CheckpointException.class, () -> Converter.convert(options.build()));
        assertEquals(CheckpointException.Kind.OUTPUT_IS_INPUT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("an input is never replaced"), e.getMessage());
        try (Stream<Path> all = Files.walk(dir)) {
            assertEquals(
                    List.of(),
                    all.filter(p -> p.getFileName().toString().endsWith(".partial"))
                            .toList(),
                    "no temporary files");
        }
        return e;
    }

    Map<String, byte[]> snapshot() throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(ckpt)) {
            for (Path p : s.toList()) {
                m.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    void assertSnapshot(Map<String, byte[]> before) throws IOException {
        Map<String, byte[]> after = snapshot();
        assertEquals(before.keySet(), after.keySet());
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k + " is unchanged"));
    }
}
