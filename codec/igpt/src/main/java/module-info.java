/**
 * The seed papers' pixel codecs, {@code igpt} (pixels in raster order over a palette) and {@code bpe-igpt} (the
 * same symbols, byte-pair encoded): palettes, pixel streams, the profile and its GGUF keys and checkpoint file, the
 * length grammar, and the codec that runs such models through the engine's one generator ({@code PixelCodec},
 * {@code PixelModels}). Everything but the codec and its loader is plain Java.
 */
module org.jpeglm.codec.igpt {
    requires transitive java.desktop;
    requires transitive org.jpeglm.bpe;
    requires transitive org.jpeglm.gguf;
    requires transitive org.jpeglm;
    requires org.jpeglm.jpeg;
    requires org.jpeglm.io;
    requires com.fasterxml.jackson.databind;

    exports org.jpeglm.codec.igpt;

    provides org.jpeglm.codec.CodecFactory with
            org.jpeglm.codec.igpt.PixelCodecFactory;
}
