package org.jpeglm.image;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jpeglm.SamplingParams;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.LlamaWeights;
import org.jpeglm.testing.RandomLlama;
import org.jpeglm.testing.TinyJpegLm;
import org.jpeglm.testing.TinyLlamaGguf;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A model whose vocabulary is padded past its tokenizer's (the converter allows it: HF checkpoints often round
 * vocab_size up) generates exactly what the same model without the padding generates: padded ids have no bytes
 * and are never sampled, even when the model scores them highest.
 */
class PaddedVocabularyTest {
    static final int PADDING = 300; // more than fits in the tokenizer's last mask word

    @TempDir
    Path dir;

    /** The weights with PADDING extra ids whose output rows are large, so the model favours them. */
    static LlamaWeights padded(LlamaWeights w) {
        LlamaConfig c = w.config();
        int v = c.vocabSize() + PADDING;
        LlamaConfig pc = new LlamaConfig(
                v,
                c.dim(),
                c.layers(),
                c.heads(),
                c.kvHeads(),
                c.ffnDim(),
                c.contextLength(),
                c.ropeTheta(),
                c.rmsEps(),
                c.tiedEmbeddings());
        Random r = new Random(5);
        float[] embedding = Arrays.copyOf(w.tokenEmbedding(), v * c.dim());
        float[] output = Arrays.copyOf(w.output(), v * c.dim());
        for (int i = c.vocabSize() * c.dim(); i < v * c.dim(); i++) {
            embedding[i] = (float) r.nextGaussian() * 0.02f;
            output[i] = (float) r.nextGaussian() * 20f;
        }
        return new LlamaWeights(pc, embedding, w.layers(), w.finalNorm(), output);
    }

    static Path write(Path path, LlamaWeights weights, JpegLmSpec spec) throws IOException {
        TinyLlamaGguf.writer(weights, GgmlType.F32).putAll(spec.toGguf()).write(path);
        return path;
    }

    static List<byte[]> generate(Path model, boolean constrained) {
        GenerationOptions options = GenerationOptions.builder()
                .threads(1)
                .seed(3)
                .parallel(4)
                .constrained(constrained)
                .sampling(SamplingParams.builder().temperature(1.0f).build())
                .build();
        try (ImageModel m = ImageModel.load(model);
                ImageGenerator g = m.newGenerator(options)) {
            return g.generate(12).stream().map(GeneratedImage::stream).toList();
        }
    }

    @ParameterizedTest(name = "constrained={0}")
    @ValueSource(booleans = {true, false})
    void paddedIdsAreNeverSampled(boolean constrained) throws IOException {
        JpegLmSpec spec = TinyJpegLm.spec();
        LlamaConfig config = new LlamaConfig(spec.tokenizer().vocabSize(), 32, 2, 4, 2, 48, 256, 10000f, 1e-5f, false);
        LlamaWeights weights = RandomLlama.create(config, 17);
        Path plain = write(dir.resolve("plain.gguf"), weights, spec);
        Path padded = write(dir.resolve("padded.gguf"), padded(weights), spec);

        List<byte[]> expected = generate(plain, constrained);
        List<byte[]> actual = generate(padded, constrained);
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "image " + i);
        }
    }
}
