package org.jpeglm.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jpeglm.Session;
import org.jpeglm.ThreadCounts;
import org.jpeglm.engine.CodecWriter;
import org.jpeglm.engine.EngineRequest;
import org.jpeglm.engine.Finisher;
import org.jpeglm.engine.StreamJob;
import org.jpeglm.engine.StreamPrompts;
import org.jpeglm.engine.StreamRunner;
import org.jpeglm.engine.TokenTable;

/**
 * Generates, completes and scores with any codec's model. It owns one llama.cpp context of
 * {@link GenerationOptions#parallel()} sequences: that many results are written together, one native step for all of
 * them per token, and when one ends the next one starts in its sequence (continuous batching) until the request is
 * done, on the caller's thread. Each result has its own seed, {@code options.seed() + index} mixed, so a request gives
 * the same results on every run with the same options. A codec that finishes off the engine's thread (h264: an
 * ffmpeg decode per video) has its results finished on a pool while the engine writes the others; the listener still
 * hears of them on the caller's thread.
 *
 * <p>Used by one thread at a time (like {@link Session}); {@link #cancel()} may be called from any thread.
 *
 * @param <A> the codec's artefact: prompts and scored inputs
 * @param <R> the codec's result
 */
public final class Generator<A, R> implements AutoCloseable {
    private final Codec<A, R> codec;
    private final GenerationOptions options;
    private final StreamWriter streams;
    private final StreamPrompts prompts;
    private final StreamRunner<R> inline; // a codec finishing on the engine's thread, else null
    private final StreamRunner<Written> offThread; // a codec finishing on its own pool, else null

    Generator(CodecModel<A, R> model, GenerationOptions options) {
        this.codec = model.codec();
        this.options = options;
        int vocabSize = model.model().vocabSize();
        TokenTable tokens = new TokenTable(codec.tokenizer(), vocabSize);
        this.streams = codec.newWriter(vocabSize);
        // Last: nothing after them may throw and leak the native context.
        this.inline = codec.finishesOffThread() ? null : new StreamRunner<>(model.model(), tokens, options, false);
        this.offThread = codec.finishesOffThread() ? new StreamRunner<>(model.model(), tokens, options, true) : null;
        this.prompts = runner().prompts(codec.tokenizer(), codec.noun()); // within the context the runner computed
    }

    private StreamRunner<?> runner() {
        return inline != null ? inline : offThread;
    }

    public GenerationOptions options() {
        return options;
    }

    public Codec<A, R> codec() {
        return codec;
    }

    /** Most tokens one result may take (prompt included): the model's context length. */
    public int contextLength() {
        return runner().contextLength();
    }

    /** count results from nothing (the prompt is BOS), in index order. */
    public List<R> generate(int count) {
        return generate(count, result -> {});
    }

    /** count results from nothing; done receives each as soon as it is finished (on this thread). */
    public List<R> generate(int count, Consumer<? super R> done) {
        return generate(count, Previews.NONE, finishedOnly(done));
    }

    /** count results from nothing; listener receives the events of each (progress, previews, the result). */
    public List<R> generate(int count, Previews previews, Listener<R> listener) {
        return run(prompts.generation(count, options.seed()), previews, listener);
    }

    /**
     * Completes each artefact from its first units, as cut says: they are the prompt, kept byte for byte, and the
     * model writes the rest. Artefacts are fitted to the model's profile first where the codec fits them.
     *
     * @throws IllegalArgumentException when the cut is outside the codec's range for prompts, or an artefact is
     *     shorter than it
     */
    public List<R> complete(List<? extends A> artefacts, Cut cut) {
        return complete(artefacts, cut, result -> {});
    }

    /** {@link #complete(List, Cut)}, with each result passed to done when finished. */
    public List<R> complete(List<? extends A> artefacts, Cut cut, Consumer<? super R> done) {
        return complete(artefacts, cut, Previews.NONE, finishedOnly(done));
    }

    /** {@link #complete(List, Cut)}, with the events of each result passed to listener on this thread. */
    public List<R> complete(List<? extends A> artefacts, Cut cut, Previews previews, Listener<R> listener) {
        // Encoding many prompts takes a while: a cancel must not wait for all.
        return completeStreams(prompts(codec, artefacts, cut, runner()::checkCancelled), previews, listener);
    }

