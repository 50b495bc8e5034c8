package org.jpeglm.fuzzing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Mutated copies of real JSON files (tokenizer.json, jpeglm_profile.json, a safetensors header): most edits work
 * on the tree, so the result still parses and reaches the reader's checks — a node replaced by one of another type
 * or an absurd number, removed, duplicated, a key renamed — and a few on the text (truncated, a byte changed), for
 * the JSON parser's own errors.
 */
public final class JsonMutations {
    private static final JsonMapper MAPPER = new JsonMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Replacements: every JSON type, and numbers past int, long and double. */
    private static final List<Supplier<JsonNode>> VALUES = List.of(
            F::nullNode,
            () -> F.booleanNode(true),
            () -> F.textNode(""),
            () -> F.textNode("x y"),
            () -> F.textNode("\u0000\uffff\ud800"),
            () -> F.numberNode(-1),
            () -> F.numberNode(0),
            () -> F.numberNode(Integer.MAX_VALUE),
            () -> F.numberNode(1L << 31),
            () -> F.numberNode(2_000_000_000),
            () -> F.numberNode(Long.MAX_VALUE),
            () -> F.numberNode(BigInteger.ONE.shiftLeft(70)),
            () -> F.numberNode(1.5),
            () -> F.numberNode(-0.0),
            () -> F.numberNode(1e300),
            F::arrayNode,
            F::objectNode,
            () -> F.arrayNode().add(1).add("a").add(F.nullNode()),
            () -> F.textNode("a".repeat(100_000)));

    /** Bytes that matter to a JSON parser. */
    private static final String TEXT_BYTES = "{}[]\",:0-e\\\u0000 ";

    private JsonMutations() {}

    /** One edit of the tree: kind, which node (a fraction of the pre-order), and a value index. */
    record Edit(int kind, double which, int value) {
        JsonNode apply(JsonNode root) {
            List<JsonNode[]> nodes = new ArrayList<>(); // {parent, node}
            collect(null, root, nodes);
            JsonNode[] pick = nodes.get((int) (which * nodes.size()) % nodes.size());
            if (!(pick[0] instanceof ContainerNode<?> parent)) {
                return kind % 2 == 0 ? VALUES.get(value % VALUES.size()).get() : root;
            }
            JsonNode node = pick[1];
            switch (kind) {
                case 0, 1, 2 ->
                    replace(parent, node, VALUES.get(value % VALUES.size()).get());
                case 3 -> remove(parent, node);
                case 4 ->
                    replace(parent, node, F.arrayNode().add(node.deepCopy()).add(node.deepCopy()));
                case 5 -> {
                    if (parent instanceof ObjectNode o) {
                        String key = keyOf(o, node);
                        o.remove(key);
                        o.set(key + (value % 3 == 0 ? "_" : "") + (value % 3 == 1 ? "\u00e9" : ""), node);
                    } else if (parent instanceof ArrayNode a) {
                        a.add(node.deepCopy()); // a repeated element
                    }
                }
                default -> { // a number nudged or negated, where there is one
                    if (node.isNumber()) {
                        replace(parent, node, F.numberNode(value % 2 == 0 ? -node.asLong() - 1 : node.asLong() + 1));
                    }
                }
            }
            return root;
        }
    }

    private static void collect(JsonNode parent, JsonNode node, List<JsonNode[]> out) {
        out.add(new JsonNode[] {parent, node});
        for (JsonNode child : node) {
            collect(node, child, out);
        }
    }

    private static String keyOf(ObjectNode o, JsonNode child) {
        for (var e : o.properties()) {
            if (e.getValue() == child) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("not a child");
    }

    private static void replace(ContainerNode<?> parent, JsonNode old, JsonNode with) {
        if (parent instanceof ObjectNode o) {
            o.set(keyOf(o, old), with);
        } else if (parent instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i) == old) {
                    a.set(i, with);
                    return;
                }
            }
        }
    }

    private static void remove(ContainerNode<?> parent, JsonNode old) {
        if (parent instanceof ObjectNode o) {
            o.remove(keyOf(o, old));
        } else if (parent instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i) == old) {
                    a.remove(i);
                    return;
                }
            }
        }
    }

    /** Text edits, for the parser's own errors: truncation or one byte changed. */
    private static byte[] textEdit(byte[] json, double at, int value) {
        int i = (int) (at * json.length);
        if (value % 2 == 0) {
            return Arrays.copyOf(json, i);
        }
        byte[] c = json.clone();
        if (c.length > 0) {
            c[Math.min(i, c.length - 1)] = (byte) TEXT_BYTES.charAt(value % TEXT_BYTES.length());
        }
        return c;
    }

    /** Seeds (JSON texts) with one to four tree edits each, and now and then a text edit on top (UTF-8 bytes). */
    public static Arbitrary<byte[]> of(List<String> seeds) {
        List<JsonNode> trees = seeds.stream().map(JsonMutations::parse).toList();
        Arbitrary<Edit> edit = Combinators.combine(
                        Arbitraries.integers().between(0, 6),
                        Arbitraries.doubles().between(0, 1),
                        Arbitraries.integers().between(0, 1 << 16))
                .as(Edit::new);
        return Combinators.combine(
                        Arbitraries.integers().between(0, trees.size() - 1),
                        edit.list().ofMinSize(1).ofMaxSize(4),
                        Arbitraries.integers().between(0, 9),
                        Arbitraries.doubles().between(0, 1),
                        Arbitraries.integers().between(0, 1 << 16))
                .as((k, edits, text, at, value) -> {
                    JsonNode root = trees.get(k).deepCopy();
                    for (Edit e : edits) {
                        root = e.apply(root);
                    }
                    byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
                    return text == 0 ? textEdit(json, at, value) : json;
                });
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
