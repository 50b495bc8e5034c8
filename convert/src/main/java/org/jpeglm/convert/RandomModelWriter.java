package org.jpeglm.convert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.jpeglm.FileType;
import org.jpeglm.Quantizer;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.TokenPair;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufWriter;
import org.jpeglm.gguf.TensorOutput;
import org.jpeglm.gguf.TensorPayload;
import org.jpeglm.spec.JpegLmSpec;
import org.jpeglm.jpeg.JpegProfile;

/**
 * Writes a Llama GGUF of any shape with seeded random weights, streamed: nothing close to the model's size is ever
 * held in memory, so 7B-shaped files for benchmarks can be made where no real weights can be downloaded.
 *
 * <p>Weights are uniform with the standard deviation of {@code RandomLlama} in the tests: {@code 1/sqrt(in)} for
 * projections (activations keep their scale through any depth), 0.5 for the token embedding, {@code 1 ± 0.1} for
 * norm weights; the same seed and shape give the same file. With {@code jpegLm}, the file also carries the paper's
 * JPEG profile and a synthetic BPE tokenizer that fills the vocabulary (vocab - 258 merges of two bytes, BOS, EOS),
 * so the image APIs accept it (the images it generates are noise, of course).
 */
public final class RandomModelWriter {
    private RandomModelWriter() {}

    /** Values generated per parallel block; fixed so the output does not depend on the number of cores. */
    private static final int BLOCK = 1 << 18;
    private static final int BLOCKS_PER_CHUNK = 16;

    /**
     * A model shape, named after the Hugging Face config keys.
     */
    public record Shape(int vocab, int dim, int layers, int heads, int kvHeads, int ffn, int context, double ropeTheta,
                        double rmsEps, boolean tied) {
        /** The config this shape describes, checked like a checkpoint's config.json. */
        public HfLlamaConfig config() throws CheckpointException {
            ObjectNode n = new ObjectMapper().createObjectNode();
            n.putArray("architectures").add("LlamaForCausalLM");
            n.put("model_type", "llama");
            n.put("vocab_size", vocab);
            n.put("hidden_size", dim);
            n.put("intermediate_size", ffn);
            n.put("num_hidden_layers", layers);
            n.put("num_attention_heads", heads);
            n.put("num_key_value_heads", kvHeads);
            n.put("max_position_embeddings", context);
            n.put("rope_theta", ropeTheta);
            n.put("rms_norm_eps", rmsEps);
            n.put("tie_word_embeddings", tied);
            return HfLlamaConfig.parse(n, "the random model's shape");
        }

        /** Parameters of the model. */
        public long parameters() {
            long headDim = dim / heads;
            long perLayer = 2L * dim + (long) dim * heads * headDim * 2 + 2L * dim * kvHeads * headDim + 3L * dim * ffn;
            return (long) vocab * dim * (tied ? 1 : 2) + layers * perLayer + dim;
        }
    }

    /** What was written. */
    public record Result(Path output, FileType type, long fileBytes, long parameters, Duration elapsed) {}

