/** Hugging Face Llama checkpoints to one self-contained GGUF, and quantization; a library (the command is in cli). */
module org.jpeglm.convert {
    requires transitive org.jpeglm;
    requires org.jpeglm.image;
    requires org.jpeglm.avclm;
    requires org.jpeglm.io;
    requires org.jpeglm.video;
    requires org.jpeglm.codec.igpt;
    requires org.jpeglm.bpe;
    requires org.jpeglm.gguf;
    requires org.jpeglm.jpeg;
    requires transitive org.jpeglm.codec.jpeg; // its signatures show JpegLmSpec and JpegProfileFile
    requires com.fasterxml.jackson.databind;

    exports org.jpeglm.convert;
    exports org.jpeglm.convert.safetensors;
}