    /**
     * The prompts of artefacts cut as cut says (a {@link Generator}'s and a {@link Service}'s alike), the cut checked
     * against the codec's range first; before each runs before each is encoded.
     */
    static <A> List<byte[]> prompts(Codec<A, ?> codec, List<? extends A> artefacts, Cut cut, Runnable before) {
        Objects.requireNonNull(artefacts, "artefacts");
        int units = Objects.requireNonNull(cut, "cut").unitsOf(codec.units());
        if (units < codec.minPromptUnits() || units > codec.maxPromptUnits()) {
            throw new IllegalArgumentException("the prompt must be " + codec.minPromptUnits() + " to "
                    + codec.maxPromptUnits() + " " + codec.unitName() + " of the model's " + codec.units() + ", got "
                    + units);
        }
        List<byte[]> prefixes = new ArrayList<>(artefacts.size());
        for (int i = 0; i < artefacts.size(); i++) {
            before.run();
            prefixes.add(codec.prompt(i, artefacts.get(i), units));
        }
        return prefixes;
    }

    /** Continues each stream prefix (bytes of the model's profile) as it is, byte for byte; done gets each result. */
    public List<R> completeStreams(List<byte[]> prefixes, Consumer<? super R> done) {
        return completeStreams(prefixes, Previews.NONE, finishedOnly(done));
    }

    /** {@link #completeStreams(List, Consumer)}, with the events of each result passed to listener on this thread. */
    public List<R> completeStreams(List<byte[]> prefixes, Previews previews, Listener<R> listener) {
        Objects.requireNonNull(prefixes, "prefixes");
        List<StreamJob> jobs = new ArrayList<>(prefixes.size());
        for (int i = 0; i < prefixes.size(); i++) {
            jobs.add(prompts.completion(i, options.seed(), prefixes.get(i)));
        }
        return run(jobs, previews, listener);
    }

    private static <R> Listener<R> finishedOnly(Consumer<? super R> done) {
        Objects.requireNonNull(done, "done");
        return event -> {
            if (event instanceof Event.Finished<R> f) {
                done.accept(f.result());
            }
        };
    }

    /** Runs one request's jobs to the end on this thread; a listener's exception comes out of here as thrown. */
    private List<R> run(List<StreamJob> jobs, Previews previews, Listener<R> listener) {
        Objects.requireNonNull(previews, "previews");
        Objects.requireNonNull(listener, "listener");
        boolean constrained = options.constrained() && streams.hasGrammar();
        CodecWriter.Events<Runnable> events = new CodecWriter.Events<>() {
            @Override
            public Runnable progress(int index, int tokens, int units, int totalUnits) {
                return () -> listener.onEvent(new Event.Progress<>(index, tokens, units, totalUnits));
            }

            @Override
            public Runnable preview(int index, int units, int totalUnits, byte[] file) {
                return () -> listener.onEvent(new Event.Preview<>(index, units, totalUnits, file));
            }
        };
        if (inline != null) {
            return inline.run(new EngineRequest<>(
                    jobs,
                    options.sampling(),
                    constrained,
                    options.maxTokens(),
                    new CodecWriter<>(streams, codec::finish, previews, events),
                    Runnable::run,
                    (index, result) -> () -> listener.onEvent(new Event.Finished<>(index, result))));
        }
        try (Finisher<R> finishing = new Finisher<>(
                codec::finish,
                jobs.size(),
                (result, index) -> listener.onEvent(new Event.Finished<>(index, result)),
                codec.newFinishers())) {
            offThread.run(new EngineRequest<>(
                    jobs,
                    options.sampling(),
                    constrained,
                    options.maxTokens(),
                    new CodecWriter<>(streams, written -> written, previews, events),
                    Runnable::run,
                    (index, written) -> () -> finishing.submit(written)));
            return finishing.all(offThread::checkCancelled);
        }
    }

    /** The negative log-likelihood of each artefact's stream under the model. */
    public List<Score> score(List<? extends A> artefacts) {
        Objects.requireNonNull(artefacts, "artefacts");
        return scoreStreams(artefacts.stream().map(this::streamOf).toList());
    }

    /** The negative log-likelihood of streams of the model's profile. */
    public List<Score> scoreStreams(List<byte[]> streams) {
        Objects.requireNonNull(streams, "streams");
        return runner().score(codec.tokenizer(), streams, codec.noun());
    }

    /** artefact's stream under the model's profile ({@link Codec#encode}). */
    public byte[] streamOf(A artefact) {
        return codec.encode(artefact);
    }

    /** Where the time of the last generate or complete request went (finishing off the engine's thread aside). */
    public RunStats lastStats() {
        return runner().lastStats();
    }

    /** The CPU threads this generator's session uses now, and how they were chosen (same thread as generate). */
    public ThreadCounts threads() {
        return runner().threads();
    }

    /** Stops the request in progress, or the next one, from any thread: it throws CancellationException. */
    public void cancel() {
        runner().cancel();
    }

    @Override
    public void close() {
        runner().close();
    }
}
