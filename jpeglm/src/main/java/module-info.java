/**
 * The jpeglm Java API: {@code org.jpeglm} runs any GGUF Llama model through the native runtime (models shared by
 * threads, one-thread sessions, sampling, quantization, training); {@code org.jpeglm.image} generates, completes
 * and scores images with a Jpeg-LM model, {@code org.jpeglm.avclm} videos with an Avc-LM model. Both run on the
 * codec-neutral engine of {@code org.jpeglm.engine} (internal): one batching loop whatever the bytes mean. Both are
 * thin wrappers over {@code org.jpeglm.codec}: the codec SPI ({@code Codec}) and the one generator every codec runs
 * through ({@code CodecModel}, {@code Generator}), with one options record, one score and one run account.
 */
module org.jpeglm {
    requires transitive org.jpeglm.codec.jpeg;
    requires transitive org.jpeglm.video;
    requires org.jpeglm.bindings;
    requires org.jpeglm.io;
    requires org.jpeglm.bpe;
    requires org.jpeglm.gguf;
    requires org.jpeglm.jpeg;

    exports org.jpeglm;
    exports org.jpeglm.codec;
    exports org.jpeglm.image;
    exports org.jpeglm.avclm;

    uses org.jpeglm.codec.CodecFactory;

    provides org.jpeglm.codec.CodecFactory with
            org.jpeglm.image.JpegCodecFactory,
            org.jpeglm.avclm.H264CodecFactory;
}
