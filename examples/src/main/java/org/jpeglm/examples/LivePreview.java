package org.jpeglm.examples;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.jpeglm.codec.Event;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Previews;
import org.jpeglm.codec.Request;
import org.jpeglm.codec.Service;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.image.ImageModel;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.jpeg.JpegProfile;

/**
 * Watches images form: the model's {@link Service} generates COUNT images in one batch, and while they run, each image's
 * latest preview (one each time a row of MCUs is done) replaces DIR/preview-I.png (open them in a viewer that reloads), then its final file is written as
 * DIR/image-I.jpg. The listener runs on the service's thread and only queues the events; this thread writes.
 *
 * <p>Usage: LivePreview [MODEL.gguf] [DIR] [COUNT]
 */
public final class LivePreview {
    public static void main(String[] args) throws Exception {
        Path model = Examples.model(args, 0);
        Path dir = Files.createDirectories(Path.of(args.length > 1 ? args[1] : "live-preview"));
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 4;

        try (ImageModel m = ImageModel.load(model);
                Service<BufferedImage, GeneratedImage> service =
                        m.newService(GenerationOptions.builder().parallel(count).build())) {
            JpegProfile profile = m.spec().profile();
            Request<BufferedImage> request = service.request(count)
                    .seed(42)
                    .previews(Previews.every(profile.mcuCount(profile.width(), 1), Duration.ZERO)) // each MCU row
                    .build();
            BlockingQueue<Event<GeneratedImage>> events = new LinkedBlockingQueue<>();
            var task = service.submit(request, events::add); // on the service's thread: return at once
            while (!task.isDone() || !events.isEmpty()) { // its events all come before it is done
                Event<GeneratedImage> event = events.poll(100, TimeUnit.MILLISECONDS);
                switch (event) {
                    case null -> {}
                    case Event.Progress<GeneratedImage> p -> {}
                    case Event.Preview<GeneratedImage> p -> {
                        replace(dir.resolve("preview-" + p.index() + ".png"), p);
                        System.out.printf("image %d: %d/%d MCUs%n", p.index(), p.units(), p.totalUnits());
                    }
                    case Event.Finished<GeneratedImage> f -> {
                        GeneratedImage image = f.result();
                        Files.write(dir.resolve("image-" + image.index() + ".jpg"), image.jpeg());
                        System.out.printf(
                                "image %d: done, %d tokens, %s%n",
                                image.index(), image.tokens(), image.clean() ? "clean" : "repaired");
                    }
                }
            }
            List<GeneratedImage> images = task.result().join(); // throws what failed it
            System.out.printf("%d images in %s%n", images.size(), dir);
        }
    }

    /**
     * Writes the preview (a JPEG file, decoded here, off the service's thread) as a PNG beside its file, then moves it
     * over it: a viewer never reads half a file.
     */
    private static void replace(Path file, Event.Preview<GeneratedImage> preview) throws IOException {
        Path part = file.resolveSibling(file.getFileName() + ".part");
        ImageIO.write(JpegImages.decode(preview.file()), "png", part.toFile());
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
