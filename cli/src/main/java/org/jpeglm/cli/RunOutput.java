package org.jpeglm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jpeglm.codec.Generated;
import org.jpeglm.io.AtomicFile;
import org.jpeglm.jpeg.JpegImages;

/**
 * The directory a generate or complete run writes, kept so that it never mixes two runs and never hides that a run
 * stopped midway:
 * <ul>
 * <li>{@link #open} checks {@code -o} before the model loads: a directory (or a path where one can be made),
 *     writable, and empty unless {@code --force};
 * <li>{@link #start} deletes an earlier run's files (with {@code --force}; other files are kept) and writes
 *     {@code summary.json} with {@code "complete": false};
 * <li>{@link #add} writes each result's files as it comes, on a writer thread (PNG encoding and fsync overlap the
 *     generation), every file through a temporary file renamed when whole, and only then lists it;
 * <li>{@link #finish} writes the grid and {@code summary.json} again, {@code "complete": true}.
 * </ul>
 * Stopped midway (Ctrl-C, SIGTERM, an error), {@code summary.json} says {@code "complete": false} and lists exactly the
 * results whose files were written: a shutdown hook, like {@link #close()}, stops the writer and rewrites it.
 */
final class RunOutput implements AutoCloseable {
    static final String SUMMARY = "summary.json";
    static final String GRID = "grid.png";
    /** The files a run writes: what --force deletes, and their temporaries left by a killed run. */
    private static final String RUN_FILES = "image-\\d+\\.(png|jpg)|video-\\d+\\.(h264|mp4|gif|png)"
            + "|completion-\\d+-\\d+\\.(png|jpg|h264|mp4|gif)|grid\\.png|summary\\.json";

    private static final Pattern RUN_FILE =
            Pattern.compile("(" + RUN_FILES + ")|\\.(" + RUN_FILES + ")\\.\\d+-\\d+\\.partial");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final boolean force;
    private final Object lock = new Object();
    private final TreeMap<Long, ObjectNode> written = new TreeMap<>();
    private ObjectNode header;
    private String listName = "images";
    private boolean closed;
    private ExecutorService writer;
    private AtomicFile.ShutdownAction hook;
    private volatile Exception failure;

    private RunOutput(Path dir, boolean force) {
        this.dir = dir;
        this.force = force;
    }

    /**
     * Checks dir before any work: nothing is created or deleted yet.
     *
     * @param force whether a non-empty directory may be used; an earlier run's files in it are deleted at {@link #start}
     */
    static RunOutput open(Path dir, boolean force) throws IOException {
        if (dir.toString().isBlank()) {
            throw new IllegalArgumentException("--output is empty: name the directory to write into, e.g. -o out");
        }
        if (Files.exists(dir)) {
            requireUsable(dir, force);
        } else {
            requireCreatable(dir);
        }
        probe(dir);
        return new RunOutput(dir, force);
    }

