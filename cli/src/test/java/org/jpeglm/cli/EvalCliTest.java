package org.jpeglm.cli;

import static org.jpeglm.cli.CliTest.assertUserError;
import static org.jpeglm.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jpeglm.cli.CliTest.Run;
import org.jpeglm.eval.RealImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jpeglm eval over a folder, the real floors, generate --eval, and what it refuses. */
class EvalCliTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Path images;

    /** A folder as generate leaves it: image-*.png and .jpg, and grid.png. */
    @BeforeAll
    static void folder() throws IOException {
        images = Files.createDirectory(dir.resolve("run"));
        List<BufferedImage> real = RealImages.fashionMnist(true, 40, 12);
        for (int i = 0; i < real.size(); i++) {
            ImageIO.write(
                    real.get(i),
                    "png",
                    images.resolve(String.format("image-%04d.png", i)).toFile());
            ImageIO.write(
                    real.get(i),
                    "jpg",
                    images.resolve(String.format("image-%04d.jpg", i)).toFile());
        }
        ImageIO.write(
                new BufferedImage(64, 48, BufferedImage.TYPE_BYTE_GRAY),
                "png",
                images.resolve("grid.png").toFile());
    }

    @Test
    void measuresTheFolderPngsAgainstTheTestSetTheSameEveryTime() throws IOException {
        Run r = run("eval", images.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode report = JSON.readTree(r.out());
        assertEquals(12, report.get("images").asInt());
        assertEquals(10_000, report.get("reference_images").asInt());
        assertTrue(report.get("fid").asDouble() > 0);
        assertEquals(r.out(), run("eval", images.toString(), "--json").out());
    }

    @Test
    void measuresAgainstAnotherFolder() throws IOException {
        Run r = run("eval", images.toString(), "--reference", images.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode report = JSON.readTree(r.out());
        assertEquals(12, report.get("reference_images").asInt());
        assertEquals(0, report.get("fid").asDouble(), 1e-6);
        assertEquals(1.0, report.get("precision").asDouble());
    }

    @Test
    void realFloorsAsText() {
        Run r = run("eval", "--real", "train", "-n", "50", "--jpeg");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("50 images against fashion-mnist test (10000 images)"), r.out());
        assertTrue(r.out().contains("FID "), r.out());
    }

    @Test
    void realImagesInAClassMix() throws IOException {
        Run r = run("eval", "--real", "test", "--jpeg", "--class-mix", "0,5,0,0,0,0,0,0,7,0", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode report = JSON.readTree(r.out());
        assertEquals(12, report.get("images").asInt());
    }

    @Test
    void generateEvalPutsTheReportInTheSummary() throws IOException {
        Path out = dir.resolve("gen");
        Run r = run(
                "generate",
                "-m",
                BundledModelTest.MODEL.toString(),
                "-n",
                "8",
                "-t",
                "2",
                "--eval",
                "-o",
                out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("8 images against fashion-mnist test"), r.out());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(8, summary.get("quality").get("images").asInt());
    }

    @Test
    void refusesWhatItCannotMeasure() throws IOException {
        assertUserError(run("eval"), "give a folder of images (DIR) or --real");
        assertUserError(run("eval", images.toString(), "--real", "train"), "one of them");
        assertUserError(run("eval", "--real", "validation"), "--real must be train, test");
        assertUserError(run("eval", images.toString(), "--jpeg"), "apply to --real only");
        assertUserError(run("eval", "--real", "train-videos", "--jpeg"), "--jpeg goes with the image splits");
        assertUserError(run("eval", images.toString(), "--class-mix", "1,1,1,1,1,1,1,1,1,1"), "apply to --real only");
        assertUserError(run("eval", "--real", "test", "-n", "10", "--class-mix", "1,1,1,1,1,1,1,1,1,1"), "without -n");
        assertUserError(run("eval", "--real", "test-videos", "--class-mix", "1,1,1,1,1,1,1,1,1,1"), "without -n");
        assertUserError(run("eval", "--real", "test", "--class-mix", "1,2,3"), "names 10 counts");
        assertUserError(
                run("eval", "--real", "test", "--class-mix", "0,0,0,0,0,0,0,0,0,0"), "1 to 60000 images in all");
        Run notANumber = run("eval", "--real", "test", "--class-mix", "0,0,0,0,0,0,0,0,0,x");
        assertEquals(2, notANumber.exit(), "picocli's usage error");
        assertTrue(notANumber.err().contains("Invalid value for option '--class-mix'"), notANumber.err());
        assertUserError(run("eval", dir.resolve("none").toString()), "is not a folder");
        Path odd = Files.createDirectory(dir.resolve("odd"));
        for (int i = 0; i < 4; i++) {
            ImageIO.write(
                    new BufferedImage(30, 30, BufferedImage.TYPE_BYTE_GRAY),
                    "png",
                    odd.resolve(i + ".png").toFile());
        }
        assertUserError(
                run("eval", odd.toString()), "0.png is 30x30: the metric reads images of 28x28, 32x32 or 64x64");
        assertUserError(run("eval", images.toString(), "--glob", "*.gif"), "has 0 files matching *.gif");
    }
}
