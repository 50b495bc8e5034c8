package org.jpeglm.image;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Objects;
import org.jpeglm.ErrorCode;
import org.jpeglm.JpeglmException;
import org.jpeglm.Model;
import org.jpeglm.ModelMetadata;
import org.jpeglm.ModelOptions;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Service;
import org.jpeglm.codec.jpeg.JpegLmSpec;

/**
 * A Jpeg-LM model: a GGUF model with the {@code jpeglm.*} keys that say how its tokens are JPEG bytes
 * ({@link JpegLmSpec}). Shared by any number of threads, like {@link Model}; each thread generates through its
 * own {@link ImageGenerator}.
 */
public final class ImageModel implements AutoCloseable {
    private final CodecModel<BufferedImage, GeneratedImage> codecModel;
    private final JpegLmSpec spec;

    private ImageModel(CodecModel<BufferedImage, GeneratedImage> codecModel) {
        this.codecModel = codecModel;
        this.spec = ((JpegCodec) codecModel.codec()).spec();
    }

    /** Loads a Jpeg-LM model on the CPU. */
    public static ImageModel load(Path path) {
        return load(path, ModelOptions.defaults());
    }

    /**
     * Loads a Jpeg-LM model: reads its metadata once ({@link ModelMetadata#read}), then as
     * {@link #load(Path, ModelOptions, ModelMetadata)}.
     *
     * @throws JpeglmException for files that do not load ({@link Model#load}) and, with {@link ErrorCode#FORMAT},
     *     for models without a valid Jpeg-LM tokenizer and JPEG profile
     */
    public static ImageModel load(Path path, ModelOptions options) {
        return load(path, options, ModelMetadata.read(path));
    }

    /**
     * Loads a Jpeg-LM model whose metadata was just read from path: its Jpeg-LM keys are validated before
     * llama.cpp sees the file ({@link JpegCodecFactory}), and the model keeps the metadata (no second read).
     *
     * @throws JpeglmException for files that do not load ({@link Model#load}) and, with {@link ErrorCode#FORMAT},
     *     for models without a valid Jpeg-LM tokenizer and JPEG profile
     */
    public static ImageModel load(Path path, ModelOptions options, ModelMetadata metadata) {
        return new ImageModel(CodecModel.load(path, options, metadata, new JpegCodecFactory()));
    }

    /**
     * An image model over an already loaded model; closing it closes the model.
     *
     * @throws IllegalArgumentException when spec's tokenizer has more tokens than the model scores
     */
    public static ImageModel of(Model model, JpegLmSpec spec) {
        return new ImageModel(CodecModel.of(model, new JpegCodec(Objects.requireNonNull(spec, "spec"))));
    }

    public Model model() {
        return codecModel.model();
    }

    /** This model as the codec-neutral API sees it: the model and the jpeg codec of its spec. */
    public CodecModel<BufferedImage, GeneratedImage> codecModel() {
        return codecModel;
    }

    public JpegLmSpec spec() {
        return spec;
    }

    /** A generator (one llama.cpp context of options.parallel sequences) for the calling thread. */
    public ImageGenerator newGenerator(GenerationOptions options) {
        return new ImageGenerator(codecModel.newGenerator(options));
    }

    /**
     * A service (one llama.cpp context of options.parallel sequences and its scheduler thread) that any thread may
     * submit requests to: {@link CodecModel#newService}. Close it before the model.
     */
    public Service<BufferedImage, GeneratedImage> newService(GenerationOptions options) {
        return codecModel.newService(options);
    }

    /** Closes the model; generators must be closed first. */
    @Override
    public void close() {
        codecModel.close();
    }

    @Override
    public String toString() {
        return "ImageModel[" + model().path().getFileName() + ", " + spec.profile() + "]";
    }
}
