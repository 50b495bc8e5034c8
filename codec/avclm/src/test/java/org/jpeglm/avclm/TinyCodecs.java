package org.jpeglm.avclm;

import java.io.IOException;
import java.nio.file.Path;
import org.jpeglm.image.ImageModel;
import org.jpeglm.testing.TinyAvcLm;
import org.jpeglm.testing.TinyJpegLm;

/** A tiny JPEG model and a tiny video model, written into a folder and loaded: the two codecs side by side. */
record TinyCodecs(ImageModel images, VideoModel videos) implements AutoCloseable {
    static TinyCodecs load(Path dir) throws IOException {
        Path image = dir.resolve("tiny-jpeglm.gguf");
        TinyJpegLm.write(image, 5);
        Path video = dir.resolve("tiny-avclm.gguf");
        TinyAvcLm.write(video, 5);
        ImageModel images = ImageModel.load(image);
        try {
            return new TinyCodecs(images, VideoModel.load(video));
        } catch (RuntimeException e) {
            images.close();
            throw e;
        }
    }

    @Override
    public void close() {
        images.close();
        videos.close();
    }
}
