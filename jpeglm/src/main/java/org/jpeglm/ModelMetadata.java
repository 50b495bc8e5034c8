package org.jpeglm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jpeglm.gguf.GgufFile;
import org.jpeglm.gguf.GgufFormatException;
import org.jpeglm.gguf.GgufMetadata;
import org.jpeglm.gguf.GgufValue;

/**
 * A model file's GGUF metadata, read once per load and before llama.cpp sees the file ({@link #read}): every key
 * with its typed {@link GgufValue}, in file order, as the GGUF reader and writer and {@code JpegLmSpec.fromMetadata}
 * use them. A codec validates its keys on it, then hands it to {@link Model#load(Path, ModelOptions, ModelMetadata)},
 * which keeps it.
 *
 * @param values every key's value, in file order (unmodifiable)
 */
public record ModelMetadata(Map<String, GgufValue> values) {
    public ModelMetadata {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(values, "values")));
    }

    /** How many times {@link #read} has read a header: for the test that a load reads its file's once. */
    static final AtomicLong READS = new AtomicLong();

    /**
     * Reads the metadata of a GGUF file with the Java GGUF reader, header only (the tensor data stays unread): it
     * bounds and validates every count and length, and gives the same values the writer takes.
     *
     * @throws JpeglmException {@link ErrorCode#IO} for a missing or unreadable file, {@link ErrorCode#FORMAT} naming
     *     what is wrong with a file that is not GGUF
     */
    public static ModelMetadata read(Path file) {
        Path absolute = Objects.requireNonNull(file, "file").toAbsolutePath();
        if (!Files.exists(absolute)) {
            throw new JpeglmException(ErrorCode.IO, "model file not found: " + absolute);
        }
        if (!Files.isRegularFile(absolute)) {
            throw new JpeglmException(ErrorCode.IO, absolute + " is not a regular file");
        }
        READS.incrementAndGet();
        try (GgufFile gguf = GgufFile.open(absolute)) {
            return new ModelMetadata(gguf.metadata());
        } catch (GgufFormatException e) {
            throw new JpeglmException(ErrorCode.FORMAT, e.getMessage());
        } catch (IOException e) {
            throw new JpeglmException(ErrorCode.IO, "cannot read the metadata of " + absolute + ": " + e.getMessage());
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

    /**
     * The non-negative 32-bit integer under key.
     *
     * @throws IllegalArgumentException naming the key if it is missing, not an integer, or out of range
     */
    public int count(String key) {
        return GgufMetadata.count(values, key);
    }

    /**
     * The string under key.
     *
     * @throws IllegalArgumentException naming the key if it is missing or not a string
     */
    public String string(String key) {
        return GgufMetadata.string(values, key);
    }

    /**
     * The array of integers 0..255 under key, as bytes.
     *
     * @throws IllegalArgumentException naming the key if it is missing, not an integer array, or holds a non-byte
     */
    public byte[] bytes(String key) {
        return GgufMetadata.bytes(values, key);
    }

    @Override
    public String toString() {
        return "ModelMetadata" + values.keySet();
    }
}
