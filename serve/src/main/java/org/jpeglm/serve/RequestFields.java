package org.jpeglm.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.DoublePredicate;

/**
 * One request's fields, from a JSON object or a multipart form alike, each checked against the fields its endpoint
 * knows: an unknown field, a value of the wrong type or out of range is a 400 that names the field. Images come as
 * base64 strings (a data URL's prefix allowed) in JSON, as files or base64 text in a form.
 */
final class RequestFields {
    /** What a field holds. */
    enum Kind {
        INTEGER,
        NUMBER,
        BOOLEAN,
        STRING,
        IMAGES
    }

    /** Bodies read as JSON: JSON's own type, and what curl -d and fetch with a string body send by default. */
    private static final Set<String> JSON_TYPES =
            Set.of("application/json", "application/x-www-form-urlencoded", "text/plain");

    private final Map<String, JsonNode> values;
    private final Map<String, List<byte[]>> files;

    private RequestFields(Map<String, JsonNode> values, Map<String, List<byte[]>> files) {
        this.values = values;
        this.files = files;
    }

    /** Reads ctx's body (JSON, or multipart/form-data) of at most maxBytes against known, the endpoint's fields. */
    static RequestFields read(Context ctx, Map<String, Kind> known, long maxBytes) {
        if (ctx.isMultipartFormData()) {
            return ofForm(ctx, known);
        }
        String type = ctx.contentType();
        if (type != null && !JSON_TYPES.contains(type.split(";")[0].strip().toLowerCase(Locale.ROOT))) {
            throw new ApiException(
                    415, null, "send the request as application/json or multipart/form-data, not " + type);
        }
        return ofJson(Json.parse(body(ctx, maxBytes)), known);
    }

