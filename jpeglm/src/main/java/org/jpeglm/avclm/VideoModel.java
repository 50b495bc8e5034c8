package org.jpeglm.avclm;

import java.nio.file.Path;
import java.util.Objects;
import org.jpeglm.ErrorCode;
import org.jpeglm.JpeglmException;
import org.jpeglm.Model;
import org.jpeglm.ModelMetadata;
import org.jpeglm.ModelOptions;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.video.Ffmpeg;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoLmSpec;
import org.jpeglm.video.VideoProfile;

/**
 * An Avc-LM model: a GGUF model with the keys of a {@link VideoLmSpec} (its {@link VideoProfile}: {@code jpeglm.codec}
 * and {@code jpeglm.video.*}; a byte-level BPE with BOS and EOS). Shared by any number of threads, like
 * {@link Model}; each thread generates through its own {@link VideoGenerator}.
 */
public final class VideoModel implements AutoCloseable {
    private final Model model;
    private final VideoLmSpec spec;

    private VideoModel(Model model, VideoLmSpec spec) {
        this.model = model;
        this.spec = spec;
        if (spec.tokenizer().vocabSize() > model.vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has "
                    + spec.tokenizer().vocabSize() + " tokens but the model scores " + model.vocabSize());
        }
    }

    /** Loads an Avc-LM model on the CPU. */
    public static VideoModel load(Path path) {
        return load(path, ModelOptions.defaults());
    }

    /**
     * Loads an Avc-LM model: reads its metadata once ({@link ModelMetadata#read}), then as
     * {@link #load(Path, ModelOptions, ModelMetadata)}.
     *
     * @throws JpeglmException for files that do not load ({@link Model#load}) and, with {@link ErrorCode#FORMAT},
     *     for a file of another codec (named) or without a valid profile or tokenizer
     */
    public static VideoModel load(Path path, ModelOptions options) {
        return load(path, options, ModelMetadata.read(path));
    }

    /**
     * Loads an Avc-LM model whose metadata was just read from path: its keys are validated before llama.cpp sees
     * the file ({@link H264CodecFactory}), and the model keeps the metadata (no second read).
     *
     * @throws JpeglmException for files that do not load ({@link Model#load}) and, with {@link ErrorCode#FORMAT},
     *     for a file of another codec (named) or without a valid profile or tokenizer
     */
    public static VideoModel load(Path path, ModelOptions options, ModelMetadata metadata) {
        CodecModel<Video, GeneratedVideo> loaded = CodecModel.load(path, options, metadata, new H264CodecFactory());
        return new VideoModel(loaded.model(), ((H264Codec) loaded.codec()).spec());
    }

    /** A video model over an already loaded model; closing it closes the model. */
    public static VideoModel of(Model model, VideoLmSpec spec) {
        return new VideoModel(Objects.requireNonNull(model, "model"), Objects.requireNonNull(spec, "spec"));
    }

    public Model model() {
        return model;
    }

    /**
     * This model as the codec-neutral API sees it: the model and the h264 codec of its spec, running ffmpeg as the
     * system's settings say now ({@link Ffmpeg#system()}, read here as each {@link #newGenerator} reads them, not at
     * load). A view: closing it closes this model.
     */
    public CodecModel<Video, GeneratedVideo> codecModel() {
        return CodecModel.of(model, H264Codec.of(spec, Ffmpeg.system()));
    }

    public VideoLmSpec spec() {
        return spec;
    }

    public VideoProfile profile() {
        return spec.profile();
    }

    public BpeTokenizer tokenizer() {
        return spec.tokenizer();
    }

    /** A generator (one llama.cpp context of options.parallel sequences) for the calling thread. */
    public VideoGenerator newGenerator(VideoOptions options) {
        return new VideoGenerator(this, Objects.requireNonNull(options, "options"));
    }

    /** Closes the model; generators must be closed first. */
    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "VideoModel[" + model.path().getFileName() + ", " + spec.profile() + "]";
    }
}
