package org.jpeglm.codec.jpeg;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Profile files ProfileFileFuzzProperties found escaping as another exception. */
class JpegProfileFileErrorsTest {
    @TempDir
    Path dir;

    private ProfileFileException fails(String json) throws IOException {
        Path p = dir.resolve(JpegProfileFile.FILE_NAME);
        Files.writeString(p, json);
        return assertThrows(ProfileFileException.class, () -> JpegProfileFile.read(p));
    }

    /** A NUL in tables_file escaped as java.nio.file.InvalidPathException. */
    @Test
    void aTablesFileThatIsNoPathIsNamed() throws IOException {
        String m = fails("{\"format\": \"jpeglm-profile\", \"tables_file\": \"a\\u0000b\"}")
                .getMessage();
        assertTrue(m.contains("tables_file") && m.contains("not a valid path"), m);
        m = fails("{\"tables_file\": {\"name\": \"t.jpg\"}}").getMessage();
        assertTrue(m.contains("tables_file") && m.contains("string"), m);
    }
}
