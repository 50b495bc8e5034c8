package org.jpeglm.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jpeglm.FileType;
import org.jpeglm.Jpeglm;
import org.jpeglm.ThreadCounts;
import org.jpeglm.ThreadOptions;
import org.jpeglm.avclm.VideoGenerator;
import org.jpeglm.avclm.VideoModel;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.convert.RandomModelWriter;
import org.jpeglm.image.ImageGenerator;
import org.jpeglm.image.ImageModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Images/s with the default (automatic) thread count and with each explicit {@code -t}, on an idle machine and with
 * one and two competing busy processes ({@code while :; do :; done}), for each native runtime and model: the table
 * of issue 24 (docs/benchmarks.md, "Threads under contention"). Each (runtime, model, repetition) runs in its own JVM
 * on that runtime's library; inside it the loads and thread counts alternate, their order turning with each
 * repetition, every measurement with a fresh generator (as a user's command starts), after an unmeasured warm-up.
 * The table gives the median over repetitions of each cell, the default over the best explicit count of its row, and
 * the default under load over the default idle.
 */
@Command(
        name = "contention-bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "images/s by thread count and competing busy processes, per runtime and model",
        footer = {
            "",
            "Example (the table of docs/benchmarks.md):",
            "  contention-bench --runtime source=build/native/libjpeglm.so \\",
            "      --runtime prebuilt=build/native-prebuilt/libjpeglm.so --reps 3"
        })
public final class ContentionBench implements Callable<Integer> {
    @Option(
            names = "--runtime",
            paramLabel = "NAME=LIBJPEGLM",
            description = "a runtime to measure, repeatable (default: source=build/native/libjpeglm.so and "
                    + "prebuilt=build/native-prebuilt/libjpeglm.so, those present)")
    List<String> runtimes = new ArrayList<>();

    @Option(names = "--model", split = ",", description = "models: bundled, video, r28m-f16, r28m-q8_0 (default: all)")
    List<String> models = List.of("bundled", "video", "r28m-f16", "r28m-q8_0");

    @Option(
            names = "--threads",
            split = ",",
            description = "thread counts, 0 the default (default: 0 and 1 to the usable CPUs)")
    List<Integer> threads;

    @Option(names = "--busy", split = ",", description = "competing busy processes (default: 0,1,2)")
    List<Integer> busy = List.of(0, 1, 2);

    @Option(names = "--reps", description = "repetitions, each in new JVMs (default: ${DEFAULT-VALUE})")
    int reps = 2;

    @Option(names = "--images", description = "images per measurement of the bundled model (default: ${DEFAULT-VALUE})")
    int images = 64;

    @Option(names = "--videos", description = "videos per measurement (default: ${DEFAULT-VALUE})")
    int videos = 16;

    @Option(
            names = "--random-images",
            description = "images of at most 64 tokens per measurement of the 28M models (default: ${DEFAULT-VALUE})")
    int randomImages = 16;

    @Option(names = "-np", description = "sequences (default: ${DEFAULT-VALUE})")
    int parallel = 16;

    @Option(names = "--models-dir", description = "where the random 28M models are made (default: ${DEFAULT-VALUE})")
    Path modelsDir = Path.of("build/bench-models");

    @Option(
            names = "--serve",
            description = "also ServeBench (16 streaming clients, one image a request) at the default count, per "
                    + "runtime and load: the median of its server/generate ratios")
    boolean serve;

    @Option(
            names = "--poll",
            description = "the thread pools' polling, 0 to 100, for every measurement (default: the library's)")
    int poll = -1;

    @Option(names = "--child", hidden = true)
    String child;

    @Option(names = "--rep", hidden = true)
    int rep;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ContentionBench()).execute(args));
    }

    /** One measured cell: runtime, model, busy processes, thread count (0 the default), repetition, items/s. */
    record Cell(String runtime, String model, int busy, int threads, int rep, double rate, String counts) {}

    private static final Pattern RESULT =
            Pattern.compile("^cell (\\S+) busy=(\\d+) threads=(\\d+) rate=([0-9.eE+-]+) counts=(\\S+)");

    @Override
    public Integer call() throws Exception {
        if (child != null) {
            runChild();
            return 0;
        }
        Map<String, Path> libraries = libraries();
        List<Integer> counts = threads != null ? threads : defaultCounts();
        List<Cell> cells = new ArrayList<>();
        for (int rep = 0; rep < reps; rep++) {
            for (Map.Entry<String, Path> rt : libraries.entrySet()) {
                for (String model : models) {
                    Path file = modelFile(model);
                    cells.addAll(runChildJvm(rt.getKey(), rt.getValue(), model, file, counts, rep));
                }
            }
        }
        System.out.println();
        System.out.print(table(cells, counts));
        if (serve) {
            serveRows(libraries);
        }
        return 0;
    }

    private Map<String, Path> libraries() {
        Map<String, Path> libraries = new LinkedHashMap<>();
        if (runtimes.isEmpty()) {
            for (String name :
                    List.of("source=build/native/libjpeglm.so", "prebuilt=build/native-prebuilt/libjpeglm.so")) {
                Path p = Path.of(name.substring(name.indexOf('=') + 1));
                if (Files.isRegularFile(p)) {
                    libraries.put(name.substring(0, name.indexOf('=')), p.toAbsolutePath());
                }
            }
        }
        for (String r : runtimes) {
            int eq = r.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("--runtime takes NAME=PATH, got " + r);
            }
            libraries.put(r.substring(0, eq), Path.of(r.substring(eq + 1)).toAbsolutePath());
        }
        if (libraries.isEmpty()) {
            throw new IllegalArgumentException("no runtime: build one, or name one with --runtime NAME=PATH");
        }
        return libraries;
    }

    /** 0 (the default) and 1 to the CPUs this process may use. */
    private static List<Integer> defaultCounts() {
        List<Integer> counts = new ArrayList<>(List.of(0));
        for (int t = 1; t <= Jpeglm.cpuBudget().cpus(); t++) {
            counts.add(t);
        }
        return counts;
    }

    /** The model's file; the random 28M ones are made once in --models-dir (the shape of docs/benchmarks.md). */
    private Path modelFile(String model) throws IOException {
        return switch (model) {
            case "bundled" -> Path.of("models/fashion-mnist-32.gguf");
            case "video" -> Path.of("models/moving-fashion-mnist-64.gguf");
            case "r28m-f16", "r28m-q8_0" -> {
                Path p = modelsDir.resolve(model + ".gguf");
                if (!Files.isRegularFile(p)) {
                    Files.createDirectories(modelsDir);
                    RandomModelWriter.write(RandomModelWriter.Options.builder(
                                    new RandomModelWriter.Shape(600, 512, 8, 8, 8, 1536, 2048, 10000, 1e-5, false), p)
                            .type(model.endsWith("f16") ? FileType.F16 : FileType.Q8_0)
                            .jpegLm(true)
                            .build());
                }
                yield p;
            }
            default -> throw new IllegalArgumentException("unknown model " + model);
        };
    }

    private List<Cell> runChildJvm(String runtime, Path library, String model, Path file, List<Integer> counts, int rep)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Djpeglm.library.path=" + library,
                "-cp",
                System.getProperty("java.class.path"),
                ContentionBench.class.getName(),
                "--child",
                model + "=" + file.toAbsolutePath(),
                "--rep",
                Integer.toString(rep),
                "--threads",
                join(counts),
                "--busy",
                join(busy),
                "--images",
                Integer.toString(images),
                "--videos",
                Integer.toString(videos),
                "--random-images",
                Integer.toString(randomImages),
                "-np",
                Integer.toString(parallel),
                "--poll",
                Integer.toString(poll)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<Cell> cells = new ArrayList<>();
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                Matcher m = RESULT.matcher(line);
                if (m.find()) {
                    Cell c = new Cell(
                            runtime,
                            m.group(1),
                            Integer.parseInt(m.group(2)),
                            Integer.parseInt(m.group(3)),
                            rep,
                            Double.parseDouble(m.group(4)),
                            m.group(5));
                    cells.add(c);
                    System.out.printf(
                            Locale.ROOT,
                            "rep %d %-8s %-9s busy %d %-7s %8.2f/s  (counts at the end %s)%n",
                            rep + 1,
                            runtime,
                            c.model(),
                            c.busy(),
                            c.threads() == 0 ? "default" : "-t " + c.threads(),
                            c.rate(),
                            c.counts());
                } else if (line.startsWith("error") || line.startsWith("Exception") || line.contains("Error")) {
                    System.out.println(runtime + " " + model + ": " + line);
                }
            }
        }
        if (p.waitFor() != 0) {
            System.out.println(runtime + " " + model + ": the child JVM failed (exit " + p.exitValue() + ")");
        }
        return cells;
    }

    private static String join(List<Integer> values) {
        return String.join(",", values.stream().map(String::valueOf).toList());
    }

    // ---- the child: one runtime, one model, one repetition ------------------------------------------------------

    private void runChild() throws Exception {
        String model = child.substring(0, child.indexOf('='));
        Path file = Path.of(child.substring(child.indexOf('=') + 1));
        List<Integer> loads = new ArrayList<>(busy);
        List<Integer> counts = new ArrayList<>(threads);
        if (rep % 2 == 1) {
            java.util.Collections.reverse(loads);
        }
        java.util.Collections.rotate(counts, rep);
        try (Workload w = Workload.open(model, file, this)) {
            // Warm-up, as long as a measurement: the JIT, the model's pages (a shorter one left the first cell slower).
            w.run(1);
            for (int load : loads) {
                try (BusyProcesses ignored = BusyProcesses.start(load)) {
                    for (int t : counts) {
                        Workload.Result r = w.run(t);
                        System.out.printf(
                                Locale.ROOT,
                                "cell %s busy=%d threads=%d rate=%.4f counts=%d/%d%n",
                                model,
                                load,
                                t,
                                r.rate(),
                                r.counts().threads(),
                                r.counts().threadsBatch());
                        System.out.flush();
                    }
                }
            }
        }
    }

    /** A model and what one measurement generates with it. */
    private interface Workload extends AutoCloseable {
        record Result(double rate, ThreadCounts counts) {}

        /** Generates one measurement's items with a new generator of threads (0: automatic); items/s. */
        Result run(int threads);

        @Override
        void close();

        static Workload open(String name, Path file, ContentionBench o) {
            return name.equals("video")
                    ? new Videos(VideoModel.load(file), o)
                    : new Images(ImageModel.load(file), name, o);
        }
    }

    private record Images(ImageModel model, String name, ContentionBench o) implements Workload {
        @Override
        public Result run(int threads) {
            boolean random = name.startsWith("r28m");
            int count = random ? o.randomImages : o.images;
            GenerationOptions options = GenerationOptions.builder()
                    .parallel(o.parallel)
                    .threads(new ThreadOptions(threads, 0, o.poll, null))
                    .seed(1)
                    .maxTokens(random ? 64 : 0)
                    .build();
            try (ImageGenerator g = model.newGenerator(options)) {
                long t0 = System.nanoTime();
                g.generate(count);
                double seconds = (System.nanoTime() - t0) / 1e9;
                return new Result(count / seconds, g.threads());
            }
        }

        @Override
        public void close() {
            model.close();
        }
    }

    private record Videos(VideoModel model, ContentionBench o) implements Workload {
        @Override
        public Result run(int threads) {
            GenerationOptions options = VideoModel.options()
                    .parallel(o.parallel)
                    .threads(new ThreadOptions(threads, 0, o.poll, null))
                    .seed(1)
                    .build();
            try (VideoGenerator g = model.newGenerator(options)) {
                int count = o.videos;
                long t0 = System.nanoTime();
                g.generate(count);
                double seconds = (System.nanoTime() - t0) / 1e9;
                return new Result(count / seconds, g.threads());
            }
        }

        @Override
        public void close() {
            model.close();
        }
    }

    /** Processes that keep a core busy ({@code while :; do :; done}), stopped at close. */
    private record BusyProcesses(List<Process> processes) implements AutoCloseable {
        static BusyProcesses start(int n) throws IOException, InterruptedException {
            List<Process> ps = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ps.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
            }
            if (n > 0) {
                Thread.sleep(300); // running before the measurement starts
            }
            return new BusyProcesses(ps);
        }

        @Override
        public void close() {
            for (Process p : processes) {
                p.destroyForcibly();
            }
            for (Process p : processes) {
                try {
                    p.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    // ---- the table ----------------------------------------------------------------------------------------------

    /** The docs' table: medians of each cell over the repetitions, the default against the best explicit count. */
    static String table(List<Cell> cells, List<Integer> counts) {
        StringBuilder out = new StringBuilder();
        out.append("| runtime | model | busy | default");
        for (int t : counts) {
            if (t > 0) {
                out.append(" | `-t ").append(t).append('`');
            }
        }
        out.append(" | default / best `-t` | default / its idle | default's counts at the end |\n|---|---|---:|---:");
        for (int t : counts) {
            if (t > 0) {
                out.append("|---:");
            }
        }
        out.append("|---:|---:|---|\n");
        Map<String, Map<Integer, Map<Integer, List<Double>>>> rows = new LinkedHashMap<>();
        Map<String, String> lastCounts = new LinkedHashMap<>();
        for (Cell c : cells) {
            String row = c.runtime() + "|" + c.model();
            rows.computeIfAbsent(row, k -> new TreeMap<>())
                    .computeIfAbsent(c.busy(), k -> new TreeMap<>())
                    .computeIfAbsent(c.threads(), k -> new ArrayList<>())
                    .add(c.rate());
            if (c.threads() == 0) {
                lastCounts.merge(row + "|" + c.busy(), c.counts(), (a, b) -> a + ", " + b);
            }
        }
        for (var row : rows.entrySet()) {
            String[] key = row.getKey().split("\\|");
            Double idle = median(row.getValue().getOrDefault(0, Map.of()).get(0));
            for (var load : row.getValue().entrySet()) {
                Map<Integer, List<Double>> byCount = load.getValue();
                Double dflt = median(byCount.get(0));
                double best = 0;
                out.append("| ")
                        .append(key[0])
                        .append(" | ")
                        .append(key[1])
                        .append(" | ")
                        .append(load.getKey());
                out.append(" | ").append(format(dflt));
                for (int t : counts) {
                    if (t > 0) {
                        Double v = median(byCount.get(t));
                        best = v != null ? Math.max(best, v) : best;
                        out.append(" | ").append(format(v));
                    }
                }
                out.append(" | ").append(dflt != null && best > 0 ? ratio(dflt / best, 0.9) : "");
                out.append(" | ").append(dflt != null && idle != null ? ratio(dflt / idle, 0.5) : "");
                out.append(" | ").append(lastCounts.getOrDefault(row.getKey() + "|" + load.getKey(), ""));
                out.append(" |\n");
            }
        }
        return out.toString();
    }

    private static Double median(List<Double> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String format(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.2f", v);
    }

    /** r, in bold when under the target. */
    private static String ratio(double r, double target) {
        String s = String.format(Locale.ROOT, "%.2f", r);
        return r < target ? "**" + s + "**" : s;
    }

    // ---- serve ---------------------------------------------------------------------------------------------------

    private static final Pattern SERVE_RATIO = Pattern.compile("median of the reps' ratios ([0-9.]+)");

    /** ServeBench at the default count per runtime and load: its median server/generate ratio. */
    private void serveRows(Map<String, Path> libraries) throws IOException, InterruptedException {
        System.out.println();
        System.out.println(
                "| runtime | busy | serve / generate (16 streaming clients, one image a request, default threads) |");
        System.out.println("|---|---:|---:|");
        for (Map.Entry<String, Path> rt : libraries.entrySet()) {
            for (int load : busy) {
                List<String> command = List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-Djpeglm.library.path=" + rt.getValue(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        ServeBench.class.getName(),
                        "-m",
                        "models/fashion-mnist-32.gguf",
                        "-t",
                        "0",
                        "--images",
                        "128",
                        "--reps",
                        Integer.toString(Math.max(2, reps)),
                        // ServeBench's own warm-up, until the JIT compiles for under 1 % of a round: with 3 rounds
                        // it still compiled for ~10 % of the server's rounds (its HTTP path is colder than generate's)
                        "--requests",
                        "0");
                String ratio = "";
                try (BusyProcesses ignored = BusyProcesses.start(load)) {
                    // Its results only: the server's access log (stderr) written while the summary is printed
                    // could cut the summary's line in two (one cell read "failed" that way).
                    Process p = new ProcessBuilder(command)
                            .redirectError(ProcessBuilder.Redirect.DISCARD)
                            .start();
                    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    p.waitFor();
                    Matcher m = SERVE_RATIO.matcher(output);
                    ratio = m.find() ? m.group(1) : "failed";
                }
                System.out.printf(Locale.ROOT, "| %s | %d | %s |%n", rt.getKey(), load, ratio);
            }
        }
    }
}
