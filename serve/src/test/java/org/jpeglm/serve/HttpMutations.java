package org.jpeglm.serve;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Malformed HTTP requests for the server's fuzzers, built from well-formed ones: the request line, the headers, the
 * framing of the body (Content-Length right or wrong, chunks right or wrong), a multipart body's parts, then a few
 * raw byte edits anywhere. Each component is its own arbitrary, so jqwik shrinks a failure to the edits that matter.
 */
final class HttpMutations {
    private HttpMutations() {}

    /** A well-formed request to start from. */
    record Template(String method, String path, String contentType, byte[] body) {}

    /** How the body is framed. */
    enum Framing {
        LENGTH,
        LENGTH_SHORT,
        LENGTH_LONG,
        LENGTH_JUNK,
        LENGTH_NEGATIVE,
        LENGTH_HUGE,
        LENGTH_TWICE,
        CHUNKED,
        CHUNKED_BAD_SIZE,
        CHUNKED_NO_LAST,
        CHUNKED_SIZE_TOO_BIG,
        CHUNKED_EXTENSION,
        CHUNKED_AND_LENGTH,
        NONE
    }

    /** A change to the request line or the headers. */
    enum HeadEdit {
        NO_HOST,
        FOREIGN_HOST,
        TWO_HOSTS,
        LONG_HEADER,
        JUNK_HEADER_NAME,
        CONTROL_IN_VALUE,
        NO_CONTENT_TYPE,
        TEXT_CONTENT_TYPE,
        NO_BOUNDARY,
        WRONG_BOUNDARY,
        JUNK_CHARSET,
        LOWER_CASE_METHOD,
        JUNK_METHOD,
        LONG_PATH,
        ENCODED_PATH,
        HTTP_1_0,
        JUNK_VERSION,
        CROSS_SITE,
        REQUEST_ID
    }

    /** A change to a multipart body's parts. */
    enum PartEdit {
        NO_CLOSING_BOUNDARY,
        MANY_PARTS,
        MANY_IMAGES,
        PART_WITHOUT_HEADERS,
        PART_WITHOUT_NAME,
        LONG_FILENAME,
        JUNK_FILE,
        JUNK_BASE64_FIELD,
        UNKNOWN_FIELD,
        DUPLICATE_FIELD,
        NESTED_MULTIPART,
        BOUNDARY_IN_CONTENT
    }

    /** A raw edit of the request's bytes; at is a fraction of the length, value a byte. */
    record ByteEdit(int kind, double at, double to, int value) {
        byte[] apply(byte[] b) {
            int n = b.length;
            int i = Math.min((int) (at * n), Math.max(0, n - 1));
            int j = Math.max(i, Math.min(n, (int) (to * n)));
            return switch (kind) {
                case 0 -> set(b, i, (byte) value);
                case 1 -> insert(b, i, new byte[] {'\r', '\n'});
                case 2 -> insert(b, i, new byte[] {0});
                case 3 -> insert(b, i, new byte[] {(byte) 0xFF, (byte) value});
                case 4 -> Arrays.copyOf(b, i);
                case 5 -> splice(b, i, j);
                default -> set(b, i, (byte) (b.length == 0 ? 0 : b[i] ^ (1 << (value & 7))));
            };
        }

        private static byte[] set(byte[] b, int i, byte v) {
            if (b.length == 0) {
                return b;
            }
            byte[] c = b.clone();
            c[i] = v;
            return c;
        }

        private static byte[] insert(byte[] b, int i, byte[] what) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(b, 0, i);
            out.writeBytes(what);
            out.write(b, i, b.length - i);
            return out.toByteArray();
        }

