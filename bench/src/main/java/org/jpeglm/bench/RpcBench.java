package org.jpeglm.bench;

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
import org.jpeglm.Session;
import org.jpeglm.SessionOptions;
import org.jpeglm.testing.RpcServerProcess;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What llama.cpp's RPC backend costs per token on this machine's loopback: token generation (one token per sequence
 * per step, logits of every sequence, as ThroughputBench's TG) with the model on this process's CPU, with every layer
 * on one rpc-server, and split between two, side by side in one run. The three stay loaded (three rpc-servers: a
 * server serves one client at a time) and the repetitions alternate them, each one first in turn, so a slow spell of
 * a shared machine hits all alike. Each rpc-server computes with as many threads as the local run ({@code -t}).
 *
 * <p>Per step it reports wall time (what a user waits; on a shared machine mostly the other processes' doing) and
 * CPU time, this process's and the servers' together (what the work costs, which other processes disturb far less).
 */
@Command(
        name = "rpc",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Token generation on the CPU against one and two rpc-servers on loopback, side by side.",
        footer = {
            "",
            "Example:",
            "  rpc -m models/fashion-mnist-32.gguf -m r28m.gguf --rpc-server build/native/rpc-server --reps 7",
            "  JPEGLM_RPC_DIRECT=1 rpc ...   # ggml connects to the servers itself: what jpeglm's relay costs"
        })
public final class RpcBench implements Callable<Integer> {
    @Option(
            names = {"-m", "--model"},
            required = true,
            description = "GGUF model; several run one after the other")
    List<Path> models;

    @Option(names = "--npl", split = ",", description = "parallel sequences (default: 1,16)")
    int[] npl = {1, 16};

    @Option(names = "--npp", description = "prompt tokens per sequence (default: ${DEFAULT-VALUE})")
    int npp = 16;

    @Option(names = "--ntg", description = "generated tokens per sequence and repetition (default: ${DEFAULT-VALUE})")
    int ntg = 128;

    @Option(
            names = {"-t", "--threads"},
            description = "CPU threads of this process and of each rpc-server (default: ${DEFAULT-VALUE})")
    int threads = 1;

    @Option(names = "--reps", description = "repetitions (default: ${DEFAULT-VALUE})")
    int reps = 5;

    @Option(names = "--rpc-server", description = "the rpc-server program (default: beside the native library)")
    Path rpcServer;

    @Option(names = "--logs", description = "folder for the servers' output (default: ${DEFAULT-VALUE})")
    Path logs = Path.of("target", "rpc-bench");

    public static void main(String[] args) {
        System.exit(new CommandLine(new RpcBench()).execute(args));
    }

    /** A way to run the model: where its layers are. */
    record Setup(String name, ModelOptions options) {}

    /** One repetition's wall and CPU seconds per step; the CPU of this process and of the rpc-servers. */
    record Time(double wall, double cpu, double serversCpu) {}

    private final List<RpcServerProcess> servers = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Path binary = rpcServer != null ? rpcServer : RpcServerProcess.binary();
        String mode = "1".equals(System.getenv("JPEGLM_RPC_DIRECT")) ? "direct (JPEGLM_RPC_DIRECT=1)" : "relayed";
        System.out.printf(
                Locale.ROOT,
                "threads %d, npp %d, ntg %d, reps %d; ggml to the servers: %s; %s%n",
                threads,
                npp,
                ntg,
                reps,
                mode,
                Jpeglm.systemInfo());
        Files.createDirectories(logs);
        try {
            for (int i = 0; i < 3; i++) {
                servers.add(RpcServerProcess.start(binary, threads, logs.resolve("rpc-server-" + i + ".log")));
            }
            for (Path model : models) {
                run(model, setups());
            }
        } finally {
            servers.forEach(RpcServerProcess::close);
        }
        return 0;
    }

    private List<Setup> setups() {
        return List.of(
                new Setup("local CPU", ModelOptions.defaults()),
                new Setup(
                        "1 rpc-server",
                        ModelOptions.builder()
                                .allLayersOnGpu()
                                .rpcServers(servers.get(0).endpoint())
                                .build()),
                new Setup(
                        "2 rpc-servers",
                        ModelOptions.builder()
                                .allLayersOnGpu()
                                .rpcServers(
                                        servers.get(1).endpoint(),
                                        servers.get(2).endpoint())
                                .build()));
    }

    private void run(Path model, List<Setup> setups) {
        int maxPl = Arrays.stream(npl).max().orElse(1);
        List<Model> loaded = new ArrayList<>();
        List<Session> sessions = new ArrayList<>();
        try {
            for (Setup s : setups) {
                Model m = Model.load(model, s.options());
                loaded.add(m);
                sessions.add(m.newSession(SessionOptions.builder()
                        .sequences(maxPl)
                        .contextLength(npp + ntg * 2 + 8)
                        .threads(threads)
                        .build()));
            }
            Model first = loaded.getFirst();
            System.out.printf(
                    Locale.ROOT,
                    "%nmodel %s: %s, %d layers, %.1f MiB%n",
                    model.getFileName(),
                    first.description(),
                    first.layers(),
                    first.sizeBytes() / 1048576.0);
            Random r = new Random(1);
            for (Session s : sessions) {
                generate(s, first.vocabSize(), maxPl, r); // warm-up: the JIT, the servers' graphs
            }
            // per setup and parallel count: the seconds per step of each repetition
            Map<String, List<Time>> times = new LinkedHashMap<>();
            for (int rep = 0; rep < reps; rep++) {
                for (int k = 0; k < setups.size(); k++) {
                    int i = (k + rep) % setups.size();
                    for (int pl : npl) {
                        times.computeIfAbsent(setups.get(i).name() + "/" + pl, x -> new ArrayList<>())
                                .add(generate(sessions.get(i), first.vocabSize(), pl, r));
                    }
                }
            }
            print(setups, times);
        } finally {
            sessions.forEach(Session::close);
            loaded.forEach(Model::close);
        }
    }

    /** CPU seconds used so far by the rpc-servers (the scheduler's count, in ns). */
    private double serversCpuSeconds() {
        return servers.stream().mapToDouble(RpcServerProcess::cpuSeconds).sum();
    }

    /** npp prompt tokens into pl sequences, then ntg steps of one token each: the time per step. */
    private Time generate(Session s, int vocab, int pl, Random r) {
        for (int q = 0; q < s.sequences(); q++) {
            s.truncate(q, 0); // it only decodes: no sampler to restart
        }
        int[] seqs = new int[pl * npp];
        int[] toks = new int[pl * npp];
        for (int j = 0; j < pl * npp; j++) {
            seqs[j] = j / npp;
            toks[j] = r.nextInt(vocab);
        }
        s.decode(seqs, toks);
        int[] stepSeqs = new int[pl];
        Arrays.setAll(stepSeqs, j -> j);
        int[] stepToks = new int[pl];
        long pid = ProcessHandle.current().pid();
        double here = RpcServerProcess.cpuSeconds(pid);
        double there = serversCpuSeconds();
        long start = System.nanoTime();
        for (int i = 0; i < ntg; i++) {
            for (int j = 0; j < pl; j++) {
                stepToks[j] = r.nextInt(vocab);
            }
            s.decode(stepSeqs, stepToks);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double servers = serversCpuSeconds() - there;
        return new Time(wall / ntg, (RpcServerProcess.cpuSeconds(pid) - here + servers) / ntg, servers / ntg);
    }

    private void print(List<Setup> setups, Map<String, List<Time>> times) {
        System.out.println("| B | where | wall ms/step, median (min-max) | tokens/s | vs local | CPU ms/step, median |"
                + " of which servers | vs local | RPC's CPU cost ms/token |");
        System.out.println("|---:|---|---|---:|---:|---:|---:|---:|---:|");
        for (int pl : npl) {
            List<Time> local = times.get(setups.getFirst().name() + "/" + pl);
            double localWall = median(local.stream().map(Time::wall).toList());
            double localCpu = median(local.stream().map(Time::cpu).toList());
            for (Setup s : setups) {
                List<Time> t = times.get(s.name() + "/" + pl);
                List<Double> wall = t.stream().map(Time::wall).toList();
                double w = median(wall);
                double c = median(t.stream().map(Time::cpu).toList());
                double remote = median(t.stream().map(Time::serversCpu).toList());
                System.out.printf(
                        Locale.ROOT,
                        "| %d | %s | %.2f (%.2f-%.2f) | %.0f | %.2f | %.2f | %.2f | %.2f | %s |%n",
                        pl,
                        s.name(),
                        w * 1e3,
                        wall.stream().mapToDouble(x -> x).min().orElseThrow() * 1e3,
                        wall.stream().mapToDouble(x -> x).max().orElseThrow() * 1e3,
                        pl / w,
                        localWall / w,
                        c * 1e3,
                        remote * 1e3,
                        c / localCpu,
                        s == setups.getFirst() ? "" : String.format(Locale.ROOT, "%+.3f", (c - localCpu) * 1e3 / pl));
            }
        }
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(x -> x).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
