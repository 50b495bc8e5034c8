package org.jpeglm.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.image.ImageGenerator;
import org.jpeglm.image.ImageModel;

/**
 * An application that loads one model and serves image requests from its own worker threads: the model (its
 * weights) is shared, each request opens its own generator (a llama.cpp context) and closes it when done.
 *
 * <p>Usage: SharedModelThreads [MODEL.gguf] [WORKERS]
 */
public final class SharedModelThreads {
    public static void main(String[] args) throws Exception {
        Path modelPath = Examples.model(args, 0);
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 4;

        try (ImageModel model = ImageModel.load(modelPath);
                ExecutorService pool = Executors.newFixedThreadPool(workers)) {
            List<Future<List<GeneratedImage>>> requests = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                long seed = 1000 + w;
                requests.add(pool.submit(() -> {
                    // One generator per request and thread; try-with-resources frees its KV cache.
                    var options = GenerationOptions.builder()
                            .parallel(2)
                            .threads(1)
                            .seed(seed)
                            .build();
                    try (ImageGenerator generator = model.newGenerator(options)) {
                        return generator.generate(2);
                    }
                }));
            }
            for (int w = 0; w < workers; w++) {
                for (GeneratedImage image : requests.get(w).get()) {
                    System.out.println("worker " + w + ": " + image);
                }
            }
        }
    }
}
