package org.jpeglm.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.jpeglm.Model;
import org.jpeglm.Session;
import org.jpeglm.ThreadCounts;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.RunStats;
import org.jpeglm.codec.Score;

/**
 * The codec-neutral half of a generator: one session of parallel sequences and the {@link BatchEngine} over it,
 * running one request at a time on the caller's thread, and scoring streams in batches. A codec's generator (images,
 * videos) builds its requests and results around it. Used by one thread at a time; {@link #cancel()} from any.
 *
 * @param <R> the result of one stream
 */
public final class StreamRunner<R> implements AutoCloseable {
    private final Session session;
    private final BatchEngine<R> engine;
    private final int parallel;
    private final int contextLength;
    private final TokenTable tokens;
    private RunStats stats = RunStats.NONE;

    /**
     * The session settings ask for over model, with the model's context ({@link BatchEngine#contextLength(Model)});
     * closing the runner closes it. finishesOffThread: the codec's results are finished on other threads while the
     * runner writes more ({@link BatchEngine#newSession(Model, GenerationOptions, boolean)}).
     */
    public StreamRunner(Model model, TokenTable tokens, GenerationOptions settings, boolean finishesOffThread) {
        this.parallel = settings.parallel();
        this.tokens = tokens;
        // Last: nothing after it may throw and leak the native context.
        this.session = BatchEngine.newSession(model, settings, finishesOffThread);
        this.contextLength = session.contextLength();
        this.engine = new BatchEngine<>(session, settings, tokens, streams -> {});
    }

    /** Most tokens one stream may take, prompt included: the model's context, computed once here. */
    public int contextLength() {
        return contextLength;
    }

    /** The prompts of this runner's streams, within its context; noun says what a stream is ("image", "video"). */
    public StreamPrompts prompts(BpeTokenizer tokenizer, String noun) {
        return new StreamPrompts(tokenizer, tokens, contextLength, noun);
    }

    /** Throws CancellationException once {@link #cancel()} was called (for work before a request, e.g. encoding). */
    public void checkCancelled() {
        session.checkCancelled();
    }

    /** Runs one request's streams to the end on this thread; a listener's exception comes out of here as thrown. */
    public List<R> run(EngineRequest<R, ?> request) {
        RunClock clock = new RunClock();
        engine.clock(clock);
        engine.add(request);
        try {
            while (!request.future().isDone()) {
                engine.round(() -> {});
            }
        } catch (RuntimeException | Error e) {
            engine.failAll(e);
            throw e;
        } finally {
            stats = clock.stats();
        }
        return resultOf(request);
    }

    /** The request's results, or what stopped it thrown as it was (a listener's own exception as it threw it). */
    private List<R> resultOf(EngineRequest<R, ?> request) {
        try {
            return request.future().join();
        } catch (CancellationException | CompletionException e) {
            engine.failAll(e); // a listener threw or the request failed: its streams still hold sequences
            switch (request.listenerError()) {
                case RuntimeException thrown -> throw thrown;
                case Error thrown -> throw thrown;
                case null, default -> {}
            }
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** Where the time of the last request went. */
    public RunStats lastStats() {
        return stats;
    }

    /**
     * The negative log-likelihood of each stream under the model, {@code parallel} streams per native call.
     *
     * @param noun what a stream is, for messages ("image", "video")
     */
    public List<Score> score(BpeTokenizer tokenizer, List<byte[]> streams, String noun) {
        List<Score> out = new ArrayList<>();
        for (int from = 0; from < streams.size(); from += parallel) {
            out.addAll(scoreBatch(tokenizer, streams, from, Math.min(streams.size(), from + parallel), noun));
        }
        return out;
    }

    /** Scores streams[from, to), one sequence each, in one native call. */
    private List<Score> scoreBatch(BpeTokenizer tokenizer, List<byte[]> streams, int from, int to, String noun) {
        List<int[]> tokens = new ArrayList<>();
        int[] bytes = new int[to - from];
        for (int i = from; i < to; i++) {
            tokens.add(Scoring.tokens(tokenizer, streams.get(i), noun, i, contextLength));
            bytes[i - from] = streams.get(i).length;
        }
        return Scoring.score(session, IntStream.range(0, to - from).toArray(), tokens, bytes);
    }

    /** The CPU threads the session uses now, and how they were chosen. */
    public ThreadCounts threads() {
        return session.threads();
    }

    /** Stops the request in progress, or the next one, from any thread: it throws CancellationException. */
    public void cancel() {
        session.cancel();
    }

    @Override
    public void close() {
        session.close();
    }
}
