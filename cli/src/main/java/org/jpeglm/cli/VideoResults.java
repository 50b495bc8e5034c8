package org.jpeglm.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jpeglm.avclm.GeneratedVideo;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.video.FfmpegException;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoProfile;
import org.jpeglm.video.VideoWriters;

/**
 * What generate-video and complete-video write of each video and say of it in summary.json: the video's H.264 stream
 * ({@code .h264}: the model's stream up to its frames of the profile's count), an MP4 of it remuxed without re-encoding, an
 * animated GIF preview and a PNG strip of its frames, each made on the run's writer thread; the files hold exactly
 * the frames the summary counts. A generated stream may be too damaged for an MP4 (no decodable header) or decode to
 * no frame: then that file is left out and the summary says why.
 */
final class VideoResults {
    private final VideoWriters writers;
    private final VideoProfile profile;
    private final int scale;

    /** @param scale pixels per frame pixel in the GIF and the strip */
    VideoResults(VideoProfile profile, int scale) {
        this.writers = new VideoWriters();
        this.profile = profile;
        this.scale = scale;
    }

    /** The files of v named base.h264, .mp4, .gif and .png; entry learns of those left out. */
    Map<String, Supplier<byte[]>> files(String base, GeneratedVideo v, ObjectNode entry) {
        Map<String, Supplier<byte[]>> files = new LinkedHashMap<>();
        files.put(base + ".h264", v::videoStream);
        files.put(base + ".mp4", () -> mp4(v.videoStream(), entry));
        files.put(
                base + ".gif", () -> v.video().isEmpty() ? null : viaFile(p -> writers.writeGif(v.video(), p, scale)));
        files.put(base + ".png", () -> v.video().isEmpty() ? null : JpegImages.png(strip(List.of(v.video()))));
        return files;
    }

    /** Rows of frames, one per video; null when no video has a frame. */
    BufferedImage strip(List<Video> rows) {
        return rows.stream().allMatch(Video::isEmpty) ? null : VideoWriters.frameStrip(rows, scale);
    }

    /** The stream remuxed; null, and the reason in entry, when ffmpeg cannot remux this stream. */
    private byte[] mp4(byte[] stream, ObjectNode entry) {
        try {
            return viaFile(p -> writers.writeMp4(stream, profile, p));
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof FfmpegException f
                    && (f.kind() == FfmpegException.Kind.FAILED || f.kind() == FfmpegException.Kind.BAD_OUTPUT)) {
                entry.put("mp4", "not written: ffmpeg cannot remux this stream");
                return null;
            }
            throw e; // ffmpeg missing, hung or runaway: the run stops with that error
        }
    }

    /** Writes through a temporary file and returns its bytes (the writers write files; the run writes atomically). */
    private static byte[] viaFile(FileWriter writer) {
        try {
            Path dir = Files.createTempDirectory("jpeglm-video-");
            Path file = dir.resolve("out");
            try {
                writer.write(file);
                return Files.readAllBytes(file);
            } finally {
                Files.deleteIfExists(file);
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Videos whose every frame decodes without damage: what the commands' last line counts. */
    static long clean(List<GeneratedVideo> videos) {
        return videos.stream().filter(GeneratedVideo::clean).count();
    }

    @FunctionalInterface
    private interface FileWriter {
        void write(Path file) throws IOException;
    }

    /**
     * What summary.json says of a video: the stream (bytes: as the model wrote it; video_bytes: the part that is the
     * video, in its .h264 and .mp4), why it stopped, and how it decoded (frames: what those files decode to).
     */
    static ObjectNode entry(GeneratedVideo v) {
        return RunOutput.entry(v); // the server's words too
    }

    /** Totals of a run: videos with every frame, clean ones (every frame, none damaged), tokens and bytes. */
    static ObjectNode totals(List<GeneratedVideo> videos, double seconds) {
        return JsonNodeFactory.instance
                .objectNode()
                .put("seconds", seconds)
                .put(
                        "all_frames",
                        videos.stream().filter(GeneratedVideo::allFrames).count())
                .put("clean", clean(videos))
                .put("tokens", videos.stream().mapToLong(GeneratedVideo::tokens).sum())
                .put("bytes", videos.stream().mapToLong(v -> v.stream().length).sum());
    }
}
