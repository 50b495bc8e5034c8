package org.jpeglm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jpeglm.io.AtomicFile;

/**
 * A run stopped by the JVM's shutdown while its main thread closes the output, as Ctrl-C stops {@code generate}:
 * writes {@code args[1]} results into {@code args[0]}, waits until they are on disk, then exits while another thread
 * closes the {@link RunOutput} once the shutdown has begun — and, deterministically, before the shutdown's own
 * summary: a shutdown action registered before the run's holds the shutdown until that close returned.
 */
public final class StoppedRunMain {
    private StoppedRunMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int results = Integer.parseInt(args[1]);
        ObjectMapper json = new ObjectMapper();
        CountDownLatch closed = new CountDownLatch(1);
        AtomicFile.atShutdown(
                () -> { // runs before the run's own action, registered later
                    try {
                        closed.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        RunOutput out = RunOutput.open(dir, false);
        out.start(json.createObjectNode());
        for (int i = 0; i < results; i++) {
            String name = "image-" + i + ".jpg";
            byte[] content = {(byte) 0xFF, (byte) 0xD8, (byte) i};
            Supplier<byte[]> file = () -> content;
            out.add(i, json.createObjectNode().put("index", i), Map.of(name, file));
        }
        for (int i = 0; i < results; i++) {
            while (!Files.exists(dir.resolve("image-" + i + ".jpg"))) {
                Thread.sleep(5);
            }
        }
        Thread closer = new Thread(() -> {
            while (AtomicFile.mayWrite()) {
                Thread.onSpinWait();
            }
            out.close();
            closed.countDown();
        });
        closer.start();
        System.exit(3);
    }
}