    /**
     * Writes the model.
     *
     * @param threads threads for llama.cpp's quantizer (types other than F32, F16, BF16, Q8_0); 0 = every core
     * @throws CheckpointException for a bad shape, an existing output without force, too little disk space
     */
    public static Result write(Shape shape, FileType type, long seed, boolean jpegLm, Path output, boolean force, int threads,
                               ConvertListener listener) throws IOException {
        long started = System.nanoTime();
        HfLlamaConfig config = shape.config();
        Path out = output.toAbsolutePath().normalize();
        if (Files.isDirectory(out)) {
            throw new CheckpointException("the output " + out + " is a directory; give the GGUF file to write (-o model.gguf)");
        }
        if (Files.exists(out) && !force) {
            throw new CheckpointException("the output " + out + " exists; pass --force to overwrite it");
        }
        GgmlType direct = Converter.directType(type);
        if (direct == null) {
            Converter.requireNative(type);
        }
        GgmlType matrixType = direct != null ? direct : GgmlType.F16;
        JpegLmSpec spec = jpegLm ? syntheticSpec(shape.vocab()) : null;
        GgufWriter writer = new GgufWriter();
        writer.putAll(LlamaGgufMetadata.of(config, "random llama " + shape.layers() + "x" + shape.dim(),
                direct != null ? type : FileType.F16, spec));
        long total = 0;
        int index = 0;
        for (LlamaTensorPlan.Expected e : LlamaTensorPlan.expected(config)) {
            long[] shapeGguf = e.ggufShape();
            boolean vector = shapeGguf.length == 1;
            GgmlType t = vector ? GgmlType.F32 : matrixType == GgmlType.Q8_0 && shapeGguf[0] % 32 != 0 ? GgmlType.F16 : matrixType;
            double std = vector ? 0.1 : e.gguf().equals("token_embd.weight") ? 0.5 : 1 / Math.sqrt(shapeGguf[0]);
            long tensorSeed = seed * 0x9E3779B97F4A7C15L + index++;
            long elements = vector ? shapeGguf[0] : shapeGguf[0] * shapeGguf[1];
            writer.addTensor(e.gguf(), t, shapeGguf, new RandomPayload(elements, tensorSeed, std, vector ? 1f : 0f, listener));
            total += t.rowBytes(shapeGguf[0]) * (vector ? 1 : shapeGguf[1]);
        }
        Path dir = out.getParent();
        Files.createDirectories(dir);
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < total) {
            throw new CheckpointException("not enough disk space in " + dir + ": the model needs " + total / (1 << 20) + " MiB, "
                    + free / (1 << 20) + " MiB are free");
        }
        if (direct != null) {
            listener.start("writing " + type, total);
            try {
                writer.write(out);
            } finally {
                listener.finish();
            }
        } else {
            Path tmp = out.resolveSibling("." + out.getFileName() + "." + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".f16.gguf");
            try {
                listener.start("writing F16 for the quantizer", total);
                try {
                    writer.write(tmp);
                } finally {
                    listener.finish();
                }
                listener.info("quantizing to " + type + " with llama.cpp");
                Quantizer.quantize(tmp, out, type, threads);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return new Result(out, type, Files.size(out), shape.parameters(), Duration.ofNanos(System.nanoTime() - started));
    }

    /** The paper's profile and a tokenizer of exactly vocab ids: 256 bytes, vocab - 258 two-byte merges, BOS, EOS. */
    public static JpegLmSpec syntheticSpec(int vocab) throws CheckpointException {
        int merges = vocab - 258;
        if (merges < 0 || merges > 256 * 256) {
            throw new CheckpointException("--jpeglm needs a vocabulary of 258 to " + (258 + 256 * 256) + " tokens (256 bytes, "
                    + "merges, BOS, EOS), got " + vocab);
        }
        List<TokenPair> pairs = new ArrayList<>(merges);
        for (int i = 0; i < merges; i++) {
            pairs.add(new TokenPair(i / 256, i % 256));
        }
        return JpegLmSpec.of(JpegProfile.PAPER, BpeTokenizer.fromMerges(pairs));
    }

    /** Uniform values of a given standard deviation around a mean, generated block by block from fixed seeds. */
    private static final class RandomPayload implements TensorPayload {
        private final long elements;
        private final long seed;
        private final double std;
        private final float mean;
        private final ConvertListener listener;

        RandomPayload(long elements, long seed, double std, float mean, ConvertListener listener) {
            this.elements = elements;
            this.seed = seed;
            this.std = std;
            this.mean = mean;
            this.listener = listener;
        }

        @Override
        public void writeTo(TensorOutput out) throws IOException {
            float[] buffer = new float[BLOCK * BLOCKS_PER_CHUNK];
            float half = (float) (std * Math.sqrt(3));  // uniform on [-a, a] has standard deviation a / sqrt(3)
            long block = 0;
            long values = elements;
            for (long done = 0; done < values; ) {
                int n = (int) Math.min(buffer.length, values - done);
                int blocks = (n + BLOCK - 1) / BLOCK;
                long first = block;
                IntStream.range(0, blocks).parallel().forEach(b -> {
                    SplittableRandom r = new SplittableRandom(seed ^ ((first + b) * 0xBF58476D1CE4E5B9L));
                    int from = b * BLOCK;
                    int to = Math.min(n, from + BLOCK);
                    for (int i = from; i < to; i++) {
                        buffer[i] = mean + half * (float) (2 * r.nextDouble() - 1);
                    }
                });
                long before = out.remaining();
                out.writeFloats(buffer, 0, n);
                listener.advance(before - out.remaining());
                done += n;
                block += blocks;
            }
        }
    }
}
