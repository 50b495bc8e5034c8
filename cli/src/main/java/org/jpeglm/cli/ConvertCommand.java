package org.jpeglm.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.jpeglm.ModelMetadata;
import org.jpeglm.SessionOptions.KvCacheType;
import org.jpeglm.codec.Codecs;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.codec.jpeg.JpegProfileFile;
import org.jpeglm.convert.ByteSize;
import org.jpeglm.convert.CheckpointException;
import org.jpeglm.convert.ConvertOptions;
import org.jpeglm.convert.ConvertResult;
import org.jpeglm.convert.Converter;
import org.jpeglm.convert.JpegLmSources;
import org.jpeglm.convert.ProfileSource;
import org.jpeglm.convert.TokenizerSource;
import org.jpeglm.jpeg.JpegTables;
import org.jpeglm.jpeg.Subsampling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code convert}: a Hugging Face Llama checkpoint directory to one GGUF file. */
@Command(
        name = "convert",
        sortOptions = false,
        description = {
            "Converts a Hugging Face Llama checkpoint to one GGUF file for jpeglm.",
            "",
            "The checkpoint directory holds config.json and model.safetensors (or shards listed by "
                    + "model.safetensors.index.json) in F32, F16 or BF16, and for Jpeg-LM the tokenizer (tokenizer.json) "
                    + "and the JPEG profile (jpeglm_profile.json), which can also be given here. Everything is checked "
                    + "before anything is written; the output appears only when complete.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  # f16 (bf16 for a BF16 checkpoint); tokenizer and profile from the directory",
            "  ${ROOT-COMMAND-NAME} convert ./ckpt -o jpeglm.gguf",
            "",
            "  # 4-bit k-quant through llama.cpp's quantizer, 8 threads",
            "  ${ROOT-COMMAND-NAME} convert ./ckpt -o jpeglm-q4.gguf --type q4_k_m --threads 8",
            "",
            "  # no jpeglm_profile.json: trained with the paper's JPEG settings",
            "  ${ROOT-COMMAND-NAME} convert ./ckpt -o paper.gguf --tokenizer tok.json \\",
            "      --profile paper",
            "",
            "  # the paper's settings for 128x128 gray images",
            "  ${ROOT-COMMAND-NAME} convert ./ckpt -o gray.gguf --profile paper --size 128x128 \\",
            "      --subsampling gray",
            "",
            "  # a plain llama GGUF (no tokenizer or profile inside), replacing an old one",
            "  ${ROOT-COMMAND-NAME} convert ./ckpt -o plain.gguf --plain --force",
            "",
            "The checkpoint layout and jpeglm_profile.json are described in docs/convert.md."
        })
public class ConvertCommand extends JpeglmCommand {
    @Parameters(index = "0", paramLabel = "CHECKPOINT_DIR", description = "The Hugging Face checkpoint directory.")
    Path input;

    @Mixin
    GgufOutput target;

    @Option(
            names = "--type",
            defaultValue = "auto",
            paramLabel = "TYPE",
            description =
                    "Weight type (default: ${DEFAULT-VALUE}: bf16 for a BF16 checkpoint, else f16). Written in Java: "
                            + "f32, f16, bf16, q8_0. Through llama.cpp's quantizer (needs libjpeglm): q6_k, q5_k_m, q5_k_s, q5_1, "
                            + "q5_0, q4_k_m, q4_k_s, q4_1, q4_0, q3_k_l, q3_k_m, q3_k_s, q2_k. Norm vectors always stay F32.")
    String type;

    @Option(
            names = "--tokenizer",
            paramLabel = "FILE",
            description = "The BPE tokenizer: a tokenizer.json, or a Jpeg-LM GGUF file to take it from. Default: "
                    + "CHECKPOINT_DIR/tokenizer.json.")
    Path tokenizer;

    @Option(
            names = "--profile",
            paramLabel = "FILE|paper",
            description =
                    "The JPEG profile: a jpeglm_profile.json, a Jpeg-LM GGUF file to take it from, or 'paper' (quality 25, "
                            + "4:2:0, restart interval 1, 256x256). Default: CHECKPOINT_DIR/jpeglm_profile.json.")
    String profile;

    @Option(
            names = "--quality",
            paramLabel = "1..100",
            description = "Override the profile's JPEG quality (its tables then follow the new quality).")
    Integer quality;

    @Option(
            names = "--subsampling",
            paramLabel = "S",
            description = "Override the profile's subsampling: 4:2:0, 4:4:4, gray, gray-1x1.")
    String subsampling;

