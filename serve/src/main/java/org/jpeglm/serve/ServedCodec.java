package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jpeglm.SamplingParams;
import org.jpeglm.avclm.GeneratedVideo;
import org.jpeglm.avclm.H264Codec;
import org.jpeglm.avclm.VideoModel;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.codec.Cut;
import org.jpeglm.codec.Generated;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.igpt.GeneratedPixels;
import org.jpeglm.codec.igpt.PixelCodec;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.image.JpegCodec;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.serve.RequestFields.Kind;
import org.jpeglm.video.FfmpegException;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoProfile;
import org.jpeglm.video.VideoWriters;

/**
 * What the server's one set of handlers needs of one codec, so that the same request parsing, counting, queue and heap
 * answers, scoring and JSON serve every codec: the fields its requests take and refuse, how a completion cuts its
 * prompts, how uploads are read, the files it answers with, and the heap each result holds. {@link #of} is the one
 * place that knows which codecs are served and how: jpeg, igpt and bpe-igpt at the image routes (OpenAI's image API),
 * h264 at the video routes.
 *
 * @param <A> the codec's artefact: what a prompt or a scored upload is
 * @param <R> the codec's result
 */
interface ServedCodec<A, R extends Generated> {
    /** A codec model as it is served: typed, its service's options, and its served form once its facts are known. */
    record Serving<A, R extends Generated>(
            CodecModel<A, R> model,
            GenerationOptions options,
            Function<Integer, ServedModel> facts,
            Function<ServedModel, ServedCodec<A, R>> form) {}

    /**
     * How model is served, its requests' defaults from service: the served-codec table.
     *
     * @throws IllegalArgumentException for a codec this server does not serve, naming it
     */
    @SuppressWarnings("unchecked") // each codec's type fixes its artefact and result
    static Serving<?, ?> of(CodecModel<?, ?> model, GenerationOptions service, ServeOptions options) {
        return switch (model.codec()) {
            case JpegCodec c -> {
                JpegProfile p = c.spec().profile();
                yield new Serving<>(
                        (CodecModel<BufferedImage, GeneratedImage>) model,
                        service,
                        context -> ServedModel.of(model, p, null, null, context),
                        served -> jpeg(served, options));
            }
            case PixelCodec c ->
                new Serving<>(
                        (CodecModel<BufferedImage, GeneratedPixels>) model,
                        service,
                        context -> ServedModel.of(model, null, c.profile(), null, context),
                        served -> pixels(served, options));
            case H264Codec c ->
                new Serving<>(
                        (CodecModel<Video, GeneratedVideo>) model,
                        VideoModel.options(service).build(), // a video's sampling, no grammar
                        context -> ServedModel.of(model, null, null, c.profile(), context),
                        ServedCodec::h264);
            default ->
                throw new IllegalArgumentException("codec " + model.codec().name()
                        + " is not served (this server serves jpeg, igpt, bpe-igpt and h264)");
        };
    }

    /** What one result is: "image", "video". */
    String noun();

    /**
     * Whether its routes are OpenAI's image API: revised_prompt, OpenAI's stream events, previews and the image options
     * (a video's stream has jpeglm's progress, video and done events only).
     */
    default boolean imageApi() {
        return true;
    }

    /** The fields of its generations (completion false) or completions, each refused by name if it has none. */
    default Map<String, Kind> fields(boolean completion) {
        return completion ? GenerationParams.COMPLETION_FIELDS : GenerationParams.GENERATION_FIELDS;
    }

    /** Refuses, by name, the fields of f another codec's requests take that mean nothing for this one. */
    default void refuseOthers(RequestFields f) {}

    /** The sampling a request starts from. */
    default SamplingParams sampling() {
        return GenerationOptions.DEFAULT_SAMPLING;
    }

    /** How a completion request (f) cuts its prompts: the share of an image kept (ratio), or the frames kept. */
    default Cut cut(RequestFields f) {
        return Cut.share(f.number("ratio", 0.5, r -> r >= 0 && r <= 1, "0 to 1"));
    }

