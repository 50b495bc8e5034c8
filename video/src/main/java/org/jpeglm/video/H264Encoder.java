package org.jpeglm.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Frames to an H.264 Annex-B stream with ffmpeg/libx264 in a profile's settings: exactly the bytes of
 * {@link #commandLine(VideoProfile)} run on the frames as raw rgb24, on every run (one encoder thread).
 *
 * <p>{@link #encodeAll} encodes many videos with one ffmpeg process (one input and one output per video, each
 * output its own encoder), which saves ffmpeg's start-up per video and gives each video the same bytes.
 */
public final class H264Encoder {
    /** Videos per ffmpeg process in {@link #encodeAll}. */
    static final int BATCH = 48;

    private final Ffmpeg ffmpeg;

    public H264Encoder(Ffmpeg ffmpeg) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
    }

    /** An encoder using {@link Ffmpeg#system()}. */
    public H264Encoder() {
        this(Ffmpeg.system());
    }

    /**
     * The documented command: raw rgb24 frames of the profile's size on standard input, the stream on standard
     * output. {@code ffmpeg} stands for the executable.
     */
    public static List<String> commandLine(VideoProfile profile) {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg"));
        cmd.addAll(FfmpegInputs.QUIET);
        cmd.addAll(inputArguments(profile));
        cmd.addAll(FfmpegInputs.stdin());
        cmd.addAll(profile.outputArguments());
        cmd.add("-");
        return cmd;
    }

    /**
     * The stream of video's frames (1 to the profile's frame count, of its size and rate).
     *
     * @throws IllegalArgumentException when the video does not fit the profile
     * @throws FfmpegException when ffmpeg is missing or fails
     */
    public byte[] encode(Video video, VideoProfile profile) throws FfmpegException {
        check(video, profile);
        List<String> args = commandLine(profile);
        byte[] out = ffmpeg.run(args.subList(1, args.size()), RawFrames.toRgb24(video))
                .stdout();
        return requireStream(out, video.frameCount());
    }

    /** The streams of many videos, in order, each the bytes {@link #encode} gives it. */
    public List<byte[]> encodeAll(List<Video> videos, VideoProfile profile) throws IOException {
        videos.forEach(v -> check(v, profile));
        List<byte[]> out = new ArrayList<>(videos.size());
        Path dir = Files.createTempDirectory("jpeglm-h264-");
        try {
            for (int from = 0; from < videos.size(); from += BATCH) {
                out.addAll(encodeBatch(videos.subList(from, Math.min(videos.size(), from + BATCH)), profile, dir));
            }
        } finally {
            deleteTree(dir);
        }
        return out;
    }

    private List<byte[]> encodeBatch(List<Video> videos, VideoProfile profile, Path dir) throws IOException {
        List<String> args = new ArrayList<>(FfmpegInputs.QUIET);
        for (int i = 0; i < videos.size(); i++) {
            Path in = dir.resolve(i + ".rgb");
            Files.write(in, RawFrames.toRgb24(videos.get(i)));
            args.addAll(inputArguments(profile));
            args.addAll(FfmpegInputs.fileInput(in));
        }
        for (int i = 0; i < videos.size(); i++) {
            args.addAll(List.of("-map", Integer.toString(i)));
            args.addAll(profile.outputArguments());
            args.addAll(List.of("-y", FfmpegInputs.fileOutput(dir.resolve(i + ".h264"))));
        }
        ffmpeg.run(args, new byte[0]);
        List<byte[]> out = new ArrayList<>(videos.size());
        for (int i = 0; i < videos.size(); i++) {
            out.add(requireStream(
                    Files.readAllBytes(dir.resolve(i + ".h264")), videos.get(i).frameCount()));
        }
        return out;
    }

    private static List<String> inputArguments(VideoProfile profile) {
        return FfmpegInputs.rawRgb24(profile.width(), profile.height(), profile.fps());
    }

    private static void check(Video video, VideoProfile profile) {
        if (video.isEmpty() || video.frameCount() > profile.frames()) {
            throw new IllegalArgumentException(
                    "a video to encode has 1.." + profile.frames() + " frames, this one " + video.frameCount());
        }
        if (video.width() != profile.width() || video.height() != profile.height()) {
            throw new IllegalArgumentException("frames are " + video.width() + "x" + video.height()
                    + " but the profile's size is " + profile.width() + "x" + profile.height());
        }
        if (video.fps() != profile.fps()) {
            throw new IllegalArgumentException(
                    "the video has " + video.fps() + " fps but the profile " + profile.fps());
        }
    }

    private static byte[] requireStream(byte[] stream, int frames) throws FfmpegException {
        int got = H264Streams.frameCount(stream);
        if (got != frames) {
            throw new FfmpegException(
                    FfmpegException.Kind.BAD_OUTPUT,
                    "ffmpeg encoded " + got + " frames of " + frames + " (" + stream.length + " bytes)",
                    List.of());
        }
        return stream;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
