package org.jpeglm.codec;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jpeglm.ErrorCode;
import org.jpeglm.JpeglmException;
import org.jpeglm.ModelMetadata;
import org.jpeglm.ModelOptions;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.gguf.GgufValueType;

/**
 * The codecs this jpeglm has: every {@link CodecFactory} {@link ServiceLoader} finds (the module layer's providers and
 * the class path's {@code META-INF/services}), read once, by the names they serve. A model file names its codec in
 * the GGUF key {@value #CODEC_KEY}; a file without it is a {@value #DEFAULT} model (Jpeg-LM files predate the key).
 * {@link #open} loads any model by that name.
 */
public final class Codecs {
    /** The GGUF key a model file names its codec in. */
    public static final String CODEC_KEY = "jpeglm.codec";

    /** The codec of a file without {@value #CODEC_KEY}. */
    public static final String DEFAULT = "jpeg";

    private Codecs() {}

    /** The registered factories by name, found on first use; null until then. */
    private static volatile Map<String, CodecFactory<?, ?>> registry;

    /**
     * The registered factories by name, found once.
     *
     * @throws IllegalStateException naming both factories when two serve one name (each call, not a broken class)
     */
    private static Map<String, CodecFactory<?, ?>> registry() {
        Map<String, CodecFactory<?, ?>> found = registry;
        if (found == null) {
            synchronized (Codecs.class) {
                found = registry;
                if (found == null) {
                    found = load();
                    registry = found;
                }
            }
        }
        return found;
    }

    private static Map<String, CodecFactory<?, ?>> load() {
        Map<String, CodecFactory<?, ?>> byName = new LinkedHashMap<>();
        for (CodecFactory<?, ?> factory : ServiceLoader.load(CodecFactory.class)) {
            for (String name : factory.names()) {
                CodecFactory<?, ?> other = byName.putIfAbsent(name, factory);
                if (other != null) {
                    throw new IllegalStateException("codec '" + name + "' is served by both "
                            + other.getClass().getName() + " and "
                            + factory.getClass().getName()
                            + ": remove one of them from the module or class path");
                }
            }
        }
        return Collections.unmodifiableMap(byName);
    }

    /** The names of the registered codecs, sorted: jpeg and h264, igpt and bpe-igpt where codec/igpt is present. */
    public static SortedSet<String> names() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(registry().keySet()));
    }

    /** The registered factories, each once. */
    public static List<CodecFactory<?, ?>> factories() {
        return registry().values().stream().distinct().toList();
    }

    /** The factory that serves codec name, if one is registered. */
    public static Optional<CodecFactory<?, ?>> forName(String name) {
        return Optional.ofNullable(registry().get(name));
    }

    /**
     * The codec metadata names: {@value #CODEC_KEY}'s value, {@value #DEFAULT} without one.
     *
     * @throws IllegalArgumentException when the key holds no string
     */
    public static String declared(ModelMetadata metadata) {
        GgufValue codec = metadata.values().get(CODEC_KEY);
        if (codec == null) {
            return DEFAULT;
        }
        if (codec.type() != GgufValueType.STRING) {
            throw new IllegalArgumentException(
                    "'" + CODEC_KEY + "' is " + codec.type() + ", not a string naming a codec (" + known() + ")");
        }
        return codec.asString();
    }

    /**
     * The factory of the codec metadata names ({@link #declared}).
     *
     * @throws IllegalArgumentException for a codec no registered factory serves, listing those that are
     */
    public static CodecFactory<?, ?> factoryOf(ModelMetadata metadata) {
        String name = declared(metadata);
        return forName(name)
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown codec '" + printable(name) + "' in '" + CODEC_KEY + "': this jpeglm runs " + known()));
    }

    /** Loads the model at path on the CPU as the codec its file names; as {@link #open(Path, ModelOptions)}. */
    public static CodecModel<?, ?> open(Path path) {
        return open(path, ModelOptions.defaults());
    }

    /**
     * Loads the model at path as the codec its file names: reads the metadata once ({@link ModelMetadata#read}),
     * then as {@link #open(Path, ModelOptions, ModelMetadata)}.
     *
     * @throws JpeglmException as {@link #open(Path, ModelOptions, ModelMetadata)}, and {@link ErrorCode#IO} or
     *     {@link ErrorCode#FORMAT} for a file that cannot be read as GGUF
     */
    public static CodecModel<?, ?> open(Path path, ModelOptions options) {
        return open(path, options, ModelMetadata.read(path));
    }

    /**
     * Loads the model whose metadata was just read from path as the codec it names: that codec's factory checks its
     * keys before llama.cpp sees the file ({@link CodecModel#load(Path, ModelOptions, ModelMetadata, CodecFactory)}).
     *
     * @throws JpeglmException with {@link ErrorCode#FORMAT} naming the file for a codec this jpeglm does not have
     *     (listing those it has) or keys the codec refuses, and as {@link org.jpeglm.Model#load} for the rest
     */
    public static CodecModel<?, ?> open(Path path, ModelOptions options, ModelMetadata metadata) {
        CodecFactory<?, ?> factory;
        try {
            factory = factoryOf(metadata);
        } catch (IllegalArgumentException e) {
            throw new JpeglmException(ErrorCode.FORMAT, path.getFileName() + ": " + e.getMessage());
        }
        return CodecModel.load(path, options, metadata, factory);
    }

    /** "bpe-igpt, h264, igpt and jpeg": the registered names, for messages. */
    private static String known() {
        List<String> names = List.copyOf(names());
        if (names.isEmpty()) {
            return "no codec (no CodecFactory is on the module or class path)";
        }
        if (names.size() == 1) {
            return names.getFirst();
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.getLast();
    }

    /** name cut to 40 characters with control characters dropped, for a message. */
    static String printable(String name) {
        String clean = name.replaceAll("\\p{Cntrl}", "");
        return clean.length() > 40 ? clean.substring(0, 40) + "..." : clean;
    }
}
