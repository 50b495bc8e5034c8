package org.jpeglm.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jpeglm.Generation;
import org.jpeglm.Model;
import org.jpeglm.SamplingParams;
import org.jpeglm.Session;
import org.jpeglm.SessionOptions;

/**
 * An application that loads one model and serves requests from its own worker threads: the model is shared,
 * each task opens its own session. Usage: SharedModelThreads MODEL.gguf [THREADS]
 */
public final class SharedModelThreads {
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: SharedModelThreads MODEL.gguf [THREADS]");
            System.exit(2);
        }
        Path modelPath = Path.of(args[0]);
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 4;

        try (Model model = Model.load(modelPath);
             ExecutorService pool = Executors.newFixedThreadPool(workers)) {
            System.out.println("loaded " + model + ", " + model.parameterCount() + " parameters");
            List<Future<Generation>> results = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                long seed = w;
                results.add(pool.submit(() -> {
                    // A session belongs to the task that opened it; try-with-resources frees its KV cache.
                    try (Session session = model.newSession(SessionOptions.builder().contextLength(256).threads(1).build())) {
                        session.setSampling(0, SamplingParams.builder().temperature(1f).topK(40).seed(seed).build());
                        session.feed(0, 0);
                        return session.generate(0, 32, token -> true);
                    }
                }));
            }
            for (int w = 0; w < workers; w++) {
                Generation g = results.get(w).get();
                System.out.println("worker " + w + ": " + Arrays.toString(g.tokens()) + " (" + g.stopReason() + ")");
            }
        }
    }
}
