/** How the bundled model's training data is made: Fashion-MNIST to Jpeg-LM token windows. */
module org.jpeglm.train {
    requires transitive org.jpeglm.spec;
    requires org.jpeglm.io;
    requires com.fasterxml.jackson.databind;

    exports org.jpeglm.train;
}
