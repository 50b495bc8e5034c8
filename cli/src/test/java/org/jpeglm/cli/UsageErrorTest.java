package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.jpeglm.cli.CliTest.Run;
import org.junit.jupiter.api.Test;

/**
 * A usage error is one line: what is wrong, picocli's suggestion for a mistyped option or command, and where the
 * help is; exit code 2. Not the 80 lines of the command's usage that buried it.
 */
class UsageErrorTest {
    static void assertOneLine(Run r, String expected) {
        assertEquals(2, r.exit(), r.err());
        assertEquals("", r.out());
        assertEquals(expected + System.lineSeparator(), r.err());
    }

    @Test
    void aMistypedOptionGetsItsSuggestion() {
        assertOneLine(
                CliTest.run("generate", "--tmep", "0.9", "-n", "4"),
                "error: unknown option '--tmep': did you mean --temp? (jpeglm generate --help lists every option)");
    }

    @Test
    void aMistypedCommandGetsItsSuggestion() {
        assertOneLine(
                CliTest.run("genrate", "-n", "4"),
                "error: unexpected argument 'genrate': did you mean generate? (jpeglm --help lists every command)");
    }

    @Test
    void suggestionsAreTheNearestNamesOnly() {
        assertEquals(1, Suggestions.distance("--tmep", "--temp"), "a swap is one edit");
        assertEquals(List.of("--temp"), Suggestions.nearest("--tmep", List.of("--top-k", "--temp", "--seed")));
        assertEquals(List.of("--seed"), Suggestions.nearest("--seeed=3".split("=")[0], List.of("--seed", "-s")));
        assertEquals(List.of(), Suggestions.nearest("--frobnicate", List.of("--temp", "--seed")), "nothing near");
        Run r = CliTest.run("generate", "--frobnicate");
        assertOneLine(r, "error: unknown option '--frobnicate' (jpeglm generate --help lists every option)");
    }

    /** A count beyond an int is told the count's range, as one within an int but beyond the range is. */
    @Test
    void aCountBeyondAnIntIsToldTheRange() {
        assertOneLine(
                CliTest.run("generate", "-n", "99999999999"),
                "error: Invalid value for option '--count': the count is 99,999,999,999: at most 1,000,000 images per"
                        + " run (1 to 1,000,000); split the work into several runs (another --seed each) (jpeglm"
                        + " generate --help lists every option)");
        assertOneLine(
                CliTest.run("complete", "x.png", "--samples", "-99999999999"),
                "error: Invalid value for option '--samples': the count must be 1 to 1,000,000, got -99999999999"
                        + " (jpeglm complete --help lists every option)");
        assertOneLine(
                CliTest.run("generate-video", "-n", "many"),
                "error: Invalid value for option '--count': 'many' is not a whole number (jpeglm generate-video --help"
                        + " lists every option)");
    }

    @Test
    void otherUsageErrorsAreOneLineToo() {
        assertOneLine(
                CliTest.run("generate", "-n"),
                "error: Missing required parameter for option '--count' (N) (jpeglm generate --help lists every option)");
        Run none = CliTest.run();
        assertEquals(2, none.exit());
        assertTrue(none.err().startsWith("error: missing command: one of generate, complete, score,"), none.err());
        assertEquals(1, none.err().lines().count(), none.err());
    }
}
