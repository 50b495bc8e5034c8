package org.jpeglm.codec;

import java.util.Objects;
import org.jpeglm.Model;

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
