package org.jpeglm.image;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import org.jpeglm.SamplingParams;
import org.jpeglm.Session;
import org.jpeglm.image.RunClock.Phase;
import org.jpeglm.jpeg.JpegRepair;
import org.jpeglm.jpeg.JpegSyntax;

/**
 * Writes images in the sequences of one session by continuous batching: every sequence holds one image
 * ({@link Slot}); each round, free sequences take the next pending images, one native step samples a token for
 * every busy sequence, and the images that end are finished and make room. Constrained, a sampled token the
 * grammar refuses is sampled again under the grammar's mask.
 *
 * <p>Determinism: a sequence's sampler restarts from its image's seed, and every round makes the same native
 * calls in the same order for the same request, so the same request gives the same images.
 */
final class BatchGenerator {
    private final Session session;
    private final SamplingParams sampling;
    private final boolean constrained;
    private final JpegSyntax syntax;
    private final SyntaxMasks masks;
    private final JpegRepair repair;
    private final TokenTable tokens;
    private final int maxTokens;
    private final int contextLength;
    // Sequences whose native mask is a step's own (forced bytes or the grammar) rather than the base one (none, or
    // the tokenizer's ids of a padded vocabulary). Masks outlive requests (clearing a sequence keeps its mask), so
    // this outlives them too: an image ended under a mask, or a cancelled request, must not mask the next image.
    private final boolean[] masked;

    /**
     * @param constrained whether sampled tokens must keep streams valid (masks also serve forced bytes either way)
     * @param maxTokens most tokens generated per image
     * @param contextLength most tokens per sequence, prompt included
     */
    BatchGenerator(
            Session session,
            SamplingParams sampling,
            boolean constrained,
            JpegSyntax syntax,
            SyntaxMasks masks,
            JpegRepair repair,
            TokenTable tokens,
            int maxTokens,
            int contextLength) {
        this.session = session;
        this.sampling = sampling;
        this.constrained = constrained;
        this.syntax = syntax;
        this.masks = masks;
        this.repair = repair;
        this.tokens = tokens;
        this.maxTokens = maxTokens;
        this.contextLength = contextLength;
        this.masked = new boolean[session.sequences()];
        for (int q = 0; q < masked.length; q++) {
            unmask(q);
        }
    }

    /** Lets sequence q sample every token of the tokenizer again (not the padding of a padded vocabulary). */
    private void unmask(int q) {
        tokens.tokenizerMask().ifPresentOrElse(m -> session.setMask(q, m), () -> session.clearMask(q));
        masked[q] = false;
    }

    /** Result of one request: its images in index order and where its time went. */
    record Result(List<GeneratedImage> images, GenerationStats stats) {}

    /** Writes every job's image; listener gets each as soon as it is done (on this thread). */
    Result run(List<ImageJob> jobs, Consumer<GeneratedImage> listener) {
        return new Run(jobs, listener).run();
    }

    /** One request: the pending jobs, the image in each sequence, and the state of the round. */
    private final class Run {
        private final Deque<ImageJob> pending;
        private final Consumer<GeneratedImage> listener;
        private final Slot[] slots = new Slot[session.sequences()];
        private final int[] seqs = new int[slots.length]; // this round's stepping sequences, in order
        private final int[] out = new int[slots.length]; // and their tokens
        private final int[] redo = new int[slots.length]; // positions in seqs to sample again
        private final List<GeneratedImage> done;
        private final RunClock clock = new RunClock();

        Run(List<ImageJob> jobs, Consumer<GeneratedImage> listener) {
            this.pending = new ArrayDeque<>(jobs);
            this.listener = listener;
            this.done = new ArrayList<>(jobs.size());
        }

        Result run() {
            while (!pending.isEmpty() || busy()) {
                clock.enter(Phase.PROMPT);
                admit();
                clock.enter(Phase.MASK);
                int n = prepare();
                if (n == 0) {
                    continue;
                }
                clock.enter(Phase.STEP);
                int[] stepping = n == seqs.length ? seqs : Arrays.copyOf(seqs, n);
                if (constrained) {
                    sampleValid(stepping);
                } else {
                    session.step(stepping, out);
                }
                clock.stepped(n);
                clock.enter(Phase.ACCEPT);
                accept(n);
            }
            GenerationStats stats = clock.stats();
            done.sort(Comparator.comparingInt(GeneratedImage::index));
            return new Result(done, stats);
        }

        private boolean busy() {
            for (Slot s : slots) {
                if (s != null) {
                    return true;
                }
            }
            return false;
        }

        /** Free sequences take the next pending images; all their prompts go in one native call. */
        private void admit() {
            List<Integer> started = new ArrayList<>();
            for (int q = 0; q < slots.length && !pending.isEmpty(); q++) {
                if (slots[q] == null) {
                    ImageJob job = pending.poll();
                    session.truncate(q, 0);
                    session.setSampling(q, sampling.withSeed(job.seed()));
                    slots[q] = new Slot(job, syntax, tokens, maxTokens, contextLength);
                    started.add(q);
                }
            }
            if (!started.isEmpty()) {
                int[] ids = started.stream().mapToInt(Integer::intValue).toArray();
                List<int[]> prompts =
                        started.stream().map(q -> slots[q].job().prompt()).toList();
                PackedTokens packed = PackedTokens.of(ids, prompts);
                session.decode(packed.seqs(), packed.tokens());
            }
        }

        /**
         * Finishes images their prompt already ended, sets the masks of forced steps and clears the others; returns
         * how many sequences step this round (their ids in seqs).
         */
        private int prepare() {
            int n = 0;
            for (int q = 0; q < slots.length; q++) {
                Slot slot = slots[q];
                if (slot == null) {
                    continue;
                }
                if (slot.done()) {
                    finish(q);
                    continue;
                }
                if (slot.forcing()) {
                    setMask(q, slot.forcedMask(masks, constrained));
                } else if (masked[q]) {
                    unmask(q);
                }
                seqs[n++] = q;
            }
            return n;
        }

        private void setMask(int q, long[] mask) {
            session.setMask(q, mask);
            masked[q] = true;
        }

        /**
         * Samples freely, and only where the token would break the stream, samples again under the grammar's mask:
         * the result is the masked distribution, at the price of a mask for the rare bad token. Then appends the
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
                if (!slot.forcing() && !slot.fits(out[i])) { // a forced step's mask already holds the grammar
                    setMask(seqs[i], slot.grammarMask(masks));
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

        /** Each stepping image takes its token; those that end are finished. */
        private void accept(int n) {
            for (int i = 0; i < n; i++) {
                if (slots[seqs[i]].accept(out[i])) {
                    finish(seqs[i]);
                }
            }
        }

        /** Repairs and decodes the image of sequence q, frees the sequence and hands the image out. */
        private void finish(int q) {
            Phase was = clock.enter(Phase.FINISH);
            GeneratedImage image = slots[q].finish(repair);
            slots[q] = null;
            done.add(image);
            clock.imageDone();
            clock.enter(Phase.LISTENER);
            listener.accept(image);
            clock.enter(was);
        }
    }
}
