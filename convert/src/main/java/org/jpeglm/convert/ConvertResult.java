package org.jpeglm.convert;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jpeglm.FileType;

/**
 * What a conversion wrote.
 *
 * @param output       the GGUF file
 * @param type         its weight type
 * @param fileBytes    its size
 * @param tensors      tensors in it
 * @param sourceBytes  bytes of the checkpoint's tensors read
 * @param jpegLm       whether it carries the Jpeg-LM tokenizer and profile
 * @param elapsed      wall-clock time of the whole conversion
 * @param warnings     the warnings given
 */
public record ConvertResult(
        Path output,
        FileType type,
        long fileBytes,
        int tensors,
        long sourceBytes,
        boolean jpegLm,
        Duration elapsed,
        List<String> warnings) {
    public ConvertResult {
        warnings = List.copyOf(warnings);
    }

    /** Checkpoint megabytes (10^6 bytes) read per second. */
    public double megabytesPerSecond() {
        double s = elapsed.toNanos() / 1e9;
        return s > 0 ? sourceBytes / 1e6 / s : 0;
    }
}
