/** The FFM bindings of native/include/jpeglm.h, in jextract's shape, and the loader of libjpeglm. */
@SuppressWarnings("module") // org.jpeglm is compiled after this module, so javac cannot see it here
module org.jpeglm.bindings {
    exports org.jpeglm.bindings to
            org.jpeglm; // the raw header is the runtime's business only
}
