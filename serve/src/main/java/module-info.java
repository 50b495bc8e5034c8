/**
 * jpeglm serve: an HTTP server over one continuously batched {@link org.jpeglm.codec.Service} — OpenAI-style
 * image endpoints with Server-Sent Events, or a video model's endpoints (MP4/GIF), scores, models, health and
 * Prometheus metrics — and its web page.
 */
module org.jpeglm.serve {
    requires transitive org.jpeglm;
    requires org.jpeglm.image;
    requires org.jpeglm.avclm;
    requires org.jpeglm.jpeg;
    requires org.jpeglm.codec.igpt;
    requires org.jpeglm.video;
    requires io.javalin;
    requires com.fasterxml.jackson.databind;
    requires java.desktop;

    exports org.jpeglm.serve;
}
