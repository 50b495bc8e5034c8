package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.testing.TinyLlamaGguf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model's one-line description names its size from its parameter count, as llama.cpp names the sizes it knows
 * ("llama 7B Q4_K - Medium"): never llama.cpp's "?B" for a size it has no name for (every model jpeglm trains).
 */
class ModelDescriptionTest {
    private static final Pattern DESCRIPTION = Pattern.compile("llama (\\d+(?:\\.\\d)?)([KMBT]?) (.+)");

    @TempDir
    Path dir;

    @Test
    void theSizeIsTheParameterCount() throws Exception {
        Path p = dir.resolve("tiny.gguf");
        TinyLlamaGguf.write(TinyModels.mhaTied().weights(), p, GgmlType.F32);
        try (Model m = Model.load(p, TinyModels.options())) {
            assertSize(m, "F32");
        }
    }

    @Test
    void theBundledModelIsTwoMillionParameters() {
        Path bundled = Path.of("..", "models", "fashion-mnist-32.gguf");
        try (Model m = Model.load(bundled, TinyModels.options())) {
            assertSize(m, "Q8_0"); // models/README.md: Q8_0 weights
            assertTrue(m.description().startsWith("llama 2."), m.description()); // models/README.md: 2M parameters
        }
    }

    /** The description's size, read back, is the parameter count to its two or three significant digits. */
    private static void assertSize(Model m, String fileType) {
        String d = m.description();
        Matcher matcher = DESCRIPTION.matcher(d);
        assertTrue(matcher.matches(), d);
        assertTrue(matcher.group(3).contains(fileType), d); // llama.cpp's file type name, e.g. "all F32"
        double scale = switch (matcher.group(2)) {
            case "K" -> 1e3;
            case "M" -> 1e6;
            case "B" -> 1e9;
            case "T" -> 1e12;
            default -> 1;
        };
        double named = Double.parseDouble(matcher.group(1)) * scale;
        assertEquals(m.parameterCount(), named, 0.05 * m.parameterCount(), d + " for " + m.parameterCount());
        assertEquals(d, m.toString().split(", ")[1], "toString carries it");
    }
}
