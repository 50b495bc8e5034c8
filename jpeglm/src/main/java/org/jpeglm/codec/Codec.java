package org.jpeglm.codec;

import java.util.concurrent.ExecutorService;
import org.jpeglm.bpe.BpeTokenizer;

/**
 * What a model's tokens mean: a codec turns artefacts into the byte streams the model was trained on and the streams
 * it writes back into results, follows each stream as it is written (its syntax, its progress, its previews:
 * {@link StreamWriter}, {@link StreamState}), and cuts prompts on its units. Everything else (batching, sampling,
 * stopping, scoring) is the engine's, the same for every codec. Immutable and thread-safe; one per loaded model.
 *
 * @param <A> the artefact a prompt or a scored input is (an image, a video)
 * @param <R> the result of one written stream (a generated image, a generated video)
 */
public interface Codec<A, R> {
    /** The codec's name, as the GGUF key {@code jpeglm.codec} gives it: "jpeg", "h264". */
    String name();

    /** What one result is, for messages: "image", "video". */
    String noun();

    /** The model's tokenizer: stream bytes to tokens and back. */
    BpeTokenizer tokenizer();

    /** The units of one whole artefact (MCUs of an image, frames of a video): what progress and prompts count. */
    int units();

    /** What a unit is, for messages: "MCUs", "frames". */
    String unitName();

    /**
     * artefact's stream under the model's profile (fitted to it first where the codec fits).
     *
     * @throws java.io.UncheckedIOException when an external encoder fails
     */
    byte[] encode(A artefact);

    /**
     * The prompt of completion index: the first units of artefact's stream, byte for byte.
     *
     * @throws IllegalArgumentException when artefact has fewer units than that
     */
    default byte[] prompt(int index, A artefact, int units) {
        return prefix(encode(artefact), units);
    }

    /** The first units of one of its streams, cut where the model's next bytes start the next unit. */
    byte[] prefix(byte[] stream, int units);

    /** The fewest units a prompt may keep (0: the header alone, where the codec has one). */
    default int minPromptUnits() {
        return 0;
    }

    /** The most units a prompt may keep (all: a completion with nothing left to write). */
    default int maxPromptUnits() {
        return units();
    }

    /** One writer of its streams for a session whose model scores vocabSize tokens (at least the tokenizer's). */
    StreamWriter newWriter(int vocabSize);

    /** The result of a written stream (repaired, decoded); on the engine's thread unless finished off it. */
    R finish(Written written);

    /** Whether results are finished on a pool while the engine writes the others (an ffmpeg decode per video). */
    default boolean finishesOffThread() {
        return false;
    }

    /** The pool one run's results are finished on, shut down after the run; only when finishing off thread. */
    default ExecutorService newFinishers() {
        throw new UnsupportedOperationException(name() + " finishes its results on the engine's thread");
    }
}
