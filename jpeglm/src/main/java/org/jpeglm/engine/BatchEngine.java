package org.jpeglm.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;
import org.jpeglm.Model;
import org.jpeglm.Session;
import org.jpeglm.SessionOptions;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.engine.RunClock.Phase;

/**
 * Writes the streams (images, videos) of any number of requests in the sequences of one session by continuous
 * batching: every sequence holds one stream (a {@link Slot}, followed by its request's {@link RequestWriter}); each
 * round, stopped requests give their sequences back, free sequences take the next waiting streams (first come, first
 * served), one native step samples a token for every busy sequence,
 * and the images that end are finished and make room. Each image samples with its own request's parameters and its
 * own seed; constrained, a sampled token the grammar refuses is sampled again under the grammar's mask, and
 * constrained and free images share a step.
 *
 * <p>Determinism: a sequence's sampler restarts from its image's seed, and every round makes the same native calls
 * in the same order for the same requests arriving at the same rounds, so the same request run alone gives the same
 * images. Deterministic, every step is also evaluated in a shape that keeps each sequence's numbers independent of
 * the others ({@link #decodeStep}), so an image from nothing gets the same bytes whatever else shares the batch.
 * Used by one thread; only {@link EngineRequest#cancel()} may come from others.
 */
public final class BatchEngine<R> {
    private final Session session;
    private final boolean deterministic;
    private final IntConsumer dequeued;
    private final TokenTable tokens;
    private final int contextLength;
    private final Deque<EngineRequest<R, ?>> waiting = new ArrayDeque<>();
    private final Slot<R, ?>[] slots;
    private final int[] seqs; // this round's stepping sequences, in order
    private final int[] out; // and their tokens
    private final int[] redo; // positions in seqs to sample again
    // Sequences whose native mask is a step's own (forced bytes or the grammar) rather than the base one (none, or
    // the tokenizer's ids of a padded vocabulary). Masks outlive images (clearing a sequence keeps its mask), so
    // this outlives them too: an image ended under a mask, or a cancelled request, must not mask the next image.
    private final boolean[] masked;
    private final boolean[] fresh; // images whose BOS this round's step evaluates
    private final List<EngineRequest<R, ?>> completed = new ArrayList<>(); // this round's, to complete at its end
    private RunClock clock = new RunClock();

    /**
     * @param session a session from {@link #newSession} with the same settings
     * @param settings parallel: streams written at once; deterministic: whether a lone stepping sequence gets an idle
     *     neighbour ({@link #decodeStep})
     * @param tokens the model's token bytes, BOS and EOS
     * @param dequeued told how many waiting images left the queue, as they start or their request stops
     */
    @SuppressWarnings("unchecked") // an array of a generic interface
    public BatchEngine(Session session, GenerationOptions settings, TokenTable tokens, IntConsumer dequeued) {
        this.session = session;
        this.deterministic = settings.deterministic();
        this.dequeued = dequeued;
        this.tokens = tokens;
        this.contextLength = session.contextLength(); // most tokens per sequence, prompt included
        int n = settings.parallel();
        this.slots = new Slot[n];
        this.seqs = new int[n];
        this.out = new int[n];
        this.redo = new int[n];
        this.masked = new boolean[n];
        this.fresh = new boolean[n];
        for (int q = 0; q < n; q++) {
            unmask(q);
        }
    }

    /** Most tokens one stream may take, prompt included: the model's trained context (16 at least). */
    public static int contextLength(Model model) {
        return Math.max(16, model.trainedContextLength());
    }

    /** {@link #newSession(Model, GenerationOptions, int)} with the model's {@link #contextLength(Model)}. */
    public static Session newSession(Model model, GenerationOptions settings) {
        return newSession(model, settings, contextLength(model));
    }

    /**
     * A session for parallel streams: one sequence each, and deterministic two at least, so a lone sequence always has
     * an idle neighbour to be evaluated beside ({@link #decodeStep}).
     */
    public static Session newSession(Model model, GenerationOptions settings, int contextLength) {
        return newSession(model, settings, contextLength, false);
    }

    /**
     * {@link #newSession(Model, GenerationOptions)} for a codec whose results are finished off the engine's thread
     * (finishesOffThread: decoded while the session writes more, as ffmpeg decodes videos): its automatic thread
     * counts then leave one CPU to that work. On 2 CPUs, two threads wrote videos at 0.52–0.76× of one
     * (docs/benchmarks.md), and an automatic count that started at two lost 11–19 % before the tuner came down.
     */
    public static Session newSession(Model model, GenerationOptions settings, boolean finishesOffThread) {
        return newSession(model, settings, contextLength(model), finishesOffThread);
    }

