package org.jpeglm.cli;

import java.util.Locale;
import org.jpeglm.FileType;
import org.jpeglm.convert.CheckpointException;
import org.jpeglm.convert.HfLlamaConfig;
import org.jpeglm.convert.RandomModelWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code random}: a random-weight Llama GGUF of a given shape, for benchmarks. */
@Command(
        name = "random",
        sortOptions = false,
        description = {
            "Writes a Llama GGUF of a given shape with random weights, for benchmarks.",
            "",
            "Weights are seeded and streamed: a 7B model needs no more heap than a tiny one. Start from a --preset and "
                    + "change single dimensions with the options. --jpeglm adds the paper's JPEG profile and a synthetic "
                    + "tokenizer filling the vocabulary, so the image APIs accept the file (its images are noise).",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  ${ROOT-COMMAND-NAME} random -o llama2-7b-f16.gguf --preset 7b",
            "  ${ROOT-COMMAND-NAME} random -o 7b-q4.gguf --preset 7b --type q4_k_m --threads 16",
            "  ${ROOT-COMMAND-NAME} random -o 1b-gqa.gguf --preset 1b --kv-heads 8 --type q8_0",
            "  ${ROOT-COMMAND-NAME} random -o tiny.gguf --dim 128 --layers 2 --heads 4 \\",
            "      --kv-heads 2 --ffn 256 --vocab 578 --jpeglm"
        })
public class RandomModelCommand extends JpeglmCommand {
    /** Shapes to start from. */
    public enum Preset {
        /** dim 64, 2 layers, 4 heads, ffn 128, vocab 578 (256 bytes + 320 merges + BOS + EOS), context 2048. */
        tiny(578, 64, 2, 4, 4, 128, 2048),
        /** TinyLlama-1.1B: dim 2048, 22 layers, 32 heads, 4 KV heads, ffn 5632, vocab 32000, context 2048. */
        _1b(32000, 2048, 22, 32, 4, 5632, 2048),
        /** Llama-2-7B (the Jpeg-LM paper's shape): dim 4096, 32 layers, 32 heads, ffn 11008, vocab 32000, context 4096. */
        _7b(32000, 4096, 32, 32, 32, 11008, 4096);

        final int vocab;
        final int dim;
        final int layers;
        final int heads;
        final int kvHeads;
        final int ffn;
        final int ctx;

        Preset(int vocab, int dim, int layers, int heads, int kvHeads, int ffn, int ctx) {
            this.vocab = vocab;
            this.dim = dim;
            this.layers = layers;
            this.heads = heads;
            this.kvHeads = kvHeads;
            this.ffn = ffn;
            this.ctx = ctx;
        }

