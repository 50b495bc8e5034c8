package org.jpeglm.avclm;

import java.util.Arrays;
import java.util.Set;
import org.jpeglm.ModelMetadata;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.codec.Codec;
import org.jpeglm.codec.CodecFactory;
import org.jpeglm.codec.StreamWriter;
import org.jpeglm.codec.Written;
import org.jpeglm.testing.TinyJpegLm;

/**
 * A third-party codec as another module would register it (this test's META-INF/services), for {@link CodecsTest}:
 * "toy" models' streams are their bytes, as many as the key {@value #UNITS_KEY} says. It only loads; it writes nothing.
 */
public final class ToyCodecFactory implements CodecFactory<byte[], byte[]> {
    static final String NAME = "toy";
    static final String UNITS_KEY = "jpeglm.toy.units";

    public ToyCodecFactory() {}

    @Override
    public Set<String> names() {
        return Set.of(NAME);
    }

    @Override
    public Codec<byte[], byte[]> fromGguf(ModelMetadata metadata) {
        return new ToyCodec(metadata.count(UNITS_KEY), TinyJpegLm.spec().tokenizer());
    }

    record ToyCodec(int units, BpeTokenizer tokenizer) implements Codec<byte[], byte[]> {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String noun() {
            return "toy";
        }

        @Override
        public String unitName() {
            return "bytes";
        }

        @Override
        public byte[] encode(byte[] artefact) {
            return artefact.clone();
        }

        @Override
        public byte[] prefix(byte[] stream, int units) {
            return Arrays.copyOf(stream, units);
        }

        @Override
        public StreamWriter newWriter(int vocabSize) {
            throw new UnsupportedOperationException("the toy codec only loads");
        }

        @Override
        public byte[] finish(Written written) {
            return written.stream();
        }
    }
}
