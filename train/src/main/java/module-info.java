/** How the bundled models' training data is made: Fashion-MNIST to Jpeg-LM, Avc-LM and pixel-codec token windows. */
module org.jpeglm.train {
    requires org.jpeglm.codec.jpeg;
    requires transitive org.jpeglm.video;
    requires org.jpeglm.codec.igpt;
    requires org.jpeglm.io;
    requires org.jpeglm.bpe;
    requires org.jpeglm.jpeg;
    requires com.fasterxml.jackson.databind;

    exports org.jpeglm.train;
}
