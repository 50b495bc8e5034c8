package org.jpeglm.serve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jpeglm.video.FfmpegException;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoFiles;
import org.jpeglm.video.VideoProfile;

/**
 * Reads uploaded video files (any format ffmpeg reads) as the model's profile's frames: each is written to a
 * temporary file the server names (never the client: a name like {@code concat:} would mean something to ffmpeg),
 * read by ffmpeg (at most the profile's frames, at its size and rate, so what it holds is bounded), then deleted. A
 * file that is no video is a 400 naming the field it came in.
 */
final class UploadedVideos implements Uploads<Video> {
    private final VideoProfile profile;
    private final VideoFiles files = new VideoFiles();

    UploadedVideos(VideoProfile profile) {
        this.profile = profile;
    }

    @Override
    public Video decode(String field, byte[] upload) {
        try {
            Path dir = Files.createTempDirectory("jpeglm-upload-");
            Path file = dir.resolve("upload");
            try {
                Files.write(file, upload);
                return files.read(file, profile);
            } finally {
                Files.deleteIfExists(file);
                Files.delete(dir);
            }
        } catch (FfmpegException e) {
            throw switch (e.kind()) {
                case MISSING -> new UncheckedIOException(e.getMessage(), e); // the server's own fault
                case BAD_OUTPUT -> ApiException.badField(field, field + " has no video frames");
                case TIMEOUT, TOO_MUCH_OUTPUT ->
                    ApiException.badField(field, field + " is not a video ffmpeg can read in time");
                case FAILED -> ApiException.badField(field, field + " is not a video ffmpeg can read");
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
