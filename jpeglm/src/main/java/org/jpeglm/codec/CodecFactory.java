package org.jpeglm.codec;

import java.util.Set;
import org.jpeglm.ModelMetadata;

/**
 * What a codec module provides so that models of its codec load by the name their file gives: the values of the GGUF
 * key {@value Codecs#CODEC_KEY} it serves and, from a model file's metadata, its {@link Codec}. Registered with
 * {@link java.util.ServiceLoader} ({@code provides org.jpeglm.codec.CodecFactory with ...} in module-info, and
 * {@code META-INF/services/org.jpeglm.codec.CodecFactory} for the class path) and found by {@link Codecs}; also the
 * typed handle a loader passes to {@link CodecModel#load(java.nio.file.Path, org.jpeglm.ModelOptions, ModelMetadata,
 * CodecFactory)}. Implementations are stateless, with a public no-argument constructor.
 *
 * @param <A> the codec's artefact (an image, a video)
 * @param <R> the codec's result
 */
public interface CodecFactory<A, R> {
    /** The values of {@value Codecs#CODEC_KEY} it serves, non-empty and fixed: {"jpeg"}; {"igpt", "bpe-igpt"}. */
    Set<String> names();

    /**
     * The codec a model file's metadata describes, every key it reads checked here, before llama.cpp sees the file.
     * Called only for metadata whose codec is one of {@link #names()}.
     *
     * @throws IllegalArgumentException one error naming the key that is missing or wrong
     */
    Codec<A, R> fromGguf(ModelMetadata metadata);
}
