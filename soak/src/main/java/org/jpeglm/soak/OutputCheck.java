package org.jpeglm.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * What a stopped command left behind, judged by the promise in README ("Command line"): an output is untouched, or
 * complete, or says it is not complete and lists exactly the whole files it holds; never a temporary file.
 */
final class OutputCheck {
    /** What a run left. */
    enum State {
        /** Nothing: the directory (or file) does not exist or is empty. */
        UNTOUCHED,
        /** summary.json says "complete": false and lists exactly the files present. */
        PARTIAL,
        /** Everything the run was asked for. */
        COMPLETE
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private OutputCheck() {}

    /** Checks a generate or complete output directory; failures name what (the run). */
    static State runDirectory(Path dir, String what, PartResult r) throws IOException {
        Set<String> present = names(dir);
        if (present.isEmpty()) {
            return State.UNTOUCHED;
        }
        Set<String> hidden = present.stream().filter(n -> n.startsWith(".")).collect(Collectors.toSet());
        r.check(hidden.isEmpty(), what + ": temporary files left: " + hidden);
        present.removeAll(hidden);
        if (!r.check(present.remove("summary.json"), what + ": files without summary.json: " + sample(present))) {
            return State.PARTIAL;
        }
        JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
        boolean complete = summary.path("complete").asBoolean(false);
        Set<String> listed = new TreeSet<>();
        summary.path("images").forEach(i -> i.path("files").forEach(f -> listed.add(f.asText())));
        if (summary.hasNonNull("grid")) {
            listed.add(summary.get("grid").asText());
        }
        r.check(
                listed.equals(present),
                what + ": summary.json (complete: " + complete + ") lists " + listed.size() + " files, "
                        + present.size() + " are present; unlisted: " + sample(minus(present, listed))
                        + ", missing: " + sample(minus(listed, present)));
        r.check(
                summary.path("count").asInt(-1) == summary.path("images").size(),
                what + ": summary.json's count differs from its list");
        for (String name : listed) {
            if (present.contains(name)) {
                r.check(ImageIO.read(dir.resolve(name).toFile()) != null, what + ": " + name + " does not decode");
            }
        }
        if (!complete) {
            return State.PARTIAL;
        }
        int requested = summary.path("requested").asInt(-1); // complete: inputs × samples
        r.check(
                summary.path("images").size() == requested,
                what + ": complete, but " + summary.path("images").size() + " of " + requested + " images listed");
        return State.COMPLETE;
    }

    /**
     * Checks a converted GGUF: absent, or the very bytes of an uninterrupted conversion; no temporary file beside it.
     */
    static State convertedFile(Path file, byte[] reference, String what, PartResult r) throws IOException {
        Set<String> temporaries = names(file.getParent()).stream()
                .filter(n -> n.startsWith(".") && n.contains(file.getFileName().toString()))
                .collect(Collectors.toSet());
        r.check(temporaries.isEmpty(), what + ": temporary files left: " + temporaries);
        if (!Files.exists(file)) {
            return State.UNTOUCHED;
        }
        boolean same = Arrays.equals(Files.readAllBytes(file), reference);
        r.check(same, what + ": " + file.getFileName() + " exists but differs from the uninterrupted conversion");
        return same ? State.COMPLETE : State.PARTIAL;
    }

    /** The names in dir; empty when dir does not exist. */
    static Set<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return new TreeSet<>();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }

    private static String sample(Set<String> names) {
        return names.stream().limit(5).collect(Collectors.joining(", ", "[", names.size() > 5 ? ", ...]" : "]"));
    }
}
