package org.jpeglm.cli;

import org.jpeglm.SamplingParams;
import org.jpeglm.image.GeneratorOptions;
import picocli.CommandLine.Option;

/** Sampling options of the image commands: the token sampling options and the JPEG grammar switch. */
final class SamplingArgs extends TokenSamplingArgs {
    @Option(
            names = "--unconstrained",
            description = "sample freely, as the paper does, and repair invalid streams afterwards "
                    + "(default: only tokens that keep the stream valid JPEG)")
    boolean unconstrained;

    /** Images start from the library's default sampling (videos keep the paper's temperature 1, no filter). */
    SamplingArgs() {
        SamplingParams d = GeneratorOptions.DEFAULT_SAMPLING;
        temperature = d.temperature();
        topK = d.topK();
        topP = d.topP();
        minP = d.minP();
    }
}
