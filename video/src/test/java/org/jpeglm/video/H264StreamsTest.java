package org.jpeglm.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class H264StreamsTest {
    private final VideoProfile profile = VideoProfile.toy();

    @Test
    void countsOnePicturePerFrame() throws Exception {
        for (int frames : new int[] {1, 6, 15}) {
            byte[] s = new H264Encoder().encode(TestVideos.moving(frames, 0), profile);
            assertEquals(frames, H264Streams.frameCount(s));
        }
    }

    @Test
    void thePrefixOfKFramesDecodesToExactlyKFramesAndIsABytePrefix() throws Exception {
        byte[] s = new H264Encoder().encode(TestVideos.moving(5), profile);
        H264Decoder decoder = new H264Decoder();
        for (int k : new int[] {1, 4, 14}) {
            byte[] prefix = H264Streams.prefixFrames(s, k);
            assertArrayEquals(Arrays.copyOf(s, prefix.length), prefix);
            assertEquals(k, H264Streams.frameCount(prefix));
            DecodedVideo d = decoder.decode(prefix, profile);
            assertEquals(k, d.video().frameCount(), d.report().summary());
        }
        assertArrayEquals(s, H264Streams.prefixFrames(s, 15));
        assertEquals(0, H264Streams.prefixFrames(s, 0).length);
        var e = assertThrows(IllegalArgumentException.class, () -> H264Streams.prefixFrames(s, 16));
        assertEquals("the stream has 15 frames, fewer than 16", e.getMessage());
    }

    @Test
    void thePrefixEndsBeforeTheNextAccessUnitsHeaders() {
        // SPS, PPS, IDR slice, then an SPS and PPS repeated before the next picture: they belong to it.
        byte[] s = bytes(
                0, 0, 0, 1, 0x67, 1, 0, 0, 1, 0x68, 2, 0, 0, 1, 0x65, 0x88, 9, 0, 0, 0, 1, 0x67, 1, 0, 0, 1, 0x68, 2, 0,
                0, 1, 0x41, 0x9A, 7);
        byte[] one = H264Streams.prefixFrames(s, 1);
        assertEquals(17, one.length);
        assertEquals(
                List.of(7, 8, 5),
                H264Streams.nalUnits(one).stream()
                        .map(H264Streams.NalUnit::type)
                        .toList());
    }

    @Test
    void readsFirstMbInSliceAcrossAnEmulationPreventionByte() {
        // After dropping the 0x03 of 00 00 03: 00 00 01 FF FF FF = 23 zeros, a one, then 23 ones.
        byte[] s = bytes(0x41, 0, 0, 3, 1, 0xFF, 0xFF, 0xFF);
        assertEquals((1 << 23) - 1 + (1 << 23) - 1, H264Streams.firstMbInSlice(s, 1, s.length));
        byte[] zero = bytes(0x41, 0x80);
        assertEquals(0, H264Streams.firstMbInSlice(zero, 1, zero.length));
        assertEquals(-1, H264Streams.firstMbInSlice(zero, 2, zero.length), "cut off");
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void thePictureCounterCountsEveryPrefixAsFrameCountDoes() throws Exception {
        byte[] encoded = new H264Encoder().encode(TestVideos.moving(6), profile);
        Random random = new Random(7);
        List<byte[]> streams = new ArrayList<>(List.of(encoded));
        // Made-up streams of start codes, slice headers and emulation prevention bytes: a byte alphabet that makes
        // every case (3- and 4-byte start codes, cut-off headers, first_mb_in_slice 0 and not) common.
        byte[] alphabet = {0, 0, 0, 1, 3, 0x65, 0x41, 0x06, (byte) 0x80, (byte) 0xC0, 0x20, (byte) 0xFF};
        for (int k = 0; k < 200; k++) {
            byte[] s = new byte[random.nextInt(120)];
            for (int j = 0; j < s.length; j++) {
                s[j] = alphabet[random.nextInt(alphabet.length)];
            }
            streams.add(s);
        }
        for (byte[] s : streams) {
            H264Streams.PictureCounter counter = new H264Streams.PictureCounter();
            for (int at = 0; at < s.length; ) {
                int end = Math.min(s.length, at + 1 + random.nextInt(5));
                counter.add(Arrays.copyOfRange(s, at, end));
                assertEquals(
                        H264Streams.frameCount(Arrays.copyOf(s, end)),
                        counter.pictures(),
                        "after byte " + end + " of " + Arrays.toString(s));
                at = end;
            }
        }
    }
}
