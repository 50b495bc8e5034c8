package org.jpeglm.cli;

import java.nio.file.Path;
import org.jpeglm.train.FashionMnist;
import picocli.CommandLine.Option;

/** Where a prepare command reads Fashion-MNIST and writes its token windows: shared by the image and video ones. */
final class PrepareArgs {
    @Option(names = "--data", description = "Fashion-MNIST directory (default: ${DEFAULT-VALUE})")
    Path data = FashionMnist.DEBIAN_DIR;

    @Option(
            names = {"-o", "--out"},
            required = true,
            description = "output directory")
    Path out;
}