    /**
     * Permissions do not tell everything (root ignores them; read-only file systems, sysfs, quotas): makes the
     * directory and a file in it, and removes both again, so that nothing is left before the run starts.
     */
    private static void probe(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        Path firstMissing = null;
        for (Path p = absolute; p != null && !Files.exists(p); p = p.getParent()) {
            firstMissing = p;
        }
        try {
            Files.createDirectories(absolute);
            Files.delete(Files.createTempFile(absolute, ".jpeglm-probe-", ".partial"));
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot write into the output directory " + dir + ": " + JpeglmCommand.describe(e));
        } finally {
            for (Path p = absolute;
                    firstMissing != null && p != null && p.startsWith(firstMissing);
                    p = p.getParent()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    break; // not empty or not ours: leave it
                }
            }
        }
    }

    private static void requireUsable(Path dir, boolean force) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "the output " + dir + " is a file, not a directory: give the directory to write into (-o DIR)");
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalArgumentException("cannot write into the output directory " + dir + ": permission denied");
        }
        if (!force) {
            List<String> names;
            try (Stream<Path> list = Files.list(dir)) {
                names = list.map(p -> p.getFileName().toString())
                        .sorted()
                        .limit(3)
                        .toList();
            }
            if (!names.isEmpty()) {
                throw new IllegalArgumentException("the output directory " + dir + " is not empty ("
                        + String.join(", ", names)
                        + (names.size() == 3 ? ", ..." : "") + "): pass --force to replace an earlier run's files "
                        + "(image-*, video-*, completion-*, grid.png, summary.json; other files are kept), or give "
                        + "another -o");
            }
        }
    }

    private static void requireCreatable(Path dir) {
        Path ancestor = dir.toAbsolutePath().normalize().getParent();
        while (ancestor != null && !Files.exists(ancestor)) {
            ancestor = ancestor.getParent();
        }
        if (ancestor != null && !Files.isDirectory(ancestor)) {
            throw new IllegalArgumentException(
                    "cannot create the output directory " + dir + ": " + ancestor + " is a file");
        }
        if (ancestor != null && !Files.isWritable(ancestor)) {
            throw new IllegalArgumentException(
                    "cannot create the output directory " + dir + ": " + ancestor + " is not writable");
        }
    }

    Path dir() {
        return dir;
    }

    /**
     * Refuses inputs that this run would delete (--force) or overwrite: files in the output directory named like
     * the files a run writes. An input is never an output.
     */
    void requireNotOutputs(List<Path> inputs) throws IOException {
        Path out = dir.toAbsolutePath().normalize();
        for (Path input : inputs) {
            Path in = input.toAbsolutePath().normalize();
            boolean inOut = in.getParent() != null && Files.exists(out) && Files.isSameFile(in.getParent(), out);
            if (inOut && RUN_FILE.matcher(in.getFileName().toString()).matches()) {
                throw new IllegalArgumentException("the input " + input + " is named like a file this run writes in "
                        + dir + ": an input is never an output; copy it elsewhere or give another -o");
            }
        }
    }

    /**
     * Creates the directory, deletes an earlier run's files (with --force), and writes summary.json with
     * {@code "complete": false} and header's fields, which every later summary.json repeats.
     */
    void start(ObjectNode header) throws IOException {
        start(header, "images");
    }

    /** {@link #start(ObjectNode)} for results listed in summary.json under listName (e.g. "videos"). */
    void start(ObjectNode header, String listName) throws IOException {
        this.listName = listName;
        this.header = header.deepCopy();
        Files.createDirectories(dir);
        if (force) {
            deleteIn(dir, name -> RUN_FILE.matcher(name).matches());
        }
        writeSummary(false, JSON.createObjectNode());
        writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "jpeglm-writer");
            t.setDaemon(true);
            return t;
        });
        // Runs after the shutdown deleted every temporary file (a half-written one may hold the space the summary
        // needs).
        hook = AtomicFile.atShutdown(this::stop);
    }

    /**
     * Queues one result: its files (name to content, made on the writer thread; null content: no such file for this
     * result) are written, then entry is listed in summary.json with their names, in order's place.
     *
     * @throws UncheckedIOException when an earlier write failed, so the run stops instead of going on in vain
     */
    void add(long order, ObjectNode entry, Map<String, Supplier<byte[]>> files) {
        rethrowFailure();
        writer.execute(() -> {
            synchronized (lock) {
                if (closed || failure != null) {
                    return;
                }
                var names = entry.putArray("files");
                try {
                    for (Map.Entry<String, Supplier<byte[]>> f : files.entrySet()) {
                        byte[] content = f.getValue().get();
                        if (content != null) {
                            Outputs.write(dir.resolve(f.getKey()), content);
                            names.add(f.getKey());
                        }
                    }
                    written.put(order, entry);
                } catch (IOException | RuntimeException e) {
                    failure = e;
                    // The result's other files, already written, would sit unlisted beside summary.json.
                    names.forEach(n -> deleteIn(dir, n.asText()::equals));
                }
            }
        });
    }

    /** summary.json's entry of one result: its own summary (the server's words too), to add the command's to. */
    static ObjectNode entry(Generated result) {
        return JSON.valueToTree(result.summary());
    }

    /** A PNG file's content, encoded when written. */
    static Supplier<byte[]> png(BufferedImage image) {
        return () -> JpegImages.png(image);
    }

    /** Waits for every queued file, writes grid (if not null) and summary.json, {@code "complete": true}, with totals. */
    void finish(ObjectNode totals, BufferedImage grid) throws IOException, InterruptedException {
        writer.shutdown();
        while (!writer.awaitTermination(1, TimeUnit.SECONDS)) {
            // the writer drains its queue
        }
        rethrowFailure();
        synchronized (lock) {
            if (closed) {
                throw new IOException("the run was stopped before its output was complete");
            }
            if (grid != null) {
                Outputs.png(dir.resolve(GRID), grid);
                totals.put("grid", GRID);
            }
            writeSummary(true, totals);
            closed = true;
        }
    }

    /** Stops writing and, unless finished, leaves summary.json saying "complete": false with what was written. */
    @Override
    public void close() {
        if (writer == null) {
            return;
        }
        stop();
        writer.shutdownNow();
        hook.close();
    }

    private void stop() {
        synchronized (lock) {
            // While the JVM stops (Ctrl-C, SIGTERM) only its shutdown actions may write, and this run's (registered at
            // start) writes the summary then. Trying from another thread would be refused, and the full-disk fallback
            // below would then delete every result written.
            if (!closed && AtomicFile.mayWrite()) {
                closed = writeStoppedSummary();
            }
        }
    }

    /**
     * Writes summary.json, "complete": false, listing what was written. When even that does not fit (a full disk),
     * deletes the newest results' files until it does: the summary of before (written at {@link #start}) lists none
     * of them, and no file may sit unlisted beside it. A grid is only ever listed by a complete run. False when the
     * JVM began to shut down meanwhile: a refusal then is no full disk, and the shutdown's action writes the summary.
     */
    private boolean writeStoppedSummary() {
        try {
            Files.deleteIfExists(dir.resolve(GRID));
        } catch (IOException e) {
            // a grid left beside a summary without one: the summary still lists every image
        }
        while (true) {
            try {
                writeSummary(false, JSON.createObjectNode());
                return true;
            } catch (IOException e) {
                if (!AtomicFile.mayWrite()) {
                    return false; // refused: the shutdown began after stop() looked, nothing is deleted
                }
                if (written.isEmpty()) {
                    return true; // the summary of before stays: "complete": false, listing nothing
                }
                written.pollLastEntry().getValue().path("files").forEach(f -> deleteIn(dir, f.asText()::equals));
            } catch (RuntimeException e) {
                return true; // the summary of before stays: "complete": false as well
            }
        }
    }

    /** Deletes the files of dir whose names match, as well as it can (the JVM may be stopping). */
    private static void deleteIn(Path dir, Predicate<String> names) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files =
                Files.newDirectoryStream(dir, p -> names.test(p.getFileName().toString()))) {
            for (Path p : files) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: what is left is what summary.json does not list
        }
    }

    private void rethrowFailure() {
        Exception e = failure;
        if (e instanceof IOException io) {
            throw new UncheckedIOException(io);
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
    }

    /** summary.json: complete, the header, how many results are listed, totals, then each result. */
    private void writeSummary(boolean complete, ObjectNode totals) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("complete", complete);
        root.setAll(header);
        root.put("count", written.size());
        root.setAll(totals);
        var list = root.putArray(listName);
        written.values().forEach(list::add);
        Outputs.write(dir.resolve(SUMMARY), JSON.writeValueAsBytes(root));
    }
}
