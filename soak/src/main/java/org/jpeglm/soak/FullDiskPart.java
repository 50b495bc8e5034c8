package org.jpeglm.soak;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Outputs on a full disk: a tmpfs mounted for each case (the suite runs as root; elsewhere the part says it did not
 * run), too small for what the command writes. The command must exit 1 with one error: line, and leave an output
 * that OutputCheck accepts (never a temporary file, never a half-written image or GGUF).
 */
final class FullDiskPart {
    /** Sizes of the tmpfs as shares of what the uninterrupted generate run wrote; 0: full before the run starts. */
    private static final double[] SHARES = {0, 0.1, 0.5, 0.9};

    private FullDiskPart() {}

    static PartResult run(Fixtures f, SoakConfig c) throws Exception {
        PartResult r = new PartResult("Full disk for outputs (tmpfs)");
        Path base = Files.createDirectories(f.dir().resolve("disk"));
        Path probe = Files.createDirectories(base.resolve("probe"));
        String refused = mount(probe, 64 * 1024);
        if (refused != null) {
            r.skip("cannot mount a tmpfs here (" + refused + "); run the suite as root (it mounts and unmounts "
                    + "small tmpfs file systems under its work directory)");
            return r;
        }
        unmount(probe);
        Path whole = base.resolve("whole");
        Cli.Run full = f.cli().run(base, f.generate(c.childImages(), whole));
        r.check(full.exit() == 0, "the uninterrupted run failed: " + full.lastErrLine());
        long size = du(whole);
        r.line(String.format(Locale.ROOT, "generate -n %d writes %,d bytes uncompressed.", c.childImages(), size));
        r.line("");
        r.line("| command | tmpfs size | exit | output left | stderr's last line |");
        r.line("|---|---:|---:|---|---|");
        for (double share : SHARES) {
            long bytes = Math.max(4096, (long) (size * share));
            Path mnt = Files.createDirectories(base.resolve("gen-" + share));
            onFullDisk(
                    r,
                    mnt,
                    bytes,
                    share == 0,
                    "generate -n " + c.childImages(),
                    out -> f.generate(c.childImages(), out),
                    f,
                    out -> OutputCheck.runDirectory(out, "generate on a full disk", r));
        }
        Path ckpt = f.checkpoint();
        byte[] ref = Files.readAllBytes(f.reference("f16"));
        for (double share : new double[] {0.5, 0.99}) {
            Path mnt = Files.createDirectories(base.resolve("convert-" + share));
            onFullDisk(
                    r,
                    mnt,
                    (long) (ref.length * share),
                    false,
                    "convert --type f16",
                    out -> Fixtures.convert(ckpt, out, "f16"),
                    f,
                    out -> OutputCheck.convertedFile(out, ref, "convert on a full disk", r));
        }
        return r;
    }

    private interface Args {
        List<String> of(Path out);
    }

    private interface Check {
        OutputCheck.State of(Path out) throws IOException;
    }

    private static void onFullDisk(
            PartResult r, Path mnt, long bytes, boolean fill, String name, Args args, Fixtures f, Check check)
            throws Exception {
        String refused = mount(mnt, bytes);
        r.check(refused == null, "mounting a tmpfs of " + bytes + " bytes failed: " + refused);
        try {
            if (fill) {
                fill(mnt.resolve("filler"));
            }
            Path out = mnt.resolve(name.startsWith("convert") ? "out.gguf" : "out");
            Cli.Run run = f.cli().run(mnt, args.of(out));
            String what = name + " on a tmpfs of " + bytes + " bytes" + (fill ? " (full before the run)" : "");
            OutputCheck.State state = check.of(out);
            r.check(run.exit() == 1, what + ": exit " + run.exit() + ", expected 1");
            r.check(
                    run.lastErrLine().startsWith("error: ") && run.lastErrLine().contains("space"),
                    what + ": stderr does not end with an error: line about space: " + run.err());
            r.check(!run.err().contains("\tat "), what + ": a stack trace on stderr");
            r.check(state != OutputCheck.State.COMPLETE, what + ": a complete output on a disk too small for it?");
            r.line(String.format(
                    Locale.ROOT,
                    "| %s | %,d%s | %d | %s | `%s` |",
                    name,
                    bytes,
                    fill ? " (full)" : "",
                    run.exit(),
                    state.name().toLowerCase(Locale.ROOT),
                    run.lastErrLine()));
        } finally {
            unmount(mnt);
        }
    }

    /** Fills the file system of file to the last byte. */
    private static void fill(Path file) {
        try (OutputStream o = Files.newOutputStream(file)) {
            byte[] block = new byte[512];
            while (true) {
                o.write(block);
                o.flush();
            }
        } catch (IOException full) {
            // the file system is full
        }
    }

    /** Mounts a tmpfs of bytes at dir; returns null, or why it was refused. */
    static String mount(Path dir, long bytes) throws IOException, InterruptedException {
        return exec("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", dir.toString());
    }

    static void unmount(Path dir) throws IOException, InterruptedException {
        exec("umount", dir.toString());
    }

    private static String exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        return p.waitFor() == 0 ? null : String.join(" ", command) + ": " + out;
    }

    private static long du(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }
}
