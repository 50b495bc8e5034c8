package org.jpeglm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The jpeglm command line. */
@Command(
        name = "jpeglm",
        mixinStandardHelpOptions = true,
        version = "jpeglm 0.1.0",
        description =
                "Run Jpeg-LM image models (LLMs over JPEG bytes) and Avc-LM video models (over H.264 bytes) locally through llama.cpp.",
        subcommands = {
            GenerateCommand.class,
            CompleteCommand.class,
            ScoreCommand.class,
            EvalCommand.class,
            GenerateVideoCommand.class,
            CompleteVideoCommand.class,
            ServeCommand.class,
            InfoCommand.class,
            DevicesCommand.class,
            ConvertCommand.class,
            RandomModelCommand.class,
            PrepareFashionMnistCommand.class,
            PrepareMovingFashionMnistCommand.class,
            CommandLine.HelpCommand.class
        },
        footerHeading = "%nRun 'jpeglm help COMMAND' for a command's options and examples.%n",
        footer = "")
public final class JpeglmCli implements Runnable {
    @Spec
    CommandSpec spec;

    public JpeglmCli() {}

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "missing command: generate, complete, score, eval, info, devices, convert or random");
    }

    /** The command line, ready to execute. */
    public static CommandLine commandLine() {
        return new CommandLine(new JpeglmCli()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
