package org.jpeglm.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jpeglm.ThreadOptions;
import org.jpeglm.avclm.VideoModel;
import org.jpeglm.codec.GenerationOptions;
import picocli.CommandLine.Mixin;

/**
 * The options of a generating run whatever the codec (sampling, -np, --deterministic), written once for generate and
 * complete, and the library options they make for an image or a video model.
 */
final class GenerationArgs {
    @Mixin
    SamplingArgs sampling;

    @Mixin
    ParallelArgs parallelArgs;

    @Mixin
    DeterministicArgs determinism;

    /** The options of a run of jobs images (JPEG or pixels); maxTokens 0: the model's context. */
    GenerationOptions imageOptions(long jobs, ThreadOptions threads, int maxTokens) {
        return GenerationOptions.builder()
                .parallel(parallelArgs.forJobs(jobs))
                .threads(threads)
                .sampling(sampling.params(false))
                .seed(sampling.seed)
                .constrained(!sampling.unconstrained)
                .maxTokens(maxTokens)
                .deterministic(determinism.deterministic)
                .build();
    }

    /** The options of a run of jobs videos, from {@link VideoModel#options()}; maxTokens 0: the model's context. */
    GenerationOptions videoOptions(long jobs, ThreadOptions threads, int maxTokens) {
        return VideoModel.options()
                .deterministic(determinism.deterministic)
                .parallel(parallelArgs.forJobs(jobs))
                .threads(threads)
                .sampling(sampling.params(true))
                .seed(sampling.seed)
                .maxTokens(maxTokens)
                .build();
    }

    /** summary.json's first fields for a video run (an image run adds whether it was constrained). */
    ObjectNode header(String command) {
        return JsonNodeFactory.instance
                .objectNode()
                .put("command", command)
                .put("seed", sampling.seed)
                .put("deterministic", determinism.deterministic);
    }
}
