/** Hugging Face Llama checkpoints to one self-contained GGUF, and quantization; a library (the command is in cli). */
module org.jpeglm.convert {
    requires transitive org.jpeglm;
    requires org.jpeglm.io;
    requires org.jpeglm.video;
    requires org.jpeglm.codec.igpt;
    requires org.jpeglm.bpe;
    requires org.jpeglm.gguf;
    requires org.jpeglm.jpeg;
    requires org.jpeglm.codec.jpeg;
    requires com.fasterxml.jackson.databind;

    exports org.jpeglm.convert;
    exports org.jpeglm.convert.safetensors;
}
