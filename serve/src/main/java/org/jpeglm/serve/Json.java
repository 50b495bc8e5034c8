package org.jpeglm.serve;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.jpeglm.codec.Generated;

/** The server's one JSON mapper: strict when reading (no duplicate keys, nothing after the value). */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** A result's summary ({@link Generated}: the CLI's summary.json says the same), to add an answer's fields to. */
    static ObjectNode object(Generated result) {
        return MAPPER.valueToTree(result.summary());
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** Compact UTF-8 JSON: one line, as an SSE data field needs. */
    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree did not serialize", e);
        }
    }

    static String string(JsonNode node) {
        return node.toString();
    }

    /** Parses a request body; a malformed one is the client's error (400). */
    static JsonNode parse(byte[] body) {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw ApiException.badField(null, "the body is empty: send a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw ApiException.badField(null, "the body is not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
