package org.jpeglm.image;

import java.awt.image.BufferedImage;
import org.jpeglm.engine.Previews;
import org.jpeglm.engine.StopReason;
import org.jpeglm.engine.StreamJob;
import org.jpeglm.engine.StreamState;
import org.jpeglm.engine.StreamWriter;
import org.jpeglm.engine.Written;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.jpeg.JpegRepair;

/** The image codec's part in one request: its images followed by their JPEG syntax, previewed as policy allows. */
record JpegWriter(StreamTools tools, PreviewPolicy policy) implements StreamWriter<GeneratedImage, ImageEvent> {
    @Override
    public StreamState open(StreamJob job) {
        return new JpegStreamState(tools, job.promptBytes());
    }

    @Override
    public Previews previews() {
        return new Previews(policy.everyMcus(), policy.minInterval().toNanos());
    }

    @Override
    public ImageEvent progress(int index, int tokens, int units, int totalUnits) {
        return new ImageEvent.Progress(index, tokens, units, totalUnits);
    }

    @Override
    public ImageEvent preview(int index, int units, int totalUnits, byte[] file) {
        return new ImageEvent.Preview(index, units, totalUnits, file);
    }

    /** The finished image: its stream repaired (if needed) into a file and decoded. */
    @Override
    public GeneratedImage finish(Written written) {
        JpegRepair.Result fixed = tools.repair().repair(written.stream());
        BufferedImage image = JpegImages.decode(fixed.jpeg());
        return new GeneratedImage(
                written.index(),
                written.seed(),
                written.stream(),
                fixed.jpeg(),
                image,
                written.tokens(),
                written.promptTokens(),
                stopOf(written.stop()),
                fixed.report(),
                written.time());
    }

    private static GeneratedImage.StopReason stopOf(StopReason stop) {
        return switch (stop) {
            case EOS -> GeneratedImage.StopReason.EOS;
            case END -> GeneratedImage.StopReason.EOI;
            case MAX_TOKENS -> GeneratedImage.StopReason.MAX_TOKENS;
        };
    }
}
