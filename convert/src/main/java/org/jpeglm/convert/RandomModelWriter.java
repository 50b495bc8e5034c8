package org.jpeglm.convert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.jpeglm.FileType;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.TokenPair;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufWriter;
import org.jpeglm.gguf.TensorOutput;
import org.jpeglm.gguf.TensorPayload;
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
    public record Shape(
            int vocab,
            int dim,
            int layers,
            int heads,
            int kvHeads,
            int ffn,
            int context,
            double ropeTheta,
            double rmsEps,
            boolean tied) {
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

    /**
     * What to write.
     *
     * @param type            the weight type; F32, F16, BF16 and Q8_0 are written in Java, the others through
     *                        llama.cpp's quantizer (the native library)
     * @param seed            the same seed and shape give the same file
     * @param jpegLm          whether to add the paper's JPEG profile and a synthetic tokenizer filling the vocabulary
     * @param replaceExisting whether an existing output file may be replaced
     * @param threads         threads for llama.cpp's quantizer; 0 uses every core
     */
    public record Options(
            Shape shape,
            FileType type,
            long seed,
            boolean jpegLm,
            Path output,
            boolean replaceExisting,
            int threads,
            ConvertListener listener) {
        public Options {
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(output, "output");
            Objects.requireNonNull(listener, "listener");
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be >= 0, got " + threads);
            }
        }

        /** F16, seed 42, no Jpeg-LM keys, no replacing, every core, no listener. */
        public static Builder builder(Shape shape, Path output) {
            return new Builder(shape, output);
        }

        /** Builds {@link Options}. */
        public static final class Builder {
            private final Shape shape;
            private final Path output;
            private FileType type = FileType.F16;
            private long seed = 42;
            private boolean jpegLm;
            private boolean replaceExisting;
            private int threads;
            private ConvertListener listener = ConvertListener.NONE;

            private Builder(Shape shape, Path output) {
                this.shape = shape;
                this.output = output;
            }

            public Builder type(FileType type) {
                this.type = type;
                return this;
            }

            public Builder seed(long seed) {
                this.seed = seed;
                return this;
            }

            public Builder jpegLm(boolean jpegLm) {
                this.jpegLm = jpegLm;
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

            /** Where messages and progress go; null: nowhere. */
            public Builder listener(ConvertListener listener) {
                this.listener = listener == null ? ConvertListener.NONE : listener;
                return this;
            }

            public Options build() {
                return new Options(shape, type, seed, jpegLm, output, replaceExisting, threads, listener);
            }
        }
    }

    /** What was written. */
    public record Result(Path output, FileType type, long fileBytes, long parameters, Duration elapsed) {}

    /**
     * Writes the model.
     *
     * @throws CheckpointException for a bad shape, an existing output that may not be replaced, too little disk
     *     space, a type that needs the native library when it cannot be loaded
     */
    public static Result write(Options o) throws IOException {
        long started = System.nanoTime();
        HfLlamaConfig config = o.shape().config();
        Path out = GgufTarget.check(o.output(), o.replaceExisting());
        GgufTarget.requireWritable(o.type());
        GgmlType matrixType = GgufTarget.javaType(o.type()).orElse(GgmlType.F16);
        JpegLmSpec spec = o.jpegLm() ? syntheticSpec(o.shape().vocab()) : null;
        GgufWriter writer = new GgufWriter();
        writer.putAll(LlamaGgufMetadata.of(
                config,
                "random llama " + o.shape().layers() + "x" + o.shape().dim(),
                GgufTarget.javaType(o.type()).isPresent() ? o.type() : FileType.F16,
                spec));
        long total = addTensors(writer, config, matrixType, o.seed(), o.listener());
        GgufTarget.checkSpace(out, total);
        GgufTarget.write(writer, out, o.type(), matrixType, total, o.threads(), o.listener());
        return new Result(
                out, o.type(), Files.size(out), o.shape().parameters(), Duration.ofNanos(System.nanoTime() - started));
    }

    /** Adds every tensor of config with seeded random values; returns their bytes. */
    private static long addTensors(
            GgufWriter writer, HfLlamaConfig config, GgmlType matrixType, long seed, ConvertListener listener) {
        long total = 0;
        int index = 0;
        for (LlamaTensorPlan.Expected e : LlamaTensorPlan.expected(config)) {
            long[] shapeGguf = e.ggufShape();
            boolean vector = shapeGguf.length == 1;
            GgmlType t = vector
                    ? GgmlType.F32
                    : matrixType == GgmlType.Q8_0 && shapeGguf[0] % 32 != 0 ? GgmlType.F16 : matrixType;
            double std = vector ? 0.1 : e.gguf().equals("token_embd.weight") ? 0.5 : 1 / Math.sqrt(shapeGguf[0]);
            long tensorSeed = seed * 0x9E3779B97F4A7C15L + index++;
            long elements = vector ? shapeGguf[0] : shapeGguf[0] * shapeGguf[1];
            writer.addTensor(
                    e.gguf(), t, shapeGguf, new RandomPayload(elements, tensorSeed, std, vector ? 1f : 0f, listener));
            total += t.rowBytes(shapeGguf[0]) * (vector ? 1 : shapeGguf[1]);
        }
        return total;
    }

    /** The paper's profile and a tokenizer of exactly vocab ids: 256 bytes, vocab - 258 two-byte merges, BOS, EOS. */
    public static JpegLmSpec syntheticSpec(int vocab) throws CheckpointException {
        int merges = vocab - 258;
        if (merges < 0 || merges > 256 * 256) {
            throw new CheckpointException(
                    CheckpointException.Kind.VOCABULARY_SIZE,
                    "a synthetic Jpeg-LM tokenizer fills a " + "vocabulary of 258 to " + (258 + 256 * 256)
                            + " tokens (256 bytes, merges, BOS, EOS), not " + vocab,
                    "give the shape such a vocabulary, or write no Jpeg-LM keys");
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
            float half = (float) (std * Math.sqrt(3)); // uniform on [-a, a] has standard deviation a / sqrt(3)
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
