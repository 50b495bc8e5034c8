package org.jpeglm;

import static org.jpeglm.bindings.jpeglm_h.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ties the numbers the Java API copies from native headers to those headers: {@link ErrorCode} to jpeglm.h's
 * JPEGLM_ERR_*, {@link Jpeglm.LogLevel} to JPEGLM_LOG_*, {@link Device.Type} to JPEGLM_DEVICE_*, and
 * {@link FileType} to llama.h's LLAMA_FTYPE_* and to the file types the native quantizer accepts. Each check
 * goes both ways: a constant missing on either side fails as a wrong value does.
 */
class NativeConstantsTest {
    static Map<String, Integer> defines;

    @BeforeAll
    static void parseHeader() throws IOException {
        defines = parse(Files.readString(headerPath()), "#define (JPEGLM_\\w+)\\s+(-?\\d+)");
        assertTrue(defines.size() > 20, "parsed only " + defines.size() + " #defines from jpeglm.h");
    }

    /** NAME -> value for every match of pattern (groups: name, integer value). */
    static Map<String, Integer> parse(String text, String pattern) {
        Map<String, Integer> values = new TreeMap<>();
        Matcher m = Pattern.compile(pattern).matcher(text.replaceAll("//[^\n]*", ""));
        while (m.find()) {
            assertNull(values.put(m.group(1), Integer.parseInt(m.group(2))), "defined twice: " + m.group(1));
        }
        return values;
    }

    static Path headerPath() {
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                .toAbsolutePath();
        for (Path p = base; p != null; p = p.getParent()) {
            Path h = p.resolve("native/include/jpeglm.h");
            if (Files.isRegularFile(h)) {
                return h;
            }
        }
        throw new AssertionError("native/include/jpeglm.h not found above " + base);
    }

    /** The header's constants with prefix, keyed by the rest of their name. */
    static Map<String, Integer> withPrefix(Map<String, Integer> values, String prefix) {
        return values.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .collect(Collectors.toMap(
                        e -> e.getKey().substring(prefix.length()), Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    /** Asserts that the enum constants (all but those in javaOnly) and their values are exactly the header's. */
    static <E extends Enum<E>> void assertMatches(
            Map<String, Integer> header, Class<E> type, Function<E, Integer> value, String what, String... javaOnly) {
        Map<String, Integer> java = Arrays.stream(type.getEnumConstants())
                .filter(e -> !Arrays.asList(javaOnly).contains(e.name()))
                .collect(Collectors.toMap(Enum::name, value, (a, b) -> a, TreeMap::new));
        assertFalse(header.isEmpty(), "the header has no " + what);
        assertEquals(header, java, type.getSimpleName() + " against " + what);
    }

    @Test
    void errorCodesAreTheHeaderStatusCodes() {
        Map<String, Integer> header = withPrefix(defines, "JPEGLM_ERR_");
        assertMatches(header, ErrorCode.class, ErrorCode::status, "JPEGLM_ERR_*");
        for (ErrorCode code : ErrorCode.values()) {
            assertEquals(code, ErrorCode.of(code.status()));
        }
        assertEquals(0, defines.get("JPEGLM_OK"));
        assertTrue(Arrays.stream(ErrorCode.values()).noneMatch(c -> c.status() == defines.get("JPEGLM_OK")));
    }

    @Test
    void logLevelsAreTheHeaderLevels() {
        Map<String, Integer> header = withPrefix(defines, "JPEGLM_LOG_");
        assertMatches(header, Jpeglm.LogLevel.class, Jpeglm.LogLevel::nativeLevel, "JPEGLM_LOG_*", "OFF");
        for (Jpeglm.LogLevel level : Jpeglm.LogLevel.values()) {
            if (level != Jpeglm.LogLevel.OFF) {
                assertEquals(level, Jpeglm.LogLevel.ofNative(level.nativeLevel()));
            }
        }
        // OFF is Java's own: a minimum level above every native one, so nothing passes it.
        int highest = header.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertTrue(Jpeglm.LogLevel.OFF.nativeLevel() > highest, "OFF must be above " + highest);
    }

    @Test
    void deviceTypesAreTheHeaderTypes() {
        assertMatches(
                withPrefix(defines, "JPEGLM_DEVICE_"), Device.Type.class, Device.Type::nativeValue, "JPEGLM_DEVICE_*");
        for (Device.Type type : Device.Type.values()) {
            assertEquals(type, Device.Type.ofNative(type.nativeValue()));
        }
    }

    @Test
    void fileTypesAreLlamaCppFileTypes() throws IOException {
        Optional<Path> llamaH = llamaHeader();
        Assumptions.assumeTrue(
                llamaH.isPresent(),
                "libjpeglm was not built here: no CMakeCache.txt beside " + System.getProperty("jpeglm.library.path")
                        + " to find llama.h in");
        Map<String, Integer> ftypes =
                parse(Files.readString(llamaH.orElseThrow()), "(LLAMA_FTYPE_\\w+)\\s*=\\s*(\\d+)");
        assertTrue(ftypes.size() > 20, "parsed only " + ftypes.size() + " LLAMA_FTYPE_* from " + llamaH.get());
        for (FileType type : FileType.values()) {
            String name = type == FileType.F32 ? "LLAMA_FTYPE_ALL_F32" : "LLAMA_FTYPE_MOSTLY_" + type.name();
            assertEquals(ftypes.get(name), type.id(), type + " is " + name + " in " + llamaH.get());
        }
    }

    @Test
    void fileTypesAreWhatTheQuantizerAccepts() {
        Native.init();
        TreeSet<Integer> accepted = new TreeSet<>();
        try (Arena arena = Arena.ofConfined()) {
            // The file type is checked before the input: accepted types fail only on the missing file.
            var missing = arena.allocateFrom("/nonexistent/jpeglm-native-constants-test.gguf");
            var out = arena.allocateFrom("/nonexistent/out.gguf");
            for (int id = -1; id <= 1100; id++) {
                int status = jpeglm_quantize(missing, out, id, 1);
                if (status == JPEGLM_ERR_IO()) {
                    accepted.add(id);
                } else {
                    assertEquals(JPEGLM_ERR_UNSUPPORTED(), status, "file type " + id + ": " + Native.lastError());
                }
            }
        }
        TreeSet<Integer> java =
                Arrays.stream(FileType.values()).map(FileType::id).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(FileType.values().length, java.size(), "two FileTypes share an id");
        assertEquals(accepted, java, "FileType against the types jpeglm_quantize accepts");
    }

    /** native/include is not where llama.h is: the CMake cache of the library's build names the llama.cpp tree. */
    static Optional<Path> llamaHeader() throws IOException {
        String library = System.getProperty("jpeglm.library.path");
        if (library == null || Path.of(library).getParent() == null) {
            return Optional.empty();
        }
        Path cache = Path.of(library).getParent().resolve("CMakeCache.txt");
        if (!Files.isRegularFile(cache)) {
            return Optional.empty();
        }
        Matcher m = Pattern.compile("(?m)^LLAMA_CPP_DIR:PATH=(.+)$").matcher(Files.readString(cache));
        assertTrue(m.find(), "no LLAMA_CPP_DIR in " + cache);
        Path llamaH = Path.of(m.group(1).trim(), "include", "llama.h");
        assertTrue(Files.isRegularFile(llamaH), llamaH + " (named by " + cache + ") is missing");
        return Optional.of(llamaH);
    }
}
