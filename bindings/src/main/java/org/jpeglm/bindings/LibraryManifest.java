package org.jpeglm.bindings;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bundled library set's {@code jpeglm-libraries.txt} (written by cmake/LibraryList.cmake): one line per file,
 * {@code <sha256 hex>  <file name>} as sha256sum prints it. It names the set's cache directory
 * ({@link #directoryName}) and says what each extracted file must hash to.
 *
 * @param classifier the set's folder under {@code org/jpeglm/native/}, e.g. {@code linux-x86_64-vulkan}
 * @param text       the manifest as written
 * @param entries    its files, libjpeglm first or not, each named once
 */
record LibraryManifest(String classifier, String text, List<Entry> entries) {
    /** The library FFM opens; every manifest lists it. */
    static final String MAIN = System.mapLibraryName("jpeglm");

    private static final Pattern LINE = Pattern.compile("([0-9a-f]{64}) [ *](.+)");
    // A plain file name: no separator, no leading dot (nothing like .., nothing hidden), nothing a shell would mangle.
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");

    /** One bundled file and the sha256 (lower-case hex) its extracted copy must have. */
    record Entry(String name, String sha256) {
        Entry {
            if (!SAFE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' is not a plain file name");
            }
            if (!sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("'" + sha256 + "' is not a sha256 in hex");
            }
        }
    }

    LibraryManifest {
        Objects.requireNonNull(classifier, "classifier");
        Objects.requireNonNull(text, "text");
        entries = List.copyOf(entries);
        Set<String> names = new HashSet<>();
        for (Entry e : entries) {
            if (!names.add(e.name())) {
                throw new IllegalArgumentException(e.name() + " is listed twice");
            }
        }
        if (!names.contains(MAIN)) {
            throw new IllegalArgumentException("it does not list " + MAIN);
        }
    }

    /** Parses a manifest; a malformed one is refused with an UnsatisfiedLinkError naming the line and what. */
    static LibraryManifest parse(String classifier, String text, String origin) {
        List<Entry> entries = new ArrayList<>();
        try {
            List<String> lines = text.lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty()) {
                    continue;
                }
                Matcher m = LINE.matcher(line);
                if (!m.matches()) {
                    throw new IllegalArgumentException(
                            "line " + (i + 1) + " is not '<sha256 hex>  <file name>': " + line);
                }
                entries.add(new Entry(m.group(2), m.group(1)));
            }
            return new LibraryManifest(classifier, text, entries);
        } catch (IllegalArgumentException e) {
            throw new UnsatisfiedLinkError("refusing " + origin + ": " + e.getMessage());
        }
    }

    /** The manifest of a set that bundles only libjpeglm, whose bytes hash to sha256. */
    static LibraryManifest single(String classifier, String sha256) {
        return parse(classifier, sha256 + "  " + MAIN + "\n", "the generated manifest");
    }

    /** The cache directory's name: the classifier and the first 16 hex digits of the manifest's sha256. */
    String directoryName() {
        return classifier + "-" + sha256(text.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
