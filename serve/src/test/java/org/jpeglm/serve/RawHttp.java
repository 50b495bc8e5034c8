package org.jpeglm.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A client that writes raw bytes to the server and reads what comes back until the server closes or the answer's
 * Content-Length is read: for requests no HTTP library would send.
 */
final class RawHttp {
    private RawHttp() {}

    /**
     * An answer: its status (0 when the server closed the connection without one), headers (lower-case names),
     * body.
     */
    record Answer(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + text();
        }
    }

    /**
     * Sends request on a new connection to port, then shuts the sending side down (a body shorter than announced then
     * ends there), and reads the one answer.
     */
    static Answer send(int port, byte[] request) throws IOException {
        return send(port, request, true);
    }

    /**
     * Sends request on a new connection to port and reads the one answer; halfClose: shut the sending side down
     * after it (a server that watches its clients takes that for one that left, as it must).
     */
    static Answer send(int port, byte[] request, boolean halfClose) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            try {
                s.getOutputStream().write(request);
                s.getOutputStream().flush();
                if (halfClose) {
                    s.shutdownOutput();
                }
            } catch (IOException e) {
                // the server answered and closed before reading everything: read what it said
            }
            return read(s.getInputStream());
        }
    }

    static Answer send(int port, String request) throws IOException {
        return send(port, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** One answer from in (the status line, headers, then a Content-Length body or everything until the close). */
    static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        try {
            for (int b; (b = in.read()) >= 0; ) {
                head.write(b);
                last4 = (last4 << 8) | b;
                if (last4 == 0x0D0A0D0A) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException reset) {
            // a reset after the answer, or instead of one
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        if (!text.startsWith("HTTP/1.")) {
            return new Answer(0, Map.of(), text.getBytes(StandardCharsets.ISO_8859_1));
        }
        String[] lines = text.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(
                        lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
        }
        byte[] body;
        try {
            String length = headers.get("content-length");
            body = length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes();
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException reset) {
            body = new byte[0];
        }
        return new Answer(status, headers, body);
    }
}
