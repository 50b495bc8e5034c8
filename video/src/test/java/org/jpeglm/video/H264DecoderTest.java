package org.jpeglm.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class H264DecoderTest {
    private final VideoProfile profile = VideoProfile.toy();
    private final H264Decoder decoder = new H264Decoder();

    private byte[] stream(int seed) throws Exception {
        return new H264Encoder().encode(TestVideos.moving(seed), profile);
    }

    @Test
    void aTruncatedStreamGivesTheFramesBeforeTheCut() throws Exception {
        byte[] full = stream(1);
        List<H264Streams.NalUnit> units = H264Streams.nalUnits(full);
        // Cut in the middle of the 8th picture's slice (units: SPS, PPS, then one slice per frame).
        H264Streams.NalUnit eighth = units.get(2 + 7);
        byte[] cut = Arrays.copyOf(full, (eighth.payload() + eighth.end()) / 2);
        DecodedVideo d = decoder.decode(cut, profile);
        assertTrue(
                d.video().frameCount() >= 7 && d.video().frameCount() <= 8,
                d.report().summary());
        assertFalse(d.report().allFrames());
        assertFalse(d.report().clean());
        assertEquals(d.video().frameCount(), d.report().decodedFrames());
    }

    @Test
    void aDamagedStreamIsConcealedAndReported() throws Exception {
        byte[] damaged = stream(2);
        List<H264Streams.NalUnit> units = H264Streams.nalUnits(damaged);
        Random rnd = new Random(7);
        for (int k = 3; k < units.size(); k += 3) { // scramble the second half of every third P slice
            H264Streams.NalUnit u = units.get(k);
            for (int i = (u.payload() + u.end()) / 2; i < u.end(); i++) {
                damaged[i] = (byte) (0x10 + rnd.nextInt(0xE0)); // never a start code
            }
        }
        DecodedVideo d = decoder.decode(damaged, profile);
        // ffmpeg conceals what it can (it may drop a frame it cannot conceal): frames come out, and the report
        // counts the concealed ones and their macroblocks.
        assertTrue(d.video().frameCount() >= profile.frames() - 2, d.report().summary());
        assertTrue(d.report().damagedFrames() > 0, d.report().summary());
        assertTrue(d.report().concealedMacroblocks() > 0, d.report().summary());
        assertTrue(
                d.report().concealedMacroblocks()
                        <= (long) d.report().decodedFrames() * d.report().macroblocksPerFrame(),
                d.report().summary());
        assertTrue(d.report().errors().stream().anyMatch(l -> l.contains("error while decoding MB")));
        assertFalse(d.report().clean());
    }

    @Test
    void nonVideoInputDecodesToNothingWithTheReason() throws Exception {
        for (byte[] junk :
                List.of("this is not a video".getBytes(StandardCharsets.UTF_8), new byte[0], randomBytes(5000))) {
            DecodedVideo d = decoder.decode(junk, profile);
            assertEquals(0, d.video().frameCount());
            assertEquals(0, d.report().decodedFrames());
            assertFalse(d.report().errors().isEmpty(), "ffmpeg's reason is kept");
        }
    }

    @Test
    void aCleanStreamHasACleanReport() throws Exception {
        DecodedVideo d = decoder.decode(stream(5), profile);
        assertTrue(d.report().clean(), d.report().summary() + " " + d.report().errors());
        assertEquals(0, d.report().concealedMacroblocks());
        assertEquals(profile.frames(), d.report().cleanFrames());
    }

    @Test
    void moreFramesThanTheProfileAreLeftOut() throws Exception {
        byte[] twice = concat(stream(3), stream(4));
        DecodedVideo d = decoder.decode(twice, profile);
        assertEquals(profile.frames(), d.video().frameCount());
        assertEquals(H264Streams.prefixFrames(twice, profile.frames()).length, d.streamBytes(), "the first video");
        assertEquals(profile.frames(), framesFfmpegDecodes(Arrays.copyOf(twice, d.streamBytes())));
    }

    @Test
    void theVideosStreamDecodesToExactlyItsFramesWhenFfmpegSplitsPicturesFurther() throws Exception {
        // Two slices a picture (first_mb 0 and 8), and an access unit delimiter put between the two of every
        // picture from the third on: ffmpeg then makes a frame of each lone second slice, more frames than the
        // 15 pictures counted by their first slices.
        List<String> args = new ArrayList<>(FfmpegInputs.QUIET);
        args.addAll(FfmpegInputs.rawRgb24(profile.width(), profile.height(), profile.fps()));
        args.addAll(FfmpegInputs.stdin());
        args.addAll(List.of("-c:v", "libx264", "-bf", "0", "-slices", "2", "-threads", "1", "-f", "h264", "-"));
        byte[] twoSlices = Ffmpeg.system()
                .run(args, RawFrames.toRgb24(TestVideos.moving(6)))
                .stdout();
        byte[] split = delimitSecondSlices(twoSlices, 2);
        assertEquals(profile.frames(), H264Streams.frameCount(split));
        assertTrue(framesFfmpegDecodes(split) > profile.frames(), "ffmpeg finds more frames than pictures");

        DecodedVideo d = decoder.decode(split, profile);
        byte[] videoStream = Arrays.copyOf(split, d.streamBytes());
        assertTrue(d.streamBytes() < H264Streams.prefixFrames(split, profile.frames()).length, "cut shorter");
        assertEquals(
                d.video().frameCount(),
                framesFfmpegDecodes(videoStream),
                d.report().summary());
        assertEquals(d.video().frameCount(), d.report().decodedFrames());
        assertTrue(d.video().frameCount() <= profile.frames());
    }

    @Test
    void aPictureThatGivesNoFrameIsMadeUpForByTheNextOnesAndTheCutFollows() throws Exception {
        // A third "picture" that is no slice ffmpeg can read: it gives no frame, so the video is the stream's first
        // 16 pictures, whose 15 frames are the profile's. Alone, and before the 15 pictures of another video.
        byte[] withDud = insertAfterPicture(stream(8), 2, DUD_PICTURE);
        byte[] followed = concat(withDud, stream(9));
        for (byte[] s : List.of(withDud, followed)) {
            DecodedVideo d = decoder.decode(s, profile);
            assertEquals(profile.frames(), d.video().frameCount(), d.report().summary());
            assertTrue(d.report().allFrames());
            assertEquals(H264Streams.prefixFrames(s, profile.frames() + 1).length, d.streamBytes());
            assertEquals(profile.frames(), framesFfmpegDecodes(Arrays.copyOf(s, d.streamBytes())));
        }
    }

    /** A slice NAL unit starting a picture (first_mb_in_slice 0) whose header cannot be read further. */
    private static final byte[] DUD_PICTURE = {0, 0, 0, 1, 0x41, (byte) 0x80, 0, 0, 3, 0, 0, 3, 0, 0, 3, 0};

    /** stream with unit inserted after its picture'th picture (before the next picture's first unit). */
    private static byte[] insertAfterPicture(byte[] stream, int picture, byte[] unit) {
        int at = H264Streams.prefixFrames(stream, picture).length;
        byte[] out = new byte[stream.length + unit.length];
        System.arraycopy(stream, 0, out, 0, at);
        System.arraycopy(unit, 0, out, at, unit.length);
        System.arraycopy(stream, at, out, at + unit.length, stream.length - at);
        return out;
    }

    /** stream with an access unit delimiter before the second slice of each picture from index from on. */
    private static byte[] delimitSecondSlices(byte[] stream, int from) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int pictures = 0;
        int copied = 0;
        for (H264Streams.NalUnit u : H264Streams.nalUnits(stream)) {
            if (u.isSlice() && H264Streams.firstMbInSlice(stream, u.payload() + 1, u.end()) == 0) {
                pictures++;
            } else if (u.isSlice() && pictures > from) {
                out.write(stream, copied, u.start() - copied);
                out.writeBytes(new byte[] {0, 0, 0, 1, 0x09, (byte) 0xF0});
                copied = u.start();
            }
        }
        out.write(stream, copied, stream.length - copied);
        return out.toByteArray();
    }

    /** The frames ffmpeg decodes from a raw stream, counted by its framecrc muxer. */
    private static int framesFfmpegDecodes(byte[] stream) throws Exception {
        List<String> args = new ArrayList<>(FfmpegInputs.QUIET);
        args.addAll(FfmpegInputs.h264Stdin(3));
        args.addAll(List.of("-f", "framecrc", "-"));
        String crc = new String(Ffmpeg.system().execute(args, stream).stdout(), StandardCharsets.UTF_8);
        return (int) crc.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).count();
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(1).nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