    /** The field uploads come in ("image", "video"). */
    default String uploadField() {
        return noun();
    }

    /** Reads uploads into artefacts, a bad one a 4xx naming its field. */
    Uploads<A> uploads();

    /** What results and uploads are like, for a refusal: "32x32", "64x64, 15 frames". */
    String shape();

    /** One result as a startup refusal names it: "32x32 image". */
    String one();

    /** The output formats a request may ask for, the default first. */
    List<String> formats();

    /** The media type of a file in format. */
    default String mediaType(String format) {
        return "image/" + format;
    }

    /** The result's file in format (one of {@link #formats()}); null when it makes none (see {@link #noFile}). */
    byte[] file(R result, String format);

    /** Why result makes no file in format, and what to ask instead. */
    default String noFile(R result, String format) {
        return "it made none";
    }

    /** A preview's file (as the codec made it) in format. */
    default byte[] preview(byte[] file, String format) {
        return file;
    }

    /** What is said of a result: the CLI's summary ({@link Generated#summary()}) and what the server adds. */
    default ObjectNode summary(R result) {
        return Json.object(result);
    }

    /** Heap bytes one result holds until its request is answered, its file in format included. */
    long bytesPerResult(String format);

    /** Heap bytes one decoded prompt or scored upload holds. */
    long decodedBytes();

    /** A jpeg model's images: the model's JPEG (repaired) by default, or PNG. */
    static ServedCodec<BufferedImage, GeneratedImage> jpeg(ServedModel model, ServeOptions options) {
        JpegProfile profile = model.profile();
        UploadedImages uploads = new UploadedImages(options.maxImagePixels());
        return new Images<>(model, uploads) {
            @Override
            public List<String> formats() {
                return List.of("jpeg", "png");
            }

            @Override
            public byte[] file(GeneratedImage img, String format) {
                return format.equals("png") ? JpegImages.png(img.image()) : img.jpeg();
            }

            /** The engine's repaired partial JPEG as it is (nothing to decode or encode), or decoded into PNG. */
            @Override
            public byte[] preview(byte[] jpeg, String format) {
                return format.equals("png") ? JpegImages.png(JpegImages.decode(jpeg)) : jpeg;
            }

            @Override
            public ObjectNode summary(GeneratedImage img) {
                return Json.object(img).put("prompt_tokens", img.promptTokens());
            }

            /**
             * The image as the service keeps it, and its file three times as the answer carries it (base64 text, then
             * the answer's bytes); a file is a byte a pixel at most as JPEG (generous for quality 25, as
             * {@link GeneratedImage#heapBytes} is), three as PNG.
             */
            @Override
            public long bytesPerResult(String format) {
                long pixels = (long) profile.width() * profile.height();
                long file = (format.equals("png") ? 3 * pixels : pixels) + 1024;
                return GeneratedImage.heapBytes(profile) + 3 * file;
            }

            @Override
            public long decodedBytes() {
                return GeneratedImage.decodedBytes(profile);
            }
        };
    }

