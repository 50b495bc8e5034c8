package org.jpeglm.video;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * H.264 Annex-B bytes to frames with ffmpeg, tolerant of damage: whatever decodes comes out (ffmpeg conceals
 * broken macroblocks from the previous frame) and the {@link VideoDecodeReport} says how much did. Generated
 * streams are decoded this way; a stream that yields nothing is a report of 0 frames, not an exception.
 */
public final class H264Decoder {
    private static final Pattern CONCEALING = Pattern.compile("concealing (\\d+) DC, (\\d+) AC, (\\d+) MV errors");
    private static final Pattern ADDRESS = Pattern.compile(" @ 0x[0-9a-fA-F]+\\]");
    private static final Pattern PROBLEM = Pattern.compile("\\[(warning|error|fatal|panic)\\] ");

    private final Ffmpeg ffmpeg;

    public H264Decoder(Ffmpeg ffmpeg) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
    }

    /** A decoder using {@link Ffmpeg#system()}. */
    public H264Decoder() {
        this(Ffmpeg.system());
    }

    /** The ffmpeg command that decodes a stream on standard input to the profile's frames as raw rgb24. */
    public static List<String> commandLine(VideoProfile profile) {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg"));
        // Concealment is logged at info level; the level tags tell errors from the rest.
        cmd.addAll(List.of("-hide_banner", "-nostats", "-loglevel", "level+info"));
        cmd.addAll(FfmpegInputs.h264Stdin(profile.fps()));
        cmd.addAll(List.of(
                "-frames:v",
                Integer.toString(profile.frames()),
                // A damaged header may declare any size: every frame comes out at the profile's.
                "-vf",
                "scale=" + profile.width() + ":" + profile.height(),
                "-fps_mode",
                "passthrough",
                "-f",
                "rawvideo",
                "-pix_fmt",
                RawFrames.PIXEL_FORMAT,
                "-"));
        return cmd;
    }

    /**
     * Decodes stream; frames beyond the profile's count are left out.
     *
     * @throws FfmpegException when ffmpeg is missing, times out or writes too much
     */
    public DecodedVideo decode(byte[] stream, VideoProfile profile) throws FfmpegException {
        Objects.requireNonNull(stream, "stream");
        List<String> args = commandLine(profile);
        Ffmpeg.Result r = ffmpeg.execute(args.subList(1, args.size()), stream);
        List<java.awt.image.BufferedImage> frames = RawFrames.fromRgb24(r.stdout(), profile.width(), profile.height());
        Video video = new Video(frames.subList(0, Math.min(frames.size(), profile.frames())), profile.fps());
        return new DecodedVideo(video, report(r, video.frameCount(), profile));
    }

    static VideoDecodeReport report(Ffmpeg.Result r, int decoded, VideoProfile profile) {
        int damaged = 0;
        long concealed = 0;
        List<String> errors = new ArrayList<>();
        for (String line : r.stderr()) {
            String clean = ADDRESS.matcher(line).replaceAll("]");
            Matcher m = CONCEALING.matcher(clean);
            if (m.find()) {
                damaged++;
                concealed += Long.parseLong(m.group(1));
            }
            if (PROBLEM.matcher(clean).find()) {
                errors.add(clean);
            }
        }
        if (r.exitCode() != 0 && errors.isEmpty()) {
            errors.add("ffmpeg exited with status " + r.exitCode());
        }
        // ffmpeg may report a frame more than once (per slice and pass): never more than the frames hold.
        return new VideoDecodeReport(
                profile.frames(),
                decoded,
                Math.min(damaged, decoded),
                Math.min(concealed, (long) decoded * profile.macroblocksPerFrame()),
                profile.macroblocksPerFrame(),
                errors);
    }
}
