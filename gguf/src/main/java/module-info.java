/** GGUF v3 files in plain Java: reading (memory-mapped), writing (streamed, atomic), typed metadata values. */
module org.jpeglm.gguf {
    requires org.jpeglm.io;

    exports org.jpeglm.gguf;
}
