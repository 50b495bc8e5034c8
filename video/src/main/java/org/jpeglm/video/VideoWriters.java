package org.jpeglm.video;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.jpeglm.io.AtomicFile;

/**
 * What a generated video is saved as beside its H.264 stream: an MP4 (the stream remuxed, not re-encoded), an
 * animated GIF preview and a PNG frame strip. Every file is written atomically.
 */
public final class VideoWriters {
    private final Ffmpeg ffmpeg;

    public VideoWriters(Ffmpeg ffmpeg) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
    }

    /** Writers using {@link Ffmpeg#system()}. */
    public VideoWriters() {
        this(Ffmpeg.system());
    }

    /**
     * The H.264 stream in an MP4 container at the profile's rate, its bytes copied (no re-encoding).
     *
     * @throws FfmpegException when ffmpeg cannot remux it (e.g. no decodable header)
     */
    public void writeMp4(byte[] h264, VideoProfile profile, Path target) throws IOException {
        AtomicFile.write(target, mp4(h264, profile));
    }

    /**
     * The H.264 stream in an MP4 container at the profile's rate, its bytes copied (no re-encoding), as bytes (what a
     * server answers).
     *
     * @throws FfmpegException when ffmpeg cannot remux it (e.g. no decodable header)
     */
    public byte[] mp4(byte[] h264, VideoProfile profile) throws IOException {
        Path dir = Files.createTempDirectory("jpeglm-mp4-");
        Path tmp = dir.resolve("video.mp4"); // MP4 with faststart needs a seekable output: a file, not stdout
        try {
            List<String> args = new ArrayList<>(FfmpegInputs.QUIET);
            args.addAll(FfmpegInputs.h264Stdin(profile.fps()));
            args.addAll(List.of(
                    "-c:v", "copy", "-movflags", "+faststart", "-f", "mp4", "-y", FfmpegInputs.fileOutput(tmp)));
            ffmpeg.run(args, h264);
            return Files.readAllBytes(tmp);
        } finally {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(dir);
        }
    }

    /** An animated GIF of the frames, each pixel scale×scale (nearest neighbour), looping. */
    public void writeGif(Video video, Path target, int scale) throws IOException {
        AtomicFile.write(target, gif(video, scale));
    }

    /** {@link #writeGif}'s GIF as bytes (what a server answers). */
    public byte[] gif(Video video, int scale) throws IOException {
        if (video.isEmpty()) {
            throw new IllegalArgumentException("a video without frames has no preview");
        }
        requireScale(scale);
        List<String> args = new ArrayList<>(FfmpegInputs.QUIET);
        args.addAll(FfmpegInputs.rawRgb24(video.width(), video.height(), video.fps()));
        args.addAll(FfmpegInputs.stdin());
        args.addAll(List.of(
                "-vf",
                "scale=iw*" + scale + ":ih*" + scale + ":flags=neighbor,split[a][b];[a]palettegen[p];[b][p]paletteuse",
                "-loop",
                "0",
                "-f",
                "gif",
                "-"));
        return ffmpeg.run(args, RawFrames.toRgb24(video)).stdout();
    }

    /** Rows of frames, one row per video, each pixel scale×scale, 2-pixel gaps on a gray background. */
    public static BufferedImage frameStrip(List<Video> rows, int scale) {
        requireScale(scale);
        if (rows.isEmpty() || rows.stream().allMatch(Video::isEmpty)) {
            throw new IllegalArgumentException("a frame strip needs at least one frame");
        }
        int fw = rows.stream().mapToInt(Video::width).max().orElseThrow() * scale;
        int fh = rows.stream().mapToInt(Video::height).max().orElseThrow() * scale;
        int cols = rows.stream().mapToInt(Video::frameCount).max().orElseThrow();
        int gap = 2;
        BufferedImage strip =
                new BufferedImage(cols * (fw + gap) + gap, rows.size() * (fh + gap) + gap, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = strip.createGraphics();
        try {
            g.setColor(new Color(0x80, 0x80, 0x80));
            g.fillRect(0, 0, strip.getWidth(), strip.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            for (int r = 0; r < rows.size(); r++) {
                List<BufferedImage> frames = rows.get(r).frames();
                for (int c = 0; c < frames.size(); c++) {
                    BufferedImage f = frames.get(c);
                    g.drawImage(
                            f,
                            gap + c * (fw + gap),
                            gap + r * (fh + gap),
                            f.getWidth() * scale,
                            f.getHeight() * scale,
                            null);
                }
            }
        } finally {
            g.dispose();
        }
        return strip;
    }

    /** {@link #frameStrip} as a PNG file. */
    public static void writeFrameStrip(List<Video> rows, Path target, int scale) throws IOException {
        BufferedImage strip = frameStrip(rows, scale);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(strip, "png", png)) {
            throw new IOException("no PNG writer in this JVM");
        }
        AtomicFile.write(target, png.toByteArray());
    }

    private static void requireScale(int scale) {
        if (scale < 1 || scale > 64) {
            throw new IllegalArgumentException("scale must be 1..64, got " + scale);
        }
    }
}