    @Option(
            names = "--restart-interval",
            paramLabel = "N",
            description = "Override the profile's restart interval (MCUs; 0 = none).")
    Integer restartInterval;

    @Option(names = "--size", paramLabel = "WxH", description = "Override the profile's image size, e.g. 256x256.")
    String size;

    @Option(
            names = "--tables",
            paramLabel = "JPEG",
            description = "Override the profile's DQT/DHT tables with those of this JPEG file.")
    Path tables;

    @Option(names = "--plain", description = "Write a plain llama GGUF without tokenizer and JPEG profile.")
    boolean plain;

    @Option(
            names = "--kv-cache-type",
            paramLabel = "TYPE",
            description = "The KV cache type the model runs with by default in generate, serve and video (f16, f32, "
                    + "q8_0; written as " + KvCacheType.GGUF_KEY + "). Default: none written, so F16.")
    String kvCacheType;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "general.name (default: the config's _name_or_path, else the directory name).")
    String name;

    public ConvertCommand() {}

    @Override
    protected int run() throws Exception {
        ConvertOptions options = options();
        ConvertResult r;
        try {
            r = Converter.convert(options);
        } catch (CheckpointException e) {
            throw ConvertFlags.withFlags(e);
        }
        out().printf(
                        Locale.ROOT,
                        "wrote %s: %s, %d tensors, %s%s in %.1f s (%.0f MB/s of checkpoint)%n",
                        r.output(),
                        r.type().name().toLowerCase(Locale.ROOT),
                        r.tensors(),
                        ByteSize.format(r.fileBytes()),
                        r.jpegLm()
                                ? ", with the tokenizer and profile of codec " + codecOf(r)
                                : ", plain llama (no jpeglm keys)",
                        r.elapsed().toNanos() / 1e9,
                        r.megabytesPerSecond());
        out().flush();
        return 0;
    }

    /** The codec the written file names (jpeg, igpt, bpe-igpt, h264), read back from its header. */
    private static String codecOf(ConvertResult r) {
        return Codecs.declared(ModelMetadata.read(r.output()));
    }

    /** The flags as the converter's typed options. */
    private ConvertOptions options() throws IOException {
        ConvertOptions.Builder b = ConvertOptions.builder(input, target.output)
                .replaceExisting(target.force)
                .threads(target.threads())
                .name(name)
                .kvCacheType(kvCacheType == null ? null : KvCacheType.ofGguf(kvCacheType.toLowerCase(Locale.ROOT)))
                .listener(new ConsoleProgress(err(), target.quiet));
        ConvertFlags.type(type, true).ifPresent(b::type);
        JpegProfileFile.Fields overrides = overrides();
        if (plain) {
            if (tokenizer != null || profile != null || !overrides.isEmpty()) {
                throw new IllegalArgumentException(
                        "--plain writes no tokenizer and no JPEG profile; drop --tokenizer, --profile and the "
                                + "profile overrides");
            }
            return b.plain(true).build();
        }
        TokenizerSource t = tokenizer == null ? TokenizerSource.checkpoint() : TokenizerSource.file(tokenizer);
        return b.jpegLm(new JpegLmSources(t, profileSource(), overrides)).build();
    }

    /** --profile: "paper", a Jpeg-LM GGUF (*.gguf), or a jpeglm_profile.json; none: the checkpoint's. */
    private ProfileSource profileSource() {
        if (profile == null) {
            return ProfileSource.checkpoint();
        }
        if (profile.equals("paper")) {
            return ProfileSource.paper();
        }
        return profile.endsWith(".gguf") ? ProfileSource.gguf(Path.of(profile)) : ProfileSource.file(Path.of(profile));
    }

    private JpegProfileFile.Fields overrides() throws IOException {
        Subsampling sub = null;
        if (subsampling != null) {
            try {
                sub = JpegLmSpec.subsamplingOf(subsampling);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "--subsampling " + subsampling + " is not one of 4:2:0, 4:4:4, gray, gray-1x1");
            }
        }
        Integer width = null;
        Integer height = null;
        if (size != null) {
            String[] parts = size.toLowerCase(Locale.ROOT).split("x");
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                width = Integer.parseInt(parts[0].trim());
                height = Integer.parseInt(parts[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--size " + size + " is not WIDTHxHEIGHT, e.g. 256x256");
            }
        }
        JpegTables t = tables == null ? null : JpegProfileFile.readTables(tables);
        return new JpegProfileFile.Fields(
                quality, sub, restartInterval, width, height, t, tables == null ? null : tables.toString());
    }
}
