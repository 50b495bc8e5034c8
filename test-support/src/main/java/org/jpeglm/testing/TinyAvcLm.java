package org.jpeglm.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.video.H264Encoder;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoLmSpec;
import org.jpeglm.video.VideoProfile;

/**
 * A tiny random-weight Avc-LM for tests of video generation above the model: 32×32 videos of 5 frames at 4 fps,
 * QP 37, the recipe's encoder; a BPE of 40 merges learned on 12 moving-square videos; context 1024. Its samples are
 * garbage streams: the tolerant decoder's path. Needs ffmpeg.
 */
public final class TinyAvcLm {
    public static final VideoProfile PROFILE =
            new VideoProfile(VideoProfile.H264, 32, 32, 4, 5, 37, "yuv420p", VideoProfile.DEFAULT_ENCODER);

    private TinyAvcLm() {}

    /** A moving-square video of the profile. */
    public static Video video(long seed) {
        return new Video(
                TinyStreamLm.movingSquare(PROFILE.width(), PROFILE.height(), PROFILE.frames(), seed), PROFILE.fps());
    }

    /** Writes the model and returns its spec. */
    public static VideoLmSpec write(Path path, long seed) throws IOException {
        H264Encoder encoder = new H264Encoder();
        List<byte[]> streams = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            streams.add(encoder.encode(video(i), PROFILE));
        }
        BpeTokenizer tokenizer = TinyStreamLm.tokenizer(streams, 40);
        VideoLmSpec spec = new VideoLmSpec(PROFILE, tokenizer);
        TinyStreamLm.write(path, seed, tokenizer.vocabSize(), spec.toGguf(), 1024);
        return spec;
    }
}
