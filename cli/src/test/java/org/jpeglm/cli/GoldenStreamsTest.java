package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jpeglm.Jpeglm;
import org.jpeglm.cli.CliTest.Run;
import org.jpeglm.io.AtomicFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same seed gives the same bytes (issue 27's invariant while the engine is reshaped): SHA-256 of what the
 * bundled models write for fixed commands (each image's JPEG, each video's H.264 stream, and the token count of each
 * result from summary.json), compared with the hashes recorded for this runtime and CPU variant in
 * {@code golden-streams.properties}. Kernels of another CPU variant may sum floats in another order, so each key can
 * hold its own hashes; a key with none is held to the hashes every recorded variant agrees on (on this machine the
 * source and prebuilt runtimes wrote the same bytes), and fails with the one command that records them only where the
 * recorded variants disagree (nothing is skipped).
 */
class GoldenStreamsTest {
    static final Path IMAGE_MODEL = BundledModelTest.MODEL;
    static final Path VIDEO_MODEL = IMAGE_MODEL.resolveSibling("moving-fashion-mnist-64.gguf");
    static final Path GOLDEN = Path.of("src", "test", "resources", "golden-streams.properties");
    static final String RECORD = "jpeglm.golden.record";
    static final Pattern RESULT_FILE = Pattern.compile("(image-\\d+|video-\\d+|completion-\\d+-\\d+)\\.(jpg|h264)");

    /** Hashes this run computed, written to {@link #GOLDEN} at the end when recording. */
    private static final Map<String, String> RECORDED = new TreeMap<>();

    @TempDir
    static Path dir;

    @Test
    void generateConstrained() throws IOException {
        check("generate", run("generate", "generate", "-m", IMAGE_MODEL.toString(), "-n", "8", "-np", "4"));
    }

    @Test
    void generateUnconstrained() throws IOException {
        check(
                "generate-unconstrained",
                run(
                        "generate-unconstrained",
                        "generate",
                        "-m",
                        IMAGE_MODEL.toString(),
                        "-n",
                        "8",
                        "-np",
                        "4",
                        "--unconstrained"));
    }

    @Test
    void complete() throws IOException {
        check(
                "complete",
                run(
                        "complete",
                        "complete",
                        "-m",
                        IMAGE_MODEL.toString(),
                        "--fashion-mnist",
                        "2",
                        "--ratio",
                        "0.5",
                        "--samples",
                        "2"));
    }

    @Test
    void generateVideo() throws IOException {
        check("generate-video", run("generate-video", "generate-video", "-m", VIDEO_MODEL.toString(), "-n", "2"));
    }

    /** Runs a command with --seed 7 and two threads into a folder of its own; returns the folder. */
    private static Path run(String name, String... args) {
        Path out = dir.resolve(name);
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--seed", "7", "-t", "2", "-o", out.toString()));
        Run r = CliTest.run(all.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        return out;
    }

    private static void check(String name, Path out) throws IOException {
        String hash = hash(out);
        String key = key() + "." + name;
        synchronized (RECORDED) {
            RECORDED.put(key, hash);
        }
        if (Boolean.getBoolean(RECORD)) {
            return;
        }
        String expected = golden().getProperty(key);
        if (expected != null) {
            assertEquals(
                    expected,
                    hash,
                    name + " wrote other bytes than recorded for " + key() + " (same seed, same bytes)");
            return;
        }
        // Another CPU variant: the variants recorded so far all wrote the same bytes, so expect them here too
        // (a new CPU is checked, not skipped); only if they disagree is there nothing to compare with.
        Set<String> others = recordedFor(name);
        if (others.size() != 1) {
            fail("no golden hashes for " + key() + " (the runtime and CPU variant of this run) in cli/" + GOLDEN
                    + " and the other variants' disagree; record them with: " + recordCommand());
        }
        assertEquals(
                others.iterator().next(),
                hash,
                name + " wrote other bytes than every CPU variant recorded in cli/" + GOLDEN + " (same seed, same"
                        + " bytes). If this CPU's kernels round differently (check with the commit before yours),"
                        + " record its own hashes with: " + recordCommand());
    }

    /** The distinct hashes recorded for a command over every runtime and CPU variant. */
    private static Set<String> recordedFor(String name) throws IOException {
        Set<String> hashes = new TreeSet<>();
        golden().forEach((k, v) -> {
            if (k.toString().endsWith("." + name)) {
                hashes.add(v.toString());
            }
        });
        return hashes;
    }

    /** SHA-256 over each result file's name and bytes, in name order, then each result's index and tokens. */
    static String hash(Path out) throws IOException {
        MessageDigest sha = sha256();
        List<Path> files;
        try (Stream<Path> list = Files.list(out)) {
            files = list.filter(
                            p -> RESULT_FILE.matcher(p.getFileName().toString()).matches())
                    .sorted()
                    .toList();
        }
        assertTrue(files.size() >= 2, "result files in " + out + ": " + files);
        for (Path f : files) {
            sha.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            sha.update(Files.readAllBytes(f));
        }
        JsonNode summary =
                new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        JsonNode results = summary.has("images") ? summary.get("images") : summary.get("videos");
        assertTrue(results != null && results.size() >= 2, summary.toString());
        for (JsonNode r : results) {
            sha.update((r.get("index").asInt() + ":" + r.get("tokens").asInt() + ";").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * The runtime (the folder the native library was built in: native = source, native-prebuilt, native-portable)
     * and the CPU features ggml reports as on, e.g. {@code native.AVX2-F16C-FMA-SSE3-SSSE3}.
     */
    static String key() {
        Path library = Path.of(Jpeglm.nativeLibrary());
        String runtime = library.getParent() == null
                ? "unknown"
                : library.getParent().getFileName().toString();
        List<String> on = new ArrayList<>();
        Matcher m = Pattern.compile("([A-Z0-9_]+) = 1").matcher(Jpeglm.systemInfo());
        while (m.find()) {
            on.add(m.group(1));
        }
        on = on.stream().distinct().sorted().toList();
        return (runtime + "." + String.join("-", on)).toLowerCase(Locale.ROOT);
    }

    private static String recordCommand() {
        String runtime = System.getProperty("jpeglm.library.path", "");
        String profile = runtime.contains("native-prebuilt")
                ? " -Djpeglm.runtime=prebuilt"
                : runtime.contains("native-portable") ? " -Djpeglm.runtime=portable" : "";
        return "JAVA_HOME=$(scripts/find-jdk) mvn -B verify -pl cli -Dtest=GoldenStreamsTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -D" + RECORD + "=true" + profile;
    }

    private static Properties golden() throws IOException {
        Properties p = new Properties();
        if (Files.exists(GOLDEN)) {
            try (InputStream in = Files.newInputStream(GOLDEN)) {
                p.load(in);
            }
        }
        return p;
    }

    /** When recording: adds this run's hashes to the file, keeping the other keys'. */
    @AfterAll
    static void record() throws IOException {
        if (!Boolean.getBoolean(RECORD) || RECORDED.isEmpty()) {
            return;
        }
        Map<String, String> all = new TreeMap<>();
        golden().forEach((k, v) -> all.put(k.toString(), v.toString()));
        all.putAll(RECORDED);
        StringBuilder text = new StringBuilder(
                "# GoldenStreamsTest: SHA-256 of the bundled models' outputs per runtime.cpu-features.command.\n"
                        + "# A key missing here is checked against its command's other keys when they all agree;"
                        + " otherwise it fails with the command that records it (-D" + RECORD
                        + "=true).\n");
        all.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        AtomicFile.write(GOLDEN, text.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
