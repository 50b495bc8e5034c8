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

    /** The lines of a chunked body, to its last chunk, read a chunk at a time (not a byte at a time). */
    private static final class ChunkedLines {
        private final InputStream in;
        private byte[] buf = new byte[0];
        private int pos;
        private boolean ended;

        ChunkedLines(InputStream in) {
            this.in = in;
        }

        String line() throws IOException {
            while (true) {
                for (int i = pos; i < buf.length; i++) {
                    if (buf[i] == '\n') {
                        String s = new String(buf, pos, i - pos, StandardCharsets.UTF_8);
                        pos = i + 1;
                        return s;
                    }
                }
                if (ended) {
                    String rest =
                            pos < buf.length ? new String(buf, pos, buf.length - pos, StandardCharsets.UTF_8) : null;
                    pos = buf.length;
                    return rest;
                }
                nextChunk();
            }
        }

        /** Appends the next chunk to what is left unread. */
        private void nextChunk() throws IOException {
            String size = SseClient.line(in);
            if (size.isEmpty()) {
                size = SseClient.line(in); // the CRLF after the previous chunk's data
            }
            int n = Integer.parseInt(size.split(";")[0].trim(), 16);
            if (n == 0) {
                SseClient.line(in); // the empty trailer
                ended = true;
                return;
            }
            byte[] chunk = in.readNBytes(n);
            if (chunk.length < n) {
                throw new IOException("connection closed mid-chunk");
            }
            byte[] merged = new byte[buf.length - pos + n];
            System.arraycopy(buf, pos, merged, 0, buf.length - pos);
            System.arraycopy(chunk, 0, merged, buf.length - pos, n);
            buf = merged;
            pos = 0;
        }
    }
}
