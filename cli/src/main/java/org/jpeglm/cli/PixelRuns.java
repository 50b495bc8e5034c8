package org.jpeglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Generator;
import org.jpeglm.codec.igpt.GeneratedPixels;
import org.jpeglm.codec.igpt.IgptProfile;
import org.jpeglm.codec.igpt.PixelCodec;
import org.jpeglm.codec.igpt.PixelStreams;

/**
 * What generate, complete and score do with a pixel model (igpt, bpe-igpt) beyond what they do for every model: the
 * line that describes it, summary.json's entry of an image, the files of one, and the totals line.
 */
final class PixelRuns {
    private PixelRuns() {}

    /** The model's codec: a pixel model's is always a {@link PixelCodec}. */
    static PixelCodec codec(CodecModel<BufferedImage, GeneratedPixels> model) {
        return (PixelCodec) model.codec();
    }

    /** Heap one result keeps until the run ends: its stream, its image, their headers. */
    static long bytesPerResult(IgptProfile profile) {
        return 2L * profile.pixels() * profile.channels() + 2048;
    }

    /** "model.gguf: llama ..., igpt 28x28, 4 symbols, 0 merges, 4 in parallel, constrained to 28x28 pixels". */
    static void describe(PrintWriter err, CodecModel<BufferedImage, GeneratedPixels> model, GenerationOptions o) {
        IgptProfile p = codec(model).profile();
        err.printf(
                "%s: %s, %s, %d in parallel, %s%n",
                model.model().path().getFileName(),
                model.model().description(),
                codec(model),
                o.parallel(),
                o.constrained()
                        ? "constrained to exactly " + p.width() + "x" + p.height() + " pixels"
                        : "unconstrained");
        err.flush();
    }

    /** summary.json's entry of one image: the server's words ({@link GeneratedPixels#summary()}). */
    static ObjectNode entry(GeneratedPixels p) {
        return RunOutput.entry(p);
    }

    /** The PNG of an image under name (no extension), unless none are written. */
    static Map<String, Supplier<byte[]>> files(String name, GeneratedPixels p, boolean write) {
        Map<String, Supplier<byte[]>> files = new LinkedHashMap<>();
        if (write) {
            files.put(name + ".png", RunOutput.png(p.image()));
        }
        return files;
    }

    /** Images that are exactly one image of the profile. */
    static long clean(List<GeneratedPixels> images) {
        return images.stream().filter(GeneratedPixels::clean).count();
    }

    /** The progress bar's word for an image. */
    static String state(GeneratedPixels p) {
        return p.clean() ? "clean" : p.report().missing() > 0 ? "short" : "long";
    }

    /** The line generate prints at the end. */
    static String totals(List<GeneratedPixels> images, double seconds, IgptProfile profile, Object wrote) {
        long clean = clean(images);
        long tokens = images.stream().mapToLong(GeneratedPixels::tokens).sum();
        return String.format(
                Locale.ROOT,
                "%d images in %.1f s (%.2f images/s, %.0f tokens/s); %d clean: exactly %dx%d pixels (%.1f%%); "
                        + "%.1f tokens per image; wrote %s",
                images.size(),
                seconds,
                images.size() / seconds,
                tokens / seconds,
                clean,
                profile.width(),
                profile.height(),
                100.0 * clean / images.size(),
                (double) tokens / images.size(),
                wrote);
    }

    /** The image a stream's first rows show (the rest at palette entry 0): a completion's prompt. */
    static BufferedImage rows(Generator<BufferedImage, GeneratedPixels> g, BufferedImage original, int rows) {
        PixelCodec codec = (PixelCodec) g.codec();
        byte[] prompt = codec.prefix(g.streamOf(original), rows);
        return PixelStreams.decode(prompt, codec.profile()).image();
    }
}
