package org.jpeglm.cli;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jpeglm.FileType;
import org.jpeglm.convert.CheckpointException;
import org.jpeglm.convert.CheckpointException.Kind;

/**
 * The one place where the converter's typed problems meet the flags of {@code convert} and {@code random}: the
 * library names the problem and a fix in its own terms; here the fix is said with the flag that applies it.
 */
final class ConvertFlags {
    private ConvertFlags() {}

    private static final String PLAIN = "or pass --plain to write a plain llama GGUF without them";

    /** Fixes by kind; kinds not here keep the library's message. */
    private static final Map<Kind, String> FIXES = new EnumMap<>(Map.of(
            Kind.OUTPUT_EXISTS, "pass --force to overwrite it",
            Kind.OUTPUT_IS_DIRECTORY, "give the GGUF file to write (-o model.gguf)",
            Kind.OUTPUT_IS_INPUT,
                    "give another -o path: the converter reads this file, and --force never replaces an input",
            Kind.NO_TOKENIZER_NOR_PROFILE,
                    "give them with --tokenizer and --profile (--profile paper for the paper's JPEG settings), "
                            + PLAIN,
            Kind.NO_TOKENIZER, "give one with --tokenizer (a tokenizer.json or a Jpeg-LM .gguf), " + PLAIN,
            Kind.NO_PROFILE,
                    "give one with --profile FILE, --profile paper (quality 25, 4:2:0, restart interval 1, 256x256), "
                            + "the --quality/--subsampling/--restart-interval/--size options, " + PLAIN,
            Kind.INCOMPLETE_PROFILE,
                    "set it in jpeglm_profile.json or with --quality, --subsampling, --restart-interval or --size WxH",
            Kind.NATIVE_LIBRARY_UNAVAILABLE, "--type f32, f16, bf16 and q8_0 need no native library",
            Kind.VOCABULARY_SIZE, "--jpeglm needs --vocab 258 to 65794"));

    /** e with its fix said in flags, where there is such a fix. */
    static CheckpointException withFlags(CheckpointException e) {
        String fix = FIXES.get(e.kind());
        return fix == null ? e : e.withFix(fix);
    }

    /**
     * The type named by a {@code --type} value.
     *
     * @param auto whether "auto" (empty: the converter chooses) is allowed
     * @throws IllegalArgumentException naming the allowed values
     */
    static Optional<FileType> type(String value, boolean auto) {
        if (auto && value.equalsIgnoreCase("auto")) {
            return Optional.empty();
        }
        try {
            return Optional.of(FileType.of(value));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown --type '" + value + "'; one of " + (auto ? "auto, " : "")
                    + String.join(
                            ", ",
                            Arrays.stream(FileType.values())
                                    .map(t -> t.name().toLowerCase(Locale.ROOT))
                                    .toList()));
        }
    }
}
