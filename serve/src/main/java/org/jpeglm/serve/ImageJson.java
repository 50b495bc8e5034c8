package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.List;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.image.ImageEvent;
import org.jpeglm.jpeg.JpegImages;

/** The JSON of images and of the stream's events: one place for the names clients read. */
final class ImageJson {
    private ImageJson() {}

    /**
     * A finished image of a request with seed: its summary, the request's seed (with the index, what makes the image
     * again) and the file (the model's JPEG, or PNG) in base64.
     */
    static ObjectNode image(GeneratedImage img, boolean png, long seed) {
        return summary(img)
                .put("seed", seed)
                .put("output_format", png ? "png" : "jpeg")
                .put("b64_json", Base64.getEncoder().encodeToString(file(img, png)));
    }

    /** The image file: the repaired, decodable JPEG the model wrote, or the decoded image as PNG. */
    static byte[] file(GeneratedImage img, boolean png) {
        return png ? JpegImages.png(img.image()) : img.jpeg();
    }

    /** The CLI's summary of an image, and its prompt's tokens. */
    static ObjectNode summary(GeneratedImage img) {
        return ImageSummary.of(img).put("prompt_tokens", img.promptTokens());
    }

    static ObjectNode progress(ImageEvent.Progress p) {
        return Json.object()
                .put("index", p.index())
                .put("tokens", p.tokens())
                .put("mcus", p.mcus())
                .put("total_mcus", p.totalMcus());
    }

    /**
     * A preview, in the format the request asked its images in: the engine's repaired partial JPEG as it is (its
     * finished MCUs decode as the final JPEG's do; nothing to decode or encode here), or decoded into PNG.
     */
    static ObjectNode preview(ImageEvent.Preview p, boolean png) {
        byte[] file = png ? JpegImages.png(p.image()) : p.jpeg();
        return Json.object()
                .put("index", p.index())
                .put("mcus", p.mcus())
                .put("total_mcus", p.totalMcus())
                .put("output_format", png ? "png" : "jpeg")
                .put("b64_json", Base64.getEncoder().encodeToString(file));
    }

    /**
     * The totals of a finished request: jpeglm's (images, clean, tokens generated, seed, seconds, tokens/s) and
     * OpenAI's usage (input: the prompts' tokens, all image tokens; output: the tokens generated).
     */
    static ObjectNode done(List<GeneratedImage> images, long seed, double seconds) {
        long tokens = images.stream().mapToLong(GeneratedImage::tokens).sum();
        long prompts = images.stream().mapToLong(GeneratedImage::promptTokens).sum();
        long clean = images.stream().filter(GeneratedImage::clean).count();
        ObjectNode done = Json.object()
                .put("images", images.size())
                .put("clean", clean)
                .put("tokens", tokens)
                .put("seed", seed)
                .put("seconds", seconds)
                .put("tokens_per_second", seconds > 0 ? tokens / seconds : 0);
        return done.setAll(usage(prompts, tokens));
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
     * The non-streamed answer in the shape OpenAI's clients read: {@code created}, {@code data} (each image's
     * {@code b64_json} and {@code revised_prompt}, empty: no text was used; jpeglm's summary beside them),
     * {@code output_format}, {@code usage} (OpenAI's token counts and jpeglm's totals) and, when fields were taken that
     * changed nothing, {@code warnings}.
     */
    static ObjectNode response(List<GeneratedImage> images, GenerationParams params, double seconds) {
        ArrayNode data = Json.array();
        images.forEach(img -> data.add(image(img, params.png(), params.seed()).put("revised_prompt", "")));
        ObjectNode body = Json.object().put("created", System.currentTimeMillis() / 1000);
        body.set("data", data);
        body.put("output_format", params.png() ? "png" : "jpeg");
        body.set("usage", done(images, params.seed(), seconds));
        if (!params.warnings().isEmpty()) {
            params.warnings().forEach(body.putArray("warnings")::add);
        }
        return body;
    }
}
