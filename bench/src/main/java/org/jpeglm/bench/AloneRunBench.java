package org.jpeglm.bench;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Request;
import org.jpeglm.codec.Service;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.image.ImageModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How often an image served under load equals its alone run: N one-image requests, each with its own seed, go to an
 * image model's {@link Service} (what {@code jpeglm serve} runs) from concurrent clients, so each image shares the batch with
 * whatever the others are doing; then each seed is run again alone on the idle service, and the bytes are compared.
 * Once per mode: by default a seed repeats its bytes only with the same company, deterministic whatever the company.
 */
@Command(
        name = "alone-run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "share of images served under concurrent load that equal their alone run, per mode",
        footer = {"", "Example:", "  alone-run -m models/fashion-mnist-32.gguf --images 1000 -t 2"})
public final class AloneRunBench implements Callable<Integer> {
    @Option(names = "-m", description = "Jpeg-LM GGUF (default: ${DEFAULT-VALUE})")
    Path model = Path.of("models/fashion-mnist-32.gguf");

    @Option(names = "-np", description = "sequences of the service (default: ${DEFAULT-VALUE})")
    int parallel = 16;

    @Option(names = "-t", description = "CPU threads, 0 every core (default: ${DEFAULT-VALUE})")
    int threads = 0;

    @Option(names = "--clients", description = "concurrent clients of the load run (default: ${DEFAULT-VALUE})")
    int clients = 24;

    @Option(names = "--images", description = "images, one a request, each its own seed (default: ${DEFAULT-VALUE})")
    int images = 1000;

    @Option(names = "--seed", description = "seed of the first image; image k has seed + k (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(
            names = "--modes",
            split = ",",
            description = "modes to run, one after the other: default, deterministic (default: ${DEFAULT-VALUE})")
    List<String> modes = List.of("default", "deterministic");

    public static void main(String[] args) {
        System.exit(new CommandLine(new AloneRunBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        System.out.printf(
                Locale.ROOT,
                "model %s, -np %d, -t %d, %d images from %d concurrent clients, seeds %d..%d%n",
                model.getFileName(),
                parallel,
                threads,
                images,
                clients,
                seed,
                seed + images - 1);
        System.out.println("| mode | images | equal to their alone run | share | load run s | alone runs s |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        try (ImageModel m = ImageModel.load(model)) {
            for (String mode : modes) {
                if (!mode.equals("default") && !mode.equals("deterministic")) {
                    throw new IllegalArgumentException("--modes: default or deterministic, got " + mode);
                }
                measure(m, mode);
            }
        }
        return 0;
    }

    private void measure(ImageModel m, String mode) throws Exception {
        GenerationOptions options = GenerationOptions.builder()
                .parallel(parallel)
                .threads(threads)
                .maxQueued(Math.max(1024, images))
                .deterministic(mode.equals("deterministic"))
                .build();
        try (Service<BufferedImage, GeneratedImage> service = m.newService(options)) {
            long t0 = System.nanoTime();
            byte[][] loaded = underLoad(service);
            long t1 = System.nanoTime();
            int equal = 0;
            for (int k = 0; k < images; k++) {
                equal += Arrays.equals(loaded[k], run(service, k)) ? 1 : 0;
            }
            long t2 = System.nanoTime();
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %d | %d | %.1f %% | %.1f | %.1f |%n",
                    mode,
                    images,
                    equal,
                    100.0 * equal / images,
                    (t1 - t0) / 1e9,
                    (t2 - t1) / 1e9);
        }
    }

    /** Every image's stream, its request sent by one of the concurrent clients, which keep the batch full. */
    private byte[][] underLoad(Service<BufferedImage, GeneratedImage> service) throws Exception {
        byte[][] streams = new byte[images][];
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                all.add(pool.submit(() -> {
                    for (int k; (k = next.getAndIncrement()) < images; ) {
                        streams[k] = run(service, k);
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        return streams;
    }

    /** Image k's stream: a request of one image with seed + k (on an idle service: its alone run). */
    private byte[] run(Service<BufferedImage, GeneratedImage> service, int k) throws Exception {
        Request<BufferedImage> request = service.request(1).seed(seed + k).build();
        return service.submit(request, event -> {}).result().get().getFirst().stream();
    }
}
