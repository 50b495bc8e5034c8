/**
 * The jpeglm Java API: {@code org.jpeglm} runs any GGUF Llama model through the native runtime (models shared by
 * threads, one-thread sessions, sampling, quantization, training); {@code org.jpeglm.codec} is the codec SPI
 * ({@code Codec}, {@code CodecFactory}, found by {@code Codecs}) and the one generator and service every codec runs
 * through ({@code CodecModel}, {@code Generator}, {@code Service}), with one options record, one score and one run
 * account. The codec-neutral engine of {@code org.jpeglm.engine} (exported to the codec modules only) is one
 * batching loop whatever the bytes mean. No codec lives here: each is a module of its own that provides a
 * {@code CodecFactory} ({@code org.jpeglm.image} for JPEG, {@code org.jpeglm.avclm} for H.264,
 * {@code org.jpeglm.codec.igpt} for pixels).
 */
@SuppressWarnings("module") // the codec modules are compiled after this one, so javac cannot see them here
module org.jpeglm {
    requires transitive org.jpeglm.bpe; // a Codec hands the engine its BpeTokenizer
    requires transitive org.jpeglm.gguf; // ModelMetadata holds GgufValues
    requires org.jpeglm.bindings;
    requires org.jpeglm.io;

    exports org.jpeglm;
    exports org.jpeglm.codec;
    exports org.jpeglm.engine to
            org.jpeglm.image,
            org.jpeglm.avclm; // the token tables, tries and finishing hooks a codec with a grammar builds on

    uses org.jpeglm.codec.CodecFactory;
}
