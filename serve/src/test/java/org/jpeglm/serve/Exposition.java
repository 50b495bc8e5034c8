package org.jpeglm.serve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prometheus' text format as the tests read it: the samples (name, labels, value) and the TYPE of each family. */
record Exposition(List<Sample> samples, Map<String, String> types) {
    /** One sample line. */
    record Sample(String name, Map<String, String> labels, double value) {
        /** Whether every label of want has this value here. */
        boolean has(Map<String, String> want) {
            return want.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        }
    }

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    static Exposition parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] w = line.split(" ");
                if (types.put(w[2], w[3]) != null) {
                    throw new AssertionError("a second TYPE for " + w[2]);
                }
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                Matcher m = SAMPLE.matcher(line);
                if (!m.matches()) {
                    throw new AssertionError("not a sample line: " + line);
                }
                Map<String, String> labels = new LinkedHashMap<>();
                if (m.group(3) != null) {
                    Matcher l = LABEL.matcher(m.group(3));
                    int end = 0;
                    while (l.find() && l.start() == end) {
                        labels.put(l.group(1), l.group(2));
                        end = l.end();
                    }
                    if (end != m.group(3).length()) {
                        throw new AssertionError("bad labels: " + line);
                    }
                }
                samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
            }
        }
        return new Exposition(samples, types);
    }

    /** The value of the sample named name whose labels include labels (pairs: name, value), or 0 when none is. */
    double value(String name, String... labels) {
        Map<String, String> want = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            want.put(labels[i], labels[i + 1]);
        }
        List<Sample> found = samples.stream()
                .filter(s -> s.name().equals(name) && s.has(want))
                .toList();
        if (found.size() > 1) {
            throw new AssertionError(found.size() + " samples of " + name + " " + want);
        }
        return found.isEmpty() ? 0 : found.getFirst().value();
    }
}
