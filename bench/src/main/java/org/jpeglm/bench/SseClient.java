package org.jpeglm.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A lean HTTP/1.1 client for the benchmark's streaming requests: one kept-alive connection, blocking reads on the
 * client's own thread, chunked bodies read line by line. It does only what measuring needs, so the clients' own CPU
 * (which shares the machine with the server) stays small next to java.net.http's selector and executor hops.
 */
final class SseClient implements AutoCloseable {
    /** What one streamed request returned: its images and the nanoTime of its first preview (0: none). */
    record Answer(int images, long firstPreviewNanos) {}

    private final URI base;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    SseClient(URI base) {
        this.base = base;
    }

    /** POSTs body (JSON) to path and reads the event stream to its end. */
    Answer post(String path, String body) throws IOException {
        connect();
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + base.resolve(path).getRawPath() + " HTTP/1.1\r\nHost: " + base.getHost() + ":"
                + base.getPort() + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
        String status = line(in);
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException("answer: " + status);
        }
        boolean chunked = false;
        boolean close = false;
        for (String h; !(h = line(in)).isEmpty(); ) {
            String lower = h.toLowerCase(Locale.ROOT);
            chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
            close |= lower.startsWith("connection:") && lower.contains("close");
        }
        if (!chunked) {
            throw new IOException("expected a chunked event stream");
        }
        Answer a = events(new ChunkedLines(in));
        if (close) {
            close();
        }
        return a;
    }

    private Answer events(ChunkedLines body) throws IOException {
        int images = 0;
        long firstPreview = 0;
        for (String l; (l = body.line()) != null; ) {
            if (firstPreview == 0 && l.equals("event: preview")) {
                firstPreview = System.nanoTime();
            } else if (l.equals("event: image")) {
                images++;
            }
        }
        return new Answer(images, firstPreview);
    }

    private void connect() throws IOException {
        if (socket == null) {
            socket = new Socket(base.getHost(), base.getPort());
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            out = socket.getOutputStream();
        }
    }

    /** One CRLF- or LF-ended line, without its end. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream s = new ByteArrayOutputStream(64);
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("connection closed mid-line");
            }
            if (c != '\r') {
                s.write(c);
            }
        }
        return s.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }

    /** The lines of a chunked body, to its last chunk. */
    private static final class ChunkedLines {
        private final InputStream in;
        private int left; // bytes of the current chunk not read yet
        private boolean ended;

        ChunkedLines(InputStream in) {
            this.in = in;
        }

        String line() throws IOException {
            ByteArrayOutputStream s = new ByteArrayOutputStream(128);
            for (int c; (c = read()) != '\n'; ) {
                if (c < 0) {
                    return s.size() > 0 ? s.toString(StandardCharsets.UTF_8) : null;
                }
                s.write(c);
            }
            return s.toString(StandardCharsets.UTF_8);
        }

        private int read() throws IOException {
            if (ended) {
                return -1;
            }
            if (left == 0) {
                String size = SseClient.line(in);
                if (size.isEmpty()) {
                    size = SseClient.line(in); // the CRLF after the previous chunk's data
                }
                left = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (left == 0) {
                    SseClient.line(in); // the empty trailer
                    ended = true;
                    return -1;
                }
            }
            left--;
            return in.read();
        }
    }
}
