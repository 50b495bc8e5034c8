package org.jpeglm.image;

import java.awt.image.BufferedImage;
import java.util.Objects;
import org.jpeglm.jpeg.JpegImages;

/**
 * What happens to one image of a request while it is generated, in this order: {@link Progress} whenever more of
 * its MCUs are finished, {@link Preview}s as its {@link PreviewPolicy} allows, and one {@link Finished}.
 */
public sealed interface ImageEvent {
    /** The image's index in its request. */
    int index();

    /**
     * More of the image is written.
     *
     * @param index the image's index in its request
     * @param tokens tokens generated so far (prompt excluded)
     * @param mcus MCUs finished so far (the prompt's included), from the JPEG grammar's state
     * @param totalMcus MCUs of the whole image
     */
    record Progress(int index, int tokens, int mcus, int totalMcus) implements ImageEvent {}

    /**
     * The image so far: its stream up to the last restart marker, repaired into a complete JPEG file whose MCUs not
     * yet written are neutral (mid-gray). Its first {@code mcus} MCUs are final: decoded, pixel for pixel those of
     * the finished image, except, for 4:2:0 colour, the pixels whose chroma upsampling reaches into an unfinished MCU.
     * The file is what the engine makes (a copy and a repair); decoding it is left to whoever shows it, so that the
     * thread every sequence waits for never decodes previews nobody may look at.
     *
     * @param index the image's index in its request
     * @param mcus MCUs the preview holds
     * @param totalMcus MCUs of the whole image
     * @param jpeg the preview as a JPEG file, the size of the final image
     */
    record Preview(int index, int mcus, int totalMcus, byte[] jpeg) implements ImageEvent {
        public Preview {
            Objects.requireNonNull(jpeg, "jpeg");
        }

        /** The preview decoded (anew at each call, on the caller's thread). */
        public BufferedImage image() {
            return JpegImages.decode(jpeg);
        }
    }

    /** The image is done (its last event). */
    record Finished(GeneratedImage image) implements ImageEvent {
        public Finished {
            Objects.requireNonNull(image, "image");
        }

        @Override
        public int index() {
            return image.index();
        }
    }
}