    /** A pixel model's images (igpt, bpe-igpt): PNG only, previews the codec's PNGs of the rows so far. */
    static ServedCodec<BufferedImage, GeneratedPixels> pixels(ServedModel model, ServeOptions options) {
        UploadedImages uploads = new UploadedImages(options.maxImagePixels());
        return new Images<>(model, uploads) {
            @Override
            public List<String> formats() {
                return List.of("png");
            }

            /**
             * A pixel model has no JPEG settings: quality (the model's JPEG quality) and preview_mcus (previews come a
             * row at a time, paced by preview_interval_ms or spaced by partial_images) are refused by name rather than
             * ignored.
             */
            @Override
            public void refuseOthers(RequestFields f) {
                for (String field : List.of("quality", "preview_mcus")) {
                    if (f.has(field)) {
                        throw ApiException.badField(
                                field,
                                field + " is a JPEG setting; " + model.id() + " is a pixel model (codec "
                                        + model.codec() + ") that writes " + shape() + " PNG images row by row: leave"
                                        + " it out");
                    }
                }
            }

            @Override
            public byte[] file(GeneratedPixels p, String format) {
                return JpegImages.png(p.image());
            }

            /**
             * The decoded image (an int a pixel, generous), the stream (a byte a pixel) and the PNG three times as the
             * answer carries it (a file, base64 text, the answer's bytes; at most 3 bytes a pixel).
             */
            @Override
            public long bytesPerResult(String format) {
                long pixels = (long) model.width() * model.height();
                return 4 * pixels + pixels + 3 * (3 * pixels + 1024);
            }

            @Override
            public long decodedBytes() {
                return 4L * model.width() * model.height();
            }
        };
    }

    /** What the codecs that make images share: the image routes, uploads read by ImageIO, one size. */
    abstract class Images<R extends Generated> implements ServedCodec<BufferedImage, R> {
        final ServedModel model;
        private final UploadedImages uploads;

        Images(ServedModel model, UploadedImages uploads) {
            this.model = model;
            this.uploads = uploads;
        }

        @Override
        public String noun() {
            return "image";
        }

        @Override
        public Uploads<BufferedImage> uploads() {
            return uploads;
        }

        @Override
        public String shape() {
            return model.width() + "x" + model.height();
        }

        @Override
        public String one() {
            return shape() + " image";
        }
    }

    /**
     * A video model's videos (h264): finished videos as MP4 (the model's H.264 stream remuxed, not re-encoded), an
     * animated GIF or the raw H.264 stream, made on the request's thread; a stream tells the frames written and sends
     * each finished video (no previews); completions keep the uploads' first frames; the image routes' own options
     * refused by name.
     */
    static ServedCodec<Video, GeneratedVideo> h264(ServedModel model) {
        return new Videos(model);
    }

    /** {@link #h264}'s. */
    final class Videos implements ServedCodec<Video, GeneratedVideo> {
        /** The output formats, the default first, and their media types. */
        private static final Map<String, String> MEDIA_TYPES =
                Map.of("mp4", "video/mp4", "gif", "image/gif", "h264", "video/h264");

        /** Fields of the image endpoints that mean nothing for a video model: each refused by name. */
        static final List<String> IMAGE_ONLY = List.of(
                "constrained",
                "size",
                "quality",
                "style",
                "partial_images",
                "events",
                "preview_mcus",
                "preview_interval_ms",
                "image",
                "ratio");

        private static final Map<String, Kind> GENERATION_FIELDS = videoFields(false);
        private static final Map<String, Kind> COMPLETION_FIELDS = videoFields(true);

        private final ServedModel model;
        private final VideoProfile p;
        private final UploadedVideos uploads;
        private final VideoWriters writers = new VideoWriters();

        Videos(ServedModel model) {
            this.model = model;
            this.p = model.video();
            this.uploads = new UploadedVideos(p);
        }

        /** The video routes' fields: the image routes' common ones, a completion's videos and frames kept. */
        private static Map<String, Kind> videoFields(boolean completion) {
            Map<String, Kind> f = new LinkedHashMap<>();
            for (String name : List.of("model", "prompt", "user", "response_format", "output_format")) {
                f.put(name, Kind.STRING);
            }
            for (String name : List.of("n", "seed", "top_k", "max_tokens")) {
                f.put(name, Kind.INTEGER);
            }
            for (String name : List.of("temperature", "top_p", "min_p")) {
                f.put(name, Kind.NUMBER);
            }
            f.put("stream", Kind.BOOLEAN);
            if (completion) {
                f.put("video", Kind.IMAGES); // files, as the image endpoints' are
                f.put("frames", Kind.INTEGER);
            }
            for (String name : IMAGE_ONLY) { // read, so that each is refused by name rather than as unknown
                f.put(
                        name,
                        GenerationParams.COMPLETION_FIELDS.getOrDefault(
                                name, GenerationParams.GENERATION_FIELDS.get(name)));
            }
            return Collections.unmodifiableMap(f);
        }

