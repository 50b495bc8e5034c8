package org.jpeglm.image;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;
import org.jpeglm.Session;
import org.jpeglm.image.RunClock.Phase;

/**
 * Writes the images of any number of requests in the sequences of one session by continuous batching: every
 * sequence holds one image ({@link Slot}); each round, stopped requests give their sequences back, free sequences
 * take the next waiting images (first come, first served), one native step samples a token for every busy sequence,
 * and the images that end are finished and make room. Each image samples with its own request's parameters and its
 * own seed; constrained, a sampled token the grammar refuses is sampled again under the grammar's mask, and
 * constrained and free images share a step.
 *
 * <p>Determinism: a sequence's sampler restarts from its image's seed, and every round makes the same native calls in
 * the same order for the same requests arriving at the same rounds, so the same request run alone gives the same
 * images. Used by one thread; only {@link EngineRequest#cancel()} may come from others.
 */
final class BatchEngine {
    private final Session session;
    private final IntConsumer dequeued;
    private final StreamTools tools;
    private final int contextLength;
    private final Deque<EngineRequest> waiting = new ArrayDeque<>();
    private final Slot[] slots;
    private final int[] seqs; // this round's stepping sequences, in order
    private final int[] out; // and their tokens
    private final int[] redo; // positions in seqs to sample again
    // Sequences whose native mask is a step's own (forced bytes or the grammar) rather than the base one (none, or
    // the tokenizer's ids of a padded vocabulary). Masks outlive images (clearing a sequence keeps its mask), so
    // this outlives them too: an image ended under a mask, or a cancelled request, must not mask the next image.
    private final boolean[] masked;
    private final List<EngineRequest> completed = new ArrayList<>(); // this round's, to complete at its end
    private RunClock clock = new RunClock();

    /**
     * @param contextLength most tokens per sequence, prompt included
     * @param dequeued told how many waiting images left the queue, as they start or their request stops
     */
    BatchEngine(Session session, StreamTools tools, int contextLength, IntConsumer dequeued) {
        this.session = session;
        this.dequeued = dequeued;
        this.tools = tools;
        this.contextLength = contextLength;
        int n = session.sequences();
        this.slots = new Slot[n];
        this.seqs = new int[n];
        this.out = new int[n];
        this.redo = new int[n];
        this.masked = new boolean[n];
        for (int q = 0; q < n; q++) {
            unmask(q);
        }
    }

    /** Lets sequence q sample every token of the tokenizer again (not the padding of a padded vocabulary). */
    private void unmask(int q) {
        tools.tokens().tokenizerMask().ifPresentOrElse(m -> session.setMask(q, m), () -> session.clearMask(q));
        masked[q] = false;
    }

    /** The clock rounds charge their time to from now on. */
    void clock(RunClock clock) {
        this.clock = clock;
    }

    /** Queues a request's images behind those already waiting. */
    void add(EngineRequest request) {
        waiting.add(request);
    }

    /** Requests with images waiting or being written. */
    int requests() {
        Set<EngineRequest> all = Collections.newSetFromMap(new IdentityHashMap<>());
        all.addAll(waiting);
        for (Slot s : slots) {
            if (s != null) {
                all.add(s.request());
            }
        }
        return all.size();
    }

    /** Whether any image is waiting or being written. */
    boolean busy() {
        return !waiting.isEmpty() || activeSequences() > 0;
    }

    int activeSequences() {
        int n = 0;
        for (Slot s : slots) {
            n += s == null ? 0 : 1;
        }
        return n;
    }

    /** KV cache cells the images being written hold. */
    int kvCells() {
        int n = 0;
        for (Slot s : slots) {
            n += s == null ? 0 : s.length();
        }
        return n;
    }

    /**
     * One round: frees stopped requests' sequences, starts waiting images, steps and takes the tokens. Requests whose
     * last image finished get their results at its end, after afterRound (so counters read then include them).
     */
    void round(Runnable afterRound) {
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
        if (n == 0) {
            return;
        }
        clock.enter(Phase.STEP);
        int[] stepping = n == seqs.length ? seqs : Arrays.copyOf(seqs, n);
        if (anyConstrained(n)) {
            sampleValid(stepping);
        } else {
            session.step(stepping, out);
        }
        clock.stepped(n);
        clock.enter(Phase.ACCEPT);
        accept(n);
    }

    /** Ends every request with error and forgets their images (after a failed native call: the session is intact). */
    void failAll(Throwable error) {
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

    /** Free sequences take the next waiting images; all their prompts go in one native call. */
    private void admit() {
        List<Integer> started = new ArrayList<>();
        for (int q = 0; q < slots.length && !waiting.isEmpty(); q++) {
            if (slots[q] == null) {
                EngineRequest request = waiting.peek();
                ImageJob job = request.next();
                dequeued.accept(1);
                if (request.waiting() == 0) {
                    waiting.poll();
                }
                session.truncate(q, 0);
                session.setSampling(q, request.sampling().withSeed(job.seed()));
                slots[q] = new Slot(job, request, tools, contextLength);
                started.add(q);
            }
        }
        if (!started.isEmpty()) {
            int[] ids = started.stream().mapToInt(Integer::intValue).toArray();
            List<int[]> prompts =
                    started.stream().map(q -> slots[q].job().prompt()).toList();
            PackedTokens packed = PackedTokens.of(ids, prompts);
            session.decode(packed.seqs(), packed.tokens());
            for (int q : ids) {
                slots[q].report();
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
            Slot slot = slots[q];
            if (slot == null || slot.request().stopped()) {
                continue; // a listener may have cancelled its request during admit(): it must not step
            }
            if (slot.done()) {
                finish(q);
                continue;
            }
            if (slot.forcing()) {
                setMask(q, slot.forcedMask(tools.masks()));
            } else if (masked[q]) {
                unmask(q);
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
     * Samples freely, and only where the token would break a constrained stream, samples again under the grammar's
     * mask: the result is the masked distribution, at the price of a mask for the rare bad token. Then appends the
     * tokens.
     */
    private void sampleValid(int[] stepping) {
        session.sample(stepping, out);
        int refused = checkSampled(stepping.length);
        if (refused > 0) {
            resample(refused);
        }
        session.decode(stepping, stepping.length == out.length ? out : Arrays.copyOf(out, stepping.length));
    }

    /** Sets the grammar's mask where the grammar refuses a sampled token; returns how many (their positions in redo). */
    private int checkSampled(int n) {
        Phase was = clock.enter(Phase.MASK);
        int count = 0;
        for (int i = 0; i < n; i++) {
            Slot slot = slots[seqs[i]];
            // A forced step's mask already holds the grammar; a free image takes what it sampled.
            if (slot.request().constrained() && !slot.forcing() && !slot.fits(out[i])) {
                setMask(seqs[i], slot.grammarMask(tools.masks()));
                redo[count++] = i;
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
            Slot slot = slots[seqs[i]];
            if (slot.accept(out[i])) {
                finish(seqs[i]);
            } else {
                Phase was = clock.enter(Phase.LISTENER);
                slot.report();
                clock.enter(was);
            }
        }
    }

    /** Repairs and decodes the image of sequence q, frees the sequence and hands the image to its request. */
    private void finish(int q) {
        Phase was = clock.enter(Phase.FINISH);
        Slot slot = slots[q];
        slots[q] = null;
        GeneratedImage image = slot.finish();
        clock.imageDone();
        clock.enter(Phase.LISTENER);
        slot.report();
        if (slot.request().finished(image)) {
            completed.add(slot.request());
        }
        clock.enter(was);
    }
}
