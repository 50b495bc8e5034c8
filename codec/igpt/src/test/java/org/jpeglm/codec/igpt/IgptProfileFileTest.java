package org.jpeglm.codec.igpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.TokenPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IgptProfileFileTest {
    @TempDir
    Path dir;

    @Test
    void writesWhatItReads() throws IOException {
        Path file = dir.resolve(IgptProfileFile.FILE_NAME);
        var contents = new IgptProfileFile.Contents("igpt", IgptProfile.fashionMnist(4));
        IgptProfileFile.write(file, contents);
        assertEquals(contents, IgptProfileFile.read(file));
        String json = Files.readString(file);
        assertTrue(json.contains("\"format\" : \"jpeglm-igpt-profile\""), json);
        assertTrue(json.contains("\"palette\" : [ 0, 85, 170, 255 ]"), json);
        var colour = new IgptProfileFile.Contents("bpe-igpt", new IgptProfile(3, 2, Palette.of(3, new byte[] {
            1, 2, 3, 4, 5, 6
        })));
        IgptProfileFile.write(file, colour);
        assertEquals(colour, IgptProfileFile.read(file));
    }

    @Test
    void theSpecMustMatchTheCodecItNames() {
        var igpt = new IgptProfileFile.Contents("igpt", IgptProfile.fashionMnist(4));
        assertEquals(
                "igpt",
                igpt.spec(BpeTokenizer.fromMerges(4, List.of(), "<s>", "</s>")).codec());
        BpeTokenizer merged = BpeTokenizer.fromMerges(4, List.of(new TokenPair(0, 0)), "<s>", "</s>");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> igpt.spec(merged));
        assertTrue(e.getMessage().contains("codec is igpt"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new IgptProfileFile.Contents("jpeg", igpt.profile()));
    }

    @Test
    void refusesBadFilesNamingTheProblem() throws IOException {
        String good = IgptProfileFile.toJson(new IgptProfileFile.Contents("igpt", IgptProfile.fashionMnist(2)));
        assertRead(good.replace("\"codec\"", "\"_note\" : 1, \"codec\""), null);
        assertRead(good.replace("\"width\"", "\"widht\" : 1, \"width\""), "unknown key 'widht'");
        assertRead(good.replace("jpeglm-igpt-profile", "jpeglm-profile"), "format");
        assertRead(good.replace("\"version\" : 1", "\"version\" : 2"), "version 2");
        assertRead(good.replace("\"codec\" : \"igpt\"", "\"codec\" : \"h264\""), "codec is 'h264'");
        assertRead(good.replace("[ 0, 255 ]", "[ 0, 256 ]"), "palette[1]");
        assertRead(good.replace("[ 0, 255 ]", "[ 0 ]"), "entries");
        assertRead(good.replace("\"height\" : 28", "\"height\" : -1"), "'height'");
        assertRead(good.replace("\"channels\" : 1", "\"channels\" : 3"), "multiple of 3");
        assertRead("[]", "not a JSON object");
        assertRead("{", "not valid JSON");
        assertThrows(IOException.class, () -> IgptProfileFile.read(dir.resolve("none.json")));
    }

    private void assertRead(String json, String problem) throws IOException {
        Path file = dir.resolve("p.json");
        Files.writeString(file, json);
        if (problem == null) {
            IgptProfileFile.read(file);
            return;
        }
        IOException e = assertThrows(IOException.class, () -> IgptProfileFile.read(file), json);
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