    /**
     * The body, read up to maxBytes: a chunked body announces no length, so its size is known only once read.
     * (Javalin's own reader would refuse it too, but with a warning in the log for each one.)
     */
    private static byte[] body(Context ctx, long maxBytes) {
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) {
                throw ApiException.tooLarge(null, "the body is larger than this server reads (" + maxBytes + " bytes)");
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the client's broken body: ClientErrors says which
        }
    }

    static RequestFields ofJson(JsonNode body, Map<String, Kind> known) {
        if (!body.isObject()) {
            throw ApiException.badField(null, "the body must be a JSON object, got " + describe(body));
        }
        Map<String, JsonNode> values = new LinkedHashMap<>();
        Map<String, List<byte[]>> files = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            Kind kind = kindOf(e.getKey(), known);
            if (e.getValue().isNull()) {
                continue; // null means "the default", as OpenAI's clients send it
            }
            if (kind == Kind.IMAGES) {
                files.put(e.getKey(), base64Images(e.getKey(), e.getValue()));
            } else {
                values.put(e.getKey(), e.getValue());
            }
        }
        return new RequestFields(values, files);
    }

    private static RequestFields ofForm(Context ctx, Map<String, Kind> known) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        Map<String, List<byte[]>> files = new LinkedHashMap<>();
        for (Map.Entry<String, List<UploadedFile>> e : ctx.uploadedFileMap().entrySet()) {
            if (kindOf(e.getKey(), known) != Kind.IMAGES) {
                throw ApiException.badField(e.getKey(), e.getKey() + " is not a file field");
            }
            for (UploadedFile f : e.getValue()) {
                files.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(read(e.getKey(), f));
            }
        }
        for (Map.Entry<String, List<String>> e : ctx.formParamMap().entrySet()) {
            String name = e.getKey();
            Kind kind = kindOf(name, known);
            if (ctx.uploadedFileMap().containsKey(name)) {
                continue; // Jetty lists a file part among the form's parameters too
            }
            if (e.getValue().size() != 1 && kind != Kind.IMAGES) {
                throw ApiException.badField(
                        name, name + " is given " + e.getValue().size() + " times");
            }
            if (kind == Kind.IMAGES) {
                for (String text : e.getValue()) {
                    files.computeIfAbsent(name, k -> new ArrayList<>()).add(base64(name, text));
                }
            } else {
                values.put(name, formValue(name, kind, e.getValue().getFirst()));
            }
        }
        return new RequestFields(values, files);
    }

    private static Kind kindOf(String name, Map<String, Kind> known) {
        Kind kind = known.get(name);
        if (kind == null) {
            throw ApiException.badField(name, "unknown field '" + name + "'; this endpoint takes " + known.keySet());
        }
        return kind;
    }

    /** A form's text as the JSON value its kind means, so both kinds of body are checked by the same getters. */
    private static JsonNode formValue(String name, Kind kind, String text) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        String t = text.strip();
        try {
            return switch (kind) {
                case INTEGER -> f.numberNode(Long.parseLong(t));
                case NUMBER -> f.numberNode(Double.parseDouble(t));
                case BOOLEAN -> f.booleanNode(parseBoolean(name, t));
                case STRING, IMAGES -> f.textNode(text);
            };
        } catch (NumberFormatException e) {
            throw ApiException.badField(
                    name,
                    name + " must be " + (kind == Kind.INTEGER ? "an integer" : "a number") + ", got '" + clip(text)
                            + "'");
        }
    }

    private static boolean parseBoolean(String name, String t) {
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "true", "on", "1" -> true;
            case "false", "off", "0" -> false;
            default -> throw ApiException.badField(name, name + " must be true or false, got '" + clip(t) + "'");
        };
    }

    private static byte[] read(String name, UploadedFile f) {
        try (InputStream in = f.content()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw ApiException.badField(name, name + ": the upload could not be read: " + e.getMessage());
        }
    }

    private static List<byte[]> base64Images(String name, JsonNode value) {
        List<byte[]> out = new ArrayList<>();
        if (value.isTextual()) {
            out.add(base64(name, value.asText()));
        } else if (value.isArray()) {
            for (JsonNode item : value) {
                if (!item.isTextual()) {
                    throw ApiException.badField(name, name + " must hold base64 strings, got " + describe(item));
                }
                out.add(base64(name, item.asText()));
            }
        } else {
            throw ApiException.badField(
                    name, name + " must be a base64 string or an array of them, got " + describe(value));
        }
        return out;
    }

    /** Decodes base64 text, with or without a data URL's {@code data:...;base64,} prefix. */
    private static byte[] base64(String name, String text) {
        String t = text.strip();
        if (t.startsWith("data:")) {
            int comma = t.indexOf(',');
            if (comma < 0 || !t.substring(0, comma).endsWith(";base64")) {
                throw ApiException.badField(name, name + ": a data URL must be base64 (data:image/png;base64,...)");
            }
            t = t.substring(comma + 1);
        }
        try {
            return Base64.getMimeDecoder().decode(t);
        } catch (IllegalArgumentException e) {
            throw ApiException.badField(name, name + " is not valid base64: " + e.getMessage());
        }
    }

    /** Whether the request gave name. */
    boolean has(String name) {
        return values.containsKey(name) || files.containsKey(name);
    }

    /** The request's field names. */
    Set<String> names() {
        Set<String> names = new java.util.LinkedHashSet<>(values.keySet());
        names.addAll(files.keySet());
        return names;
    }

    /** name's integer value in [min, max], or def when absent. */
    long integer(String name, long def, long min, long max) {
        JsonNode v = values.get(name);
        if (v == null) {
            return def;
        }
        if (!v.isNumber() || !(v.isIntegralNumber() || (v.asDouble() == Math.rint(v.asDouble())))) {
            throw ApiException.badField(name, name + " must be an integer, got " + describe(v));
        }
        if (!v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw ApiException.badField(name, name + " must be " + min + " to " + max + ", got " + v.asText());
        }
        return v.asLong();
    }

    /** name's number value, one that ok accepts (range says which, for the message), or def when absent. */
    double number(String name, double def, DoublePredicate ok, String range) {
        JsonNode v = values.get(name);
        if (v == null) {
            return def;
        }
        if (!v.isNumber()) {
            throw ApiException.badField(name, name + " must be a number, got " + describe(v));
        }
        double d = v.asDouble();
        if (!Double.isFinite(d) || !ok.test(d)) {
            throw ApiException.badField(name, name + " must be " + range + ", got " + v.asText());
        }
        return d;
    }

    boolean bool(String name, boolean def) {
        JsonNode v = values.get(name);
        if (v == null) {
            return def;
        }
        if (!v.isBoolean()) {
            throw ApiException.badField(name, name + " must be true or false, got " + describe(v));
        }
        return v.asBoolean();
    }

    /** name's value, one of allowed, or def when absent. */
    String choice(String name, String def, List<String> allowed) {
        JsonNode v = values.get(name);
        if (v == null) {
            return def;
        }
        if (!v.isTextual() || !allowed.contains(v.asText())) {
            throw ApiException.badField(name, name + " must be one of " + allowed + ", got " + describe(v));
        }
        return v.asText();
    }

    /** name's text, or def when absent. */
    String text(String name, String def) {
        JsonNode v = values.get(name);
        if (v == null) {
            return def;
        }
        if (!v.isTextual()) {
            throw ApiException.badField(name, name + " must be a string, got " + describe(v));
        }
        return v.asText();
    }

    /** name's image files (undecoded), at least one. */
    List<byte[]> images(String name) {
        return files(name, "image");
    }

    /** name's files of what ("image", "video"), undecoded, at least one. */
    List<byte[]> files(String name, String what) {
        List<byte[]> f = files.get(name);
        if (f == null || f.isEmpty()) {
            throw ApiException.badField(
                    name,
                    name + " is missing: send " + (what.equals("image") ? "an " : "a ") + what
                            + " (a file, or base64)");
        }
        return f;
    }

    private static String describe(JsonNode v) {
        String kind = v.isTextual()
                ? "a string"
                : v.isNumber() ? "a number" : v.isBoolean() ? "a boolean" : v.isArray() ? "an array" : "an object";
        return kind + " (" + clip(v.toString()) + ")";
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
