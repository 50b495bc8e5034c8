package org.jpeglm.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jpeglm.Jpeglm;
import org.jpeglm.ModelOptions;
import org.jpeglm.SkippedBackend;
import org.jpeglm.image.ImageModel;
import picocli.CommandLine.Option;

/**
 * The options that choose and load a model, shared by the commands (llama.cpp's names where they exist), and the
 * one place where they are checked.
 */
final class ModelArgs {
    /** The bundled model, relative to the repository (or the working directory). */
    static final String BUNDLED = "models/fashion-mnist-32.gguf";

    @Option(
            names = {"-m", "--model"},
            paramLabel = "FILE",
            description = "Jpeg-LM GGUF model (default: $JPEGLM_MODEL, else the bundled " + BUNDLED + ")")
    Path model;

    @Option(
            names = {"-ngl", "--gpu-layers"},
            paramLabel = "N",
            description =
                    "layers to offload to the GPU, -1 all (default: 0); a warning says when this build or machine has no GPU")
    int gpuLayers;

    @Option(
            names = {"-dev", "--device"},
            paramLabel = "NAME,...",
            split = ",",
            description = "devices to offload layers to (jpeglm devices lists them), or none for the CPU only"
                    + " (default: every CUDA device, else every Vulkan GPU)")
    List<String> devices = List.of();

    @Option(
            names = "--mmap",
            description = "memory-map the model instead of reading it into memory: loads faster and shares pages, but"
                    + " the file must not be truncated or rewritten while in use (that would crash or silently change"
                    + " the output)")
    boolean mmap;

    @Option(
            names = {"-t", "--threads"},
            paramLabel = "N",
            description = "CPU threads, 1 to " + Limits.THREADS_PER_CORE + " per core (default: 0 = every core)")
    int threads;

    Path modelPath() {
        if (model != null) {
            return model;
        }
        String env = System.getenv("JPEGLM_MODEL");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        for (Path base = Path.of("").toAbsolutePath(); base != null; base = base.getParent()) {
            Path p = base.resolve(BUNDLED);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "no model given and the bundled " + BUNDLED + " was not found: pass -m FILE");
    }

    /** Checks -ngl, -dev and -t; called before anything is loaded or written. */
    void check() {
        if (gpuLayers < -1) {
            throw new IllegalArgumentException("--gpu-layers must be -1 (all) or >= 0, got " + gpuLayers);
        }
        options(gpuLayers); // checks -dev
        Limits.requireThreads(threads);
    }

    private ModelOptions options(int layers) {
        return ModelOptions.builder()
                .gpuLayers(layers)
                .devices(devices)
                .mmap(mmap)
                .build();
    }

    /**
     * Loads the model, warning on err when -ngl asks for a GPU that this native library or machine does not have
     * (and then asking the library for no layers, so that it does not warn a second time).
     */
    ImageModel load(PrintWriter err) {
        check();
        int layers = gpuLayers;
        if (layers != 0 && !Jpeglm.gpuOffloadSupported()) {
            err.println("warning: -ngl " + gpuLayers
                    + " offloads nothing: this native library has no GPU backend, or no GPU was "
                    + "found; running on the CPU" + skippedNote());
            err.flush();
            layers = 0;
        }
        return ImageModel.load(modelPath(), options(layers));
    }

    /** " (skipped FILE: REASON; ...)": the GPU backends the native start could not use, or "". */
    private static String skippedNote() {
        List<String> skipped =
                Jpeglm.skippedBackends().stream().map(SkippedBackend::toString).toList();
        return skipped.isEmpty() ? "" : " (skipped " + String.join("; ", skipped) + ")";
    }
}
