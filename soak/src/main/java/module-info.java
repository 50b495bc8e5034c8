/** The fault and soak suite: long runs, cancels, signals, a full disk and a changed model file (docs/soak.md). */
module org.jpeglm.soak {
    requires org.jpeglm;
    requires org.jpeglm.image;
    requires org.jpeglm.testing;
    requires org.jpeglm.jpeg;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires java.desktop;
    requires java.management;

    opens org.jpeglm.soak to
            info.picocli;
}
