package org.jpeglm.soak;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jpeglm.image.ImageModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The fault and soak suite (docs/soak.md): runs the chosen parts, prints a Markdown report and writes it to --report,
 * and exits 1 when a part failed. scripts/soak builds and runs it.
 */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        description = "The fault and soak suite: a shared model under many threads, cancels, signals, a full disk, "
                + "a model file changed while mapped.")
public final class Soak implements Callable<Integer> {
    /** The parts, in the order they run. */
    enum Part {
        SHARED,
        CANCEL,
        SIGNALS,
        DISK,
        MODEL_FILE
    }

    @Option(names = "--mode", description = "quick (about a minute) or full (before a release; the default)")
    String mode = "full";

    @Option(names = "--parts", split = ",", description = "parts to run (default: all): ${COMPLETION-CANDIDATES}")
    Set<Part> parts = EnumSet.allOf(Part.class);

    @Option(names = "--threads", description = "override: threads sharing the model")
    Integer threads;

    @Option(names = "--images", description = "override: images per thread")
    Integer images;

    @Option(names = "--cancels", description = "override: cancels")
    Integer cancels;

    @Option(names = "--signals", description = "override: signalled runs per command")
    Integer signals;

    @Option(names = "--child-images", description = "override: images of each generate/complete child process")
    Integer childImages;

    @Option(names = "--model", description = "the model (default: ${DEFAULT-VALUE})")
    Path model = Path.of("models/fashion-mnist-32.gguf");

    @Option(names = "--cli", description = "the CLI's jar (default: ${DEFAULT-VALUE})")
    Path cli = Path.of("cli/target/jpeglm.jar");

    @Option(names = "--work", description = "work directory, emptied first (default: ${DEFAULT-VALUE})")
    Path work = Path.of("build/soak");

    @Option(names = "--report", description = "also write the Markdown report here")
    Path report;

    @Option(names = "--seed", description = "seed of the random moments (default: ${DEFAULT-VALUE})")
    long seed = 1;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Soak())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOverwrittenOptionsAllowed(true) // scripts/soak gives defaults that its arguments may override
                .execute(args));
    }

    @Override
    public Integer call() throws Exception {
        SoakConfig c = config();
        Instant started = Instant.now();
        List<PartResult> results = run(c, List.copyOf(EnumSet.copyOf(parts)));
        String md = markdown(c, results, Duration.between(started, Instant.now()));
        System.out.print(md);
        if (report != null) {
            Path parent = report.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.writeString(report, md);
        }
        return results.stream().allMatch(PartResult::passed) ? 0 : 1;
    }

    SoakConfig config() {
        SoakConfig base = switch (mode) {
            case "quick" -> SoakConfig.quick();
            case "full" -> SoakConfig.full();
            default -> throw new IllegalArgumentException("--mode is quick or full, got " + mode);
        };
        return new SoakConfig(
                threads != null ? threads : base.threads(),
                images != null ? images : base.imagesPerThread(),
                base.imagesPerGenerator(),
                base.sampleEvery(),
                cancels != null ? cancels : base.cancels(),
                signals != null ? signals : base.signalsPerCommand(),
                childImages != null ? childImages : base.childImages());
    }

    /** Runs the parts with sizes c in a fresh work directory; a part that throws is reported as failed. */
    List<PartResult> run(SoakConfig c, List<Part> which) throws Exception {
        Fixtures f = fixtures();
        Random random = new Random(seed);
        List<PartResult> results = new ArrayList<>();
        for (Part p : which) {
            System.err.println("soak: " + p.name().toLowerCase(Locale.ROOT) + " ...");
            results.add(runPart(p, c, f, random));
        }
        return results;
    }

    /** The fixtures in a fresh work directory. */
    Fixtures fixtures() throws java.io.IOException {
        Path dir = work.toAbsolutePath();
        deleteTree(dir);
        Files.createDirectories(dir);
        return new Fixtures(new Cli(cli.toAbsolutePath(), dir.resolve("logs")), model.toAbsolutePath(), dir);
    }

    private PartResult runPart(Part p, SoakConfig c, Fixtures f, Random random) {
        try {
            return switch (p) {
                case SHARED -> withModel(m -> SharedModelPart.run(m, c));
                case CANCEL -> withModel(m -> CancelPart.run(m, c));
                case SIGNALS -> SignalPart.run(f, c, random);
                case DISK -> FullDiskPart.run(f, c);
                case MODEL_FILE -> ModelFilePart.run(f, c, List.of(ModelFilePart.Change.values()));
            };
        } catch (Exception | Error e) {
            PartResult r = new PartResult(p.name());
            r.check(false, "stopped by " + e);
            return r;
        }
    }

    private interface OnModel {
        PartResult run(ImageModel model) throws Exception;
    }

    /** Loads the model, runs part, then closes the model: closing throws if a session was left open. */
    private PartResult withModel(OnModel part) throws Exception {
        PartResult r;
        ImageModel m = ImageModel.load(model);
        try {
            r = part.run(m);
        } catch (Exception | Error e) {
            m.close();
            throw e;
        }
        try {
            m.close();
        } catch (IllegalStateException e) {
            r.check(false, "the model did not close: " + e.getMessage());
        }
        return r;
    }

    private static String markdown(SoakConfig c, List<PartResult> results, Duration took) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "Sizes: %s. %d cores, Java %s, %s. Took %d min %d s.%n%n",
                c,
                Runtime.getRuntime().availableProcessors(),
                Runtime.version(),
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                        .filter(a -> a.startsWith("-X"))
                        .toList(),
                took.toMinutes(),
                took.toSecondsPart()));
        for (PartResult r : results) {
            s.append(r.markdown()).append('\n');
        }
        return s.toString();
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
