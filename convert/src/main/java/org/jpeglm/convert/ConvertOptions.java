package org.jpeglm.convert;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jpeglm.FileType;
import org.jpeglm.SessionOptions.KvCacheType;
import org.jpeglm.codec.jpeg.JpegProfileFile;

/**
 * What to convert and how, for {@link Converter#convert}; made by {@link #builder}.
 *
 * @param input           the Hugging Face checkpoint directory
 * @param output          the GGUF file to write
 * @param type            the weight type; empty: BF16 for a BF16 checkpoint, F16 otherwise. F32, F16, BF16 and Q8_0
 *                        are written in Java; the other types through llama.cpp's quantizer (the native library)
 * @param jpegLm          where the Jpeg-LM tokenizer and JPEG profile come from; empty: a plain llama GGUF without
 *                        them (it cannot turn tokens into images by itself)
 * @param replaceExisting whether an existing output file may be replaced
 * @param threads         threads for llama.cpp's quantizer; 0 uses every core
 * @param name            general.name; empty: the config's {@code _name_or_path}, else the directory's name
 * @param kvCacheType     the KV cache type the model is to run with by default ({@link KvCacheType#GGUF_KEY});
 *                        empty: none written (F16)
 * @param listener        where messages and progress go
 */
public record ConvertOptions(
        Path input,
        Path output,
        Optional<FileType> type,
        Optional<JpegLmSources> jpegLm,
        boolean replaceExisting,
        int threads,
        Optional<String> name,
        Optional<KvCacheType> kvCacheType,
        ConvertListener listener) {
    public ConvertOptions {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(jpegLm, "jpegLm");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kvCacheType, "kvCacheType");
        Objects.requireNonNull(listener, "listener");
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        if (name.isPresent() && name.get().isBlank()) {
            throw new IllegalArgumentException("name is blank");
        }
    }

    /** Options to convert input into output: the checkpoint's tokenizer and profile, the automatic type. */
    public static Builder builder(Path input, Path output) {
        return new Builder(input, output);
    }

    /** Whether the file gets no tokenizer and no JPEG profile. */
    public boolean plain() {
        return jpegLm.isEmpty();
    }

    /**
     * The files these options name as inputs: a tokenizer file (and the {@code tokenizer_config.json} read beside
     * a tokenizer.json), a profile file or GGUF, the file the overriding tables came from. The checkpoint's own files
     * are not among them.
     */
    public List<Path> givenFiles() {
        List<Path> files = new ArrayList<>();
        jpegLm.ifPresent(s -> {
            if (s.tokenizer() instanceof TokenizerSource.FromFile f) {
                files.add(f.file());
                files.add(f.file().toAbsolutePath().resolveSibling(TokenizerFiles.CONFIG_FILE_NAME));
            }
            switch (s.profile()) {
                case ProfileSource.FromFile f -> files.add(f.file());
                case ProfileSource.FromGguf g -> files.add(g.file());
                default -> {}
            }
            if (s.overrides().tables() != null && s.overrides().source() != null) {
                sourcePath(s.overrides().source()).ifPresent(files::add);
            }
        });
        return files;
    }

    /** The tables' source as a path, when it names one (it may also be a description). */
    private static Optional<Path> sourcePath(String source) {
        try {
            return Optional.of(Path.of(source));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder(input, output)
                .replaceExisting(replaceExisting)
                .threads(threads)
                .listener(listener);
        b.type = type.orElse(null);
        b.sources = jpegLm.orElse(JpegLmSources.CHECKPOINT);
        b.plain = jpegLm.isEmpty();
        b.name = name.orElse(null);
        b.kvCacheType = kvCacheType.orElse(null);
        return b;
    }

    /** Builds {@link ConvertOptions}; only input and output are required. */
    public static final class Builder {
        private Path input;
        private Path output;
        private FileType type;
        private JpegLmSources sources = JpegLmSources.CHECKPOINT;
        private boolean plain;
        private boolean replaceExisting;
        private int threads;
        private String name;
        private KvCacheType kvCacheType;
        private ConvertListener listener = ConvertListener.NONE;

        private Builder(Path input, Path output) {
            input(input);
            output(output);
        }

        public Builder input(Path input) {
            this.input = Objects.requireNonNull(input, "input");
            return this;
        }

        public Builder output(Path output) {
            this.output = Objects.requireNonNull(output, "output");
            return this;
        }

        /** The weight type. */
        public Builder type(FileType type) {
            this.type = Objects.requireNonNull(type, "type");
            return this;
        }

        /** The automatic weight type (the default): BF16 for a BF16 checkpoint, F16 otherwise. */
        public Builder autoType() {
            this.type = null;
            return this;
        }

        /** Where the tokenizer and the JPEG profile come from (default: {@link JpegLmSources#CHECKPOINT}). */
        public Builder jpegLm(JpegLmSources sources) {
            this.sources = Objects.requireNonNull(sources, "sources");
            return this;
        }

        /** Where the tokenizer comes from (default: the checkpoint's tokenizer.json). */
        public Builder tokenizer(TokenizerSource tokenizer) {
            return jpegLm(sources.withTokenizer(tokenizer));
        }

        /** Where the JPEG profile comes from (default: the checkpoint's jpeglm_profile.json). */
        public Builder profile(ProfileSource profile) {
            return jpegLm(sources.withProfile(profile));
        }

        /** Profile fields that replace those of the profile used (unset fields change nothing). */
        public Builder profileOverrides(JpegProfileFile.Fields overrides) {
            return jpegLm(sources.withOverrides(overrides));
        }

        /** Write a plain llama GGUF, without tokenizer and JPEG profile; not with a tokenizer, profile or overrides. */
        public Builder plain(boolean plain) {
            this.plain = plain;
            return this;
        }

        public Builder replaceExisting(boolean replaceExisting) {
            this.replaceExisting = replaceExisting;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** The KV cache type the model is to run with by default; null: none written. */
        public Builder kvCacheType(KvCacheType kvCacheType) {
            this.kvCacheType = kvCacheType;
            return this;
        }

        /** general.name; null: the config's _name_or_path, else the directory's name. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Where messages and progress go; null: nowhere. */
        public Builder listener(ConvertListener listener) {
            this.listener = listener == null ? ConvertListener.NONE : listener;
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException for negative threads, a blank name, or a plain file with a tokenizer,
         *     profile or overrides
         */
        public ConvertOptions build() {
            if (plain && !sources.equals(JpegLmSources.CHECKPOINT)) {
                throw new IllegalArgumentException(
                        "a plain GGUF has no tokenizer and no JPEG profile, but " + sources + " was given");
            }
            return new ConvertOptions(
                    input,
                    output,
                    Optional.ofNullable(type),
                    plain ? Optional.empty() : Optional.of(sources),
                    replaceExisting,
                    threads,
                    Optional.ofNullable(name),
                    Optional.ofNullable(kvCacheType),
                    listener);
        }
    }
}
