package org.jpeglm.examples;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jpeglm.testing.TinyJpegLm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The examples run as documented, on a tiny random-weight Jpeg-LM. */
class ExamplesTest {
    @TempDir
    static Path dir;

    static Path model;
    static Path picture;

    @BeforeAll
    static void model() throws Exception {
        model = dir.resolve("tiny.gguf");
        TinyJpegLm.write(model, 3);
        picture = dir.resolve("picture.png");
        ImageIO.write(TinyJpegLm.picture(1), "png", picture.toFile());
    }

    static String run(ThrowingMain main) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            main.run();
        } finally {
            System.setOut(old);
        }
        return out.toString();
    }

    interface ThrowingMain {
        void run() throws Exception;
    }

    @Test
    void generateImagesWritesAGrid() throws Exception {
        Path grid = dir.resolve("grid.png");
        String out = run(() -> GenerateImages.main(new String[] {model.toString(), grid.toString()}));
        assertEquals(4 * 16 + 5 * 2, ImageIO.read(grid.toFile()).getWidth(), "4 columns of 16x16 images");
        assertTrue(out.contains("images/s"), out);
    }

    @Test
    void completeImageWritesFourCompletions() throws Exception {
        Path png = dir.resolve("completions.png");
        run(() -> CompleteImage.main(new String[] {picture.toString(), model.toString(), png.toString()}));
        assertTrue(Files.size(png) > 0);
    }

    @Test
    void scoreImagesPrintsBitsPerByte() throws Exception {
        String out = run(() -> ScoreImages.main(new String[] {model.toString(), picture.toString()}));
        assertTrue(out.contains("bits/byte"), out);
    }

    @Test
    void livePreviewWritesPreviewsWhileTheImagesForm() throws Exception {
        Path live = dir.resolve("live");
        String out = run(() -> LivePreview.main(new String[] {model.toString(), live.toString(), "3"}));
        for (int i = 0; i < 3; i++) {
            assertNotNull(ImageIO.read(live.resolve("image-" + i + ".jpg").toFile()), out);
            assertTrue(out.contains("image " + i + ": done"), out);
        }
        assertTrue(out.contains("3 images in " + live), out);
        assertTrue(
                out.lines().anyMatch(l -> l.matches("image \\d: \\d/4 MCUs")),
                "a preview at each row of 2 MCUs (of 4): " + out);
        try (var files = Files.list(live)) {
            List<String> previews = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith("preview-"))
                    .toList();
            assertFalse(previews.isEmpty(), out);
            assertTrue(
                    previews.stream().allMatch(n -> n.matches("preview-\\d\\.png")), "no part files left: " + previews);
        }
    }

    @Test
    void sharedModelThreadsServesEveryWorker() throws Exception {
        String out = run(() -> SharedModelThreads.main(new String[] {model.toString(), "3"}));
        for (int w = 0; w < 3; w++) {
            String prefix = "worker " + w + ":";
            assertEquals(2, out.lines().filter(l -> l.startsWith(prefix)).count(), out);
        }
    }
}
