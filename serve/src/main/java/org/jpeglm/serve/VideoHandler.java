package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jpeglm.avclm.GeneratedVideo;
import org.jpeglm.codec.Cut;
import org.jpeglm.codec.Request;
import org.jpeglm.codec.Service;
import org.jpeglm.codec.Task;
import org.jpeglm.serve.RequestFields.Kind;
import org.jpeglm.video.FfmpegException;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoProfile;
import org.jpeglm.video.VideoWriters;

/**
 * {@code POST /v1/videos/generations} and {@code /v1/videos/completions}: a video model's finished videos (from
 * nothing, or continuing uploaded videos from their first frames), as MP4 (the model's H.264 stream remuxed, not
 * re-encoded), an animated GIF or the raw H.264 stream, in the JSON shape of the image endpoint ({@code data}, each
 * video's {@code b64_json} and summary, {@code usage}) or as one file ({@code response_format: "bytes"}). The
 * service writes the streams in its batch and decodes them off its scheduler; the files are made here, on the
 * request's thread. No stream of events: a video is answered once finished. The image endpoints' own options are
 * refused by name.
 */
final class VideoHandler {
    /** The output formats, the default first, and their media types. */
    static final Map<String, String> FORMATS = Map.of("mp4", "video/mp4", "gif", "image/gif", "h264", "video/h264");

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

    /** The fields of {@code POST /v1/videos/generations}. */
    static final Map<String, Kind> GENERATION_FIELDS = fields(false);

    /** The fields of {@code POST /v1/videos/completions}: the generation's, the videos and the frames kept. */
    static final Map<String, Kind> COMPLETION_FIELDS = fields(true);

    private final Service<Video, GeneratedVideo> service;
    private final ServedModel model;
    private final ServeOptions options;
    private final Metrics metrics;
    private final HeapBudget heap;
    private final VideoWriters writers = new VideoWriters();
    private final UploadedVideos uploads;

    VideoHandler(
            Service<Video, GeneratedVideo> service,
            ServedModel model,
            ServeOptions options,
            Metrics metrics,
            HeapBudget heap) {
        this.service = service;
        this.model = model;
        this.options = options;
        this.metrics = metrics;
        this.heap = heap;
        this.uploads = new UploadedVideos(model.video());
    }

