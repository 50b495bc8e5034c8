package org.jpeglm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jpeglm.gguf.GgufFile;
import org.jpeglm.gguf.GgufFormatException;
import org.jpeglm.gguf.GgufValue;

/**
 * A model file's GGUF metadata, read when the model loads: every key with its typed {@link GgufValue}, in file
 * order, as the GGUF reader and writer and {@code JpegLmSpec.fromMetadata} use them.
 *
 * @param values every key's value, in file order (unmodifiable)
 */
public record ModelMetadata(Map<String, GgufValue> values) {
    public ModelMetadata {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(values, "values")));
    }

    /**
     * Reads the metadata of the GGUF file the native library just loaded, with the Java GGUF reader: it bounds
     * and validates every count and length, and gives the same values the writer takes.
     */
    static ModelMetadata read(Path file) {
        try (GgufFile gguf = GgufFile.open(file)) {
            return new ModelMetadata(gguf.metadata());
        } catch (GgufFormatException e) {
            throw new JpeglmException(ErrorCode.FORMAT, e.getMessage());
        } catch (IOException e) {
            throw new JpeglmException(ErrorCode.IO, "cannot read the metadata of " + file + ": " + e.getMessage());
        }
    }

    /** The value of key, if the model has it. */
    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /**
     * The value of key; read it with {@link GgufValue}'s accessors ({@code asInt()}, {@code asString()}, ...).
     *
     * @throws IllegalArgumentException naming the key if the model has none
     */
    public GgufValue require(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("the model has no metadata '" + key + "'");
        }
        return v;
    }

    @Override
    public String toString() {
        return "ModelMetadata" + values.keySet();
    }
}
