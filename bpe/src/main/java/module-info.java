/** Byte-level BPE in plain Java: the tokenizer, its trainer, and its serializations (HF tokenizer.json, GGUF keys). */
module org.jpeglm.bpe {
    requires transitive org.jpeglm.gguf;
    requires static com.fasterxml.jackson.databind; // only HfTokenizerJson (tokenizer.json) needs it
    requires org.jpeglm.io;

    exports org.jpeglm.bpe;
}
