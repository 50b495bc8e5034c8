/**
 * The JPEG codec's runtime (Jpeg-LM): {@code JpegCodec} and its factory, the JPEG syntax constraint
 * ({@code SyntaxMasks}), previews, and the typed image API over the engine's one generator ({@code ImageModel},
 * {@code ImageGenerator}, {@code GeneratedImage}). The spec it reads from a model file is
 * {@code org.jpeglm.codec.jpeg}'s, which stays runtime-free.
 */
module org.jpeglm.image {
    requires transitive org.jpeglm;
    requires transitive org.jpeglm.codec.jpeg;
    requires org.jpeglm.jpeg;
    requires org.jpeglm.bpe;

    exports org.jpeglm.image;

    provides org.jpeglm.codec.CodecFactory with
            org.jpeglm.image.JpegCodecFactory;
}
