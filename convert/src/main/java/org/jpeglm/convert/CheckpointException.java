package org.jpeglm.convert;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * A checkpoint, tokenizer, JPEG profile or output the converter refuses: a missing file, a config it cannot
 * convert, tensors that do not fit the config, an output it may not replace. The message names the problem and,
 * where there is one, the fix, in the library's terms; {@link #kind()} lets a front end (the CLI) say the fix in
 * its own terms, e.g. which flag to pass.
 */
public class CheckpointException extends IOException {
    /** What went wrong, for front ends that say the fix their own way. */
    public enum Kind {
        /** The checkpoint, a tokenizer or a profile cannot be used as it is (config, tensors, JSON, ...). */
        UNUSABLE_INPUT,
        /** The output file exists and replacing it was not allowed. */
        OUTPUT_EXISTS,
        /** The output names a directory, not the file to write. */
        OUTPUT_IS_DIRECTORY,
        /** The output cannot be written there: its folder is not a directory. */
        BAD_OUTPUT_PATH,
        /**
         * The output is (or resolves, through links, to) a file the conversion reads: a file of the checkpoint, the
         * tokenizer, the JPEG profile or tables. Refused even when replacing an existing output is allowed.
         */
        OUTPUT_IS_INPUT,
        /** Not enough disk space for the output. */
        NO_SPACE,
        /** A Jpeg-LM file was asked for, and neither a tokenizer nor a JPEG profile was found or given. */
        NO_TOKENIZER_NOR_PROFILE,
        /** A Jpeg-LM file was asked for, and no tokenizer was found or given. */
        NO_TOKENIZER,
        /** A Jpeg-LM file was asked for, and no JPEG profile was found or given. */
        NO_PROFILE,
        /** The JPEG profile lacks a field (quality, subsampling, restart interval, width or height). */
        INCOMPLETE_PROFILE,
        /** The weight type is written by llama.cpp's quantizer, and the native library cannot be loaded. */
        NATIVE_LIBRARY_UNAVAILABLE,
        /** A synthetic Jpeg-LM tokenizer cannot fill the asked vocabulary. */
        VOCABULARY_SIZE
    }

    private final Kind kind;
    private final String problem;
    private final String fix;

    /** A {@link Kind#UNUSABLE_INPUT} problem whose message says everything. */
    public CheckpointException(String message) {
        this(Kind.UNUSABLE_INPUT, message, null, null);
    }

    /** A {@link Kind#UNUSABLE_INPUT} problem whose message says everything. */
    public CheckpointException(String message, Throwable cause) {
        this(Kind.UNUSABLE_INPUT, message, null, cause);
    }

    /**
     * @param problem what is wrong
     * @param fix     how to fix it in the library's terms, or null
     */
    public CheckpointException(Kind kind, String problem, String fix) {
        this(kind, problem, fix, null);
    }

    public CheckpointException(Kind kind, String problem, String fix, Throwable cause) {
        super(fix == null ? problem : problem + "; " + fix, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.problem = Objects.requireNonNull(problem, "problem");
        this.fix = fix;
    }

    public Kind kind() {
        return kind;
    }

    /** What is wrong, without the fix. */
    public String problem() {
        return problem;
    }

    /** How to fix it, in the library's terms. */
    public Optional<String> fix() {
        return Optional.ofNullable(fix);
    }

    /** This problem with another fix (a front end's), keeping this exception as the cause. */
    public CheckpointException withFix(String otherFix) {
        return new CheckpointException(kind, problem, otherFix, this);
    }
}
