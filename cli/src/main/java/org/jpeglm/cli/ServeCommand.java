package org.jpeglm.cli;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jpeglm.Model;
import org.jpeglm.avclm.VideoModel;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.igpt.GeneratedPixels;
import org.jpeglm.codec.igpt.IgptProfile;
import org.jpeglm.codec.igpt.PixelCodec;
import org.jpeglm.image.ImageModel;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.serve.ImageServer;
import org.jpeglm.serve.ServeOptions;
import org.jpeglm.serve.ServerBinding;
import org.jpeglm.video.VideoProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "serve",
        sortOptions = false,
        description = {
            "Serve a Jpeg-LM or video model over HTTP, with llama-server's option names. An image model (codec jpeg): "
                    + "OpenAI-style image endpoints (/v1/images/generations, /completions, /scores; JSON or "
                    + "Server-Sent Events with live previews) and a web page at /. A pixel model (codec igpt, "
                    + "bpe-igpt): the same image endpoints with PNG images (previews row by row), scores in bits per "
                    + "pixel; JPEG-only fields (quality, preview_mcus, output_format jpeg) answer an error naming them. "
                    + "A video model (codec h264): "
                    + "/v1/videos/generations and /completions, finished videos as MP4 (default), GIF or H.264 (no "
                    + "stream), /v1/videos/scores; the image endpoints and image-only options answer an error naming "
                    + "them. Both: /v1/models, /health, "
                    + "/ready, /metrics. One continuously batched generator is shared by every request: a new "
                    + "request's results join the running batch at the next step.",
            "",
            "Runs until interrupted (Ctrl-C, SIGTERM), then drains: /ready answers 503, new requests 503 "
                    + "(Retry-After), and the requests running get --drain-seconds to finish before they are "
                    + "cancelled (a waiting request gets a 503, a stream an error event); then it exits.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jpeglm serve                                   # the bundled model on http://127.0.0.1:8080/",
            "  jpeglm serve -m model.gguf -np 32 --port 9000 --api-key $KEY",
            "  curl -s localhost:8080/v1/images/generations -d '{\"n\": 4, \"seed\": 7}'",
            "  jpeglm serve -m igpt.gguf                      # a pixel model: PNG images",
            "  jpeglm serve -m models/moving-fashion-mnist-64.gguf   # a video model",
            "  curl -s localhost:8080/v1/videos/generations -d '{\"seed\": 7, \"response_format\": \"bytes\"}' -o v.mp4"
        })
public final class ServeCommand extends JpeglmCommand {
    @Mixin
    ModelArgs modelArgs;

    @Mixin
    ParallelArgs parallelArgs;

    @Mixin
    DeterministicArgs determinism;

    @Option(
            names = "--host",
            paramLabel = "ADDR",
            description = "address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE})")
    String host = "127.0.0.1";

    @Option(
            names = "--port",
            paramLabel = "N",
            description = "port to listen on, 0 for any free one (default: ${DEFAULT-VALUE})")
    int port = 8080;

    @Option(
            names = "--api-key",
            paramLabel = "KEY",
            description = "require this key (Authorization: Bearer KEY) on /v1/* and /metrics (default: "
                    + "$JPEGLM_API_KEY, else none)")
    String apiKey;

    @Option(
            names = "--max-queue",
            paramLabel = "N",
            description = "images that may wait for a sequence; more answer 503 (default: ${DEFAULT-VALUE})")
    int maxQueue = 1024;

    @Option(
            names = "--max-images",
            paramLabel = "N",
            description = "images one request may ask for (default: ${DEFAULT-VALUE})")
    int maxImages = 64;

    @Option(
            names = "--max-body-mib",
            paramLabel = "N",
            description = "largest request body in MiB; larger answer 413 (default: ${DEFAULT-VALUE})")
    int maxBodyMib = 32;

    @Option(
            names = "--allowed-host",
            paramLabel = "NAME",
            description = "a host name clients may reach the server by (the Host header), besides IP addresses, "
                    + "localhost and --host; repeat for more, * for any (the check keeps other sites' pages out: DNS "
                    + "rebinding)")
    List<String> allowedHosts = new ArrayList<>();

    @Option(
            names = "--drain-seconds",
            paramLabel = "N",
            description = "on SIGTERM or Ctrl-C, how long running requests may finish before they are cancelled "
                    + "(default: ${DEFAULT-VALUE})")
    int drainSeconds = 20;

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    public ServeCommand() {}

