package org.jpeglm.avclm;

import java.time.Duration;

/**
 * A video as the engine leaves it: its stream written, not yet decoded. Decoding starts an ffmpeg process (about a
 * quarter of a second), so it happens off the engine's thread ({@link VideoDecoding}).
 */
record WrittenVideo(
        int index,
        long seed,
        byte[] stream,
        int tokens,
        int promptTokens,
        int promptBytes,
        GeneratedVideo.StopReason stop,
        Duration time) {}
