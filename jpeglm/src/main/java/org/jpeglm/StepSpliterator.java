package org.jpeglm;

import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.function.IntConsumer;

/** The tokens of {@link Session#stream}: one step of the sequence per element, through the guarded calls. */
final class StepSpliterator extends Spliterators.AbstractIntSpliterator {
    private final Session session;
    private final int seq;
    private final int maxTokens;
    private final int contextLength;
    private int produced;

    StepSpliterator(Session session, int seq, int maxTokens) {
        super(maxTokens, Spliterator.ORDERED | Spliterator.NONNULL);
        this.session = session;
        this.seq = seq;
        this.maxTokens = maxTokens;
        this.contextLength = session.contextLength();
    }

    @Override
    public boolean tryAdvance(IntConsumer action) {
        if (produced >= maxTokens || session.length(seq) >= contextLength) {
            return false;
        }
        int token;
        try {
            token = session.step(seq);
        } catch (CancellationException e) {
            return false; // cancel() ends the stream like the context's end does
        }
        produced++;
        action.accept(token);
        return true;
    }
}
