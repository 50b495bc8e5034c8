package org.jpeglm.cli;

import org.jpeglm.SamplingParams;
import org.jpeglm.avclm.VideoModel;
import org.jpeglm.codec.GenerationOptions;
import picocli.CommandLine.Option;

/**
 * How tokens are drawn, named as llama.cpp names them, and the JPEG grammar switch: the sampling options of every
 * generating command. A value not given is the codec's default: images start from the library's
 * ({@link GenerationOptions#DEFAULT_SAMPLING}), videos from the paper's ({@link VideoModel#DEFAULT_SAMPLING}:
 * temperature 1, no filter).
 */
final class SamplingArgs {

    @Option(names = "--temp", paramLabel = "T", description = "temperature, 0 for greedy (default: 1)")
    Float temperature;

    @Option(names = "--top-k", paramLabel = "K", description = "keep the K most likely tokens, 0 for all (default: 0)")
    Integer topK;

    @Option(names = "--top-p", paramLabel = "P", description = "nucleus sampling, 1 for off (default: 1)")
    Float topP;

    @Option(
            names = "--min-p",
            paramLabel = "P",
            description = "drop tokens below P times the best one, 0 for off (default: 0.1 for images; 0 for videos, "
                    + "as the paper samples them)")
    Float minP;

    @Option(
            names = {"-s", "--seed"},
            paramLabel = "N",
            description = "seed of the request; the same seed gives the same results (default: ${DEFAULT-VALUE})")
    long seed = 42;

    @Option(
            names = "--unconstrained",
            description = "image models: sample freely, as the paper does, and repair invalid streams afterwards "
                    + "(default: only tokens that keep the stream valid JPEG; videos are always sampled freely)")
    boolean unconstrained;

    /** The parameters, from the codec's defaults where not given; the record checks their ranges and names the bad one. */
    SamplingParams params(boolean video) {
        SamplingParams d = video ? VideoModel.DEFAULT_SAMPLING : GenerationOptions.DEFAULT_SAMPLING;
        return new SamplingParams(
                temperature != null ? temperature : d.temperature(),
                topK != null ? topK : d.topK(),
                topP != null ? topP : d.topP(),
                minP != null ? minP : d.minP(),
                seed);
    }
}
