package org.jpeglm.image;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
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
        SyntaxMasks cached = new SyntaxMasks(tok, syntax);
        Random r = new Random(restartInterval);
        for (int walk = 0; walk < 60; walk++) {
            JpegSyntax.State s = syntax.start();
            for (int step = 0; step < 400 && !s.isComplete(); step++) {
                long[] mask = cached.allowed(s);
                long[] fresh = new SyntaxMasks(tok, syntax).allowed(s);
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

    static java.awt.image.BufferedImage resize(java.awt.image.BufferedImage img) {
        var out = new java.awt.image.BufferedImage(24, 16, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        out.getRaster().setRect(0, 0, img.getRaster());
        return out;
    }
}
