package org.jpeglm.image;

/**
 * Receives the events of one request's images ({@link ImageEvent}). Called on the generating thread (the
 * {@link ImageService}'s scheduler thread, or the caller of {@link ImageGenerator}), in order per image: it must
 * return quickly, since every sequence of the batch waits for it. An exception it throws cancels its own request
 * only.
 */
@FunctionalInterface
public interface ImageListener {
    void onEvent(ImageEvent event);

    /** A listener that ignores every event. */
    static ImageListener ignoring() {
        return event -> {};
    }
}
