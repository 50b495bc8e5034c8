package org.jpeglm.cli;

import picocli.CommandLine.Option;

/** Sampling options of the image commands: the token sampling options and the JPEG grammar switch. */
final class SamplingArgs extends TokenSamplingArgs {
    @Option(
            names = "--unconstrained",
            description = "sample freely, as the paper does, and repair invalid streams afterwards "
                    + "(default: only tokens that keep the stream valid JPEG)")
    boolean unconstrained;
}
