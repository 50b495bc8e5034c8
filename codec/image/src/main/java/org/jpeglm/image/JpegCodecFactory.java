package org.jpeglm.image;

import java.awt.image.BufferedImage;
import java.util.Set;
import org.jpeglm.ModelMetadata;
import org.jpeglm.codec.Codec;
import org.jpeglm.codec.CodecFactory;
import org.jpeglm.codec.jpeg.JpegLmSpec;

/** The jpeg codec's factory: Jpeg-LM model files ({@link JpegLmSpec}'s keys) to the codec of their spec. */
public final class JpegCodecFactory implements CodecFactory<BufferedImage, GeneratedImage> {
    public JpegCodecFactory() {}

    @Override
    public Set<String> names() {
        return Set.of("jpeg");
    }

    /**
     * The jpeg codec of the file's spec.
     *
     * @throws IllegalArgumentException naming the Jpeg-LM key that is missing or wrong
     */
    @Override
    public Codec<BufferedImage, GeneratedImage> fromGguf(ModelMetadata metadata) {
        return new JpegCodec(JpegLmSpec.fromMetadata(metadata.values()));
    }

    @Override
    public String toString() {
        return "JpegCodecFactory" + names();
    }
}
