/** Test fixtures shared by the modules' tests: the float32 Llama reference, tiny GGUF and Hugging Face checkpoints. */
module org.jpeglm.testing {
    requires transitive org.jpeglm.codec.jpeg;
    requires org.jpeglm.bpe;
    requires org.jpeglm.gguf;
    requires org.jpeglm.jpeg;
    requires transitive org.jpeglm.video; // TinyAvcLm returns a VideoLmSpec
    requires transitive com.fasterxml.jackson.databind; // HfCheckpoints and SafetensorsTestWriter hand out its nodes
    requires org.junit.jupiter.api;

    exports org.jpeglm.testing;
}
