package org.jpeglm.cli;

import java.nio.file.Path;
import org.jpeglm.convert.GgufInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code info}: a GGUF file's metadata and tensors, like gguf-dump. */
@Command(
        name = "info",
        sortOptions = false,
        description = {
            "Prints a GGUF file's metadata and tensors.",
            "",
            "Shows the version, every metadata key with its type and value, every tensor with its type, shape (ggml "
                    + "order: innermost first) and offset, and the profile and tokenizer of the file's codec (jpeg, h264, igpt, bpe-igpt) when it has one. "
                    + "Reads only the header.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  # everything, long arrays abbreviated",
            "  ${ROOT-COMMAND-NAME} info jpeglm.gguf",
            "",
            "  # metadata and a per-type tensor summary only",
            "  ${ROOT-COMMAND-NAME} info jpeglm.gguf --no-tensors",
            "",
            "  # whole arrays and strings (e.g. every BPE merge)",
            "  ${ROOT-COMMAND-NAME} info jpeglm.gguf --full"
        })
public class InfoCommand extends JpeglmCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "The GGUF file.")
    Path file;

    @Option(names = "--no-tensors", description = "Do not list each tensor.")
    boolean noTensors;

    @Option(names = "--full", description = "Print whole arrays and long strings.")
    boolean full;

    public InfoCommand() {}

    @Override
    protected int run() throws Exception {
        GgufInfo.print(file, out(), !noTensors, full);
        return 0;
    }
}
