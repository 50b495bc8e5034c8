package org.jpeglm;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jpeglm.testing.LogitsAssert;

/**
 * The parity step of scripts/gpu-check, a main run with the test classes on the class path (the GPU machine has
 * no Maven): {@link RuntimeProbe}'s workload on one model, first on the CPU ({@code -ngl 0}), then with every
 * layer offloaded ({@code -ngl -1}), in this JVM on whichever libjpeglm it loads (the CUDA or Vulkan runtime).
 * Prints one markdown table row and exits 1 unless every layer went to a GPU device, the logits agree within the
 * tolerance (relative to each row's largest magnitude), greedy tokens are identical and every image is clean.
 *
 * <p>Args: {@code MODEL|tiny-gqa TOLERANCE [images]}, or {@code --header} for the table's head; tiny-gqa is the tiny random GQA model of the tests (F32).
 */
final class OffloadCheck {
    private OffloadCheck() {}

    static final String HEADER = "| model | GPU device | layers offloaded | max rel. logit error | greedy tokens "
            + "| sampled sequences identical | images clean (identical) | CPU s | GPU s | result |\n"
            + "|---|---|---|---:|---|---|---|---:|---:|---|";

    private static final Pattern OFFLOADED = Pattern.compile("offloaded (\\d+)/(\\d+) layers to GPU");

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("--header")) {
            System.out.println(HEADER);
            return;
        }
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: OffloadCheck MODEL|tiny-gqa TOLERANCE [images] | --header");
        }
        Path model = args[0].equals("tiny-gqa") ? TinyModels.gqaUntied().path() : Path.of(args[0]);
        double tolerance = Double.parseDouble(args[1]);
        boolean images = args.length > 2 && args[2].equals("images");
        List<String> log = new CopyOnWriteArrayList<>();
        Jpeglm.setLogHandler((level, message) -> log.add(message));
        Jpeglm.setLogLevel(Jpeglm.LogLevel.INFO);

        long start = System.nanoTime();
        RuntimeProbe.Result cpu = RuntimeProbe.run(model, 0, images);
        long cpuDone = System.nanoTime();
        int gpuLog = log.size();
        RuntimeProbe.Result gpu = RuntimeProbe.run(model, -1, images);
        long gpuDone = System.nanoTime();

        String device = Jpeglm.devices().stream()
                .filter(d -> d.type() == Device.Type.GPU || d.type() == Device.Type.IGPU)
                .map(Device::name)
                .findFirst()
                .orElse("none");
        Matcher offload = OFFLOADED.matcher(String.join("", log.subList(gpuLog, log.size())));
        boolean found = offload.find();
        String offloaded = found ? offload.group(1) + "/" + offload.group(2) : "no offload line";
        boolean allOffloaded = found && offload.group(1).equals(offload.group(2));
        double error = 0;
        for (int i = 0; i < cpu.logits().length; i++) {
            error = Math.max(error, LogitsAssert.relativeError(cpu.logits()[i], gpu.logits()[i]));
        }
        boolean greedy = Arrays.equals(cpu.greedy(), gpu.greedy());
        long clean =
                Arrays.stream(gpu.images()).filter(b -> b[b.length - 1] == 1).count();
        boolean ok =
                !device.equals("none") && allOffloaded && error <= tolerance && greedy && clean == gpu.images().length;
        System.out.printf(
                Locale.ROOT,
                "| %s | %s | %s | %.2e (≤ %.0e) | %s | %d/%d | %s | %.1f | %.1f | %s |%n",
                args[0].equals("tiny-gqa") ? "tiny GQA (F32)" : model.getFileName(),
                device,
                offloaded,
                error,
                tolerance,
                greedy ? "identical" : "DIFFER",
                RuntimeProbe.countEqual(cpu.sampled(), gpu.sampled()),
                cpu.sampled().length,
                images
                        ? "%d/%d (%d)"
                                .formatted(
                                        clean, gpu.images().length, RuntimeProbe.countEqual(cpu.images(), gpu.images()))
                        : "-",
                (cpuDone - start) / 1e9,
                (gpuDone - cpuDone) / 1e9,
                ok ? "pass" : "**FAIL**");
        if (!ok) {
            System.err.print(String.join("", log)); // why: e.g. the GPU backend's library failed to load
        }
        System.exit(ok ? 0 : 1);
    }
}
