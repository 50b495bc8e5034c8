package org.jpeglm.cli;

import java.util.List;
import java.util.stream.Stream;
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
                "Run Jpeg-LM image models (LLMs over JPEG bytes), Avc-LM video models (over H.264 bytes) and pixel models "
                        + "(iGPT, BPE-iGPT) locally through llama.cpp.",
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
        List<String> commands = spec.subcommands().keySet().stream()
                .filter(name -> !name.equals("help"))
                .toList();
        throw new CommandLine.ParameterException(
                spec.commandLine(), "missing command: one of " + String.join(", ", commands));
    }

    /** The command line, ready to execute. */
    public static CommandLine commandLine() {
        return new CommandLine(new JpeglmCli())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(JpeglmCli::usageError);
    }

    /**
     * A usage error in one line, with the nearest name for a mistyped option or command and where the help is, e.g.
     * "error: unknown option '--tmep': did you mean --temp? (jpeglm generate --help lists every option)"; exit code
     * 2, picocli's for usage errors. The whole usage would bury the line that matters.
     */
    static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        CommandSpec command = cl.getCommandSpec();
        StringBuilder line = new StringBuilder("error: ");
        if (e instanceof CommandLine.UnmatchedArgumentException u
                && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().getFirst();
            boolean option = first.startsWith("-");
            line.append(option ? "unknown option '" : "unexpected argument '")
                    .append(first)
                    .append('\'');
            List<String> names = option
                    ? command.options().stream()
                            .filter(o -> !o.hidden())
                            .flatMap(o -> Stream.of(o.names()))
                            .toList()
                    : List.copyOf(command.subcommands().keySet());
            List<String> near = Suggestions.nearest(first.split("=", 2)[0], names);
            if (!near.isEmpty()) {
                line.append(": did you mean ").append(String.join(" or ", near)).append('?');
            }
        } else {
            line.append(e.getMessage());
        }
        line.append(" (")
                .append(command.qualifiedName())
                .append(" --help lists every ")
                .append(command.subcommands().isEmpty() ? "option" : "command")
                .append(')');
        cl.getErr().println(line);
        cl.getErr().flush();
        return command.exitCodeOnInvalidInput();
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
