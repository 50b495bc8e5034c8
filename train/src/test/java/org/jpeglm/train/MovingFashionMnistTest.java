package org.jpeglm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.BpeTrainer;
import org.jpeglm.video.H264Encoder;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoProfile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MovingFashionMnistTest {
    private static List<FashionMnist.Item> items;

    @BeforeAll
    static void read() throws Exception {
        items = FashionMnist.read(FashionMnist.DEBIAN_DIR, false, 200);
    }

    private static MovingFashionMnist dataset(long seed) {
        return new MovingFashionMnist(items, 64, 15, 3, seed);
    }

    private static byte[] pixels(BufferedImage f) {
        return (byte[]) f.getRaster().getDataElements(0, 0, f.getWidth(), f.getHeight(), null);
    }

    @Test
    void aVideoDependsOnlyOnTheSeedAndItsIndex() {
        Video a = dataset(4).video(17);
        Video b = dataset(4).videos(15, 5).get(2);
        assertEquals(15, a.frameCount());
        for (int f = 0; f < a.frameCount(); f++) {
            assertArrayEquals(pixels(a.frames().get(f)), pixels(b.frames().get(f)), "frame " + f);
        }
        assertFalse(java.util.Arrays.equals(
                pixels(dataset(5).video(17).frames().get(0)), pixels(a.frames().get(0))));
    }

    @Test
    void itemsMoveAndStayInTheFrame() {
        MovingFashionMnist d = dataset(1);
        for (int i = 0; i < 50; i++) {
            Video v = d.video(i); // drawing outside the frame would throw
            assertEquals(64, v.width());
            // Over a third of the video an item moves at least 2 px per frame (a bounce in a corner may hold it
            // for one frame).
            assertFalse(
                    java.util.Arrays.equals(
                            pixels(v.frames().get(0)), pixels(v.frames().get(5))),
                    "video " + i + " moves");
            assertTrue(sum(v.frames().get(14)) > 0, "an item is visible at the end");
        }
    }

    @Test
    void bpeRoundTripsH264Streams() throws Exception {
        List<byte[]> streams = new H264Encoder().encodeAll(dataset(2).videos(0, 24), VideoProfile.toy());
        BpeTokenizer bpe = new BpeTrainer(120, 2, BpeTokenizer.DEFAULT_BOS, BpeTokenizer.DEFAULT_EOS)
                .train(streams.subList(0, 12));
        List<Integer> lengths = new ArrayList<>();
        for (byte[] s : streams.subList(12, 24)) { // streams the BPE never saw
            int[] ids = bpe.encode(s, true, true);
            assertEquals(bpe.bosId(), ids[0]);
            assertEquals(bpe.eosId(), ids[ids.length - 1]);
            assertArrayEquals(s, bpe.decode(java.util.Arrays.copyOfRange(ids, 1, ids.length - 1)));
            lengths.add(ids.length - 2);
            assertTrue(ids.length - 2 < s.length, "the merges shorten a stream");
        }
    }

    private static long sum(BufferedImage f) {
        long s = 0;
        for (byte b : pixels(f)) {
            s += b & 0xFF;
        }
        return s;
    }
}
