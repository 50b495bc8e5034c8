package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jpeglm.codec.igpt.GeneratedPixels;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.jpeg.JpegImages;

/**
 * What the image routes need of one codec's results, so that one handler serves every codec that makes images: the
 * files it answers with, the summary said of each, the token counts of the totals, and the heap each holds.
 *
 * @param <R> the codec's result: a {@link GeneratedImage} (jpeg) or {@link GeneratedPixels} (igpt, bpe-igpt)
 */
interface ServedImages<R> {
    /** The output formats a request may ask for, the default first. */
    List<String> formats();

    /** The result's file in format (one of {@link #formats()}). */
    byte[] file(R result, String format);

    /** A preview's file (as the codec made it) in format. */
    byte[] preview(byte[] file, String format);

    /** What is said of a result: the CLI's summary, and its prompt's tokens. */
    ObjectNode summary(R result);

    int tokens(R result);

    int promptTokens(R result);

    boolean clean(R result);

    /** Heap bytes one result holds until its request is answered, its file in format included. */
    long bytesPerImage(String format);

    /** Heap bytes one decoded prompt or scored upload holds. */
    long decodedBytes();

    /** A jpeg model's images: the model's JPEG (repaired) by default, or PNG. */
    static ServedImages<GeneratedImage> jpeg(ServedModel model) {
        return new ServedImages<>() {
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

            @Override
            public int tokens(GeneratedImage img) {
                return img.tokens();
            }

            @Override
            public int promptTokens(GeneratedImage img) {
                return img.promptTokens();
            }

            @Override
            public boolean clean(GeneratedImage img) {
                return img.clean();
            }

            @Override
            public long bytesPerImage(String format) {
                return GenerationHandler.bytesPerImage(model.profile(), format.equals("png"));
            }

            @Override
            public long decodedBytes() {
                return GeneratedImage.decodedBytes(model.profile());
            }
        };
    }

    /** A pixel model's images (igpt, bpe-igpt): PNG only, previews the codec's PNGs of the rows so far. */
    static ServedImages<GeneratedPixels> pixels(ServedModel model) {
        return new ServedImages<>() {
            @Override
            public List<String> formats() {
                return List.of("png");
            }

            @Override
            public byte[] file(GeneratedPixels p, String format) {
                return JpegImages.png(p.image());
            }

            @Override
            public byte[] preview(byte[] png, String format) {
                return png;
            }

            @Override
            public ObjectNode summary(GeneratedPixels p) {
                return Json.object(p);
            }

            @Override
            public int tokens(GeneratedPixels p) {
                return p.tokens();
            }

            @Override
            public int promptTokens(GeneratedPixels p) {
                return p.promptTokens();
            }

            @Override
            public boolean clean(GeneratedPixels p) {
                return p.clean();
            }

            /**
             * The decoded image (an int a pixel, generous), the stream (a byte a pixel) and the PNG three times as
             * the answer carries it (a file, base64 text, the answer's bytes; at most 3 bytes a pixel).
             */
            @Override
            public long bytesPerImage(String format) {
                long pixels = (long) model.width() * model.height();
                return 4 * pixels + pixels + 3 * (3 * pixels + 1024);
            }

            @Override
            public long decodedBytes() {
                return 4L * model.width() * model.height();
            }
        };
    }
}
