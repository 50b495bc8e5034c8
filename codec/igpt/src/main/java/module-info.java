/**
 * The seed papers' pixel codecs, {@code igpt} (pixels in raster order over a palette) and {@code bpe-igpt} (the
 * same symbols, byte-pair encoded): palettes, pixel streams, the profile and its GGUF keys and checkpoint file, and
 * the length grammar. Pure Java; the engine's codec SPI will be implemented on top of these.
 */
module org.jpeglm.codec.igpt {
    requires transitive java.desktop;
    requires transitive org.jpeglm.bpe;
    requires transitive org.jpeglm.gguf;
    requires org.jpeglm.jpeg;
    requires org.jpeglm.io;
    requires com.fasterxml.jackson.databind;

    exports org.jpeglm.codec.igpt;
}
