package org.jpeglm.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.jpeglm.Jpeglm;
import org.jpeglm.Model;
import org.jpeglm.ModelOptions;
import org.jpeglm.SamplingParams;
import org.jpeglm.Session;
import org.jpeglm.SessionOptions;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.RunStats;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.image.ImageGenerator;
import org.jpeglm.image.ImageModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput of jpeglm against llama.cpp's own llama-batched-bench on the same GGUF, in one run, as a ratio.
 *
 * <p>The token workload is llama-batched-bench's: one context of {@code -c} cells for up to max(npl) sequences
 * (per-sequence KV cache), each sequence gets {@code npp} random prompt tokens (PP), then {@code ntg} steps
 * append one random token to every sequence at once (TG, logits of every sequence). jpeglm runs it through
 * {@link Session#decode} (the FFM path an application uses); the tool runs it through llama.cpp directly.
 * For a Jpeg-LM model, {@code --images} adds image generation with sampling and the JPEG grammar: images/s,
 * tokens/s, time to first image and the share of Java work per step.
 */
@Command(
        name = "throughput",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "jpeglm vs llama-batched-bench on one GGUF: token throughput at several parallel sequence counts.",
        footer = {
            "",
            "Example:",
            "  throughput -m models/fashion-mnist-32.gguf --tools build/llama-tools/bin --images 64"
        })
public final class ThroughputBench implements Callable<Integer> {
    @Option(
            names = {"-m", "--model"},
            required = true,
            description = "GGUF model")
    Path model;

    @Option(names = "--npl", split = ",", description = "parallel sequences (default: 1,16,64)")
    int[] npl = {1, 16, 64};

    @Option(names = "--npp", description = "prompt tokens per sequence (default: ${DEFAULT-VALUE})")
    int npp = 16;

    @Option(names = "--ntg", description = "generated tokens per sequence (default: ${DEFAULT-VALUE})")
    int ntg = 256;

    @Option(
            names = {"-c", "--ctx"},
            description = "total context cells (default: ${DEFAULT-VALUE})")
    int ctx = 32768;

    @Option(
            names = {"-b", "--batch"},
            description = "batch size (default: ${DEFAULT-VALUE})")
    int batch = 2048;

    @Option(
            names = {"-t", "--threads"},
            description = "CPU threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(
            names = {"-ngl", "--gpu-layers"},
            description = "GPU layers, -1 all (default: ${DEFAULT-VALUE})")
    int gpuLayers;

    @Option(
            names = "--reps",
            description = "repetitions, alternating jpeglm and llama.cpp; the best of each is kept, as noise "
                    + "only slows (default: ${DEFAULT-VALUE})")
    int reps = 3;

    @Option(names = "--tools", description = "directory with llama-batched-bench (scripts/build-llama-tools prints it)")
    Path tools;

    @Option(names = "--images", description = "also generate this many images per parallel count (Jpeg-LM models)")
    int images;

    @Option(
            names = "--modes",
            split = ",",
            description = "image generation modes, side by side in each round: default, deterministic "
                    + "(default: ${DEFAULT-VALUE})")
    List<String> modes = List.of("default");

    @Option(
            names = "--image-rounds",
            description = "rounds of image generation; each round runs every row once, the modes alternating "
                    + "(default: ${DEFAULT-VALUE})")
    int imageRounds = 1;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ThroughputBench()).execute(args));
    }

    record Row(int pl, double ppSeconds, double ppRate, double tgSeconds, double tgRate) {}

    @Override
    public Integer call() throws Exception {
        int maxPl = Arrays.stream(npl).max().orElse(1);
        System.out.printf(
                Locale.ROOT,
                "model %s; npp %d, ntg %d, ctx %d, batch %d, threads %d, ngl %d; %s%n",
                model.getFileName(),
                npp,
                ntg,
                ctx,
                batch,
                threads,
                gpuLayers,
                Jpeglm.systemInfo());
        Map<Integer, Row> java = new LinkedHashMap<>();
        Map<Integer, Row> llama = new LinkedHashMap<>();
        try (Model m = Model.load(
                        model, ModelOptions.builder().gpuLayers(gpuLayers).build());
                Session s = m.newSession(SessionOptions.builder()
                        .sequences(maxPl)
                        .contextLength(ctx / maxPl)
                        .batchSize(batch)
                        .threads(threads)
                        .build())) {
            Random r = new Random(1);
            warmUp(s, m.vocabSize(), r);
            // Repetitions alternate between the two, so a slow spell of a shared machine hits both alike.
            for (int rep = 0; rep < reps; rep++) {
                for (int pl : npl) {
                    keepBest(java, tokens(s, m.vocabSize(), pl, r));
                }
                if (tools != null) {
                    llamaBatchedBench().values().forEach(row -> keepBest(llama, row));
                }
            }
        }
        System.out.println();
        System.out.println(
                "| B | jpeglm PP t/s | llama.cpp PP t/s | PP ratio | jpeglm TG t/s | llama.cpp TG t/s | TG ratio |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        for (int pl : npl) {
            Row j = java.get(pl);
            Row l = llama.get(pl);
            System.out.printf(
                    Locale.ROOT,
                    "| %d | %.1f | %s | %s | %.1f | %s | %s |%n",
                    pl,
                    j.ppRate(),
                    l == null ? "-" : String.format(Locale.ROOT, "%.1f", l.ppRate()),
                    l == null ? "-" : String.format(Locale.ROOT, "%.3f", j.ppRate() / l.ppRate()),
                    j.tgRate(),
                    l == null ? "-" : String.format(Locale.ROOT, "%.1f", l.tgRate()),
                    l == null ? "-" : String.format(Locale.ROOT, "%.3f", j.tgRate() / l.tgRate()));
        }
        if (images > 0) {
            imageBench();
        }
        System.out.printf(
                Locale.ROOT,
                "%npeak resident memory of this JVM: %.0f MiB (model file %.0f MiB)%n",
                peakRssMib(),
                Files.size(model) / 1048576.0);
        return 0;
    }

    private void warmUp(Session s, int vocab, Random r) {
        int[] t = new int[16];
        for (int i = 0; i < t.length; i++) {
            t[i] = r.nextInt(vocab);
        }
        s.sequence(0).feed(t);
        int[] seq = {0};
        int[] tok = new int[1];
        int room = s.contextLength() - t.length; // enough steps for the JIT on small models, within the context
        for (int i = 0; i < Math.min(64, room); i++) {
            tok[0] = r.nextInt(vocab);
            s.decode(seq, tok);
        }
        for (int q = 0; q < s.sequences(); q++) {
            s.truncate(q, 0); // it only decodes: no sampler to restart
        }
    }

    /** Keeps the best prompt and the best generation rate seen, each on its own. */
    private static void keepBest(Map<Integer, Row> best, Row row) {
        best.merge(
                row.pl(),
                row,
                (a, b) -> new Row(
                        a.pl(),
                        Math.min(a.ppSeconds(), b.ppSeconds()),
                        Math.max(a.ppRate(), b.ppRate()),
                        Math.min(a.tgSeconds(), b.tgSeconds()),
                        Math.max(a.tgRate(), b.tgRate())));
    }

    /** llama-batched-bench's workload through the Java API. */
    private Row tokens(Session s, int vocab, int pl, Random r) {
        for (int q = 0; q < s.sequences(); q++) {
            s.truncate(q, 0); // it only decodes: no sampler to restart
        }
        int[] seqs = new int[pl * npp];
        int[] toks = new int[pl * npp];
        for (int j = 0; j < pl; j++) {
            for (int i = 0; i < npp; i++) {
                seqs[j * npp + i] = j;
                toks[j * npp + i] = r.nextInt(vocab);
            }
        }
        long a = System.nanoTime();
        s.decode(seqs, toks);
        long b = System.nanoTime();
        int[] stepSeqs = new int[pl];
        int[] stepToks = new int[pl];
        for (int j = 0; j < pl; j++) {
            stepSeqs[j] = j;
        }
        long c = System.nanoTime();
        for (int i = 0; i < ntg; i++) {
            for (int j = 0; j < pl; j++) {
                stepToks[j] = r.nextInt(vocab);
            }
            s.decode(stepSeqs, stepToks);
        }
        long d = System.nanoTime();
        double pp = (b - a) / 1e9;
        double tg = (d - c) / 1e9;
        return new Row(pl, pp, pl * npp / pp, tg, (double) pl * ntg / tg);
    }

    /** Runs llama-batched-bench once with the same workload and reads its table. */
    private Map<Integer, Row> llamaBatchedBench() throws Exception {
        Path exe = tools.resolve("llama-batched-bench");
        if (!Files.isExecutable(exe)) {
            throw new IllegalArgumentException(exe + " not found: run scripts/build-llama-tools");
        }
        List<String> cmd = new ArrayList<>(List.of(
                exe.toString(),
                "-m",
                model.toString(),
                "-c",
                Integer.toString(ctx),
                "-b",
                Integer.toString(batch),
                "-ub",
                "512",
                "-npp",
                Integer.toString(npp),
                "-ntg",
                Integer.toString(ntg),
                "-npl",
                String.join(",", Arrays.stream(npl).mapToObj(Integer::toString).toList()),
                "-t",
                Integer.toString(threads),
                "-tb",
                Integer.toString(threads),
                "-ngl",
                // llama.cpp reads -1 as "auto" (fit to memory); jpeglm's -1 means every layer
                gpuLayers < 0 ? "all" : Integer.toString(gpuLayers)));
        Map<Integer, Row> rows = new LinkedHashMap<>();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            String line;
            while ((line = in.readLine()) != null) {
                // |    PP |     TG |    B |   N_KV |   T_PP s | S_PP t/s |   T_TG s | S_TG t/s |      T s |    S t/s |
                String[] f = line.split("\\|");
                if (f.length >= 10 && f[1].trim().matches("\\d+")) {
                    int pl = Integer.parseInt(f[3].trim());
                    rows.put(
                            pl,
                            new Row(
                                    pl,
                                    Double.parseDouble(f[5].trim()),
                                    Double.parseDouble(f[6].trim()),
                                    Double.parseDouble(f[7].trim()),
                                    Double.parseDouble(f[8].trim())));
                }
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("llama-batched-bench failed: " + cmd);
        }
        return rows;
    }

    /** Image generation with sampling and the grammar, per parallel count. */
    private void imageBench() {
        try (ImageModel m = ImageModel.load(
                model, ModelOptions.builder().gpuLayers(gpuLayers).build())) {
            JpegLmSpec spec = m.spec();
            System.out.printf(
                    Locale.ROOT,
                    "%nimage generation (%dx%d, temperature 1, seed 1):%n",
                    spec.profile().width(),
                    spec.profile().height());
            System.out.println(
                    "| round | B | constrained | mode | images | images/s | tokens/s | first image s | step ms "
                            + "| Java work / step | finish ms/image |");
            System.out.println("|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|");
            for (int round = 1; round <= imageRounds; round++) {
                for (int pl : npl) {
                    for (boolean constrained : new boolean[] {true, false}) {
                        for (String mode : modes) {
                            imageRow(m, round, pl, constrained, mode);
                        }
                    }
                }
            }
        }
    }

    /** One row: Math.max(images, pl) images at pl in parallel, after a warm-up, in mode. */
    private void imageRow(ImageModel m, int round, int pl, boolean constrained, String mode) {
        if (!mode.equals("default") && !mode.equals("deterministic")) {
            throw new IllegalArgumentException("--modes: default or deterministic, got " + mode);
        }
        GenerationOptions o = GenerationOptions.builder()
                .parallel(pl)
                .threads(threads)
                .seed(1)
                .constrained(constrained)
                .deterministic(mode.equals("deterministic"))
                .sampling(SamplingParams.builder().temperature(1f).build())
                .build();
        try (ImageGenerator g = m.newGenerator(o)) {
            g.generate(Math.min(pl, 4)); // warm-up
            g.generate(Math.max(images, pl));
            RunStats st = g.lastStats();
            System.out.printf(
                    Locale.ROOT,
                    "| %d | %d | %s | %s | %d | %.2f | %.0f | %.2f | %.3f | %.2f%% | %.2f |%n",
                    round,
                    pl,
                    constrained,
                    mode,
                    st.results(),
                    st.resultsPerSecond(),
                    st.tokensPerSecond(),
                    st.firstNanos() / 1e9,
                    st.stepNanos() / 1e6 / st.steps(),
                    100 * st.javaShareOfStep(),
                    st.finishNanos() / 1e6 / st.results());
        }
    }

    private static double peakRssMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (Exception e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
