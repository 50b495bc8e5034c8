/** Safe file output shared by every writer of jpeglm: atomic replacement of a file. */
module org.jpeglm.io {
    exports org.jpeglm.io;
}
