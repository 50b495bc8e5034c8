package org.jpeglm.cli;

import org.jpeglm.SamplingParams;
import picocli.CommandLine.Option;

/** Sampling options, named as llama.cpp names them. */
final class SamplingArgs {
    @Option(names = "--temp", paramLabel = "T", description = "temperature, 0 for greedy (default: ${DEFAULT-VALUE})")
    float temperature = 1.0f;

    @Option(
            names = "--top-k",
            paramLabel = "K",
            description = "keep the K most likely tokens, 0 for all (default: ${DEFAULT-VALUE})")
    int topK = 0;

    @Option(
            names = "--top-p",
            paramLabel = "P",
            description = "nucleus sampling, 1 for off (default: ${DEFAULT-VALUE})")
    float topP = 1.0f;

    @Option(
            names = "--min-p",
            paramLabel = "P",
            description = "drop tokens below P times the best one, 0 for off (default: ${DEFAULT-VALUE})")
    float minP = 0.0f;

    @Option(
            names = {"-s", "--seed"},
            paramLabel = "N",
            description = "seed of the request; the same seed gives the same images (default: ${DEFAULT-VALUE})")
    long seed = 42;

    @Option(
            names = "--unconstrained",
            description = "sample freely, as the paper does, and repair invalid streams afterwards "
                    + "(default: only tokens that keep the stream valid JPEG)")
    boolean unconstrained;

    /** The parameters; the record checks their ranges and names the bad one. */
    SamplingParams params() {
        return new SamplingParams(temperature, topK, topP, minP, seed);
    }
}
