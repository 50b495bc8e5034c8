package org.jpeglm.convert;

import org.jpeglm.spec.JpegProfileFile;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What to convert and how; a mutable builder passed to {@link Converter#convert}.
 *
 * <p>Only {@link #input} and {@link #output} are required. The tokenizer and the JPEG profile default to the
 * checkpoint's {@code tokenizer.json} and {@code jpeglm_profile.json}; the profile overrides replace single fields
 * of whatever profile is used.
 */
public final class ConvertOptions {
    private Path input;
    private Path output;
    private String type = "auto";
    private Path tokenizer;
    private String profile;
    private JpegProfileFile.Fields profileOverrides = JpegProfileFile.Fields.EMPTY;
    private boolean plain;
    private boolean force;
    private int threads;
    private String name;
    private ConvertListener listener = ConvertListener.NONE;

    /** The Hugging Face checkpoint directory. */
    public ConvertOptions input(Path input) {
        this.input = Objects.requireNonNull(input, "input");
        return this;
    }

    /** The GGUF file to write. */
    public ConvertOptions output(Path output) {
        this.output = Objects.requireNonNull(output, "output");
        return this;
    }

    /**
     * The weight type: {@code auto} (default: BF16 for a BF16 checkpoint, F16 otherwise), {@code f32}, {@code f16},
     * {@code bf16}, {@code q8_0} (written in Java), or one of llama.cpp's types ({@code q4_k_m}, {@code q5_k_m},
     * {@code q6_k}, ... see {@link org.jpeglm.FileType}; written through llama.cpp's quantizer).
     */
    public ConvertOptions type(String type) {
        this.type = Objects.requireNonNull(type, "type");
        return this;
    }

    /** The tokenizer: a {@code tokenizer.json} or a GGUF with {@code jpeglm.bpe.*} keys (null: the checkpoint's). */
    public ConvertOptions tokenizer(Path tokenizer) {
        this.tokenizer = tokenizer;
        return this;
    }

    /**
     * The JPEG profile: a {@code jpeglm_profile.json}, a GGUF with {@code jpeglm.jpeg.*} keys, or {@code "paper"}
     * for the paper's (quality 25, 4:2:0, restart interval 1, 256x256); null: the checkpoint's.
     */
    public ConvertOptions profile(String profile) {
        this.profile = profile;
        return this;
    }

    /** Profile fields that replace those of the profile used (null fields change nothing). */
    public ConvertOptions profileOverrides(JpegProfileFile.Fields overrides) {
        this.profileOverrides = overrides == null ? JpegProfileFile.Fields.EMPTY : overrides;
        return this;
    }

    /** Write a plain llama GGUF, without tokenizer or JPEG profile (it cannot generate images by itself). */
    public ConvertOptions plain(boolean plain) {
        this.plain = plain;
        return this;
    }

    /** Replace an existing output file. */
    public ConvertOptions force(boolean force) {
        this.force = force;
        return this;
    }

    /** Threads for llama.cpp's quantizer; 0 (default) uses every core. */
    public ConvertOptions threads(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        this.threads = threads;
        return this;
    }

    /** general.name; null: the config's _name_or_path, else the directory's name. */
    public ConvertOptions name(String name) {
        this.name = name;
        return this;
    }

    /** Where messages and progress go. */
    public ConvertOptions listener(ConvertListener listener) {
        this.listener = listener == null ? ConvertListener.NONE : listener;
        return this;
    }

    public Path input() {
        return input;
    }

    public Path output() {
        return output;
    }

    public String type() {
        return type;
    }

    public Path tokenizer() {
        return tokenizer;
    }

    public String profile() {
        return profile;
    }

    public JpegProfileFile.Fields profileOverrides() {
        return profileOverrides;
    }

    public boolean plain() {
        return plain;
    }

    public boolean force() {
        return force;
    }

    public int threads() {
        return threads;
    }

    public String name() {
        return name;
    }

    public ConvertListener listener() {
        return listener;
    }
}
