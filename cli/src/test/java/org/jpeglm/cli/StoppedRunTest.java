package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped by the JVM's shutdown keeps what it wrote: its summary lists every result on disk, whichever of the
 * main thread's close and the shutdown's own summary comes first. Found as a flake of
 * CliRefusesTest.anInterruptedRunLeavesASummaryListingExactlyTheImagesWritten: when the main thread's close took the
 * lock first, its summary write was refused (only the shutdown may write then) and the full-disk fallback deleted
 * every image, leaving a summary of none. {@link StoppedRunMain} makes that order certain.
 */
class StoppedRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RESULTS = 5;

    @TempDir
    Path dir;

    @Test
    void aRunStoppedWhileClosingKeepsAndListsWhatItWrote() throws Exception {
        Path out = dir.resolve("run");
        Path log = dir.resolve("run.log");
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        StoppedRunMain.class.getName(),
                        out.toString(),
                        Integer.toString(RESULTS))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            assertTrue(child.waitFor(1, TimeUnit.MINUTES), "the child ends");
        } finally {
            child.destroyForcibly();
        }
        assertEquals(3, child.exitValue(), Files.readString(log));
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertFalse(summary.get("complete").asBoolean(), summary.toString());
        Set<String> listed = new TreeSet<>();
        summary.get("images").forEach(img -> img.get("files").forEach(f -> listed.add(f.asText())));
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(out)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("image-"))
                    .forEach(present::add);
        }
        assertEquals(RESULTS, present.size(), "every result written stays: " + present);
        assertEquals(present, listed);
        assertEquals(RESULTS, summary.get("count").asInt());
    }
}
