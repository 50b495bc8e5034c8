/** The jpeglm command line: every command, one root, one option vocabulary (llama.cpp's names). */
module org.jpeglm.cli {
    requires org.jpeglm;
    requires org.jpeglm.image;
    requires org.jpeglm.avclm;
    requires org.jpeglm.codec.igpt;
    requires org.jpeglm.convert;
    requires org.jpeglm.train;
    requires org.jpeglm.eval;
    requires org.jpeglm.io;
    requires org.jpeglm.serve;
    requires org.jpeglm.gguf;
    requires org.jpeglm.jpeg;
    requires org.jpeglm.codec.jpeg;
    requires org.jpeglm.video;
    requires info.picocli;
    requires me.tongfei.progressbar;
    requires com.fasterxml.jackson.databind;
    requires java.logging;

    opens org.jpeglm.cli to
            info.picocli;
}
