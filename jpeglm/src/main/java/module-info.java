/**
 * The jpeglm Java API: {@code org.jpeglm} runs any GGUF Llama model through the native runtime (models shared by
 * threads, one-thread sessions, sampling, quantization, training); {@code org.jpeglm.image} generates, completes
 * and scores images with a Jpeg-LM model.
 */
module org.jpeglm {
    requires transitive org.jpeglm.spec;
    requires org.jpeglm.bindings;
    requires org.jpeglm.io;

    exports org.jpeglm;
    exports org.jpeglm.image;
}
