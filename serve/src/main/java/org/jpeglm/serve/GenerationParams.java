package org.jpeglm.serve;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jpeglm.SamplingParams;
import org.jpeglm.codec.Cut;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Previews;
import org.jpeglm.codec.Request;
import org.jpeglm.serve.RequestFields.Kind;

/**
 * A generation or completion request as the service runs it, and how its answer is shaped: one parser for every
 * codec, what differs read from its {@link ServedCodec}.
 *
 * @param <A> the codec's artefact (a completion's prompts)
 * @param request what the service generates
 * @param seed the request's seed (drawn at random when the client sent none, and reported back)
 * @param format the results' file format: one of the codec's ("jpeg", "png"; "mp4", "gif", "h264")
 * @param bytes answer with the file itself rather than JSON (one result, not streamed)
 * @param stream answer with Server-Sent Events
 * @param openAiEvents a stream of OpenAI's events ({@link OpenAiEvents}) rather than jpeglm's own
 * @param size the size the request asked for, as OpenAI's events repeat it: "auto" (also when it gave none) or the
 *     model's own
 * @param updates least time between two writes of a stream's progress and previews (preview_interval_ms; finished
 *     images go at once)
 * @param warnings what the answer says of fields that were taken but changed nothing ({@link OpenAiFields})
 */
