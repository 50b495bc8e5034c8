package org.jpeglm.examples;

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
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.image.ImageEvent;
import org.jpeglm.image.ImageModel;
import org.jpeglm.image.ImageRequest;
import org.jpeglm.image.ImageService;
import org.jpeglm.image.PreviewPolicy;
import org.jpeglm.jpeg.JpegProfile;

/**
 * Watches images form: an {@link ImageService} generates COUNT images in one batch, and while they run, each image's
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
                ImageService service = ImageService.start(
                        m, GenerationOptions.builder().parallel(count).build())) {
            JpegProfile profile = m.spec().profile();
            ImageRequest request = ImageRequest.generate(count)
                    .seed(42)
                    .previews(PreviewPolicy.every(profile.mcuCount(profile.width(), 1), Duration.ZERO)) // each row
                    .build();
            BlockingQueue<ImageEvent> events = new LinkedBlockingQueue<>();
            var task = service.submit(request, events::add); // on the service's thread: return at once
            while (!task.isDone() || !events.isEmpty()) { // its events all come before it is done
                ImageEvent event = events.poll(100, TimeUnit.MILLISECONDS);
                switch (event) {
                    case null -> {}
                    case ImageEvent.Progress p -> {}
                    case ImageEvent.Preview p -> {
                        replace(dir.resolve("preview-" + p.index() + ".png"), p);
                        System.out.printf("image %d: %d/%d MCUs%n", p.index(), p.mcus(), p.totalMcus());
                    }
                    case ImageEvent.Finished f -> {
                        GeneratedImage image = f.image();
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

    /** Writes the preview beside its file, then moves it over it: a viewer never reads half a file. */
    private static void replace(Path file, ImageEvent.Preview preview) throws IOException {
        Path part = file.resolveSibling(file.getFileName() + ".part");
        ImageIO.write(preview.image(), "png", part.toFile());
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
