package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jpeglm.codec.igpt.GeneratedPixels;
import org.jpeglm.image.GeneratedImage;

/** What is said of a generated image, in the same words by the server's answers and the CLI's summary.json. */
public final class ImageSummary {
    private ImageSummary() {}

    /**
     * index, image_seed, tokens, stop, clean, decodable, repair, bytes (of the model's stream) and ms. The image's
     * own sampling seed (derived from the request's seed and the index: those two make the image again) spans 64
     * bits, so it is written as a string: JavaScript and jq would round the number.
     */
    public static ObjectNode of(GeneratedImage img) {
        return JsonNodeFactory.instance
                .objectNode()
                .put("index", img.index())
                .put("image_seed", Long.toString(img.seed()))
                .put("tokens", img.tokens())
                .put("stop", img.stop().name())
                .put("clean", img.clean())
                .put("decodable", img.repair().decodable())
                .put("repair", img.repair().summary())
                .put("bytes", img.stream().length)
                .put("ms", img.time().toMillis());
    }

    /**
     * index, image_seed, tokens, prompt_tokens, stop, clean, pixels (written), missing, extra and ms of an image a
     * pixel model (igpt, bpe-igpt) wrote.
     */
    public static ObjectNode of(GeneratedPixels p) {
        return JsonNodeFactory.instance
                .objectNode()
                .put("index", p.index())
                .put("image_seed", Long.toString(p.seed()))
                .put("tokens", p.tokens())
                .put("prompt_tokens", p.promptTokens())
                .put("stop", p.stop().name())
                .put("clean", p.clean())
                .put("pixels", p.report().pixels())
                .put("missing", p.report().missing())
                .put("extra", p.report().extra())
                .put("ms", p.time().toMillis());
    }
}
