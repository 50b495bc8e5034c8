package org.jpeglm;

import static org.jpeglm.bindings.jpeglm_h.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.jpeglm.io.AtomicFile;

/** Quantizes GGUF files with llama.cpp's quantizer (every metadata key is kept). */
public final class Quantizer {
    private Quantizer() {}

    /**
     * Writes in, quantized to type, as out. out is written under a temporary name and renamed when complete, so
     * a failure leaves no partial file (and an existing out untouched).
     *
     * @param threads CPU threads; 0 uses every core
     * @throws JpeglmException naming the problem: a missing or malformed input, an input that is already
     *     quantized, a tensor whose rows cannot be quantized
     */
    public static void quantize(Path in, Path out, FileType type, int threads) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(type, "type");
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        Native.init();
        Path target = out.toAbsolutePath();
        Path source = in.toAbsolutePath();
        if (!Files.exists(source)) {
            throw new JpeglmException(ErrorCode.IO, "model file not found: " + source);
        }
        try (Arena arena = Arena.ofConfined()) {
            AtomicFile.write(
                    target,
                    tmp -> Native.check(jpeglm_quantize(
                            arena.allocateFrom(source.toString()),
                            arena.allocateFrom(tmp.toString()),
                            type.id(),
                            threads)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
