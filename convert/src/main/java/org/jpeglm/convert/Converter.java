package org.jpeglm.convert;

import org.jpeglm.spec.JpegProfileFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jpeglm.io.AtomicFile;
import org.jpeglm.FileType;
import org.jpeglm.Quantizer;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.convert.safetensors.SafetensorsDType;
import org.jpeglm.convert.safetensors.SafetensorsFile;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufWriter;
import org.jpeglm.spec.JpegLmSpec;

/**
 * Converts a Hugging Face Llama checkpoint into one GGUF file that jpeglm (llama.cpp) loads: weights, the
 * hyper-parameters, and — unless {@linkplain ConvertOptions#plain(boolean) plain} — the Jpeg-LM tokenizer and JPEG
 * profile.
 *
 * <p>Everything is checked before anything is written (config, every safetensors header, every tensor's name,
 * dtype and shape, tokenizer, profile, the output path); then tensors stream from the memory-mapped checkpoint
 * into a temporary file that is renamed onto the output only when complete. F32, F16, BF16 and Q8_0 are written
 * by the Java writer; other types by writing a lossless temporary GGUF (the checkpoint's own float type) beside
 * the output and quantizing it with llama.cpp, which needs the native library.
 */
public final class Converter {
    private Converter() {}

    /**
     * Converts as options say.
     *
     * @throws CheckpointException (or another {@link IOException}) naming what is wrong with the input or output;
     *     no output file is left behind
     */
    public static ConvertResult convert(ConvertOptions options) throws IOException {
        if (options.input() == null || options.output() == null) {
            throw new IllegalArgumentException("input and output are required");
        }
        long started = System.nanoTime();
        ConvertListener listener = options.listener();
        List<String> warnings = new ArrayList<>();
        ConvertListener recording = new ConvertListener() {
            @Override
            public void info(String message) {
                listener.info(message);
            }

            @Override
            public void warning(String message) {
                warnings.add(message);
                listener.warning(message);
            }

            @Override
            public void start(String task, long totalBytes) {
                listener.start(task, totalBytes);
            }

            @Override
            public void advance(long bytes) {
                listener.advance(bytes);
            }

            @Override
            public void finish() {
                listener.finish();
            }
        };
        FileType type = parseType(options.type());
        Path out = options.output().toAbsolutePath().normalize();
        checkOutput(out, options.force());

        try (Checkpoint checkpoint = Checkpoint.open(options.input())) {
            HfLlamaConfig config = checkpoint.config();
            for (SafetensorsFile f : checkpoint.files()) {
                if (Files.exists(out) && Files.isSameFile(f.path(), out)) {
                    throw new CheckpointException("the output " + out + " is one of the checkpoint's files");
                }
            }
            recording.info("checkpoint: " + config.architecture() + ", " + config.layers() + " layers, hidden " + config.hiddenSize()
                    + ", " + config.heads() + " heads / " + config.kvHeads() + " KV heads, ffn " + config.intermediateSize()
                    + ", vocab " + config.vocabSize() + ", context " + config.contextLength()
                    + (config.tiedEmbeddings() ? ", tied embeddings" : "")
                    + (config.ropeScaling().type() != RopeScaling.Type.NONE ? ", rope scaling " + config.ropeScaling().type() : "")
                    + "; " + checkpoint.files().size() + " safetensors file" + (checkpoint.files().size() > 1 ? "s" : ""));

            // Plan with F32 first to learn the source dtypes, then with the real matrix type.
            Map<SafetensorsDType, Integer> dtypes = LlamaTensorPlan.sourceDtypes(
                    LlamaTensorPlan.plan(checkpoint, GgmlType.F32, ConvertListener.NONE));
            if (type == null) {
                type = dtypes.keySet().equals(java.util.Set.of(SafetensorsDType.BF16)) ? FileType.BF16 : FileType.F16;
                recording.info("type auto: " + type + " (the checkpoint's matrices are " + dtypes.keySet() + ")");
            }
            GgmlType direct = directType(type);
            if (direct == null) {
                requireNative(type);
            }
            GgmlType matrixType = direct != null ? direct : intermediateType(dtypes);
            List<LlamaTensorPlan.Planned> plan = LlamaTensorPlan.plan(checkpoint, matrixType, recording);

            JpegLmSpec spec = options.plain() ? null : spec(options, checkpoint.dir(), config, recording);
            if (spec == null) {
                recording.warning("writing a plain llama GGUF without tokenizer or JPEG profile: jpeglm can run it, "
                        + "but cannot turn its tokens into images by itself");
            }
            String name = options.name() != null ? options.name()
                    : config.nameOrPath() != null && !config.nameOrPath().isBlank() ? lastPart(config.nameOrPath())
                    : checkpoint.dir().toAbsolutePath().normalize().getFileName().toString();
            FileType writtenType = direct != null ? type : fileTypeOf(matrixType);
            GgufWriter writer = new GgufWriter();
            Map<String, org.jpeglm.gguf.GgufValue> metadata;
            try {
                metadata = LlamaGgufMetadata.of(config, name, writtenType, spec);
            } catch (IllegalArgumentException e) {
                throw new CheckpointException("the tokenizer cannot be stored: " + e.getMessage());
            }
            writer.putAll(metadata);
            List<TensorStreamer> streamers = new ArrayList<>();
            long total = 0;
            for (LlamaTensorPlan.Planned p : plan) {
                TensorStreamer s = new TensorStreamer(p, recording);
                streamers.add(s);
                writer.addTensor(p.name(), p.type(), p.shape(), s);
                total += p.byteSize();
            }
            checkSpace(out, total);

            if (direct != null) {
                write(writer, out, total, "writing " + type, recording);
            } else {
                Path tmp = AtomicFile.temporarySibling(out);
                try {
                    write(writer, tmp, total, "writing " + matrixType + " for the quantizer", recording);
                    recording.info("quantizing to " + type + " with llama.cpp (" + (options.threads() == 0 ? "all cores" : options.threads() + " threads") + ")");
                    Quantizer.quantize(tmp, out, type, options.threads());
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            long overflows = streamers.stream().mapToLong(TensorStreamer::f16Overflows).sum();
            if (overflows > 0) {
                recording.warning(overflows + " weights exceed F16's range (|x| >= 65520) and became infinite: use --type bf16 or f32");
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            return new ConvertResult(out, type, Files.size(out), plan.size(), checkpoint.tensorBytes(), spec != null, elapsed, warnings);
        }
    }

    private static void write(GgufWriter writer, Path target, long total, String task, ConvertListener listener) throws IOException {
        listener.start(task, total);
        try {
            writer.write(target);
        } finally {
            listener.finish();
        }
    }

    /** Fails early, before anything is written, when llama.cpp's quantizer (the native library) cannot be loaded. */
    static void requireNative(FileType type) throws CheckpointException {
        try {
            org.jpeglm.Jpeglm.systemInfo();
        } catch (LinkageError | org.jpeglm.JpeglmException e) {
            Throwable cause = e instanceof ExceptionInInitializerError && e.getCause() != null ? e.getCause() : e;
            throw new CheckpointException("type " + type.name().toLowerCase() + " is written by llama.cpp's quantizer, and the native "
                    + "library cannot be loaded: " + cause.getMessage() + " (f32, f16, bf16 and q8_0 need no native library)");
        }
    }

    /** The type named by s, or null for "auto". */
    static FileType parseType(String s) throws CheckpointException {
        if (s.equalsIgnoreCase("auto")) {
            return null;
        }
        try {
            return FileType.of(s);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("unknown --type '" + s + "'; one of auto, " + String.join(", ",
                    Arrays.stream(FileType.values()).map(t -> t.name().toLowerCase()).toList()));
        }
    }

    /** The GGUF type the Java writer writes for type, or null when llama.cpp's quantizer must. */
    static GgmlType directType(FileType type) {
        return switch (type) {
            case F32 -> GgmlType.F32;
            case F16 -> GgmlType.F16;
            case BF16 -> GgmlType.BF16;
            case Q8_0 -> GgmlType.Q8_0;
            default -> null;
        };
    }

    private static FileType fileTypeOf(GgmlType t) {
        return switch (t) {
            case F32 -> FileType.F32;
            case BF16 -> FileType.BF16;
            default -> FileType.F16;
        };
    }

    /** The lossless type for the quantizer's input: the checkpoint's float type, F32 when mixed. */
    private static GgmlType intermediateType(Map<SafetensorsDType, Integer> dtypes) {
        if (dtypes.size() == 1) {
            return switch (dtypes.keySet().iterator().next()) {
                case F16 -> GgmlType.F16;
                case BF16 -> GgmlType.BF16;
                default -> GgmlType.F32;
            };
        }
        return GgmlType.F32;
    }

    private static void checkOutput(Path out, boolean force) throws CheckpointException {
        if (Files.isDirectory(out)) {
            throw new CheckpointException("the output " + out + " is a directory; give the GGUF file to write (-o model.gguf)");
        }
        if (Files.exists(out) && !force) {
            throw new CheckpointException("the output " + out + " exists; pass --force to overwrite it");
        }
        Path parent = out.getParent();
        if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
            throw new CheckpointException("the output's folder " + parent + " is not a directory");
        }
    }

    private static void checkSpace(Path out, long bytes) throws IOException {
        Path dir = out.getParent();
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        if (dir == null) {
            return;
        }
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < bytes) {
            throw new CheckpointException("not enough disk space in " + dir + ": the output needs " + bytes / (1 << 20)
                    + " MiB, " + free / (1 << 20) + " MiB are free");
        }
    }

    private static JpegLmSpec spec(ConvertOptions o, Path dir, HfLlamaConfig config, ConvertListener listener) throws IOException {
        Path tokenizerPath = o.tokenizer();
        if (tokenizerPath == null && Files.isRegularFile(dir.resolve(TokenizerFiles.FILE_NAME))) {
            tokenizerPath = dir.resolve(TokenizerFiles.FILE_NAME);
        }
        JpegProfileFile.Fields profile = null;
        String where = null;
        if (o.profile() != null) {
            if (o.profile().equals("paper")) {
                profile = JpegProfileFile.paper();
                where = "the paper's profile";
            } else if (o.profile().endsWith(".gguf")) {
                JpegLmSpec other = TokenizerFiles.readSpec(Path.of(o.profile()));
                profile = JpegProfileFile.Fields.of(other.profile(), other.tables(), o.profile());
                where = o.profile();
            } else {
                profile = JpegProfileFile.read(Path.of(o.profile()));
                where = o.profile();
            }
        } else if (Files.isRegularFile(dir.resolve(JpegProfileFile.FILE_NAME))) {
            profile = JpegProfileFile.read(dir.resolve(JpegProfileFile.FILE_NAME));
            where = dir.resolve(JpegProfileFile.FILE_NAME).toString();
        }
        JpegProfileFile.Fields overrides = o.profileOverrides();
        if (tokenizerPath == null && profile == null && overrides.isEmpty()) {
            throw new CheckpointException(dir + " has no " + TokenizerFiles.FILE_NAME + " and no " + JpegProfileFile.FILE_NAME
                    + ": a Jpeg-LM model needs both to generate images. Give them with --tokenizer and --profile "
                    + "(--profile paper for the paper's JPEG settings), or pass --plain to write a plain llama GGUF without them");
        }
        if (tokenizerPath == null) {
            throw new CheckpointException("no tokenizer: " + dir + " has no " + TokenizerFiles.FILE_NAME
                    + "; give one with --tokenizer (a tokenizer.json or a Jpeg-LM .gguf), or pass --plain");
        }
        if (profile == null) {
            if (overrides.isEmpty()) {
                throw new CheckpointException("no JPEG profile: " + dir + " has no " + JpegProfileFile.FILE_NAME
                        + "; give one with --profile FILE, --profile paper (quality 25, 4:2:0, restart interval 1, 256x256), "
                        + "the --quality/--subsampling/--restart-interval/--size options, or pass --plain");
            }
            profile = JpegProfileFile.Fields.EMPTY;
            where = "command line";
        } else if (!overrides.isEmpty()) {
            where = where + " with command-line overrides";
        }
        JpegProfileFile.JpegLmSpecParts parts = profile.overriddenBy(overrides).complete(where);
        BpeTokenizer tokenizer = TokenizerFiles.read(tokenizerPath);
        if (tokenizer.vocabSize() > config.vocabSize()) {
            throw new CheckpointException("the tokenizer " + tokenizerPath + " has " + tokenizer.vocabSize()
                    + " tokens but the model's vocab_size is " + config.vocabSize() + ": they do not belong together");
        }
        if (tokenizer.vocabSize() < config.vocabSize()) {
            listener.info("the model's vocab_size " + config.vocabSize() + " exceeds the tokenizer's " + tokenizer.vocabSize()
                    + " tokens (padding): ids from " + tokenizer.vocabSize() + " on are never produced by the tokenizer");
        }
        try {
            JpegLmSpec spec = new JpegLmSpec(parts.profile(), parts.tables(), tokenizer);
            listener.info("Jpeg-LM: tokenizer " + tokenizerPath.getFileName() + " (" + tokenizer.vocabSize() + " tokens, "
                    + tokenizer.mergeCount() + " merges, BOS " + tokenizer.bosId() + ", EOS " + tokenizer.eosId() + "); JPEG quality "
                    + parts.profile().quality() + ", " + JpegLmSpec.subsamplingName(parts.profile().subsampling()) + ", restart interval "
                    + parts.profile().restartInterval() + ", " + parts.profile().width() + "x" + parts.profile().height());
            return spec;
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("tokenizer " + tokenizerPath + ": " + e.getMessage()
                    + " (BOS and EOS are the special tokens named by tokenizer_config.json's bos_token/eos_token, <s> and </s> by default)");
        }
    }

    private static String lastPart(String nameOrPath) {
        String s = nameOrPath.replaceAll("[/\\\\]+$", "");
        int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
        return slash >= 0 ? s.substring(slash + 1) : s;
    }
}