    private static Session newSession(
            Model model, GenerationOptions settings, int contextLength, boolean finishesOffThread) {
        int parallel = settings.parallel();
        return model.newSession(SessionOptions.builder()
                .reservedCpus(finishesOffThread ? 1 : 0)
                .contextLength(contextLength)
                .sequences(settings.deterministic() ? Math.max(parallel, 2) : parallel)
                .threads(settings.threads())
                .batchSize(settings.batchSize())
                .kvCacheType(SessionOptions.KvCacheType.of(model)) // the model file's choice, else F16
                .build());
    }

    /** Lets sequence q sample every token of the tokenizer again (not the padding of a padded vocabulary). */
    private void unmask(int q) {
        tokens.tokenizerMask().ifPresentOrElse(m -> session.setMask(q, m), () -> session.clearMask(q));
        masked[q] = false;
    }

    /** The clock rounds charge their time to from now on. */
    public void clock(RunClock clock) {
        this.clock = clock;
    }

    /** Queues a request's images behind those already waiting. */
    public void add(EngineRequest<R, ?> request) {
        waiting.add(request);
    }

    /** Requests with images waiting or being written. */
    public int requests() {
        Set<EngineRequest<R, ?>> all = Collections.newSetFromMap(new IdentityHashMap<>());
        all.addAll(waiting);
        for (Slot<R, ?> s : slots) {
            if (s != null) {
                all.add(s.request());
            }
        }
        return all.size();
    }

    /** Whether any image is waiting or being written. */
    public boolean busy() {
        return !waiting.isEmpty() || activeSequences() > 0;
    }

    public int activeSequences() {
        int n = 0;
        for (Slot<R, ?> s : slots) {
            n += s == null ? 0 : 1;
        }
        return n;
    }

    /** The sequences no image holds now, in order. */
    public int[] freeSequences() {
        int[] free = new int[slots.length];
        int n = 0;
        for (int q = 0; q < slots.length; q++) {
            if (slots[q] == null) {
                free[n++] = q;
            }
        }
        return Arrays.copyOf(free, n);
    }

    /** KV cache cells the images being written hold. */
    public int kvCells() {
        int n = 0;
        for (Slot<R, ?> s : slots) {
            n += s == null ? 0 : s.length();
        }
        return n;
    }

    /**
     * One round: frees stopped requests' sequences, starts waiting images, steps and takes the tokens. Requests whose
     * last image finished get their results at its end, after afterRound (so counters read then include them).
     */
    public void round(Runnable afterRound) {
        try {
            step();
        } finally {
            afterRound.run();
            completed.forEach(EngineRequest::complete);
            completed.clear();
        }
    }

    private void step() {
        clock.enter(Phase.PROMPT);
        dropStopped();
        admit();
        clock.enter(Phase.MASK);
        int n = prepare();
        if (n == 0 && !anyFresh()) {
            return;
        }
        clock.enter(Phase.STEP);
        int[] stepping = Arrays.copyOf(seqs, n);
        if (n > 0) {
            session.sample(stepping, out);
            if (anyConstrained(n)) {
                resampleRefused(n);
            }
        }
        decodeStep(stepping);
        if (n > 0) {
            clock.stepped(n);
        }
        clock.enter(Phase.ACCEPT);
        accept(n);
    }

    private boolean anyFresh() {
        for (boolean f : fresh) {
            if (f) {
                return true;
            }
        }
        return false;
    }

