package org.jpeglm.image;

import java.awt.image.BufferedImage;
import java.util.Objects;

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
     * The image so far: its stream up to the last restart marker, decoded, with the MCUs not yet written filled
     * neutrally (mid-gray). Its first {@code mcus} MCUs are final: pixel for pixel those of the finished image,
     * except, for 4:2:0 colour, the pixels whose chroma upsampling reaches into an unfinished MCU.
     *
     * @param index the image's index in its request
     * @param mcus MCUs the preview holds
     * @param totalMcus MCUs of the whole image
     * @param image the decoded preview, the size of the final image
     */
    record Preview(int index, int mcus, int totalMcus, BufferedImage image) implements ImageEvent {
        public Preview {
            Objects.requireNonNull(image, "image");
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
