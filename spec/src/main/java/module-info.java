/**
 * What a Jpeg-LM model file carries beside its weights: JPEG profile and tables, and tokenizer under jpeglm.* keys.
 * (An Avc-LM file's is {@code org.jpeglm.video.VideoLmSpec}, next to its codec.)
 */
module org.jpeglm.spec {
    requires transitive org.jpeglm.jpeg;
    requires transitive org.jpeglm.bpe;
    requires transitive org.jpeglm.gguf;
    requires org.jpeglm.io;
    requires com.fasterxml.jackson.databind;

    exports org.jpeglm.spec;
}
