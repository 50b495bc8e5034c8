package org.jpeglm.cli;

import java.util.concurrent.CountDownLatch;
import org.jpeglm.image.ImageModel;
import org.jpeglm.image.ServiceOptions;
import org.jpeglm.serve.ImageServer;
import org.jpeglm.serve.ServeOptions;
import org.jpeglm.serve.ServerBinding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "serve",
        sortOptions = false,
        description = {
            "Serve a Jpeg-LM model over HTTP, with llama-server's option names: OpenAI-style image endpoints "
                    + "(/v1/images/generations, /completions, /scores; JSON or Server-Sent Events with live previews), "
                    + "/v1/models, /health, /metrics, and a web page at /. One continuously batched generator is shared "
                    + "by every request: a new request's images join the running batch at the next step.",
            "",
            "Runs until interrupted (Ctrl-C); the images still running are cancelled.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jpeglm serve                                   # the bundled model on http://127.0.0.1:8080/",
            "  jpeglm serve -m model.gguf -np 32 --port 9000 --api-key $KEY",
            "  curl -s localhost:8080/v1/images/generations -d '{\"n\": 4, \"seed\": 7}'"
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

    private final CountDownLatch stop = new CountDownLatch(1);

    public ServeCommand() {}

    @Override
    protected int run() throws Exception {
        ServeOptions options = options();
        // Bound first: a port in use or a bad --host is one line at once, not after the model's load.
        try (ServerBinding binding = ServerBinding.bind(options);
                ImageModel model = modelArgs.load(err());
                ImageServer server = binding.start(model)) {
            Thread hook = new Thread(stop::countDown, "jpeglm-serve-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            err().printf(
                            "%s: %s, %dx%d, %d in parallel; listening on %s%s%n",
                            model.model().path().getFileName(),
                            model.model().description(),
                            model.spec().profile().width(),
                            model.spec().profile().height(),
                            options.service().parallel(),
                            server.uri(host),
                            options.apiKey() != null ? " (API key required)" : "");
            err().flush();
            stop.await();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already stopping: the hook ran, nothing to remove
            }
        }
        return 0;
    }

    /** The options, checked before the model is loaded. */
    ServeOptions options() {
        modelArgs.check();
        int parallel = parallelArgs.forJobs(ParallelArgs.MAX);
        String key = apiKey != null ? apiKey : System.getenv("JPEGLM_API_KEY");
        GenerateCommand.requirePositive("--max-queue", maxQueue);
        GenerateCommand.requirePositive("--max-images", maxImages);
        GenerateCommand.requirePositive("--max-body-mib", maxBodyMib);
        return ServeOptions.builder()
                .host(host)
                .port(port)
                .apiKey(key == null || key.isEmpty() ? null : key)
                .maxBodyBytes((long) maxBodyMib << 20)
                .maxImagesPerRequest(maxImages)
                .service(ServiceOptions.builder()
                        .parallel(parallel)
                        .threads(modelArgs.threads)
                        .maxQueuedImages(maxQueue)
                        .deterministic(determinism.deterministic)
                        .build())
                .build();
    }

    /** Stops a running server (tests; Ctrl-C does the same through the shutdown hook). */
    void stop() {
        stop.countDown();
    }
}
