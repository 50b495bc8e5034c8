package org.jpeglm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jpeglm.ModelOptions;
import org.jpeglm.image.ImageModel;
import picocli.CommandLine.Option;

/** The options that choose and load a model, shared by the commands (llama.cpp's names where they exist). */
final class ModelArgs {
    /** The bundled model, relative to the repository (or the working directory). */
    static final String BUNDLED = "models/fashion-mnist-32.gguf";

    @Option(names = {"-m", "--model"}, paramLabel = "FILE",
            description = "Jpeg-LM GGUF model (default: $JPEGLM_MODEL, else the bundled " + BUNDLED + ")")
    Path model;

    @Option(names = {"-ngl", "--gpu-layers"}, paramLabel = "N", description = "layers to offload to the GPU, -1 all (default: 0)")
    int gpuLayers;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "CPU threads (default: every core)")
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
        throw new IllegalArgumentException("no model given and the bundled " + BUNDLED + " was not found: pass -m FILE");
    }

    ImageModel load() {
        if (gpuLayers < -1) {
            throw new IllegalArgumentException("--gpu-layers must be -1 (all) or >= 0, got " + gpuLayers);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
        }
        return ImageModel.load(modelPath(), ModelOptions.builder().gpuLayers(gpuLayers).build());
    }
}
