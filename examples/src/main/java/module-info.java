/** Short programs that use the jpeglm API, to copy from. */
module org.jpeglm.examples {
    requires org.jpeglm;
    requires org.jpeglm.jpeg;
}
