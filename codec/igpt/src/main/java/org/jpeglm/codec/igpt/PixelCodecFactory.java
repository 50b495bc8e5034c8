package org.jpeglm.codec.igpt;

import java.awt.image.BufferedImage;
import java.util.Set;
import org.jpeglm.ModelMetadata;
import org.jpeglm.codec.Codec;
import org.jpeglm.codec.CodecFactory;

/** The pixel codecs' factory: igpt and bpe-igpt model files ({@link IgptSpec}'s keys) to the {@link PixelCodec}. */
public final class PixelCodecFactory implements CodecFactory<BufferedImage, GeneratedPixels> {
    public PixelCodecFactory() {}

    @Override
    public Set<String> names() {
        return Set.of(IgptSpec.IGPT, IgptSpec.BPE_IGPT);
    }

    /**
     * The pixel codec of the file's spec.
     *
     * @throws IllegalArgumentException naming the key that is missing or wrong
     */
    @Override
    public Codec<BufferedImage, GeneratedPixels> fromGguf(ModelMetadata metadata) {
        return new PixelCodec(IgptSpec.fromGguf(metadata.values()));
    }

    @Override
    public String toString() {
        return "PixelCodecFactory" + names();
    }
}
