package org.jpeglm.cli;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jpeglm.Jpeglm;
import org.jpeglm.ModelMetadata;
import org.jpeglm.ModelOptions;
import org.jpeglm.SkippedBackend;
import org.jpeglm.ThreadOptions;
import org.jpeglm.avclm.H264CodecFactory;
import org.jpeglm.avclm.VideoModel;
import org.jpeglm.codec.CodecFactory;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.codec.Codecs;
import org.jpeglm.codec.igpt.GeneratedPixels;
import org.jpeglm.codec.igpt.PixelCodecFactory;
import org.jpeglm.codec.igpt.PixelModels;
import org.jpeglm.image.ImageModel;
import org.jpeglm.image.JpegCodecFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options that choose and load a model, shared by the commands (llama.cpp's names where they exist), and the
 * one place where they are checked.
 */
final class ModelArgs {
    /** The bundled model, relative to the installation ({@link #installation()}). */
    static final String BUNDLED = "models/fashion-mnist-32.gguf";

    /** The bundled video model, likewise. */
    static final String BUNDLED_VIDEO = "models/moving-fashion-mnist-64.gguf";

    @Option(
            names = {"-m", "--model"},
            paramLabel = "FILE",
            description = "GGUF model (default: $JPEGLM_MODEL, else the bundled " + BUNDLED
                    + "; for generate-video and complete-video $JPEGLM_VIDEO_MODEL, else the bundled " + BUNDLED_VIDEO
                    + ")")
    Path model;

    /** Whether the default model (no -m) is the video one: set by the -video aliases, not an option. */
    boolean videoByDefault;

    @Option(
            names = {"-ngl", "--gpu-layers"},
            paramLabel = "N",
            description = "layers to offload to the GPU (or the --rpc servers), -1 all (default: 0; with --rpc, all);"
                    + " a warning says when this build or machine has no GPU")
    Integer gpuLayers;

    @Option(
            names = {"-dev", "--device"},
            paramLabel = "NAME,...",
            split = ",",
            description = "devices to offload layers to (jpeglm devices lists them), or none for the CPU only"
                    + " (default: every CUDA device, else every Vulkan GPU)")
    List<String> devices = List.of();

    @Option(
            names = "--rpc",
            paramLabel = "HOST:PORT",
            split = ",",
            splitSynopsisLabel = ",",
            description =
                    "rpc-servers on other machines that run some of the layers (llama.cpp's --rpc; docs/deploy.md;"
                            + " the source or portable runtime): the offloaded layers are split among them by free memory,"
                            + " -ngl N keeps the first layers on this CPU")
    List<String> rpc = List.of();

    @Option(
            names = "--mmap",
            description = "memory-map the model instead of reading it into memory: loads faster and shares pages, but"
                    + " the file must not be truncated or rewritten while in use (that would crash or silently change"
                    + " the output)")
    boolean mmap;

    @Option(
            names = {"-t", "--threads"},
            paramLabel = "N",
            description = "CPU threads, 1 to " + Limits.THREADS_PER_CORE + " per core (default: 0 = automatic: from"
                    + " the model's size and the CPUs this process may use, then tuned while running to the count that"
                    + " steps faster, so other busy programs do not stall it)")
    int threads;

    @Option(
            names = {"-tb", "--threads-batch"},
            paramLabel = "N",
            description = "CPU threads for batches of several tokens (prompts, a step of several images) (default: as"
                    + " -t)")
    int threadsBatch;

    @Option(
            names = "--poll",
            paramLabel = "0..100",
            description = "how busily idle threads wait for the next step before they sleep, 0 (sleep at once) to 100"
                    + " (default: the library's, 1)")
    Integer poll;

    @Option(
            names = {"-C", "--cpu-mask"},
            paramLabel = "HEX",
            description = "CPUs to run on, a hexadecimal mask as llama.cpp's (0x3: CPUs 0 and 1) (default: any)")
    String cpuMask;

    /** The model's path: -m, else $JPEGLM_MODEL or the bundled image model ($JPEGLM_VIDEO_MODEL or the bundled video model for the aliases). */
    Path modelPath() {
        return videoByDefault ? modelPath("JPEGLM_VIDEO_MODEL", BUNDLED_VIDEO) : modelPath("JPEGLM_MODEL", BUNDLED);
    }

    /**
     * -m, else the environment variable env, else the bundled model of this installation: never a file found from
     * the working directory, which could be anyone's.
     */
    private Path modelPath(String env, String bundled) {
        if (model != null) {
            return model;
        }
        String value = System.getenv(env);
        if (value != null && !value.isBlank()) {
            return Path.of(value);
        }
        Path home = installation();
        Path p = home.resolve(bundled);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("no model given and this installation (" + home + ") has no bundled "
                    + bundled + ": pass -m FILE or set " + env);
        }
        return p;
    }

    /**
     * The jpeglm installation this command runs from: $jpeglm.home (bin/jpeglm sets it to its own folder's parent,
     * links resolved), else the tree this code was built in (ROOT/cli/target/jpeglm.jar or ROOT/cli/target/classes).
     */
    static Path installation() {
        String home = System.getProperty("jpeglm.home");
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        Path code;
        try {
            code = Path.of(ModelArgs.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toAbsolutePath()
                    .normalize();
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot tell where jpeglm is installed (" + e.getMessage() + "): pass -m FILE, or run bin/jpeglm");
        }
        return installationOf(code);
    }

    /** ROOT of code at ROOT/cli/TARGET/jpeglm.jar (or ROOT/cli/TARGET/classes); refused anywhere else. */
    static Path installationOf(Path code) {
        Path target = code.getParent();
        Path cli = target == null ? null : target.getParent();
        if (cli == null
                || cli.getParent() == null
                || !cli.getFileName().toString().equals("cli")) {
            // A jar copied out of its tree (java -jar /tmp/jpeglm.jar) has no installation above it.
            throw new IllegalArgumentException("cannot tell where jpeglm is installed (" + code
                    + " is not ROOT/cli/target/jpeglm.jar): pass -m FILE, or run bin/jpeglm");
        }
        return cli.getParent();
    }

    /** Checks -ngl, -dev, --rpc and -t; called before anything is loaded or written. */
    void check() {
        int layers = layers();
        if (layers < -1) {
            throw new IllegalArgumentException("--gpu-layers must be -1 (all) or >= 0, got " + layers);
        }
        if (!rpc.isEmpty() && layers == 0) {
            throw new IllegalArgumentException(
                    "--rpc with -ngl 0 puts no layer on the rpc servers: leave -ngl out (all layers) or give N > 0");
        }
        options(layers); // checks -dev and --rpc
        threadOptions();
    }

    /** -t, -tb, --poll and -C, checked. */
    ThreadOptions threadOptions() {
        Limits.requireThreads("--threads", threads, "automatic");
        Limits.requireThreads("--threads-batch", threadsBatch, "as -t");
        return new ThreadOptions(threads, threadsBatch, poll == null ? -1 : poll, cpuMask);
    }

    /** -ngl, else all layers with --rpc and none without. */
    private int layers() {
        return gpuLayers != null ? gpuLayers : rpc.isEmpty() ? 0 : -1;
    }

    private ModelOptions options(int layers) {
        return ModelOptions.builder()
                .gpuLayers(layers)
                .devices(devices)
                .rpcServers(rpc.toArray(String[]::new))
                .mmap(mmap)
                .build();
    }

    /**
     * The model the options name and the codec its metadata declares, read once (header only, nothing loaded yet):
     * every verb decides what to do from it, then loads with it ({@link ChosenModel#loadImage},
     * {@link ChosenModel#loadVideo}, {@link ChosenModel#loadPixels}), so the file is not parsed again.
     *
     * @throws IllegalArgumentException for a codec this version does not know
     */
    ChosenModel choose() {
        Path path = modelPath();
        ModelMetadata metadata = ModelMetadata.read(path);
        try {
            CodecFactory<?, ?> factory = Codecs.factoryOf(metadata);
            if (!(factory instanceof JpegCodecFactory
                    || factory instanceof H264CodecFactory
                    || factory instanceof PixelCodecFactory)) { // a codec module's models, for the Java API only
                throw new IllegalArgumentException("codec '" + Codecs.declared(metadata) + "' (" + factory
                        + ") loads through the Java API, but these commands write only images, videos and pixels");
            }
            return new ChosenModel(path, metadata, Codecs.declared(metadata), factory);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A model file chosen by -m (or the default), its metadata, the codec it declares and the registry's factory of
     * that codec ({@link Codecs}), which tells the verbs which family's output to write.
     */
    final class ChosenModel {
        final Path path;
        final ModelMetadata metadata;
        final String codec;
        final CodecFactory<?, ?> factory;

        private ChosenModel(Path path, ModelMetadata metadata, String codec, CodecFactory<?, ?> factory) {
            this.path = path;
            this.metadata = metadata;
            this.codec = codec;
            this.factory = factory;
        }

        /** Whether it is a video model (the h264 codec's); else an image model (jpeg). */
        boolean video() {
            return factory instanceof H264CodecFactory;
        }

        /** Whether it is a pixel model (the igpt and bpe-igpt codecs'): images written pixel by pixel. */
        boolean pixels() {
            return factory instanceof PixelCodecFactory;
        }

        /** "an image model (codec jpeg)", "a video model (codec h264)", "a pixel model (codec igpt)", for messages. */
        String kind() {
            return (video() ? "a video" : pixels() ? "a pixel" : "an image") + " model (codec " + codec + ")";
        }

        /** Loads it as the image model it is. */
        ImageModel loadImage(PrintWriter err) {
            return ImageModel.load(path, loadOptions(err), metadata);
        }

        /** Loads it as the pixel model it is. */
        CodecModel<BufferedImage, GeneratedPixels> loadPixels(PrintWriter err) {
            return PixelModels.load(path, loadOptions(err), metadata);
        }

        /** Loads it as the video model it is. */
        VideoModel loadVideo(PrintWriter err) {
            return VideoModel.load(path, loadOptions(err), metadata);
        }

        /**
         * Refuses the options of command given that only the other codec has: one usage error (exit code 2) naming
         * the option and this model's codec, never an option silently ignored.
         */
        void refuseOthers(CommandSpec command, List<String> imageOnly, List<String> videoOnly) {
            refuse(command, video() ? imageOnly : videoOnly, video() ? "image" : "video");
        }

        /**
         * Refuses the given options of command, which apply to models of others only (e.g. "jpeg image"): one usage
         * error (exit code 2) naming the option and this model's codec.
         */
        void refuse(CommandSpec command, List<String> options, String others) {
            for (String option : options) {
                if (command.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw new CommandLine.ParameterException(
                            command.commandLine(),
                            option + " applies to " + others + " models only, but " + path.getFileName() + " is "
                                    + kind());
                }
            }
        }
    }

    /** The options to load with, checked, and the warning for a GPU that is not there. */
    private ModelOptions loadOptions(PrintWriter err) {
        check();
        int layers = layers();
        if (layers != 0 && rpc.isEmpty() && !Jpeglm.gpuOffloadSupported()) {
            err.println("warning: -ngl " + layers
                    + " offloads nothing: this native library has no GPU backend, or no GPU was "
                    + "found; running on the CPU" + skippedNote());
            err.flush();
            layers = 0;
        }
        return options(layers);
    }

    /** " (skipped FILE: REASON; ...)": the GPU backends the native start could not use, or "". */
    private static String skippedNote() {
        List<String> skipped =
                Jpeglm.skippedBackends().stream().map(SkippedBackend::toString).toList();
        return skipped.isEmpty() ? "" : " (skipped " + String.join("; ", skipped) + ")";
    }
}
