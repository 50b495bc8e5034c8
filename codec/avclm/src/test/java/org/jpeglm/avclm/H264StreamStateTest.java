package org.jpeglm.avclm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.jpeglm.codec.StreamState;
import org.jpeglm.testing.TinyAvcLm;
import org.jpeglm.video.Ffmpeg;
import org.jpeglm.video.H264Streams;
import org.jpeglm.video.VideoLmSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The h264 codec's progress: a stream's frames counted as its bytes come (a frame is written once the next begins),
 * its prompt's counted at once, never more than the profile's; nothing in the bytes ends the stream.
 */
class H264StreamStateTest {
    @TempDir
    static Path dir;

    static H264Codec codec;
    static byte[] stream; // a video of the profile's frames, as the model writes them

    @BeforeAll
    static void encode() throws IOException {
        VideoLmSpec spec = TinyAvcLm.write(dir.resolve("tiny-avclm.gguf"), 5);
        codec = H264Codec.of(spec, Ffmpeg.system());
        stream = codec.encode(TinyAvcLm.video(100));
        assertEquals(codec.units(), H264Streams.frameCount(stream), "the encoder writes the profile's frames");
    }

    static StreamState open(byte[] prompt) {
        return codec.newWriter(codec.tokenizer().vocabSize()).open(prompt);
    }

    /** Feeds bytes in pieces of a few bytes, as tokens come; checks the count never falls; returns the state. */
    static StreamState write(StreamState s, byte[] bytes) {
        int last = s.units();
        for (int i = 0; i < bytes.length; i += 3) {
            assertEquals(false, s.take(0, Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 3))));
            assertTrue(s.units() >= last, "the count fell at byte " + i);
            last = s.units();
        }
        return s;
    }

    /** Frames written in the stream's first bytes: pictures begun, less the last. */
    static int written(int bytes) {
        return Math.max(0, H264Streams.frameCount(Arrays.copyOf(stream, Math.max(0, bytes))) - 1);
    }

    @Test
    void framesAreCountedAsTheStreamIsWrittenNeverAheadNorBehind() {
        StreamState s = open(new byte[0]);
        assertEquals(codec.units(), s.totalUnits());
        assertEquals(0, s.units());
        int last = 0;
        for (int i = 0; i < stream.length; i += 3) {
            int end = Math.min(stream.length, i + 3);
            assertEquals(false, s.take(0, Arrays.copyOfRange(stream, i, end)));
            int units = s.units();
            assertTrue(units >= last, "the count fell at byte " + end);
            assertTrue(units <= written(end), units + " frames counted, " + written(end) + " written by byte " + end);
            assertTrue(units >= written(end), units + " frames counted, " + written(end) + " written by byte " + end);
            last = units;
        }
        assertTrue(last > 1, last + " frames at the end"); // counted one by one (the last is still open)
        assertEquals(false, s.complete());
    }

    @Test
    void aPromptsFramesAreCountedAtOnce() {
        byte[] prompt = H264Streams.prefixFrames(stream, 3);
        assertEquals(2, open(prompt).units(), "three pictures begun: two written, the third still open");
    }

    @Test
    void aStreamOfMorePicturesThanTheProfileCountsTheProfilesFrames() {
        StreamState s = write(open(stream), stream);
        assertEquals(codec.units(), s.units());
    }
}
