package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** How the base command turns failures into exit codes and messages. */
class JpeglmCommandTest {
    @Command(name = "broken")
    static final class Broken extends JpeglmCommand {
        final Throwable failure;

        Broken(Throwable failure) {
            this.failure = failure;
        }

        @Override
        protected int run() throws Exception {
            if (failure instanceof Exception e) {
                throw e;
            }
            throw (Error) failure;
        }
    }

    @Command(name = "chatty")
    static final class Chatty extends JpeglmCommand {
        @Override
        protected int run() {
            System.Logger log = System.getLogger("org.jpeglm.bindings.NativeLibrary");
            log.log(System.Logger.Level.INFO, "library set x loaded");
            log.log(System.Logger.Level.WARNING, "cache unusable");
            return 0;
        }
    }

    /** What Chatty writes to System.err (where the log handler writes) with args. */
    private static String logged(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, new CommandLine(new Chatty()).execute(args));
        } finally {
            System.setErr(saved);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void libraryMessagesAreOneLineEachAndInformationOnlyWhenVerbose() {
        assertEquals("jpeglm: warning: cache unusable" + System.lineSeparator(), logged());
        assertEquals(
                "jpeglm: info: library set x loaded" + System.lineSeparator() + "jpeglm: warning: cache unusable"
                        + System.lineSeparator(),
                logged("--verbose"));
    }

    private record Run(int exit, String err) {}

    private static Run run(Throwable failure) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Broken(failure));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute();
        return new Run(exit, err.toString());
    }

    @Test
    void aNativeLibraryThatCannotLoadIsOneErrorLine() {
        Run r = run(new UnsatisfiedLinkError("cannot load /x/libjpeglm.so: wrong ELF class"));
        assertEquals(JpeglmCommand.USER_ERROR, r.exit());
        assertEquals(
                "error: cannot load the native library: cannot load /x/libjpeglm.so: wrong ELF class",
                r.err().strip());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void aBugStillShowsItsStackTrace() {
        Run r = run(new IllegalStateException("a bug"));
        assertTrue(r.err().contains("\tat "), r.err());
        assertTrue(r.exit() != 0);
    }
}
