/**
 * Avc-LM's codec layer: frames to H.264 (AVC) bytes and back through ffmpeg/libx264, the video profile and spec
 * (profile + tokenizer: VideoLmSpec) a model file records, the Annex-B structure completion needs, and MP4/GIF/PNG
 * writers. No model runtime here.
 */
module org.jpeglm.video {
    requires transitive java.desktop;
    requires transitive org.jpeglm.gguf;
    requires transitive org.jpeglm.bpe; // VideoLmSpec holds the model's BpeTokenizer
    requires org.jpeglm.io;
    requires com.fasterxml.jackson.databind;

    exports org.jpeglm.video;
}