    @Override
    protected int run() throws Exception {
        ServeOptions options = options();
        try {
            return serve(options);
        } finally {
            stopped.countDown();
        }
    }

    private int serve(ServeOptions options) throws Exception {
        // Bound first: a port in use or a bad --host is one line at once, not after the model's load.
        try (ServerBinding binding = ServerBinding.bind(options)) {
            ModelArgs.ChosenModel chosen = modelArgs.choose(); // the codec its file names: images, pixels or videos
            if (chosen.video()) {
                try (VideoModel model = chosen.loadVideo(err());
                        ImageServer server = binding.start(model.codecModel())) {
                    VideoProfile p = model.profile();
                    return serve(
                            server,
                            options,
                            model.model(),
                            p.width() + "x" + p.height() + ", " + p.frames()
                                    + " frames (video: POST /v1/videos/generations)");
                }
            }
            if (chosen.pixels()) {
                try (CodecModel<BufferedImage, GeneratedPixels> model = chosen.loadPixels(err());
                        ImageServer server = binding.start(model)) {
                    IgptProfile p = ((PixelCodec) model.codec()).profile();
                    return serve(
                            server,
                            options,
                            model.model(),
                            p.width() + "x" + p.height() + " PNG (pixel model, codec " + chosen.codec + ")");
                }
            }
            try (ImageModel model = chosen.loadImage(err());
                    ImageServer server = binding.start(model.codecModel())) {
                JpegProfile p = model.spec().profile();
                return serve(server, options, model.model(), p.width() + "x" + p.height());
            }
        }
    }

    /** Runs server until stopped, then drains it; what says what the model makes. */
    private int serve(ImageServer server, ServeOptions options, Model model, String what) throws Exception {
        // The JVM exits once its shutdown hooks return: this one holds it until the server has drained.
        Thread hook = new Thread(
                () -> {
                    stop.countDown();
                    awaitQuietly(stopped, options.drainTime().plusSeconds(30));
                },
                "jpeglm-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        err().printf(
                        "%s: %s, %s, %d in parallel; listening on %s%s%n",
                        model.path().getFileName(),
                        model.description(),
                        what,
                        options.service().parallel(),
                        server.uri(host),
                        options.apiKey() != null ? " (API key required)" : "");
        err().flush();
        stop.await();
        err().printf("stopping: no new requests; those running have %d s to finish%n", drainSeconds);
        err().flush();
        server.shutdown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already stopping: the hook ran, nothing to remove
        }
        err().println("stopped");
        err().flush();
        return 0;
    }

    private static void awaitQuietly(CountDownLatch latch, Duration time) {
        try {
            latch.await(time.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The options, checked before the model is loaded. */
    ServeOptions options() {
        modelArgs.check();
        int parallel = parallelArgs.forJobs(ParallelArgs.MAX);
        GenerateCommand.requirePositive("--max-queue", maxQueue);
        GenerateCommand.requirePositive("--max-images", maxImages);
        GenerateCommand.requirePositive("--max-body-mib", maxBodyMib);
        if (drainSeconds < 0) {
            throw new IllegalArgumentException("--drain-seconds must be 0 or more, got " + drainSeconds);
        }
        return ServeOptions.builder()
                .host(host)
                .port(port)
                .apiKey(apiKey())
                .maxBodyBytes((long) maxBodyMib << 20)
                .maxImagesPerRequest(maxImages)
                .allowedHosts(allowedHosts)
                .drainTime(Duration.ofSeconds(drainSeconds))
                .service(GenerationOptions.builder()
                        .parallel(parallel)
                        .threads(modelArgs.threadOptions())
                        .maxQueued(maxQueue)
                        .deterministic(determinism.deterministic)
                        .build())
                .build();
    }

    /**
     * The key to require: --api-key's, else $JPEGLM_API_KEY's, else none. An empty one is refused, not taken as
     * none: {@code --api-key "$KEY"} with KEY unset would otherwise serve everyone without a word.
     */
    private String apiKey() {
        if (apiKey != null) {
            if (apiKey.isEmpty()) {
                throw new IllegalArgumentException(
                        "--api-key is empty (an unset variable?): give the key, or leave the option out to need none");
            }
            return apiKey;
        }
        String env = System.getenv("JPEGLM_API_KEY");
        if (env != null && env.isEmpty()) {
            throw new IllegalArgumentException(
                    "JPEGLM_API_KEY is set but empty: give the key, or unset it to need none");
        }
        return env;
    }

    /** Stops a running server (tests; Ctrl-C does the same through the shutdown hook). */
    void stop() {
        stop.countDown();
    }
}
