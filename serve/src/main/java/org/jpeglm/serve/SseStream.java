package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-Sent Events on a response's output: {@code event:} and {@code data:} lines, a blank line after each. Events
 * are buffered until {@link #flush()} or {@link #end()}, so the events of one hand-over go out in one write (one
 * wake-up of the client rather than one per event); a comment is flushed at once. A write to a client that went away throws IOException.
 */
final class SseStream {
    private static final byte[] END_OF_EVENT = {'\n', '\n'};

    private final OutputStream out;

    SseStream(OutputStream out) {
        this.out = out;
    }

    /**
     * One event whose JSON data says its name too, as {@code "type"} first: OpenAI's SDKs (and many SSE readers) hand
     * on only the data, and their users could not tell an image from a progress event. Buffered until the next flush.
     * The data is compact JSON, one line (a line break in a string is escaped), so it is one {@code data:} line,
     * written as Jackson's bytes without a copy as text.
     */
    void event(String name, ObjectNode data) throws IOException {
        ObjectNode typed = Json.object().put("type", name);
        typed.setAll(data);
        out.write(("event: " + name + "\ndata: ").getBytes(StandardCharsets.UTF_8));
        out.write(Json.bytes(typed));
        out.write(END_OF_EVENT);
    }

    /** Sends what is buffered. */
    void flush() throws IOException {
        out.flush();
    }

    /**
     * Sends what is buffered and ends the stream: with HTTP/1.1's chunked body, the last events and the body's end go
     * out in one write (a flush first would be a write, and a wake-up of the client, more per request).
     */
    void end() throws IOException {
        out.close();
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
