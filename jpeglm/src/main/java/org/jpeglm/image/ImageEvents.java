package org.jpeglm.image;

import java.util.Objects;
import org.jpeglm.codec.Event;
import org.jpeglm.codec.Listener;
import org.jpeglm.engine.CodecWriter;

/** The image API's events ({@link ImageEvent}) made from the codec-neutral ones, or by the engine directly. */
final class ImageEvents implements CodecWriter.Events<ImageEvent> {
    static final ImageEvents ENGINE = new ImageEvents();

    private ImageEvents() {}

    @Override
    public ImageEvent progress(int index, int tokens, int units, int totalUnits) {
        return new ImageEvent.Progress(index, tokens, units, totalUnits);
    }

    @Override
    public ImageEvent preview(int index, int units, int totalUnits, byte[] file) {
        return new ImageEvent.Preview(index, units, totalUnits, file);
    }

    /** The image API's listener as a codec-neutral one. */
    static Listener<GeneratedImage> listener(ImageListener listener) {
        Objects.requireNonNull(listener, "listener");
        return event -> listener.onEvent(
                switch (event) {
                    case Event.Progress<GeneratedImage> p ->
                        ENGINE.progress(p.index(), p.tokens(), p.units(), p.totalUnits());
                    case Event.Preview<GeneratedImage> p ->
                        ENGINE.preview(p.index(), p.units(), p.totalUnits(), p.file());
                    case Event.Finished<GeneratedImage> f -> new ImageEvent.Finished(f.result());
                });
    }
}
