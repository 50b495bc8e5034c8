package org.jpeglm.codec.igpt;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.jpeglm.ErrorCode;
import org.jpeglm.JpeglmException;
import org.jpeglm.Model;
import org.jpeglm.ModelMetadata;
import org.jpeglm.ModelOptions;
import org.jpeglm.codec.CodecModel;

/** Loads igpt and bpe-igpt model files as {@link CodecModel}s of the {@link PixelCodec} ({@link PixelCodecFactory}). */
public final class PixelModels {
    private PixelModels() {}

    /** Loads a pixel model on the CPU. */
    public static CodecModel<BufferedImage, GeneratedPixels> load(Path path) {
        return load(path, ModelOptions.defaults());
    }

    /** Reads the file's metadata once, then loads as {@link #load(Path, ModelOptions, ModelMetadata)}. */
    public static CodecModel<BufferedImage, GeneratedPixels> load(Path path, ModelOptions options) {
        return load(path, options, ModelMetadata.read(path));
    }

    /**
     * Loads a pixel model whose metadata was just read from path: its {@code jpeglm.*} keys are checked before
     * llama.cpp sees the file, and the model keeps the metadata (no second read).
     *
     * @throws JpeglmException for files that do not load ({@link Model#load}) and, with {@link ErrorCode#FORMAT},
     *     for a file that is not an igpt or bpe-igpt model or whose keys are wrong (the message names the key)
     */
    public static CodecModel<BufferedImage, GeneratedPixels> load(
            Path path, ModelOptions options, ModelMetadata metadata) {
        return CodecModel.load(path, options, metadata, new PixelCodecFactory());
    }
}
