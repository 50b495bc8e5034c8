package org.jpeglm.convert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jpeglm.FileType;
import org.jpeglm.SessionOptions.KvCacheType;
import org.jpeglm.codec.jpeg.JpegProfileFile;
import org.jpeglm.convert.safetensors.SafetensorsDType;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.gguf.GgufWriter;
import org.jpeglm.video.VideoProfileFile;

/**
 * Converts a Hugging Face Llama checkpoint into one GGUF file that jpeglm (llama.cpp) loads: weights, the
 * hyper-parameters, and — unless {@linkplain ConvertOptions#plain() plain} — the Jpeg-LM tokenizer and JPEG profile.
 *
 * <p>Everything is checked before anything is written (config, every safetensors header, every tensor's name,
 * dtype and shape, tokenizer, profile, the output path); then tensors stream from the memory-mapped checkpoint
 * into a temporary file that is renamed onto the output only when complete. F32, F16, BF16 and Q8_0 are written
 * by the Java writer, without the native library; other types by writing a lossless temporary GGUF (the
 * checkpoint's own float type) beside the output and quantizing it with llama.cpp, which needs the native library.
 */
public final class Converter {
    private Converter() {}

    /**
     * The weight types of a conversion.
     *
     * @param type       the output's type
     * @param matrixType the GGUF type the Java writer gives matrices: type's own, or a lossless one for the quantizer
     * @param tensors    the tensors to write
     */
    private record Plan(FileType type, GgmlType matrixType, List<LlamaTensorPlan.Planned> tensors) {
        /** The file type the Java writer's file declares. */
        FileType writtenType() {
            return GgufTarget.javaType(type).isPresent()
                    ? type
                    : switch (matrixType) {
                        case F32 -> FileType.F32;
                        case BF16 -> FileType.BF16;
                        default -> FileType.F16;
                    };
        }

        long bytes() {
            return tensors.stream().mapToLong(LlamaTensorPlan.Planned::byteSize).sum();
        }
    }

    /**
     * Converts as options say.
     *
     * @throws CheckpointException (or another {@link IOException}) naming what is wrong with the input or output;
     *     no output file is left behind
     */
    public static ConvertResult convert(ConvertOptions options) throws IOException {
        long started = System.nanoTime();
        WarningRecorder listener = new WarningRecorder(options.listener());
        try (Checkpoint checkpoint = Checkpoint.open(options.input())) {
            Path out = GgufTarget.check(options.output(), options.replaceExisting(), inputs(options, checkpoint));
            describe(checkpoint, listener);
            Plan plan = plan(checkpoint, options.type(), listener);
            Map<String, GgufValue> spec = spec(options, checkpoint, listener);
            GgufWriter writer = new GgufWriter();
            writer.putAll(metadata(options, checkpoint, plan, spec));
            List<TensorStreamer> streamers = addTensors(writer, plan, listener);
            GgufTarget.checkSpace(out, plan.bytes());
            GgufTarget.write(writer, out, plan.type(), plan.matrixType(), plan.bytes(), options.threads(), listener);
            warnOverflows(streamers, listener);
            return new ConvertResult(
                    out,
                    plan.type(),
                    Files.size(out),
                    plan.tensors().size(),
                    checkpoint.tensorBytes(),
                    !spec.isEmpty(),
                    Duration.ofNanos(System.nanoTime() - started),
                    listener.warnings());
        }
    }

    /** Every file the conversion may read: the checkpoint's (config, index, weights, tokenizer, profile) and the given ones. */
    private static List<Path> inputs(ConvertOptions options, Checkpoint checkpoint) {
        List<Path> files = new ArrayList<>();
        for (String name : List.of(
                HfLlamaConfig.FILE_NAME,
                Checkpoint.SINGLE_FILE,
                Checkpoint.INDEX_FILE,
                TokenizerFiles.FILE_NAME,
                TokenizerFiles.CONFIG_FILE_NAME,
                JpegProfileFile.FILE_NAME,
                VideoProfileFile.FILE_NAME)) {
            files.add(checkpoint.dir().resolve(name));
        }
        checkpoint.files().forEach(f -> files.add(f.path()));
        files.addAll(options.givenFiles());
        return files;
    }

    private static void describe(Checkpoint checkpoint, ConvertListener listener) {
        HfLlamaConfig c = checkpoint.config();
        int files = checkpoint.files().size();
        listener.info("checkpoint: " + c.architecture() + ", " + c.layers() + " layers, hidden " + c.hiddenSize() + ", "
                + c.heads()
                + " heads / " + c.kvHeads() + " KV heads, ffn " + c.intermediateSize() + ", vocab " + c.vocabSize()
                + ", context "
                + c.contextLength() + (c.tiedEmbeddings() ? ", tied embeddings" : "")
                + (c.ropeScaling().type() != RopeScaling.Type.NONE
                        ? ", rope scaling " + c.ropeScaling().type()
                        : "")
                + "; " + files + " safetensors file" + (files > 1 ? "s" : ""));
    }