    private static Map<String, Kind> fields(boolean completion) {
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

    void generations(Context ctx) throws Exception {
        RequestFields f = RequestFields.read(ctx, GENERATION_FIELDS, options.maxBodyBytes());
        refuseImageOnly(f);
        int n = (int) f.integer("n", 1, 1, options.maxImagesPerRequest());
        run(ctx, f, service.request(n), n, 0);
    }

    /**
     * n completions of each video in the "video" field, its first frames kept byte for byte (default: half of the
     * profile's, at least one). The uploads are read by ffmpeg here, once the cheap checks passed.
     */
    void completions(Context ctx) throws Exception {
        RequestFields f = RequestFields.read(ctx, COMPLETION_FIELDS, options.maxBodyBytes());
        refuseImageOnly(f);
        VideoProfile p = model.video();
        int frames = (int) f.integer("frames", Math.max(1, p.frames() / 2), 1, p.frames() - 1);
        int n = (int) f.integer("n", 1, 1, options.maxImagesPerRequest());
        List<byte[]> files = f.files("video", "video");
        if ((long) n * files.size() > options.maxImagesPerRequest()) {
            throw ApiException.badField(
                    "n",
                    files.size() + " videos x n " + n + " = " + (long) n * files.size()
                            + " completions; this server makes at most " + options.maxImagesPerRequest()
                            + " per request");
        }
        List<Video> prompts = new ArrayList<>();
        for (Video video : uploads.decode("video", files)) {
            prompts.addAll(Collections.nCopies(n, video));
        }
        run(ctx, f, service.completion(prompts, Cut.units(frames)), prompts.size(), bytesPerPrompt(p));
    }

    private void refuseImageOnly(RequestFields f) {
        for (String name : IMAGE_ONLY) {
            if (f.has(name)) {
                throw ApiException.badField(
                        name, name + " applies to image models only; " + model.id() + " is a video model (codec h264)");
            }
        }
    }

    /** The request's options read from f into request, checked, its heap reserved, and answered. */
    private void run(Context ctx, RequestFields f, Request.Builder<Video> request, int count, long promptBytes)
            throws Exception {
        List<String> warnings = OpenAiFields.check(f, model);
        long seed = GenerationParams.seed(f);
        request.seed(seed) // the defaults are the service's: generate's for videos
                .sampling(GenerationParams.sampling(f, seed, service.options().sampling()))
                .maxTokens(GenerationParams.maxTokens(f, model));
        String format = f.choice("output_format", "mp4", List.of("mp4", "gif", "h264"));
        boolean bytes = GenerationParams.responseFormat(f).equals("bytes");
        if (f.bool("stream", false)) {
            throw ApiException.badField(
                    "stream", "videos are answered once finished (no events): leave stream out, or false");
        }
        if (bytes && count != 1) {
            throw ApiException.badField(
                    "response_format", "response_format \"bytes\" answers with one video file: it needs n 1");
        }
        VideoProfile p = model.video();
        try (HeapBudget.Reservation reserved = heap.reserve(
                count,
                bytesPerVideo(p, model.contextLength()) + promptBytes,
                "n",
                "videos of " + p.width() + "x" + p.height() + ", " + p.frames() + " frames",
                GenerationHandler.retryAfter(service.stats()))) {
            answer(ctx, request.build(), seed, format, bytes, warnings);
        }
    }

    private void answer(
            Context ctx, Request<Video> request, long seed, String format, boolean bytes, List<String> warnings)
            throws Exception {
        long started = System.nanoTime();
        Task<GeneratedVideo> task =
                GenerationHandler.submit(() -> service.submit(request, event -> {}), service, options);
        List<GeneratedVideo> videos;
        ClientWatch watch = ClientWatch.start(ctx.req(), GenerationHandler.leaving(task, metrics));
        try {
            videos = GenerationHandler.await(task.result(), metrics, "generation");
        } catch (ApiException e) {
            if (watch.clientGone()) {
                ctx.status(GenerationHandler.CLIENT_CLOSED); // nobody reads the answer: the status is for the metrics
                return;
            }
            throw e;
        } finally {
            watch.close(); // before the answer: Jetty must be free to read the connection after it
            if (!task.isDone()) {
                task.cancel();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        ctx.attribute(AccessLog.IMAGES, videos.size());
        if (bytes) {
            GeneratedVideo v = videos.getFirst();
            byte[] file = file(v, format);
            if (file == null) {
                throw new ApiException(
                        500,
                        "output_format",
                        "video 0 (seed " + seed + ") decoded to no " + format + ": " + why(v, format)
                                + "; ask output_format \"h264\" for the stream as written");
            }
            ctx.contentType(FORMATS.get(format))
                    .header("X-Jpeglm-Seed", Long.toString(seed))
                    .result(file);
            return;
        }
        ctx.contentType("application/json").result(Json.bytes(response(videos, seed, format, seconds, warnings)));
    }

    /** The image endpoint's shape: created, data (each video's summary and file), output_format, usage, warnings. */
    private ObjectNode response(
            List<GeneratedVideo> videos, long seed, String format, double seconds, List<String> warnings) {
        ArrayNode data = Json.array();
        long tokens = 0;
        long prompts = 0;
        long clean = 0;
        for (GeneratedVideo v : videos) {
            data.add(entry(v, seed, format));
            tokens += v.tokens();
            prompts += v.promptTokens();
            clean += v.clean() ? 1 : 0;
        }
        ObjectNode body = Json.object().put("created", System.currentTimeMillis() / 1000);
        body.set("data", data);
        body.put("output_format", format);
        ObjectNode usage = Json.object()
                .put("videos", videos.size())
                .put("clean", clean)
                .put("tokens", tokens)
                .put("seed", seed)
                .put("seconds", seconds)
                .put("tokens_per_second", seconds > 0 ? tokens / seconds : 0);
        body.set("usage", usage.setAll(ImageJson.usage(prompts, tokens)));
        if (!warnings.isEmpty()) {
            warnings.forEach(body.putArray("warnings")::add);
        }
        return body;
    }

    /**
     * One video: the CLI's summary ({@link GeneratedVideo#summary()}), the request's seed (with the index, what makes the video
     * again), the video's own seed as a string (64 bits: JavaScript would round the number), and its file in base64,
     * or null with the reason when this stream makes none.
     */
    private ObjectNode entry(GeneratedVideo v, long seed, String format) {
        ObjectNode e = Json.object(v)
                .put("video_seed", Long.toString(v.seed()))
                .put("seed", seed)
                .put("prompt_tokens", v.promptTokens())
                .put("output_format", format);
        byte[] file = file(v, format);
        if (file == null) {
            e.putNull("b64_json").put("file_error", why(v, format));
        } else {
            e.put("b64_json", Base64.getEncoder().encodeToString(file));
        }
        return e;
    }

    /** v as format; null when its stream makes none (no decodable header for an MP4, no frame for a GIF). */
    private byte[] file(GeneratedVideo v, String format) {
        try {
            return switch (format) {
                case "h264" -> v.videoStream();
                case "gif" -> v.video().isEmpty() ? null : writers.gif(v.video(), 1);
                default -> writers.mp4(v.videoStream(), model.video());
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

    private static String why(GeneratedVideo v, String format) {
        return format.equals("gif")
                ? "the stream decoded to no frame"
                : "ffmpeg cannot remux this stream (" + v.report().summary() + ")";
    }

    /**
     * Heap bytes one video holds until its request is answered: its decoded frames (4 bytes a pixel), its stream (at
     * most the context's tokens, a few bytes each) and its file three times as the answer carries it (base64 text,
     * then the answer's bytes; a GIF is about a byte a pixel, an MP4 the stream's size).
     */
    /** Heap bytes one uploaded video holds once read: its frames at the profile's size, 4 bytes a pixel. */
    static long bytesPerPrompt(VideoProfile p) {
        return 4L * p.width() * p.height() * p.frames() + 64 * 1024;
    }

    static long bytesPerVideo(VideoProfile p, int contextLength) {
        long pixels = (long) p.width() * p.height() * p.frames();
        long stream = 8L * contextLength;
        return 4 * pixels + stream + 3 * (pixels + stream) + 64 * 1024;
    }
}