        private static byte[] splice(byte[] b, int i, int j) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(b, 0, i);
            out.write(b, j, b.length - j);
            return out.toByteArray();
        }
    }

    /** A request to send: what it was made from, for the report, and its bytes. */
    record Fuzzed(String description, byte[] bytes) {
        @Override
        public String toString() {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            return description + ":\n" + (text.length() > 2000 ? text.substring(0, 2000) + "..." : text);
        }
    }

    static final String BOUNDARY = "fuzz-boundary-1";

    /** Requests of every endpoint, JSON and forms, each of them small and quick to answer. */
    static List<Template> templates(byte[] png) {
        String b64 = Base64.getEncoder().encodeToString(png);
        return List.of(
                json("/v1/images/generations", "{\"n\": 1, \"seed\": 3, \"max_tokens\": 8}"),
                json("/v1/images/generations", "{\"n\": 2, \"seed\": 4, \"max_tokens\": 8, \"stream\": true}"),
                json("/v1/images/completions", "{\"image\": \"" + b64 + "\", \"ratio\": 0.5, \"max_tokens\": 8}"),
                json("/v1/images/scores", "{\"image\": [\"" + b64 + "\"]}"),
                new Template("GET", "/health", null, new byte[0]),
                new Template("GET", "/v1/models", null, new byte[0]),
                form("/v1/images/scores", List.of(file("image", png))),
                form(
                        "/v1/images/completions",
                        List.of(file("image", png), field("ratio", "0.25"), field("max_tokens", "8"))),
                form("/v1/images/generations", List.of(field("seed", "5"), field("max_tokens", "8"))));
    }

    /** The forms among the templates. */
    static List<Template> forms(byte[] png) {
        return templates(png).stream()
                .filter(t -> t.contentType() != null && t.contentType().startsWith("multipart/"))
                .toList();
    }

    private static Template json(String path, String body) {
        return new Template("POST", path, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private static Template form(String path, List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return new Template("POST", path, "multipart/form-data; boundary=" + BOUNDARY, out.toByteArray());
    }

    static byte[] field(String name, String value) {
        return ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] file(String name, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name
                        + "\"; filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    static Arbitrary<ByteEdit> byteEdits() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 6),
                        Arbitraries.doubles().between(0, 1),
                        Arbitraries.doubles().between(0, 1),
                        Arbitraries.integers().between(0, 255))
                .as(ByteEdit::new);
    }

    /** Requests from templates with mistakes in their line, headers, framing and bytes. */
    static Arbitrary<Fuzzed> requests(List<Template> templates) {
        return Combinators.combine(
                        Arbitraries.of(templates),
                        Arbitraries.of(Framing.class),
                        Arbitraries.of(HeadEdit.class).list().ofMaxSize(3),
                        Arbitraries.of(PartEdit.class).list().ofMaxSize(0),
                        byteEdits().list().ofMaxSize(2),
                        Arbitraries.integers().between(1, 20_000))
                .as(HttpMutations::build);
    }

    /** Forms from templates with mistakes in their parts (and some in their framing, headers and bytes). */
    static Arbitrary<Fuzzed> forms(List<Template> templates) {
        return Combinators.combine(
                        Arbitraries.of(templates),
                        Arbitraries.of(Framing.class),
                        Arbitraries.of(HeadEdit.class).list().ofMaxSize(1),
                        Arbitraries.of(PartEdit.class).list().ofMinSize(1).ofMaxSize(3),
                        byteEdits().list().ofMaxSize(1),
                        Arbitraries.integers().between(1, 400))
                .as(HttpMutations::build);
    }

    /** The request: template with its head and parts edited, framed, its bytes edited; size scales long edits. */
    static Fuzzed build(
            Template t, Framing framing, List<HeadEdit> heads, List<PartEdit> parts, List<ByteEdit> edits, int size) {
        String method = t.method();
        String path = t.path();
        String version = "HTTP/1.1";
        List<String> headers = new ArrayList<>();
        headers.add("Host: 127.0.0.1");
        if (t.contentType() != null) {
            headers.add("Content-Type: " + t.contentType());
        }
        byte[] body = t.body();
        for (PartEdit p : parts) {
            body = editParts(body, p, size);
        }
        for (HeadEdit h : heads) {
            switch (h) {
                case NO_HOST -> headers.removeIf(x -> x.startsWith("Host:"));
                case FOREIGN_HOST -> replace(headers, "Host:", "Host: evil.example");
                case TWO_HOSTS -> headers.add("Host: localhost");
                case LONG_HEADER -> headers.add("X-Long: " + "a".repeat(size));
                case JUNK_HEADER_NAME -> headers.add("X B\u0001(: junk");
                case CONTROL_IN_VALUE -> headers.add("X-Control: a\u0007b");
                case NO_CONTENT_TYPE -> headers.removeIf(x -> x.startsWith("Content-Type:"));
                case TEXT_CONTENT_TYPE -> replace(headers, "Content-Type:", "Content-Type: text/plain");
                case NO_BOUNDARY -> replace(headers, "Content-Type:", "Content-Type: multipart/form-data");
                case WRONG_BOUNDARY ->
                    replace(headers, "Content-Type:", "Content-Type: multipart/form-data; boundary=x");
                case JUNK_CHARSET ->
                    replace(headers, "Content-Type:", "Content-Type: application/json; charset=\u00ff-9");
                case LOWER_CASE_METHOD -> method = method.toLowerCase();
                case JUNK_METHOD -> method = "PO\u0001ST";
                case LONG_PATH -> path = path + "/" + "x".repeat(size);
                case ENCODED_PATH -> path = path + "%00/..%2f..%2F%ZZ";
                case HTTP_1_0 -> version = "HTTP/1.0";
                case JUNK_VERSION -> version = "HTTP/9.x";
                case CROSS_SITE -> headers.add("Origin: http://evil.example");
                case REQUEST_ID -> headers.add("X-Request-Id: " + "r".repeat(Math.min(size, 300)) + " \u0001");
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String head = method + " " + path + " " + version + "\r\n" + String.join("\r\n", headers) + "\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(frame(body, framing));
        byte[] bytes = out.toByteArray();
        for (ByteEdit e : edits) {
            bytes = e.apply(bytes);
        }
        return new Fuzzed(t.method() + " " + t.path() + " " + framing + " " + heads + " " + parts + " " + edits, bytes);
    }

    private static void replace(List<String> headers, String name, String with) {
        headers.removeIf(x -> x.startsWith(name));
        headers.add(with);
    }

    /** The rest of the head (the framing's headers and the blank line) and the body as framed. */
    private static byte[] frame(byte[] body, Framing framing) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String length = "Content-Length: ";
        switch (framing) {
            case LENGTH -> write(out, length + body.length + "\r\n\r\n", body);
            case LENGTH_SHORT -> write(out, length + (body.length + 17) + "\r\n\r\n", body);
            case LENGTH_LONG -> write(out, length + Math.max(0, body.length - 5) + "\r\n\r\n", body);
            case LENGTH_JUNK -> write(out, length + "12ab\r\n\r\n", body);
            case LENGTH_NEGATIVE -> write(out, length + "-1\r\n\r\n", body);
            case LENGTH_HUGE -> write(out, length + "99999999999999999999\r\n\r\n", body);
            case LENGTH_TWICE ->
                write(out, length + body.length + "\r\n" + length + (body.length + 1) + "\r\n\r\n", body);
            case CHUNKED -> write(out, "Transfer-Encoding: chunked\r\n\r\n", chunks(body, "", "0\r\n\r\n", 0));
            case CHUNKED_BAD_SIZE ->
                write(out, "Transfer-Encoding: chunked\r\n\r\nZZ\r\n", chunks(body, "", "0\r\n\r\n", 0));
            case CHUNKED_NO_LAST -> write(out, "Transfer-Encoding: chunked\r\n\r\n", chunks(body, "", "", 0));
            case CHUNKED_SIZE_TOO_BIG ->
                write(out, "Transfer-Encoding: chunked\r\n\r\n", chunks(body, "", "0\r\n\r\n", 9));
            case CHUNKED_EXTENSION ->
                write(out, "Transfer-Encoding: chunked\r\n\r\n", chunks(body, ";x=\"y\u0001", "0\r\n\r\n", 0));
            case CHUNKED_AND_LENGTH ->
                write(out, "Transfer-Encoding: chunked\r\n" + length + "3\r\n\r\n", chunks(body, "", "0\r\n\r\n", 0));
            case NONE -> write(out, "\r\n", body);
        }
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String head, byte[] body) {
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
    }

    /** body in chunks of 700 bytes, each announced extra bytes longer than it is, with an extension, then last. */
    private static byte[] chunks(byte[] body, String extension, String last, int extra) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < body.length; i += 700) {
            int n = Math.min(700, body.length - i);
            out.writeBytes((Integer.toHexString(n + extra) + extension + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, i, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(last.getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** A form's body with one kind of mistake in its parts; count scales repetitions. */
    private static byte[] editParts(byte[] body, PartEdit edit, int count) {
        String closing = "--" + BOUNDARY + "--\r\n";
        byte[] open = Arrays.copyOf(body, Math.max(0, body.length - closing.length())); // without the closing line
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(open);
        switch (edit) {
            case NO_CLOSING_BOUNDARY -> {
                return open;
            }
            case MANY_PARTS -> {
                for (int i = 0; i < count; i++) {
                    out.writeBytes(field("f" + i, "x"));
                }
            }
            case MANY_IMAGES -> {
                for (int i = 0; i < count; i++) {
                    out.writeBytes(file("image", new byte[] {(byte) 0x89, 'P', 'N', 'G'}));
                }
            }
            case PART_WITHOUT_HEADERS ->
                out.writeBytes(("--" + BOUNDARY + "\r\n\r\nbare\r\n").getBytes(StandardCharsets.US_ASCII));
            case PART_WITHOUT_NAME ->
                out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data\r\n\r\nx\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            case LONG_FILENAME ->
                out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\""
                                + "f".repeat(count * 20) + "\"\r\n\r\nx\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            case JUNK_FILE -> out.writeBytes(file("image", junk(count)));
            case JUNK_BASE64_FIELD -> out.writeBytes(field("image", "data:image/png;base64,!!!" + "A".repeat(count)));
            case UNKNOWN_FIELD -> out.writeBytes(field("steps", "30"));
            case DUPLICATE_FIELD -> {
                out.writeBytes(field("seed", "1"));
                out.writeBytes(field("seed", "2"));
            }
            case NESTED_MULTIPART ->
                out.writeBytes(("--" + BOUNDARY
                                + "\r\nContent-Disposition: form-data; name=\"image\"\r\nContent-Type: multipart/mixed;"
                                + " boundary=inner\r\n\r\n--inner\r\n\r\nx\r\n--inner--\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            case BOUNDARY_IN_CONTENT -> out.writeBytes(field("ratio", "--" + BOUNDARY + "\r\n0.5"));
        }
        out.writeBytes(closing.getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] junk(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }
}
