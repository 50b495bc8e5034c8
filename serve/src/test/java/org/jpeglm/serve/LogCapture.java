package org.jpeglm.serve;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the server logs while it is open: slf4j-simple writes to System.err as it is at each line, so this puts a
 * copy of System.err's output aside (and still passes it on).
 */
final class LogCapture implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    LogCapture() {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (copy) {
                    copy.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (copy) {
                    copy.write(b, off, len);
                }
                original.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    /** The lines logged so far. */
    List<String> lines() {
        synchronized (copy) {
            return copy.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }

    /** The lines logged so far that contain text. */
    List<String> lines(String text) {
        return lines().stream().filter(l -> l.contains(text)).toList();
    }

    /** The lines that contain text, once there is one (the access log writes its line after the answer is sent). */
    List<String> await(String text) throws InterruptedException {
        for (long end = System.nanoTime() + 20_000_000_000L; System.nanoTime() < end; Thread.sleep(10)) {
            List<String> found = lines(text);
            if (!found.isEmpty()) {
                return found;
            }
        }
        throw new AssertionError("no line with '" + text + "' was logged: " + lines());
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
