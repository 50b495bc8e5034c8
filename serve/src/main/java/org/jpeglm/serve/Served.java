package org.jpeglm.serve;

import org.jpeglm.codec.Generated;
import org.jpeglm.codec.Service;

/**
 * A model as the server serves it, what every API handler works with: its running service, its codec's served form,
 * the facts clients see, and the server's options, metrics and heap budget.
 *
 * @param <A> the codec's artefact
 * @param <R> the codec's result
 */
record Served<A, R extends Generated>(
        Service<A, R> service,
        ServedCodec<A, R> codec,
        ServedModel model,
        ServeOptions options,
        Metrics metrics,
        HeapBudget heap) {}
