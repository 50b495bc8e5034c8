package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** Native log messages reach the Java handler, filtered by level; llama.cpp's vocabulary padding is not a warning. */
@Isolated
class LogRoutingTest {
    record Entry(Jpeglm.LogLevel level, String message) {}

    private static List<Entry> loadWith(Jpeglm.LogLevel level) {
        List<Entry> seen = new CopyOnWriteArrayList<>();
        Jpeglm.setLogHandler((l, m) -> seen.add(new Entry(l, m)));
        Jpeglm.setLogLevel(level);
        try (Model m = Model.load(TinyModels.mhaTied().path(), TinyModels.options())) {
            assertTrue(m.vocabSize() > 0);
        } finally {
            Jpeglm.setLogLevel(Jpeglm.LogLevel.WARN);
            Jpeglm.setLogHandler(
                    (l, msg) -> System.getLogger("org.jpeglm.native").log(l.systemLevel(), msg));
        }
        return seen;
    }

    @Test
    void infoLevelShowsTheLoaderAndTheDummyTokenNoteAsInfo() {
        List<Entry> seen = loadWith(Jpeglm.LogLevel.INFO);
        assertTrue(
                seen.stream()
                        .anyMatch(e ->
                                e.message().contains("llama") || e.message().contains("load")),
                seen::toString);
        assertTrue(seen.stream().noneMatch(e -> e.level() == Jpeglm.LogLevel.DEBUG), "below the level: " + seen);
        List<Entry> dummy =
                seen.stream().filter(e -> e.message().endsWith(" dummy tokens")).toList();
        assertFalse(dummy.isEmpty(), "a model without a text tokenizer gets padded: " + seen);
        assertTrue(dummy.stream().allMatch(e -> e.level() == Jpeglm.LogLevel.INFO), dummy::toString);
    }

    @Test
    void warnLevelIsQuietForAGoodModel() {
        List<Entry> seen = loadWith(Jpeglm.LogLevel.WARN);
        assertEquals(
                List.of(),
                seen.stream().filter(e -> e.message().contains("dummy tokens")).toList());
        assertTrue(seen.stream().allMatch(e -> e.level().compareTo(Jpeglm.LogLevel.WARN) >= 0), seen::toString);
    }
}
