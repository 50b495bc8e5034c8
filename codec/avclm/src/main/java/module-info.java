/**
 * The H.264 codec's runtime (Avc-LM): {@code H264Codec} and its factory, and the typed video API over the engine's
 * one generator ({@code VideoModel}, {@code VideoGenerator}, {@code GeneratedVideo}). The video layer it runs on
 * (ffmpeg, the profile and spec a model file records) is {@code org.jpeglm.video}, which has no runtime.
 */
module org.jpeglm.avclm {
    requires transitive org.jpeglm;
    requires transitive org.jpeglm.video;
    requires org.jpeglm.bpe;

    exports org.jpeglm.avclm;

    provides org.jpeglm.codec.CodecFactory with
            org.jpeglm.avclm.H264CodecFactory;
}
