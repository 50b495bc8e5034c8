package org.jpeglm.codec;

import java.nio.file.Path;
import java.util.Objects;
import java.util.TreeSet;
import org.jpeglm.ErrorCode;
import org.jpeglm.JpeglmException;
import org.jpeglm.Model;
import org.jpeglm.ModelMetadata;
import org.jpeglm.ModelOptions;

/**
 * A loaded model and the codec its tokens mean: shared by any number of threads, like {@link Model}; each thread
 * generates through its own {@link Generator}.
 *
 * @param <A> the codec's artefact (an image, a video)
 * @param <R> the codec's result
 */
public final class CodecModel<A, R> implements AutoCloseable {
    private final Model model;
    private final Codec<A, R> codec;

    private CodecModel(Model model, Codec<A, R> codec) {
        this.model = model;
        this.codec = codec;
    }

    /**
     * Loads the model at path as factory's codec: reads its metadata once, then as
     * {@link #load(Path, ModelOptions, ModelMetadata, CodecFactory)}. {@link Codecs#open} takes whatever codec the
     * file names.
     */
    public static <A, R> CodecModel<A, R> load(Path path, ModelOptions options, CodecFactory<A, R> factory) {
        return load(path, options, ModelMetadata.read(path), factory);
    }

    /**
     * Loads the model whose metadata was just read from path as factory's codec: the file must name one of the
     * factory's codecs, and the factory checks the codec's keys, before llama.cpp sees the file; the model keeps the
     * metadata (no second read).
     *
     * @throws JpeglmException with {@link ErrorCode#FORMAT} naming the file for another codec, keys the codec
     *     refuses, or a tokenizer larger than the model's vocabulary; as {@link Model#load} for the rest
     */
    public static <A, R> CodecModel<A, R> load(
            Path path, ModelOptions options, ModelMetadata metadata, CodecFactory<A, R> factory) {
        Objects.requireNonNull(factory, "factory");
        String file = path.getFileName().toString();
        Codec<A, R> codec;
        try {
            String declared = Codecs.declared(metadata);
            if (!factory.names().contains(declared)) {
                throw new IllegalArgumentException("'" + Codecs.CODEC_KEY + "' is '" + Codecs.printable(declared)
                        + "', not " + String.join(" or ", new TreeSet<>(factory.names())));
            }
            codec = factory.fromGguf(metadata);
        } catch (IllegalArgumentException e) {
            throw new JpeglmException(ErrorCode.FORMAT, file + ": " + e.getMessage());
        }
        Model model = Model.load(path, options, metadata);
        try {
            return of(model, codec);
        } catch (IllegalArgumentException e) {
            model.close();
            throw new JpeglmException(ErrorCode.FORMAT, file + ": " + e.getMessage());
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    /**
     * A codec model over an already loaded model; closing it closes the model.
     *
     * @throws IllegalArgumentException when the codec's tokenizer has more tokens than the model scores
     */
    public static <A, R> CodecModel<A, R> of(Model model, Codec<A, R> codec) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(codec, "codec");
        if (codec.tokenizer().vocabSize() > model.vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has "
                    + codec.tokenizer().vocabSize() + " tokens but the model scores " + model.vocabSize());
        }
        return new CodecModel<>(model, codec);
    }

    public Model model() {
        return model;
    }

    public Codec<A, R> codec() {
        return codec;
    }

    /** A generator (one llama.cpp context of options.parallel sequences) for the calling thread. */
    public Generator<A, R> newGenerator(GenerationOptions options) {
        return new Generator<>(this, Objects.requireNonNull(options, "options"));
    }

    /**
     * A service (one llama.cpp context of options.parallel sequences and its scheduler thread) that any thread may
     * submit requests to; options give its requests' defaults and its queue.
     */
    public Service<A, R> newService(GenerationOptions options) {
        return Service.start(this, Objects.requireNonNull(options, "options"));
    }

    /** Closes the model; generators and services must be closed first. */
    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "CodecModel[" + model.path().getFileName() + ", " + codec + "]";
    }
}