    /** The plan step: the output type (resolving auto from the checkpoint's dtypes) and every tensor's. */
    private static Plan plan(Checkpoint checkpoint, Optional<FileType> requested, ConvertListener listener)
            throws IOException {
        // Plan with F32 first to learn the source dtypes, then with the real matrix type.
        Map<SafetensorsDType, Integer> dtypes =
                LlamaTensorPlan.sourceDtypes(LlamaTensorPlan.plan(checkpoint, GgmlType.F32, ConvertListener.NONE));
        FileType type = requested.orElseGet(() -> {
            FileType auto = dtypes.keySet().equals(Set.of(SafetensorsDType.BF16)) ? FileType.BF16 : FileType.F16;
            listener.info("type auto: " + auto + " (the checkpoint's matrices are " + dtypes.keySet() + ")");
            return auto;
        });
        GgufTarget.requireWritable(type);
        GgmlType matrixType = GgufTarget.javaType(type).orElseGet(() -> losslessType(dtypes));
        return new Plan(type, matrixType, LlamaTensorPlan.plan(checkpoint, matrixType, listener));
    }

    /** The lossless type for the quantizer's input: the checkpoint's float type, F32 when mixed. */
    private static GgmlType losslessType(Map<SafetensorsDType, Integer> dtypes) {
        if (dtypes.size() == 1) {
            return switch (dtypes.keySet().iterator().next()) {
                case F16 -> GgmlType.F16;
                case BF16 -> GgmlType.BF16;
                default -> GgmlType.F32;
            };
        }
        return GgmlType.F32;
    }

    /** The spec step: the model's jpeglm.* keys (an image or a video model's), none for a plain file. */
    private static Map<String, GgufValue> spec(ConvertOptions options, Checkpoint checkpoint, ConvertListener listener)
            throws IOException {
        if (options.jpegLm().isEmpty()) {
            listener.warning("writing a plain llama GGUF without tokenizer or JPEG profile: jpeglm can run it, "
                    + "but cannot turn its tokens into images by itself");
            return Map.of();
        }
        return JpegLmSpecResolver.resolveKeys(options.jpegLm().get(), checkpoint.dir(), checkpoint.config(), listener);
    }

    /** The metadata step: general.*, the llama.* hyper-parameters, the Jpeg-LM keys, the default KV cache type. */
    private static Map<String, GgufValue> metadata(
            ConvertOptions options, Checkpoint checkpoint, Plan plan, Map<String, GgufValue> spec)
            throws CheckpointException {
        HfLlamaConfig config = checkpoint.config();
        String name = options.name()
                .orElseGet(() ->
                        config.nameOrPath() != null && !config.nameOrPath().isBlank()
                                ? lastPart(config.nameOrPath())
                                : checkpoint
                                        .dir()
                                        .toAbsolutePath()
                                        .normalize()
                                        .getFileName()
                                        .toString());
        try {
            Map<String, GgufValue> m =
                    new LinkedHashMap<>(LlamaGgufMetadata.of(config, name, plan.writtenType(), spec));
            options.kvCacheType().ifPresent(t -> m.put(KvCacheType.GGUF_KEY, GgufValue.string(t.ggufName())));
            return m;
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("the tokenizer cannot be stored: " + e.getMessage());
        }
    }

    private static List<TensorStreamer> addTensors(GgufWriter writer, Plan plan, ConvertListener listener) {
        List<TensorStreamer> streamers = new ArrayList<>();
        for (LlamaTensorPlan.Planned p : plan.tensors()) {
            TensorStreamer s = new TensorStreamer(p, listener);
            streamers.add(s);
            writer.addTensor(p.name(), p.type(), p.shape(), s);
        }
        return streamers;
    }

    private static void warnOverflows(List<TensorStreamer> streamers, ConvertListener listener) {
        long overflows =
                streamers.stream().mapToLong(TensorStreamer::f16Overflows).sum();
        if (overflows > 0) {
            listener.warning(
                    overflows
                            + " weights exceed F16's range (|x| >= 65520) and became infinite: convert to BF16 or F32 to keep them");
        }
    }

    private static String lastPart(String nameOrPath) {
        String s = nameOrPath.replaceAll("[/\\\\]+$", "");
        int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
        return slash >= 0 ? s.substring(slash + 1) : s;
    }
}