    /**
     * Evaluates the stepping sequences' sampled tokens and the BOS of the images that start from nothing, in one
     * native call in which every run of consecutive sequences is two or more. llama.cpp evaluates only consecutive
     * sequence ids together (with a KV stream per sequence), and its CPU matrix products take another kernel for a
     * single token, whose float sums differ in the last bits: an image's bytes would depend on which other sequences
     * stepped beside it. So, deterministic, a sequence with no stepping neighbour gets an idle one beside it,
     * evaluating a placeholder BOS at position 0 (see newSession): each sequence's numbers are then the same whatever
     * the batch. That costs a second token in every step of a lone sequence, so it is not the default.
     */
    private void decodeStep(int[] stepping) {
        int[] token = new int[session.sequences()];
        Arrays.fill(token, -1);
        for (int i = 0; i < stepping.length; i++) {
            token[stepping[i]] = out[i];
        }
        for (int q = 0; q < fresh.length; q++) {
            if (fresh[q]) {
                token[q] = tokens.bosId();
                fresh[q] = false;
            }
        }
        for (int q = 0; deterministic && q < token.length; q++) { // a lone sequence gets an idle neighbour
            boolean alone =
                    token[q] >= 0 && (q == 0 || token[q - 1] < 0) && (q + 1 == token.length || token[q + 1] < 0);
            if (alone) {
                placeholder(q + 1 < token.length ? q + 1 : q - 1, token);
            }
        }
        int n = 0;
        for (int t : token) {
            n += t >= 0 ? 1 : 0;
        }
        int[] ids = new int[n];
        int[] tokens = new int[n];
        for (int q = 0, k = 0; q < token.length; q++) {
            if (token[q] >= 0) {
                ids[k] = q;
                tokens[k++] = token[q];
            }
        }
        session.decode(ids, tokens);
    }

    /** Ends every request with error and forgets their images (after a failed native call: the session is intact). */
    public void failAll(Throwable error) {
        for (int q = 0; q < slots.length; q++) {
            if (slots[q] != null) {
                slots[q].request().fail(error);
                slots[q] = null;
            }
        }
        waiting.forEach(r -> {
            dequeued.accept(r.waiting());
            r.fail(error);
        });
        waiting.clear();
    }

    /** Sequences of cancelled or failed requests become free; cancelled requests' futures complete. */
    private void dropStopped() {
        for (int q = 0; q < slots.length; q++) {
            if (slots[q] != null && slots[q].request().stopped()) {
                slots[q].request().cancelled();
                slots[q] = null;
            }
        }
        waiting.removeIf(r -> {
            if (r.stopped()) {
                dequeued.accept(r.waiting());
                r.cancelled();
            }
            return r.stopped();
        });
    }

    /**
     * Free sequences take the next waiting images. An image from nothing (its prompt is BOS) is evaluated with this
     * round's step ({@link #decodeStep}); the longer prompts of completions go together in one native call now.
     */
    private void admit() {
        List<Integer> prompted = new ArrayList<>();
        for (int q = 0; q < slots.length && !waiting.isEmpty(); q++) {
            if (slots[q] == null) {
                EngineRequest<R, ?> request = waiting.peek();
                StreamJob job = request.next();
                dequeued.accept(1);
                if (request.waiting() == 0) {
                    waiting.poll();
                }
                session.truncate(q, 0);
                session.setSampling(q, request.sampling().withSeed(job.seed()));
                try {
                    slots[q] = open(request, job);
                } catch (RuntimeException | Error e) {
                    failStream(request, -1, e);
                    continue;
                }
                if (job.prompt().length == 1 && !slots[q].done()) {
                    fresh[q] = true;
                } else {
                    prompted.add(q);
                }
            }
        }
        if (!prompted.isEmpty()) {
            int[] ids = prompted.stream().mapToInt(Integer::intValue).toArray();
            List<int[]> prompts =
                    prompted.stream().map(q -> slots[q].job().prompt()).toList();
            PackedTokens packed = PackedTokens.of(ids, prompts);
            session.decode(packed.seqs(), packed.tokens());
        }
        for (int q = 0; q < slots.length; q++) {
            if (slots[q] != null && (fresh[q] || prompted.contains(q))) {
                report(q);
            }
        }
    }

    /**
     * Finishes images their prompt already ended, sets the masks of forced steps and clears the others; returns how
     * many sequences step this round (their ids in seqs).
     */
    private int prepare() {
        int n = 0;
        for (int q = 0; q < slots.length; q++) {
            Slot<R, ?> slot = slots[q];
            if (slot == null || slot.request().stopped()) {
                fresh[q] = false;
                continue; // a listener may have cancelled its request during admit(): it must not step
            }
            if (fresh[q]) {
                continue; // its BOS is evaluated in this round's step: it samples from the next
            }
            if (slot.done()) {
                finish(q);
                continue;
            }
            try {
                if (slot.forcing()) {
                    setMask(q, slot.forcedMask());
                } else if (masked[q]) {
                    unmask(q);
                }
            } catch (RuntimeException | Error e) {
                failStream(slot.request(), q, e);
                continue;
            }
            seqs[n++] = q;
        }
        return n;
    }

