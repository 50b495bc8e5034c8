package org.jpeglm.image;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.BpeTrainer;
import org.jpeglm.jpeg.JpegEncoder;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.JpegSyntax;
import org.jpeglm.jpeg.Subsampling;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Random walks through the masks: never empty, every allowed token valid, cached masks equal fresh ones. */
class SyntaxMasksTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 0})
    void randomWalksStayValidAndTheCacheIsExact(int restartInterval) {
        JpegProfile profile = new JpegProfile(25, Subsampling.GRAY, restartInterval, 24, 16);
        JpegEncoder enc = new JpegEncoder(profile);
        List<byte[]> streams = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            streams.add(enc.encode(resize(ImageGeneratorTest.image(i))));
        }
        BpeTokenizer tok = new BpeTrainer(60, 2, BpeTokenizer.DEFAULT_BOS, BpeTokenizer.DEFAULT_EOS).train(streams);
        JpegSyntax syntax = new JpegSyntax(profile);
        SyntaxMasks cached = new SyntaxMasks(tok, syntax, tok.vocabSize());
        Random r = new Random(restartInterval);
        for (int walk = 0; walk < 60; walk++) {
            JpegSyntax.State s = syntax.start();
            for (int step = 0; step < 400 && !s.isComplete(); step++) {
                long[] mask = cached.allowed(s);
                long[] fresh = new SyntaxMasks(tok, syntax, tok.vocabSize()).allowed(s);
                assertArrayEquals(fresh, mask, "walk " + walk + " step " + step + " " + s);
                List<Integer> ids = new ArrayList<>();
                for (int id = 0; id < tok.vocabSize(); id++) {
                    if ((mask[id >>> 6] >>> id & 1) != 0) {
                        ids.add(id);
                    }
                }
                assertFalse(ids.isEmpty(), "no token allowed at " + s);
                for (int id : ids) {
                    if (id != tok.eosId()) {
                        byte[] b = tok.tokenBytes(id);
                        assertTrue(s.copy().advance(b, 0, b.length), "allowed token " + id + " is invalid");
                    }
                }
                int pick = ids.get(r.nextInt(ids.size()));
                byte[] b = tok.tokenBytes(pick);
                assertTrue(s.advance(b, 0, b.length));
            }
        }
        assertTrue(cached.cached() > 10);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 0})
    void forcedMasksAreTheTokensAgreeingWithTheForcedBytes(int restartInterval) {
        JpegProfile profile = new JpegProfile(25, Subsampling.GRAY, restartInterval, 24, 16);
        JpegEncoder enc = new JpegEncoder(profile);
        List<byte[]> streams = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            streams.add(enc.encode(resize(ImageGeneratorTest.image(i))));
        }
        BpeTokenizer tok = new BpeTrainer(60, 2, BpeTokenizer.DEFAULT_BOS, BpeTokenizer.DEFAULT_EOS).train(streams);
        JpegSyntax syntax = new JpegSyntax(profile);
        SyntaxMasks masks = new SyntaxMasks(tok, syntax, tok.vocabSize());
        Random r = new Random(restartInterval);
        int nonEmpty = 0;
        int refusedByGrammar = 0;
        for (int trial = 0; trial < 400; trial++) {
            byte[] stream = streams.get(r.nextInt(streams.size()));
            int cut = r.nextInt(stream.length - 1);
            byte[] forced = Arrays.copyOfRange(stream, cut, Math.min(stream.length, cut + 1 + r.nextInt(8)));
            if (trial % 4 == 3) {
                forced[r.nextInt(forced.length)] = (byte) r.nextInt(256); // bytes the grammar may refuse
            }
            int from = r.nextInt(forced.length);
            JpegSyntax.State state = syntax.start();
            assertTrue(state.advance(stream, 0, cut));
            JpegSyntax.State before = state.copy();
            long[] free = masks.forced(forced, from);
            long[] valid = masks.forced(forced, from, state);
            assertArrayEquals(bruteForce(tok, forced, from, null), free, "trial " + trial);
            assertArrayEquals(bruteForce(tok, forced, from, state), valid, "trial " + trial);
            assertEquals(before.key(), state.key(), "the state is left as it was");
            nonEmpty += Arrays.stream(valid).anyMatch(w -> w != 0) ? 1 : 0;
            refusedByGrammar += Arrays.equals(free, valid) ? 0 : 1;
        }
        assertTrue(nonEmpty > 200, "most forced bytes of real streams have tokens: " + nonEmpty);
        assertTrue(refusedByGrammar > 20, "the grammar refuses some: " + refusedByGrammar);
    }

    /** Every token checked on its own: its bytes and the forced bytes left agree, and (with a state) the grammar takes it. */
    static long[] bruteForce(BpeTokenizer tok, byte[] forced, int from, JpegSyntax.State state) {
        long[] mask = new long[(tok.vocabSize() + 63) / 64];
        for (int id = 0; id < tok.vocabSize(); id++) {
            if (tok.isSpecial(id)) {
                continue;
            }
            byte[] b = tok.tokenBytes(id);
            int common = Math.min(b.length, forced.length - from);
            if (!Arrays.equals(b, 0, common, forced, from, from + common)) {
                continue;
            }
            if (state != null && !state.copy().advance(b, 0, b.length)) {
                continue;
            }
            mask[id >>> 6] |= 1L << id;
        }
        return mask;
    }

    static java.awt.image.BufferedImage resize(java.awt.image.BufferedImage img) {
        var out = new java.awt.image.BufferedImage(24, 16, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        out.getRaster().setRect(0, 0, img.getRaster());
        return out;
    }
}
