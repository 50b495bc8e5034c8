package org.jpeglm;

import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.function.IntConsumer;

/** The tokens of {@link Sequence#stream}: one step of the sequence per element, through its guarded calls. */
final class StepSpliterator extends Spliterators.AbstractIntSpliterator {
    private final Sequence sequence;
    private final int contextLength;
    private final int maxTokens;
    private int produced;

    StepSpliterator(Sequence sequence, int contextLength, int maxTokens) {
        super(maxTokens, Spliterator.ORDERED | Spliterator.NONNULL);
        this.sequence = sequence;
        this.contextLength = contextLength;
        this.maxTokens = maxTokens;
    }

    @Override
    public boolean tryAdvance(IntConsumer action) {
        if (produced >= maxTokens || sequence.length() >= contextLength) {
            return false;
        }
        int token;
        try {
            token = sequence.step();
        } catch (CancellationException e) {
            return false; // cancel() ends the stream like the context's end does
        }
        produced++;
        action.accept(token);
        return true;
    }
}
