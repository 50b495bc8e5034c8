package org.jpeglm;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Loads a model with a device choice and runs a few greedy tokens, in a child JVM on another native library
 * ({@link #main}) or in this one ({@link #greedy}), so that a test can tell where the layers went (the log, at INFO)
 * and that the run computed the same tokens as the library under test.
 */
final class DeviceProbe {
    private DeviceProbe() {}

    /** Exit status of a load the library refused with a {@link JpeglmException}. */
    static final int REFUSED = 2;

    static final int PROMPT = 16;
    static final int GREEDY = 8;

    /**
     * Args: MODEL GPU_LAYERS DEVICES (comma-separated, or "auto"). Prints each skipped backend ("skipped: FILE:
     * REASON"), then "greedy: TOKENS", or "refused: CODE: MESSAGE" and exits with {@link #REFUSED}.
     */
    public static void main(String[] args) {
        for (SkippedBackend s : Jpeglm.skippedBackends()) {
            System.out.println("skipped: " + s);
        }
        List<String> devices = args[2].equals("auto") ? List.of() : List.of(args[2].split(","));
        ModelOptions options = ModelOptions.builder()
                .gpuLayers(Integer.parseInt(args[1]))
                .devices(devices)
                .build();
        try {
            System.out.println("greedy: " + Arrays.toString(greedy(Path.of(args[0]), options)));
        } catch (JpeglmException e) {
            System.out.println("refused: " + e.code() + ": " + e.getMessage());
            System.exit(REFUSED);
        }
    }

    /** The greedy tokens after a fixed prompt, one CPU thread, exact settings (as {@link RuntimeProbe}). */
    static int[] greedy(Path modelPath, ModelOptions options) {
        try (Model model = Model.load(modelPath, options);
                Session session = model.newSession(
                        TinyModels.exact(64).threads(RuntimeProbe.THREADS).build())) {
            session.sequence(0).feed(RuntimeProbe.randomTokens(PROMPT, model.vocabSize(), 7));
            session.setSampling(0, SamplingParams.greedy());
            return session.sequence(0).generate(GREEDY, t -> true).tokens();
        }
    }
}
