package org.jpeglm.codec;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jpeglm.Session;
import org.jpeglm.ThreadCounts;

/**
 * A codec's own generator ({@code ImageGenerator}, {@code VideoGenerator}): the codec-neutral {@link Generator}
 * under the codec's name; what every codec's generator does is delegated here once, and a view adds only what
 * differs (how a completion is cut).
 *
 * <p>Used by one thread at a time (like {@link Session}); {@link #cancel()} may be called from any thread.
 *
 * @param <A> the codec's artefact
 * @param <R> the codec's result
 */
public abstract class GeneratorView<A, R> implements AutoCloseable {
    private final Generator<A, R> generator;

    protected GeneratorView(Generator<A, R> generator) {
        this.generator = Objects.requireNonNull(generator, "generator");
    }

    /** The options it was made with. */
    public GenerationOptions options() {
        return generator.options();
    }

    /** The codec-neutral generator this one delegates to. */
    public Generator<A, R> generator() {
        return generator;
    }

    /** Most tokens one result may take (prompt included): the model's context length. */
    public int contextLength() {
        return generator.contextLength();
    }

    /** count results from nothing (the prompt is BOS), in index order. */
    public List<R> generate(int count) {
        return generator.generate(count);
    }

    /** count results from nothing; listener receives each as soon as it is done (on this thread). */
    public List<R> generate(int count, Consumer<? super R> listener) {
        return generator.generate(count, listener);
    }

    /**
     * count results from nothing; listener receives the events of each ({@link Event}: progress, previews as previews
     * allow, the finished result) on this thread.
     */
    public List<R> generate(int count, Previews previews, Listener<R> listener) {
        return generator.generate(count, previews, listener);
    }

    /** The negative log-likelihood of each artefact's stream under the model (fitted first where the codec fits). */
    public List<Score> score(List<? extends A> artefacts) {
        return generator.score(artefacts);
    }

    /** The negative log-likelihood of streams of the model's profile. */
    public List<Score> scoreStreams(List<byte[]> streams) {
        return generator.scoreStreams(streams);
    }

    /**
     * artefact's stream under the model's profile ({@link Codec#encode}).
     *
     * @throws java.io.UncheckedIOException when the codec's encoder fails (h264: ffmpeg cannot encode it)
     */
    public byte[] streamOf(A artefact) {
        return generator.streamOf(artefact);
    }

    /** Where the time of the last generate or complete request went (finishing off the engine's thread aside). */
    public RunStats lastStats() {
        return generator.lastStats();
    }

    /** The CPU threads this generator's session uses now, and how they were chosen (same thread as generate). */
    public ThreadCounts threads() {
        return generator.threads();
    }

    /** Stops the request in progress, or the next one, from any thread: it throws CancellationException. */
    public void cancel() {
        generator.cancel();
    }

    @Override
    public void close() {
        generator.close();
    }
}
