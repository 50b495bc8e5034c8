package org.jpeglm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.jpeglm.avclm.GeneratedVideo;
import org.jpeglm.eval.QualityMetric;
import org.jpeglm.eval.QualityReport;
import org.jpeglm.eval.RealImages;
import org.jpeglm.eval.Reference;
import picocli.CommandLine.Option;

/** The generating commands' --eval: the run's images (or videos' frames) measured by the quality metric, as {@code jpeglm eval} does. */
final class EvalArgs {
    @Option(
            names = "--eval",
            description = "when done, measure the images with the quality metric (as jpeglm eval does; FID depends on "
                    + "the number of images): printed, and in summary.json under \"quality\"")
    boolean eval;

    /** Measures images against reference (the test set if null), prints the report and adds it to totals as key. */
    static QualityReport measure(
            List<BufferedImage> images, Reference reference, PrintWriter out, ObjectNode totals, String key)
            throws IOException {
        QualityMetric metric = QualityMetric.load();
        QualityReport r = reference == null ? metric.evaluate(images) : metric.evaluate(images, reference);
        out.print(r.toText());
        out.flush();
        JsonNode node = new ObjectMapper().readTree(r.toJson());
        totals.set(key, node);
        return r;
    }

    /**
     * Measures videos: their decoded frames from index from on (0: all) against the test videos' frames, and the
     * share that decodes clean (every frame, no concealed macroblock, no decoder error: the count the commands' last
     * line gives); prints both and adds them to totals.
     */
    static void measureVideos(List<GeneratedVideo> videos, int from, PrintWriter out, ObjectNode totals)
            throws IOException {
        long intact = VideoResults.clean(videos);
        totals.put("no_concealment", intact);
        out.printf(
                Locale.ROOT,
                "%d of %d videos (%.1f %%) decode clean: all frames, no concealed macroblock, no decoder error%n",
                intact,
                videos.size(),
                100.0 * intact / videos.size());
        List<BufferedImage> frames =
                RealImages.frames(videos.stream().map(GeneratedVideo::video).toList(), from);
        if (frames.size() <= 3) {
            out.println("too few decoded frames (" + frames.size() + ") to measure their quality");
            out.flush();
            return;
        }
        out.print("frames: ");
        measure(frames, QualityMetric.load().testVideoFrames(), out, totals, "quality");
    }
}
