package org.jpeglm.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jpeglm.jpeg.JpegEncoder;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.Subsampling;

class BpeEncodePropertiesTest {
    /** 320 merges trained on synthetic JPEG streams, as Jpeg-LM's tokenizer. */
    private static final BpeTokenizer TRAINED = BpeTrainer.defaults().train(JpegLikeStreams.generate(42, 300));

    @Provide
    Arbitrary<byte[]> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
    }

    /** Short JPEG-like streams (1 to 24 MCUs). */
    @Provide
    Arbitrary<byte[]> jpegLike() {
        return Arbitraries.longs().map(seed -> {
            Random rnd = new Random(seed);
            return JpegLikeStreams.stream(rnd, 1 + rnd.nextInt(24));
        });
    }

    /** 320 merges trained on real abbreviated JPEG streams of the test photos (the HF fixture's corpus). */
    private static final BpeTokenizer TRAINED_ON_PHOTOS = BpeTrainer.defaults().train(HfFixture.corpus());

    private static final List<String> PHOTOS =
            List.of("hopper.png", "seeding.png", "picos.png", "wine.png", "life-gray.png", "umang-gray.png");
    private static final List<BufferedImage> PHOTO_IMAGES =
            PHOTOS.stream().map(HfFixture::image).toList();

    /** The abbreviated stream of a random crop (1..256 pixels a side) of a test photo, in a random profile. */
    @Provide
    Arbitrary<byte[]> realStreams() {
        return Arbitraries.longs().map(seed -> {
            Random rnd = new Random(seed);
            BufferedImage photo = PHOTO_IMAGES.get(rnd.nextInt(PHOTO_IMAGES.size()));
            int w = 1 + rnd.nextInt(rnd.nextBoolean() ? 64 : 256);
            int h = 1 + rnd.nextInt(rnd.nextBoolean() ? 64 : 256);
            BufferedImage crop = photo.getSubimage(rnd.nextInt(257 - w), rnd.nextInt(257 - h), w, h);
            Subsampling s = Subsampling.values()[rnd.nextInt(Subsampling.values().length)];
            int quality = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(100) : 25;
            return new JpegEncoder(JpegProfile.of(quality, s, rnd.nextInt(4) == 0 ? rnd.nextInt(5) : 1)).encode(crop);
        });
    }

    @Property(tries = 300)
    void decodeInvertsEncodeOnRealStreams(@ForAll("realStreams") byte[] stream) {
        for (BpeTokenizer t : List.of(TRAINED_ON_PHOTOS, TRAINED)) {
            int[] ids = t.encode(stream, true, true);
            assertArrayEquals(stream, t.decode(ids));
            assertArrayEquals(NaiveBpe.of(t).lowestRankFirst(stream), Arrays.copyOfRange(ids, 1, ids.length - 1));
        }
        assertTrue(TRAINED_ON_PHOTOS.encode(stream).length < stream.length, "merges fire on real streams");
    }

    @Property(tries = 3000)
    void decodeInvertsEncodeOnRandomBytes(@ForAll("randomBytes") byte[] bytes) {
        assertArrayEquals(bytes, TRAINED.decode(TRAINED.encode(bytes)));
    }

    @Property(tries = 2000)
    void decodeInvertsEncodeOnJpegLikeStreams(@ForAll("jpegLike") byte[] stream) {
        int[] ids = TRAINED.encode(stream, true, true);
        assertEquals(TRAINED.bosId(), ids[0]);
        assertEquals(TRAINED.eosId(), ids[ids.length - 1]);
        assertArrayEquals(stream, TRAINED.decode(ids));
    }

    @Property(tries = 300)
    void trainedTokenizerMatchesTheNaiveDefinition(@ForAll("jpegLike") byte[] stream) {
        NaiveBpe naive = NaiveBpe.of(TRAINED);
        int[] ids = TRAINED.encode(stream);
        assertArrayEquals(naive.lowestRankFirst(stream), ids);
        assertArrayEquals(naive.mergesInRankOrder(stream), ids);
    }

    @Property(tries = 300)
    void bothEnginesAgreeOnJpegLikeStreams(@ForAll("jpegLike") byte[] stream) {
        int[] heap = new HeapMergeEngine(TRAINED.rules()).encode(stream, 0, stream.length, -1, -1);
        assertArrayEquals(heap, TRAINED.encode(stream));
    }

    /** Random tables built in trainer order (monotone unless a re-made token breaks it). */
    @Property(tries = 1500)
    void matchesTheNaiveDefinitionOnRandomTables(@ForAll long seed) {
        checkRandomTable(seed, false);
    }

    /** Random tables with shuffled ranks: merges may use tokens that later merges make. */
    @Property(tries = 1500)
    void matchesTheNaiveDefinitionOnShuffledTables(@ForAll long seed) {
        checkRandomTable(seed, true);
    }

    @Example
    void randomTablesExerciseBothEngines() {
        int bucket = 0;
        int heap = 0;
        for (long seed = 0; seed < 400; seed++) {
            Random rnd = new Random(seed);
            byte[] alphabet = RandomTables.alphabet(rnd);
            boolean fast = RandomTables.random(rnd, alphabet, 1 + rnd.nextInt(40), seed % 2 == 1)
                    .tokenizer()
                    .usesBucketEngine();
            bucket += fast ? 1 : 0;
            heap += fast ? 0 : 1;
        }
        assertTrue(bucket > 100 && heap > 100, bucket + " bucket, " + heap + " heap");
    }

    private static void checkRandomTable(long seed, boolean shuffle) {
        Random rnd = new Random(seed);
        byte[] alphabet = RandomTables.alphabet(rnd);
        RandomTables.Table table = RandomTables.random(rnd, alphabet, 1 + rnd.nextInt(40), shuffle);
        BpeTokenizer t = table.tokenizer();
        NaiveBpe naive = new NaiveBpe(table.vocab(), table.merges());
        for (int i = 0; i < 8; i++) {
            byte[] input = RandomTables.input(rnd, alphabet, 60);
            int[] expected = naive.lowestRankFirst(input);
            assertArrayEquals(expected, t.encode(input), () -> "input " + Arrays.toString(input) + " table " + table);
            assertArrayEquals(input, t.decode(expected));
            if (t.usesBucketEngine()) {
                // Where ranks never go back, the textbook rank-by-rank form is the same function.
                assertArrayEquals(expected, naive.mergesInRankOrder(input));
            }
        }
    }

    @Property(tries = 500)
    void streamingDecoderMatchesDecode(@ForAll long seed) {
        Random rnd = new Random(seed);
        int[] ids = new int[rnd.nextInt(200)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rnd.nextInt(TRAINED.vocabSize());
        }
        StreamingDecoder decoder = TRAINED.streamingDecoder();
        int before = 0;
        for (int id : ids) {
            int added = decoder.append(id);
            assertEquals(TRAINED.tokenLength(id), added);
            assertArrayEquals(TRAINED.tokenBytes(id), decoder.bytesFrom(before));
            before = decoder.size();
        }
        assertArrayEquals(TRAINED.decode(ids), decoder.toByteArray());
        assertEquals(ids.length, decoder.tokenCount());
    }
}