        static Preset of(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "tiny" -> tiny;
                case "1b" -> _1b;
                case "7b" -> _7b;
                default -> throw new IllegalArgumentException("unknown --preset '" + s + "'; one of tiny, 1b, 7b");
            };
        }
    }

    @Mixin
    GgufOutput target;

    @Option(
            names = "--preset",
            defaultValue = "tiny",
            paramLabel = "NAME",
            description = "Shape to start from: tiny (default), 1b (TinyLlama-1.1B), 7b (Llama-2-7B).")
    String preset;

    @Option(names = "--dim", paramLabel = "N", description = "Embedding length (hidden_size).")
    Integer dim;

    @Option(names = "--layers", paramLabel = "N", description = "Transformer blocks.")
    Integer layers;

    @Option(names = "--heads", paramLabel = "N", description = "Attention heads.")
    Integer heads;

    @Option(
            names = "--kv-heads",
            paramLabel = "N",
            description = "Key/value heads (fewer than --heads: grouped-query attention).")
    Integer kvHeads;

    @Option(names = "--ffn", paramLabel = "N", description = "Feed-forward width (intermediate_size).")
    Integer ffn;

    @Option(names = "--vocab", paramLabel = "N", description = "Vocabulary size.")
    Integer vocab;

    @Option(names = "--ctx", paramLabel = "N", description = "Trained context length.")
    Integer ctx;

    @Option(
            names = "--rope-theta",
            defaultValue = "10000",
            paramLabel = "X",
            description = "RoPE frequency base (default: ${DEFAULT-VALUE}).")
    double ropeTheta;

    @Option(
            names = "--rms-eps",
            defaultValue = "1e-5",
            paramLabel = "X",
            description = "RMSNorm epsilon (default: ${DEFAULT-VALUE}).")
    double rmsEps;

    @Option(names = "--tied", description = "Tie the output projection to the token embedding.")
    boolean tied;

    @Option(
            names = "--type",
            defaultValue = "f16",
            paramLabel = "TYPE",
            description =
                    "Weight type: f32, f16 (default), bf16, q8_0, or a type of llama.cpp's quantizer (q4_k_m, q6_k, ...; "
                            + "needs libjpeglm).")
    String type;

    @Option(
            names = "--seed",
            defaultValue = "42",
            paramLabel = "N",
            description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--jpeglm",
            description = "Add the paper's JPEG profile and a synthetic tokenizer of --vocab tokens (258 to 65794).")
    boolean jpegLm;

    public RandomModelCommand() {}

    @Override
    protected int run() throws Exception {
        RandomModelWriter.Options options = options();
        RandomModelWriter.Result r;
        try {
            r = RandomModelWriter.write(options);
        } catch (CheckpointException e) {
            throw ConvertFlags.withFlags(e);
        }
        RandomModelWriter.Shape shape = options.shape();
        out().printf(
                        Locale.ROOT,
                        "wrote %s: %s, %,d parameters (%d layer%s x %d, %d heads / %d KV heads, ffn %d, vocab %d), %.1f MiB in %.1f s%n",
                        r.output(),
                        r.type().name().toLowerCase(Locale.ROOT),
                        r.parameters(),
                        shape.layers(),
                        shape.layers() == 1 ? "" : "s",
                        shape.dim(),
                        shape.heads(),
                        shape.kvHeads(),
                        shape.ffn(),
                        shape.vocab(),
                        r.fileBytes() / (double) (1 << 20),
                        r.elapsed().toNanos() / 1e9);
        out().flush();
        return 0;
    }

    /** The flags as the writer's typed options: the preset's shape with the given dimensions replaced. */
    private RandomModelWriter.Options options() {
        Preset p = Preset.of(preset);
        checkShapeFlags();
        FileType fileType = ConvertFlags.type(type, false).orElseThrow();
        RandomModelWriter.Shape shape = new RandomModelWriter.Shape(
                or(vocab, p.vocab),
                or(dim, p.dim),
                or(layers, p.layers),
                or(heads, p.heads),
                or(kvHeads, kvHeads == null && heads != null ? heads : p.kvHeads),
                or(ffn, p.ffn),
                or(ctx, p.ctx),
                ropeTheta,
                rmsEps,
                tied);
        return RandomModelWriter.Options.builder(shape, target.output)
                .type(fileType)
                .seed(seed)
                .jpegLm(jpegLm)
                .replaceExisting(target.force)
                .threads(target.threads())
                .listener(new ConsoleProgress(err(), target.quiet))
                .build();
    }

    /** Each dimension given within what llama.cpp loads (docs/limits.md), before anything is written. */
    private void checkShapeFlags() {
        requireAtMost("--vocab", vocab, Integer.MAX_VALUE);
        requireAtMost("--dim", dim, HfLlamaConfig.MAX_HIDDEN);
        requireAtMost("--layers", layers, HfLlamaConfig.MAX_LAYERS);
        requireAtMost("--heads", heads, HfLlamaConfig.MAX_HEADS);
        requireAtMost("--kv-heads", kvHeads, HfLlamaConfig.MAX_HEADS);
        requireAtMost("--ffn", ffn, HfLlamaConfig.MAX_INTERMEDIATE);
        requireAtMost("--ctx", ctx, HfLlamaConfig.MAX_CONTEXT);
        if (!(ropeTheta > 0 && ropeTheta <= HfLlamaConfig.MAX_ROPE_THETA)) {
            throw new IllegalArgumentException(
                    "--rope-theta must be above 0 and at most " + HfLlamaConfig.MAX_ROPE_THETA + ", got " + ropeTheta);
        }
        if (!(rmsEps > 0 && rmsEps < 1)) {
            throw new IllegalArgumentException("--rms-eps must be above 0 and below 1, got " + rmsEps);
        }
    }

    private static void requireAtMost(String flag, Integer value, int max) {
        if (value != null && (value < 1 || value > max)) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "%s must be 1 to %,d (the most llama.cpp loads), got %,d", flag, max, value));
        }
    }

    private static int or(Integer v, int fallback) {
        return v != null ? v : fallback;
    }
}
