package org.jpeglm.cli;

import static org.jpeglm.cli.CliTest.assertUserError;
import static org.jpeglm.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jpeglm.cli.CliTest.Run;
import org.jpeglm.codec.igpt.IgptProfileFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code prepare-fashion-mnist --codec igpt|bpe-igpt}: the pixel codecs' training data and their defaults. */
class PrepareCodecCliTest {
    @TempDir
    Path dir;

    private JsonNode meta(Path out) throws Exception {
        return new ObjectMapper().readTree(out.resolve("meta.json").toFile());
    }

    @Test
    void igptDefaultsToOneImageAWindowAt28x28() throws Exception {
        Path out = dir.resolve("igpt");
        Run r = run(
                "prepare-fashion-mnist",
                "--codec",
                "igpt",
                "--levels",
                "4",
                "--images",
                "20",
                "--test-images",
                "4",
                "-o",
                out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("igpt with 4 gray levels"), r.err());
        JsonNode meta = meta(out);
        assertEquals(785, meta.get("context").asInt());
        assertEquals(6, meta.get("vocab_size").asInt());
        assertEquals(20, meta.get("train_windows").asInt());
        assertTrue(Files.isRegularFile(out.resolve(IgptProfileFile.FILE_NAME)));
        assertFalse(Files.exists(out.resolve("jpeglm_profile.json")));
    }

    @Test
    void bpeIgptDefaultsToTheJpegVocabulary() throws Exception {
        Path out = dir.resolve("bpe");
        Run r = run(
                "prepare-fashion-mnist",
                "--codec",
                "bpe-igpt",
                "--images",
                "200",
                "--test-images",
                "4",
                "--bpe-images",
                "200",
                "-o",
                out.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode meta = meta(out);
        assertEquals(578, meta.get("vocab_size").asInt());
        assertEquals(512, meta.get("context").asInt());
        assertEquals(4, meta.get("levels").asInt());
    }

    @Test
    void refusesOptionsThatDoNotFitTheCodec() {
        String out = dir.resolve("x").toString();
        assertUserError(run("prepare-fashion-mnist", "--codec", "png", "-o", out), "jpeg, igpt or bpe-igpt");
        assertUserError(run("prepare-fashion-mnist", "--codec", "igpt", "--merges", "5", "-o", out), "no merges");
        assertUserError(
                run("prepare-fashion-mnist", "--codec", "bpe-igpt", "--merges", "0", "-o", out), "needs merges");
        assertUserError(run("prepare-fashion-mnist", "--codec", "igpt", "--quality", "50", "-o", out), "--quality");
        assertUserError(run("prepare-fashion-mnist", "--codec", "igpt", "-c", "256", "-o", out), "785");
        assertUserError(run("prepare-fashion-mnist", "--codec", "igpt", "--levels", "1", "-o", out), "levels");
        assertFalse(Files.exists(dir.resolve("x")), "nothing written");
    }
}