    private boolean anyConstrained(int n) {
        for (int i = 0; i < n; i++) {
            if (slots[seqs[i]].request().constrained()) {
                return true;
            }
        }
        return false;
    }

    private void setMask(int q, long[] mask) {
        session.setMask(q, mask);
        masked[q] = true;
    }

    /**
     * Where a token just sampled freely would break a constrained stream, samples again under the grammar's mask:
     * the result is the masked distribution, at the price of a mask for the rare bad token.
     */
    private void resampleRefused(int n) {
        int refused = checkSampled(n);
        if (refused > 0) {
            resample(refused);
        }
    }

    /** Gives sequence q, which no image needs now, a BOS at position 0 to evaluate. */
    private void placeholder(int q, int[] token) {
        session.truncate(q, 0);
        token[q] = tokens.bosId();
    }

    /** Sets the grammar's mask where the grammar refuses a sampled token; returns how many (their positions in redo). */
    private int checkSampled(int n) {
        Phase was = clock.enter(Phase.MASK);
        int count = 0;
        for (int i = 0; i < n; i++) {
            Slot<R, ?> slot = slots[seqs[i]];
            try {
                // A forced step's mask already holds the grammar; a free image takes what it sampled.
                if (slot.request().constrained() && !slot.forcing() && !slot.fits(out[i])) {
                    setMask(seqs[i], slot.grammarMask());
                    redo[count++] = i;
                }
            } catch (RuntimeException | Error e) {
                failStream(slot.request(), seqs[i], e);
            }
        }
        clock.enter(was);
        return count;
    }

    /** Samples the first count positions of redo again, under the masks just set. */
    private void resample(int count) {
        int[] redoSeqs = new int[count];
        int[] redoOut = new int[count];
        for (int k = 0; k < count; k++) {
            redoSeqs[k] = seqs[redo[k]];
        }
        session.sample(redoSeqs, redoOut);
        for (int k = 0; k < count; k++) {
            out[redo[k]] = redoOut[k];
        }
    }

    /** Each stepping image takes its token; those that end are finished, the others report their progress. */
    private void accept(int n) {
        for (int i = 0; i < n; i++) {
            int q = seqs[i];
            Slot<R, ?> slot = slots[q];
            if (slot == null || slot.request().stopped()) {
                continue; // its request failed during this round
            }
            boolean done;
            try {
                done = slot.accept(out[i]);
            } catch (RuntimeException | Error e) {
                failStream(slot.request(), q, e);
                continue;
            }
            if (done) {
                finish(q);
            } else {
                Phase was = clock.enter(Phase.LISTENER);
                report(q);
                clock.enter(was);
            }
        }
    }

    /** Tells sequence q's request of its progress. */
    private void report(int q) {
        Slot<R, ?> slot = slots[q];
        try {
            slot.report();
        } catch (RuntimeException | Error e) {
            failStream(slot.request(), q, e);
        }
    }

    /** Finishes the stream of sequence q (an image is repaired and decoded), frees the sequence, hands the result on. */
    private void finish(int q) {
        Phase was = clock.enter(Phase.FINISH);
        Slot<R, ?> slot = slots[q];
        slots[q] = null;
        R result;
        try {
            result = slot.finish();
        } catch (RuntimeException | Error e) {
            failStream(slot.request(), q, e);
            clock.enter(was);
            return;
        }
        clock.imageDone();
        clock.enter(Phase.LISTENER);
        slot.report();
        if (slot.request().finished(slot.job().index(), result)) {
            completed.add(slot.request());
        }
        clock.enter(was);
    }

    /**
     * A failure in one stream's own work (its codec making, checking, taking or finishing it, e.g. an
     * OutOfMemoryError decoding a huge image) ends its request alone: the session is intact and the other requests
     * go on. Sequence q (-1: none) is freed now; the request's other sequences at the next round's start.
     */
    private void failStream(EngineRequest<R, ?> request, int q, Throwable error) {
        request.fail(error);
        if (q >= 0) {
            slots[q] = null;
            fresh[q] = false;
        }
        if (waiting.remove(request)) {
            dequeued.accept(request.waiting());
        }
    }

    /** job's slot, followed by its request's writer (the wildcard captured once: the writer and request agree). */
    private <E> Slot<R, E> open(EngineRequest<R, E> request, StreamJob job) {
        return new Slot<>(job, request, tokens, contextLength);
    }
}
