/** The JPEG layer in plain Java, no native code: the paper's encoder, parser, stripping, reassembly, repair, grammar. */
module org.jpeglm.jpeg {
    requires transitive java.desktop;

    exports org.jpeglm.jpeg;
}
