package org.jpeglm.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** ffprobe as tests ask it about the videos jpeglm writes. */
public final class Ffprobe {
    private Ffprobe() {}

    /**
     * The frames ffprobe decodes in file (-count_frames); 0 when it finds no video stream that decodes (it then says
     * N/A, or fails).
     *
     * @throws IOException when ffprobe cannot start or does not finish within a minute
     */
    public static int frames(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(
                        "ffprobe",
                        "-v",
                        "quiet",
                        "-count_frames",
                        "-select_streams",
                        "v:0",
                        "-show_entries",
                        "stream=nb_read_frames",
                        "-of",
                        "csv=p=0",
                        "file:" + file)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("ffprobe did not finish within a minute on " + file);
        }
        return p.exitValue() != 0 || text.isEmpty() || text.equals("N/A") ? 0 : Integer.parseInt(text);
    }
}
