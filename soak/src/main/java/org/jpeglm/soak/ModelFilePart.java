package org.jpeglm.soak;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The model file changed under a running generate (a child process; the model is memory-mapped, as by default):
 * truncated to half, its second half overwritten with zeros in place, or replaced by another file through a rename.
 * What happens is reported (exit status, a JVM crash log, how many images differ from an undisturbed run with the
 * same seed); a run that crashes the JVM or silently writes different images fails the part.
 */
final class ModelFilePart {
    /** One way of changing the file. */
    enum Change {
        TRUNCATE("truncated to half its size"),
        OVERWRITE("second half overwritten with zeros in place"),
        REPLACE("replaced by a renamed copy of a different file");

        final String description;

        Change(String description) {
            this.description = description;
        }
    }

    private ModelFilePart() {}

    static PartResult run(Fixtures f, SoakConfig c, List<Change> changes) throws Exception {
        PartResult r = new PartResult("Model file changed while mapped");
        Path base = Files.createDirectories(f.dir().resolve("model-file"));
        int n = c.childImages() * 2;
        Path undisturbed = base.resolve("undisturbed");
        Cli.Run ref = f.cli().run(base, f.generate(n, undisturbed));
        r.check(ref.exit() == 0, "the undisturbed run failed: " + ref.lastErrLine());
        r.line("A generate -n " + n + " run, seed 42, the model changed once its first image is written:");
        r.line("");
        r.line("| change | exit | JVM crash log | images written | differ from the undisturbed run | stderr |");
        r.line("|---|---:|---|---:|---:|---|");
        for (Change change : changes) {
            once(f, base, n, undisturbed, change, r);
        }
        return r;
    }

    private static void once(Fixtures f, Path base, int n, Path undisturbed, Change change, PartResult r)
            throws Exception {
        Path dir = Files.createDirectories(base.resolve(change.name().toLowerCase(Locale.ROOT)));
        Path model = dir.resolve("model.gguf");
        Files.copy(f.model(), model, StandardCopyOption.REPLACE_EXISTING);
        Path out = dir.resolve("out");
        Fixtures mine = new Fixtures(f.cli(), model, f.dir());
        Cli.Child child = f.cli().start(dir, mine.generate(n, out));
        boolean started = waitFor(out.resolve("image-0000.jpg"), child);
        if (started) {
            change(model, change, f.model());
        }
        Cli.Run run = child.await();
        List<Path> crashLogs = crashLogs(dir);
        int written = OutputCheck.names(out).stream()
                .filter(s -> s.endsWith(".jpg"))
                .toList()
                .size();
        int differing = differing(undisturbed, out);
        // A JVM crash prints its banner (# SIGBUS ...) on stdout.
        String last = (run.err() + "\n" + run.out())
                .lines()
                .filter(l -> l.startsWith("error:") || l.startsWith("#  SIG"))
                .findFirst()
                .orElse("(no error)");
        r.line(String.format(
                Locale.ROOT,
                "| %s | %d | %s | %d of %d | %d | `%s` |",
                change.description,
                run.exit(),
                crashLogs.isEmpty() ? "none" : "yes (" + signal(crashLogs.getFirst()) + ")",
                written,
                n,
                differing,
                last.replace("|", "\\|")));
        r.check(started, change + ": the run ended before its first image; nothing was changed under it");
        r.check(
                crashLogs.isEmpty(),
                change + ": the JVM crashed (" + signal(crashLogs.isEmpty() ? null : crashLogs.getFirst()) + ", exit "
                        + run.exit() + ")");
        r.check(
                differing == 0 || run.exit() != 0,
                change + ": " + differing + " images differ from the undisturbed run and the run said nothing");
    }

    /** Waits until file exists or the child ended; whether it exists. */
    private static boolean waitFor(Path file, Cli.Child child) throws InterruptedException {
        while (!Files.exists(file) && child.process().isAlive()) {
            Thread.sleep(20);
        }
        return Files.exists(file);
    }

    private static void change(Path model, Change change, Path original) throws IOException {
        long size = Files.size(model);
        switch (change) {
            case TRUNCATE -> {
                try (RandomAccessFile f = new RandomAccessFile(model.toFile(), "rw")) {
                    f.setLength(size / 2);
                }
            }
            case OVERWRITE -> {
                try (RandomAccessFile f = new RandomAccessFile(model.toFile(), "rw")) {
                    f.seek(size / 2);
                    f.write(new byte[(int) (size - size / 2)]);
                }
            }
            case REPLACE -> {
                Path other = model.resolveSibling("other.gguf");
                byte[] bytes = Files.readAllBytes(original);
                Arrays.fill(bytes, bytes.length / 2, bytes.length, (byte) 0);
                Files.write(other, bytes);
                Files.move(other, model, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    /** How many images both runs wrote that differ (the JPEG files of the same index). */
    private static int differing(Path a, Path b) throws IOException {
        int differ = 0;
        for (String name : OutputCheck.names(b)) {
            if (name.matches("image-\\d+\\.jpg")
                    && Files.exists(a.resolve(name))
                    && !Arrays.equals(Files.readAllBytes(a.resolve(name)), Files.readAllBytes(b.resolve(name)))) {
                differ++;
            }
        }
        return differ;
    }

    private static List<Path> crashLogs(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("hs_err_pid"))
                    .toList();
        }
    }

    /** The signal a JVM crash log names (e.g. SIGBUS), or "no log". */
    private static String signal(Path crashLog) throws IOException {
        if (crashLog == null) {
            return "no log";
        }
        try (Stream<String> lines = Files.lines(crashLog)) {
            return lines.filter(l -> l.startsWith("#  SIG"))
                    .map(l -> l.substring(3).split(" ")[0])
                    .findFirst()
                    .orElse("unknown signal");
        }
    }
}
