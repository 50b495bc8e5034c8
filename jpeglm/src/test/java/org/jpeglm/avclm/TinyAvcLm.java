package org.jpeglm.avclm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.testing.TinyStreamLm;
import org.jpeglm.video.H264Encoder;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoProfile;

/**
 * A tiny random-weight Avc-LM: 32×32 videos of 5 frames at 4 fps, QP 37, the recipe's encoder, a BPE of 40 merges
 * learned on 12 moving-square videos, context 1024. Its samples are garbage streams: the tolerant decoder's path.
 */
final class TinyAvcLm {
    static final VideoProfile PROFILE =
            new VideoProfile(VideoProfile.H264, 32, 32, 4, 5, 37, "yuv420p", VideoProfile.DEFAULT_ENCODER);

    private TinyAvcLm() {}

    /** A moving-square video of the profile. */
    static Video video(long seed) {
        return new Video(
                TinyStreamLm.movingSquare(PROFILE.width(), PROFILE.height(), PROFILE.frames(), seed), PROFILE.fps());
    }

    /** Writes the model and returns its tokenizer. */
    static BpeTokenizer write(Path path, long seed) throws IOException {
        H264Encoder encoder = new H264Encoder();
        return TinyStreamLm.writeClipModel(
                path,
                seed,
                PROFILE.toGguf(),
                PROFILE.width(),
                PROFILE.height(),
                PROFILE.frames(),
                frames -> encode(encoder, new Video(frames, PROFILE.fps())),
                1024);
    }

    private static byte[] encode(H264Encoder encoder, Video video) {
        try {
            return encoder.encode(video, PROFILE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