        @Override
        public String noun() {
            return "video";
        }

        @Override
        public boolean imageApi() {
            return false;
        }

        @Override
        public Map<String, Kind> fields(boolean completion) {
            return completion ? COMPLETION_FIELDS : GENERATION_FIELDS;
        }

        @Override
        public void refuseOthers(RequestFields f) {
            for (String name : IMAGE_ONLY) {
                if (f.has(name)) {
                    throw ApiException.badField(
                            name,
                            name + " applies to image models only; " + model.id() + " is a video model (codec h264)");
                }
            }
        }

        /** The service's: a video's ({@link VideoModel#DEFAULT_SAMPLING}). */
        @Override
        public SamplingParams sampling() {
            return VideoModel.DEFAULT_SAMPLING;
        }

        /** The first frames kept byte for byte (default: half of the profile's, at least one). */
        @Override
        public Cut cut(RequestFields f) {
            return Cut.units((int) f.integer("frames", Math.max(1, p.frames() / 2), 1, p.frames() - 1));
        }

        @Override
        public Uploads<Video> uploads() {
            return uploads;
        }

        @Override
        public String shape() {
            return p.width() + "x" + p.height() + ", " + p.frames() + " frames";
        }

        @Override
        public String one() {
            return p.width() + "x" + p.height() + " video of " + p.frames() + " frames";
        }

        @Override
        public List<String> formats() {
            return List.of("mp4", "gif", "h264");
        }

        @Override
        public String mediaType(String format) {
            return MEDIA_TYPES.get(format);
        }

        /** v as format; null when its stream makes none (no decodable header for an MP4, no frame for a GIF). */
        @Override
        public byte[] file(GeneratedVideo v, String format) {
            try {
                return switch (format) {
                    case "h264" -> v.videoStream();
                    case "gif" -> v.video().isEmpty() ? null : writers.gif(v.video(), 1);
                    default -> writers.mp4(v.videoStream(), p);
                };
            } catch (FfmpegException e) {
                if (e.kind() == FfmpegException.Kind.FAILED || e.kind() == FfmpegException.Kind.BAD_OUTPUT) {
                    return null; // this stream's own fault: ffmpeg missing, hung or runaway fails the request below
                }
                throw new UncheckedIOException(e.getMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }

        @Override
        public String noFile(GeneratedVideo v, String format) {
            return format.equals("gif")
                    ? "the stream decoded to no frame"
                    : "ffmpeg cannot remux this stream (" + v.report().summary() + ")";
        }

        /**
         * The CLI's summary, the video's own seed as a string (64 bits: JavaScript would round the number; "seed" is
         * then the request's, with the index what makes the video again) and its prompt's tokens.
         */
        @Override
        public ObjectNode summary(GeneratedVideo v) {
            return Json.object(v).put("video_seed", Long.toString(v.seed())).put("prompt_tokens", v.promptTokens());
        }

        /**
         * Its decoded frames (4 bytes a pixel), its stream (at most the context's tokens, a few bytes each) and its
         * file three times as the answer carries it (base64 text, then the answer's bytes; a GIF is about a byte a
         * pixel, an MP4 the stream's size).
         */
        @Override
        public long bytesPerResult(String format) {
            long pixels = (long) p.width() * p.height() * p.frames();
            long stream = 8L * model.contextLength();
            return 4 * pixels + stream + 3 * (pixels + stream) + 64 * 1024;
        }

        /** An uploaded video once read: its frames at the profile's size, 4 bytes a pixel. */
        @Override
        public long decodedBytes() {
            return 4L * p.width() * p.height() * p.frames() + 64 * 1024;
        }
    }
}
