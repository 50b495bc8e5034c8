package org.jpeglm.video;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Reads any video file ffmpeg understands as a profile's frames: its rate, its size (scaled and centre-cropped). */
public final class VideoFiles {
    private final Ffmpeg ffmpeg;

    public VideoFiles(Ffmpeg ffmpeg) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
    }

    /** Reading with {@link Ffmpeg#system()}. */
    public VideoFiles() {
        this(Ffmpeg.system());
    }

    /**
     * The first frames (at most the profile's count) of file, resampled to the profile's rate and filling its
     * size (scaled to cover it, then centre-cropped).
     *
     * @throws FfmpegException naming the file when it is not a video ffmpeg can read or has no frame
     */
    public Video read(Path file, VideoProfile profile) throws java.io.IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no such video file");
        }
        int w = profile.width();
        int h = profile.height();
        List<String> args = new ArrayList<>(FfmpegInputs.QUIET);
        args.addAll(FfmpegInputs.fileInput(file)); // never a URL: "concat:a|b" or "pipe:0" is a file's name here
        args.addAll(List.of(
                "-an",
                "-vf",
                "fps=" + profile.fps() + ",scale=" + w + ":" + h + ":force_original_aspect_ratio=increase,crop=" + w
                        + ":" + h,
                "-frames:v",
                Integer.toString(profile.frames()),
                "-f",
                "rawvideo",
                "-pix_fmt",
                RawFrames.PIXEL_FORMAT,
                "-"));
        Ffmpeg.Result r = ffmpeg.execute(args, new byte[0]);
        if (r.exitCode() != 0) {
            throw new FfmpegException(
                    FfmpegException.Kind.FAILED, file + " is not a video ffmpeg can read", r.stderrTail(4));
        }
        List<BufferedImage> frames = RawFrames.fromRgb24(r.stdout(), w, h);
        if (frames.isEmpty()) {
            throw new FfmpegException(FfmpegException.Kind.BAD_OUTPUT, file + " has no video frames", r.stderrTail(4));
        }
        return new Video(frames, profile.fps());
    }
}
