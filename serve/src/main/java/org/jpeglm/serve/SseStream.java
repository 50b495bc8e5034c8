package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-Sent Events on a response's output: {@code event:} and {@code data:} lines, a blank line after each. Events
 * are buffered until {@link #flush()}, so the events of one hand-over go out in one write (one wake-up of the client
 * rather than one per event); a comment is flushed at once. A write to a client that went away throws IOException.
 */
final class SseStream {
    private final OutputStream out;

    SseStream(OutputStream out) {
        this.out = out;
    }

    /**
     * One event whose JSON data says its name too, as {@code "type"} first: OpenAI's SDKs (and many SSE readers) hand
     * on only the data, and their users could not tell an image from a progress event.
     */
    void event(String name, ObjectNode data) throws IOException {
        ObjectNode typed = Json.object().put("type", name);
        typed.setAll(data);
        event(name, Json.string(typed));
    }

    /** One event, buffered until the next flush; data may span lines (each becomes a data line). */
    private void event(String name, String data) throws IOException {
        StringBuilder s = new StringBuilder(data.length() + 32);
        s.append("event: ").append(name).append('\n');
        for (String line : data.split("\n", -1)) {
            s.append("data: ").append(line).append('\n');
        }
        s.append('\n');
        out.write(s.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Sends what is buffered. */
    void flush() throws IOException {
        out.flush();
    }

    /** A comment line: keeps the connection alive and finds out whether the client is still there. */
    void comment(String text) throws IOException {
        write(": " + text.replace('\n', ' ') + "\n\n");
    }

    private void write(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
