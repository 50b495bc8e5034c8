package org.jpeglm.convert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jpeglm.bpe.BpeGgufMetadata;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.HfTokenizerJson;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.gguf.GgufFile;

/**
 * Reads a Jpeg-LM tokenizer from the files a checkpoint may carry: a Hugging Face {@code tokenizer.json}
 * (byte-level BPE, as {@link HfTokenizerJson} reads and writes it) whose BOS and EOS are the special tokens named
 * by {@code tokenizer_config.json} beside it ({@code bos_token}, {@code eos_token}), {@code <s>} and {@code </s>}
 * by default; or any GGUF file carrying the {@code jpeglm.bpe.*} keys (another converted Jpeg-LM model).
 */
public final class TokenizerFiles {
    public static final String FILE_NAME = "tokenizer.json";
    public static final String CONFIG_FILE_NAME = "tokenizer_config.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TokenizerFiles() {}

    /** Reads the tokenizer in file (tokenizer.json or .gguf). */
    public static BpeTokenizer read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("tokenizer " + file + " does not exist");
        }
        if (file.getFileName().toString().endsWith(".gguf")) {
            try (GgufFile g = GgufFile.open(file)) {
                return BpeGgufMetadata.fromGguf(g.metadata());
            } catch (IllegalArgumentException e) {
                throw new CheckpointException("tokenizer " + file + ": no usable jpeglm.bpe.* keys: " + e.getMessage());
            }
        }
        String bos = BpeTokenizer.DEFAULT_BOS;
        String eos = BpeTokenizer.DEFAULT_EOS;
        Path config = file.toAbsolutePath().resolveSibling(CONFIG_FILE_NAME);
        if (Files.isRegularFile(config)) {
            try {
                JsonNode root = MAPPER.readTree(config.toFile());
                bos = tokenText(root, "bos_token", bos);
                eos = tokenText(root, "eos_token", eos);
            } catch (JsonProcessingException e) {
                throw new CheckpointException(config + " is not valid JSON: " + e.getOriginalMessage());
            }
        }
        try {
            return HfTokenizerJson.parse(Files.readString(file), bos, eos);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("tokenizer " + file + " cannot be used: " + e.getMessage());
        }
    }

    /** A GGUF file's Jpeg-LM spec (tokenizer, profile, tables). */
    public static JpegLmSpec readSpec(Path gguf) throws IOException {
        try (GgufFile g = GgufFile.open(gguf)) {
            return JpegLmSpec.fromMetadata(g.metadata());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(gguf + ": " + e.getMessage());
        }
    }

    private static String tokenText(JsonNode root, String key, String fallback) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (v.isTextual()) {
            return v.asText();
        }
        return v.path("content").asText(fallback);
    }
}
