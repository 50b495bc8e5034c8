/**
 * What a Jpeg-LM (or Avc-LM) model file carries beside its weights: JPEG profile and tables, or video profile, and
 * tokenizer under jpeglm.* keys.
 */
module org.jpeglm.spec {
    requires transitive org.jpeglm.jpeg;
    requires transitive org.jpeglm.bpe;
    requires transitive org.jpeglm.video;
    requires transitive org.jpeglm.gguf;
    requires org.jpeglm.io;
    requires com.fasterxml.jackson.databind;

    exports org.jpeglm.spec;
}