record GenerationParams<A>(
        Request<A> request,
        long seed,
        String format,
        boolean bytes,
        boolean stream,
        boolean openAiEvents,
        String size,
        Duration updates,
        List<String> warnings) {
    private static final int DEFAULT_UPDATE_MILLIS = (int) ServeOptions.DEFAULT_PREVIEW_INTERVAL.toMillis();

    /**
     * The largest seed taken, and the largest drawn at random: 2^53 - 1, the largest integer JavaScript (and jq, and
     * any JSON reader that reads numbers as doubles) holds exactly. A larger one, read back from an answer by such a
     * client and sent again, would be another seed and make other images.
     */
    static final long MAX_SEED = (1L << 53) - 1;

    /** The fields of {@code POST /v1/images/generations}. */
    static final Map<String, Kind> GENERATION_FIELDS = fields(false);

    /** The fields of {@code POST /v1/images/completions}: the generation's, an image and a ratio. */
    static final Map<String, Kind> COMPLETION_FIELDS = fields(true);

    private static Map<String, Kind> fields(boolean completion) {
        Map<String, Kind> f = new LinkedHashMap<>();
        f.put("model", Kind.STRING);
        f.put("n", Kind.INTEGER);
        f.put("seed", Kind.INTEGER);
        f.put("temperature", Kind.NUMBER);
        f.put("top_k", Kind.INTEGER);
        f.put("top_p", Kind.NUMBER);
        f.put("min_p", Kind.NUMBER);
        f.put("constrained", Kind.BOOLEAN);
        f.put("max_tokens", Kind.INTEGER);
        f.put("size", Kind.STRING);
        f.put("response_format", Kind.STRING);
        f.put("output_format", Kind.STRING);
        f.put("stream", Kind.BOOLEAN);
        f.put("preview_mcus", Kind.INTEGER);
        f.put("preview_interval_ms", Kind.INTEGER);
        if (completion) {
            f.put("image", Kind.IMAGES);
            f.put("ratio", Kind.NUMBER);
        } else {
            OpenAiFields.addTo(f);
        }
        return Collections.unmodifiableMap(f);
    }

    /**
     * A generation (completion false) or completion request from fields, for s's codec; its model and options bound
     * it, the codec's defaults (sampling, a random seed, the context as the token limit) fill what the fields do not
     * say. A completion makes n samples of each
     * upload in the codec's field ("image", "video"), cut as the codec reads the request (the top ratio of an image's
     * MCUs or rows, a video's first frames); its prompts are decoded here, once the cheap checks passed.
     */
    static <A> GenerationParams<A> read(RequestFields f, boolean completion, Served<A, ?> s) {
        ServedModel model = s.model();
        ServedCodec<A, ?> served = s.codec();
        ServeOptions limits = s.options();
        GenerationOptions defaults = s.service().options();
        served.refuseOthers(f);
        if (!completion) {
            int n = (int) f.integer("n", 1, 1, limits.maxImagesPerRequest());
            List<String> warnings = OpenAiFields.check(f, model);
            return of(f, model, served, Request.generate(n, defaults), warnings);
        }
        f.text("model", model.id()); // any name is taken: one model is served (llama-server does the same)
        Cut cut = served.cut(f);
        int n = (int) f.integer("n", 1, 1, limits.maxImagesPerRequest());
        List<A> prompts = prompts(f, served, n, limits.maxImagesPerRequest());
        // OpenAI's fields where the endpoint takes them (the video routes' completions do)
        List<String> warnings = served.fields(true).containsKey("prompt") ? OpenAiFields.check(f, model) : List.of();
        return of(f, model, served, Request.complete(prompts, cut, defaults), warnings);
    }

    /** Each upload n times; at most max in all. */
    private static <A> List<A> prompts(RequestFields f, ServedCodec<A, ?> served, int n, int max) {
        String field = served.uploadField();
        List<byte[]> files = f.files(field, served.noun());
        if ((long) n * files.size() > max) {
            throw ApiException.badField(
                    "n",
                    files.size() + " " + served.noun() + "s x n " + n + " = " + (long) n * files.size()
                            + " completions; this server makes at most " + max + " per request");
        }
        List<A> prompts = new ArrayList<>();
        for (A upload : served.uploads().decode(field, files)) {
            prompts.addAll(Collections.nCopies(n, upload));
        }
        return prompts;
    }

    private static <A> GenerationParams<A> of(
            RequestFields f,
            ServedModel model,
            ServedCodec<A, ?> served,
            Request.Builder<A> builder,
            List<String> warnings) {
        String size = served.imageApi() ? checkSize(f, model) : "auto";
        long seed = seed(f);
        SamplingParams sampling = sampling(f, seed, served.sampling());
        int maxTokens = maxTokens(f, model);
        boolean stream = f.bool("stream", false);
        boolean openAiEvents = served.imageApi() && OpenAiFields.openAiEvents(f); // OpenAI has no video events
        Duration updates = Duration.ofMillis(f.integer("preview_interval_ms", DEFAULT_UPDATE_MILLIS, 0, 60_000));
        List<String> formats = served.formats();
        String format = f.choice("output_format", formats.getFirst(), formats);
        boolean bytes = responseFormat(f).equals("bytes");
        builder.seed(seed).sampling(sampling).maxTokens(maxTokens);
        if (served.imageApi()) { // a video has no grammar to turn off, nor previews
            builder.constrained(f.bool("constrained", true))
                    .previews(previews(f, model, stream, openAiEvents, updates));
        }
        Request<A> request = builder.build();
        if (bytes && (stream || request.count() != 1)) {
            throw ApiException.badField(
                    "response_format",
                    "response_format \"bytes\" answers with one " + served.noun()
                            + " file: it needs n 1 and no stream");
        }
        return new GenerationParams<>(request, seed, format, bytes, stream, openAiEvents, size, updates, warnings);
    }

    /** temperature, top_k, top_p and min_p, each checked; the others as d. */
    static SamplingParams sampling(RequestFields f, long seed, SamplingParams d) {
        return SamplingParams.builder()
                .temperature(
                        (float) f.number("temperature", d.temperature(), t -> t >= 0 && t <= 100, "0 (greedy) to 100"))
                .topK((int) f.integer("top_k", d.topK(), 0, Integer.MAX_VALUE))
                .topP((float) f.number("top_p", d.topP(), p -> p > 0 && p <= 1, "above 0 and at most 1"))
                .minP((float) f.number("min_p", d.minP(), p -> p >= 0 && p <= 1, "0 to 1"))
                .seed(seed)
                .build();
    }

    /** max_tokens: 1 to the context less BOS; 0 (none sent) for as many as the context allows. */
    static int maxTokens(RequestFields f, ServedModel model) {
        return (int) f.integer("max_tokens", 0, 1, model.contextLength() - 1);
    }

    /** The request's seed, in [-MAX_SEED, MAX_SEED]; one drawn in [0, MAX_SEED] when it gave none. */
    static long seed(RequestFields f) {
        if (!f.has("seed")) {
            return ThreadLocalRandom.current().nextLong(MAX_SEED + 1);
        }
        long seed = f.integer("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        if (seed > MAX_SEED || seed < -MAX_SEED) {
            throw ApiException.badField(
                    "seed",
                    "seed must be -" + MAX_SEED + " to " + MAX_SEED + " (2^53 - 1: JavaScript and jq round larger "
                            + "numbers, so the seed an answer reports would not make these images again), got "
                            + seed);
        }
        return seed;
    }

    /** b64_json (OpenAI's), or bytes (the file itself); url is refused: this server keeps no image files to link. */
    static String responseFormat(RequestFields f) {
        String format = f.choice("response_format", "b64_json", List.of("b64_json", "bytes", "url"));
        if (format.equals("url")) {
            throw ApiException.badField(
                    "response_format",
                    "response_format \"url\" is not served: this server keeps no files to link to; ask for "
                            + "\"b64_json\" (the default: the files in the answer) or \"bytes\" (one file)");
        }
        return format;
    }

    /**
     * OpenAI's clients send a size ("auto" among them); this model makes one size only. Returns the size asked for
     * ("auto" when none).
     */
    private static String checkSize(RequestFields f, ServedModel model) {
        String own = model.width() + "x" + model.height();
        String size = f.text("size", "auto");
        if (!size.equals(own) && !size.equals("auto")) {
            throw ApiException.badField(
                    "size",
                    model.id() + " makes " + own + " images only, not " + size + ": send size \"" + own
                            + "\" or \"auto\", or none");
        }
        return size;
    }

    /**
     * Previews for streams only; preview_mcus 0 turns them off. Default: each MCU row (a pixel model: each row), at most every updates
     * (preview_interval_ms, which paces a stream's progress writes too: each write wakes a thread on the server and one
     * on the client, which on a small machine take the cores from the generation) — the image fills in row by row, and
     * previews stay a small share of the work (each is a copy and a repair of the stream so far). A stream of OpenAI's
     * events has partial_images previews an image (OpenAI's default: none), evenly spaced.
     */
    private static Previews previews(
            RequestFields f, ServedModel model, boolean stream, boolean openAi, Duration updates) {
        int partials = (int) f.integer("partial_images", 0, 0, OpenAiFields.MAX_PARTIAL_IMAGES);
        int byDefault = openAi || f.has("partial_images") ? spacing(model.units(), partials) : model.unitsPerRow();
        int every = (int) f.integer("preview_mcus", byDefault, 0, model.units());
        return stream && every > 0 ? Previews.every(every, updates) : Previews.NONE;
    }

    /** MCUs between previews for count previews evenly spaced in an image of mcus (0: none). */
    private static int spacing(int mcus, int count) {
        return count == 0 ? 0 : Math.max(1, (mcus + count) / (count + 1));
    }
}
