package org.jpeglm.cli;

import org.jpeglm.SamplingParams;
import picocli.CommandLine.Option;

/**
 * How tokens are drawn, named as llama.cpp names them: the options every generating command shares (videos use
 * these alone; images add {@link SamplingArgs}'s grammar switch).
 */
class TokenSamplingArgs {
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
            description = "seed of the request; the same seed gives the same results (default: ${DEFAULT-VALUE})")
    long seed = 42;

    /** The parameters; the record checks their ranges and names the bad one. */
    SamplingParams params() {
        return new SamplingParams(temperature, topK, topP, minP, seed);
    }
}
