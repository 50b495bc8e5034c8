/** Byte-level BPE in plain Java: the tokenizer, its trainer, and its serializations (HF tokenizer.json, GGUF keys). */
module org.jpeglm.bpe {
    requires transitive org.jpeglm.gguf;
    requires com.fasterxml.jackson.databind;
    requires org.jpeglm.io;

    exports org.jpeglm.bpe;
}
