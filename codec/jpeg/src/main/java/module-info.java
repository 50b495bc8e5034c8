/**
 * The JPEG codec's spec layer: what a Jpeg-LM model file carries beside its weights ({@code JpegLmSpec}: JPEG
 * profile and tables, tokenizer under jpeglm.* keys) and a checkpoint's profile file ({@code JpegProfileFile}).
 * Plain Java, no runtime: the codec that runs such models is {@code org.jpeglm.image.JpegCodec}. (An Avc-LM file's
 * spec is {@code org.jpeglm.video.VideoLmSpec}, a pixel model's {@code org.jpeglm.codec.igpt.IgptSpec}.)
 */
module org.jpeglm.codec.jpeg {
    requires transitive org.jpeglm.jpeg;
    requires transitive org.jpeglm.bpe;
    requires transitive org.jpeglm.gguf;
    requires org.jpeglm.io;
    requires com.fasterxml.jackson.databind;

    exports org.jpeglm.codec.jpeg;
}
