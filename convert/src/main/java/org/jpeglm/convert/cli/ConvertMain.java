package org.jpeglm.convert.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The standalone command line of the converter: {@code convert}, {@code info} and {@code random}. Each is a
 * public picocli command class with a no-argument constructor, so a larger CLI can mount them as its own
 * subcommands instead.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp ... org.jpeglm.convert.cli.ConvertMain convert CKPT -o model.gguf
 * </pre>
 */
@Command(name = "jpeglm-convert", mixinStandardHelpOptions = true, version = "jpeglm-convert 0.1.0",
        description = "Hugging Face Llama checkpoints to GGUF for jpeglm, GGUF inspection, random models for benchmarks.",
        subcommands = {ConvertCommand.class, InfoCommand.class, RandomModelCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nRun 'jpeglm-convert help COMMAND' for a command's options and examples.%n", footer = "")
public final class ConvertMain implements Runnable {
    @Spec
    CommandSpec spec;

    public ConvertMain() {
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: convert, info or random");
    }

    /** The command line, ready to execute. */
    public static CommandLine commandLine() {
        return new CommandLine(new ConvertMain()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
