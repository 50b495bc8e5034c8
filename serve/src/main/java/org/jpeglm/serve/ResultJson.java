package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.List;
import org.jpeglm.codec.Event;
import org.jpeglm.codec.Generated;

/**
 * The JSON of results (images, videos) and of the stream's events, for every codec: one place for the names clients
 * read.
 *
 * @param <R> the codec's result
 */
final class ResultJson<R extends Generated> {
    private final ServedCodec<?, R> served;
    private final String units; // "mcus", "rows"

    ResultJson(ServedCodec<?, R> served, ServedModel model) {
        this.served = served;
        this.units = model.unitKey();
    }

    /**
     * A finished result of a request with seed: its summary, the request's seed (with the index, what makes the result
     * again) and the file in format in base64, or null with the reason when it makes none.
     */
    ObjectNode result(R r, String format, long seed) {
        ObjectNode e = served.summary(r).put("seed", seed).put("output_format", format);
        byte[] file = served.file(r, format);
        if (file == null) {
            return e.putNull("b64_json").put("file_error", served.noFile(r, format));
        }
        return e.put("b64_json", Base64.getEncoder().encodeToString(file));
    }

    ObjectNode progress(Event.Progress<R> p) {
        return Json.object()
                .put("index", p.index())
                .put("tokens", p.tokens())
                .put(units, p.units())
                .put("total_" + units, p.totalUnits());
    }

    /** A preview, in the format the request asked its images in ({@link ServedCodec#preview}). */
    ObjectNode preview(Event.Preview<R> p, String format) {
        return Json.object()
                .put("index", p.index())
                .put(units, p.units())
                .put("total_" + units, p.totalUnits())
                .put("output_format", format)
                .put("b64_json", Base64.getEncoder().encodeToString(served.preview(p.file(), format)));
    }

    /**
     * The totals of a finished request: jpeglm's (images or videos, clean, tokens generated, seed, seconds, tokens/s)
     * and OpenAI's usage (input: the prompts' tokens, all image tokens; output: the tokens generated).
     */
    ObjectNode done(List<R> results, long seed, double seconds) {
        long tokens = results.stream().mapToLong(Generated::tokens).sum();
        long prompts = results.stream().mapToLong(Generated::promptTokens).sum();
        long clean = results.stream().filter(Generated::clean).count();
        ObjectNode done = Json.object()
                .put(served.noun() + "s", results.size())
                .put("clean", clean)
                .put("tokens", tokens)
                .put("seed", seed)
                .put("seconds", seconds)
                .put("tokens_per_second", seconds > 0 ? tokens / seconds : 0);
        return done.setAll(usage(prompts, tokens));
    }

    /** OpenAI's usage of one image. */
    ObjectNode usage(R img) {
        return usage(img.promptTokens(), img.tokens());
    }

    /** OpenAI's usage: input (the prompts' tokens, all image tokens: no text), output (the tokens generated), total. */
    static ObjectNode usage(long prompts, long generated) {
        ObjectNode usage = Json.object()
                .put("input_tokens", prompts)
                .put("output_tokens", generated)
                .put("total_tokens", prompts + generated);
        usage.putObject("input_tokens_details").put("text_tokens", 0).put("image_tokens", prompts);
        return usage;
    }

    /**
     * The non-streamed answer in the shape OpenAI's clients read: {@code created}, {@code data} (each result's
     * {@code b64_json} and, for images, {@code revised_prompt}, empty: no text was used; jpeglm's summary beside them),
     * {@code output_format}, {@code usage} (OpenAI's token counts and jpeglm's totals) and, when fields were taken that
     * changed nothing, {@code warnings}.
     */
    ObjectNode response(List<R> results, GenerationParams<?> params, double seconds) {
        ArrayNode data = Json.array();
        for (R r : results) {
            ObjectNode e = result(r, params.format(), params.seed());
            data.add(served.imageApi() ? e.put("revised_prompt", "") : e);
        }
        ObjectNode body = Json.object().put("created", System.currentTimeMillis() / 1000);
        body.set("data", data);
        body.put("output_format", params.format());
        body.set("usage", done(results, params.seed(), seconds));
        if (!params.warnings().isEmpty()) {
            params.warnings().forEach(body.putArray("warnings")::add);
        }
        return body;
    }
}
