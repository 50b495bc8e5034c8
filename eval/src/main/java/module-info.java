/**
 * The quality metric of the Fashion-MNIST domain, in plain Java: a small CNN (trained by eval/train_classifier.py,
 * shipped as a GGUF resource) whose penultimate features give FID, KID, precision and recall against real images,
 * and whose classes give the recognisable share and the class histogram. Deterministic to the last digit.
 */
module org.jpeglm.eval {
    requires transitive java.desktop;
    requires org.jpeglm.gguf;
    requires org.jpeglm.train;
    requires transitive org.jpeglm.jpeg;
    requires transitive org.jpeglm.video;
    requires com.fasterxml.jackson.databind;

    exports org.jpeglm.eval;
}
