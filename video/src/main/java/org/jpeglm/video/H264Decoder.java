package org.jpeglm.video;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * H.264 Annex-B bytes to frames with ffmpeg, tolerant of damage: whatever decodes comes out (ffmpeg conceals
 * broken macroblocks from the previous frame) and the {@link VideoDecodeReport} says how much did. Generated
 * streams are decoded this way; a stream that yields nothing is a report of 0 frames, not an exception. A stream
 * longer than the profile's frames is cut after them, and the decoded video says where.
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

    /**
     * The ffmpeg command that decodes a stream on standard input to at most maxFrames frames of the profile's size
     * as raw rgb24.
     */
    public static List<String> commandLine(VideoProfile profile, int maxFrames) {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg"));
        // Concealment is logged at info level; the level tags tell errors from the rest.
        cmd.addAll(List.of("-hide_banner", "-nostats", "-loglevel", "level+info"));
        // One decoder thread: with frame threads, how a damaged picture is concealed depends on their timing, so the
        // same stream could decode to other frames from run to run (seen: 1 run in 5 for the bundled model's samples).
        cmd.addAll(List.of("-threads", "1"));
        cmd.addAll(FfmpegInputs.h264Stdin(profile.fps()));
        cmd.addAll(List.of(
                "-frames:v",
                Integer.toString(maxFrames),
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
     * Decodes the video a stream holds: the frames ffmpeg decodes from it, the first of them up to the profile's
     * count (what the stream holds past them is not part of the video). {@link DecodedVideo#streamBytes()} says
     * where that part of the stream ends: that prefix decodes to exactly the frames returned, so a file of it (H.264,
     * or remuxed into an MP4) holds those frames and no more.
     *
     * @throws FfmpegException when ffmpeg is missing, times out or writes too much
     */
    public DecodedVideo decode(byte[] stream, VideoProfile profile) throws FfmpegException {
        Objects.requireNonNull(stream, "stream");
        int pictures = H264Streams.frameCount(stream);
        int want = profile.frames();
        // The part is whole pictures (counted by their first slices). A damaged picture may give no frame (the
        // next ones take its place) or, split by ffmpeg's own rules, more than one: so the cut is searched, for the
        // longest prefix whose frames are no more than the profile's, starting at the profile's count of pictures.
        int k = Math.min(pictures, want);
        Attempt a = decodePrefix(stream, k, pictures, profile);
        while (a.framesOut() > want && k > 1) {
            a = decodePrefix(stream, --k, pictures, profile);
        }
        if (a.framesOut() >= want || k == pictures) {
            return a.decoded();
        }
        Attempt whole = decodePrefix(stream, pictures, pictures, profile);
        if (whole.framesOut() <= want) {
            return whole.decoded();
        }
        int tooMany = pictures; // frames grow with pictures: bisect between a prefix short of frames and one over
        while (tooMany - k > 1 && a.framesOut() < want) {
            int mid = (k + tooMany) >>> 1;
            Attempt m = decodePrefix(stream, mid, pictures, profile);
            if (m.framesOut() <= want) {
                k = mid;
                a = m;
            } else {
                tooMany = mid;
            }
        }
        return a.decoded();
    }

    /** Decodes the stream's first k of its pictures (all of it when k is all of them). */
    private Attempt decodePrefix(byte[] stream, int k, int pictures, VideoProfile profile) throws FfmpegException {
        return decodeWhole(k == pictures ? stream : H264Streams.prefixFrames(stream, k), profile);
    }

    /** A decode of a part, and how many frames ffmpeg gave (one more than the profile's at most). */
    private record Attempt(DecodedVideo decoded, int framesOut) {}

    /** Decodes all of part, up to one frame more than the profile's (that many says it holds too many). */
    private Attempt decodeWhole(byte[] part, VideoProfile profile) throws FfmpegException {
        List<String> args = commandLine(profile, profile.frames() + 1);
        DecodeLog log = new DecodeLog();
        Ffmpeg.Result r = ffmpeg.execute(args.subList(1, args.size()), part, log);
        List<java.awt.image.BufferedImage> frames = RawFrames.fromRgb24(r.stdout(), profile.width(), profile.height());
        Video video = new Video(frames.subList(0, Math.min(frames.size(), profile.frames())), profile.fps());
        DecodedVideo decoded =
                new DecodedVideo(video, log.report(r.exitCode(), video.frameCount(), profile), part.length);
        return new Attempt(decoded, frames.size());
    }

    /** What ffmpeg's log says of the decoding, read line by line as ffmpeg writes it (every line, not a tail). */
    static final class DecodeLog implements Consumer<String> {
        private int damaged;
        private long concealed;
        private final List<String> errors = new ArrayList<>();

        @Override
        public synchronized void accept(String line) {
            String clean = ADDRESS.matcher(line).replaceAll("]");
            Matcher m = CONCEALING.matcher(clean);
            if (m.find()) {
                damaged++;
                concealed += Long.parseLong(m.group(1));
            }
            if (PROBLEM.matcher(clean).find() && errors.size() < VideoDecodeReport.MAX_ERRORS) {
                errors.add(clean);
            }
        }

        synchronized VideoDecodeReport report(int exitCode, int decoded, VideoProfile profile) {
            List<String> problems = new ArrayList<>(errors);
            if (exitCode != 0 && problems.isEmpty()) {
                problems.add("ffmpeg exited with status " + exitCode);
            }
            // ffmpeg may report a frame more than once (per slice and pass): never more than the frames hold.
            return new VideoDecodeReport(
                    profile.frames(),
                    decoded,
                    Math.min(damaged, decoded),
                    Math.min(concealed, (long) decoded * profile.macroblocksPerFrame()),
                    profile.macroblocksPerFrame(),
                    problems);
        }
    }
}
