/** Short programs that use the jpeglm API, to copy from. */
module org.jpeglm.examples {
    requires org.jpeglm;
    requires org.jpeglm.image;
    requires org.jpeglm.jpeg;
}
