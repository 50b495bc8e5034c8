package org.jpeglm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.jpeglm.avclm.VideoModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page over the bundled video model in Debian's headless Chromium: it says what the model makes, hides what only
 * images have (the grammar, completions), and fills its tiles with the finished videos as animated GIFs; the
 * screenshot goes to target/serve-video.png.
 */
class VideoPageBrowserTest {
    static VideoModel model;
    static TestServer server;
    static ChromeDriver driver;

    @BeforeAll
    static void start() {
        assertTrue(
                Files.isExecutable(PageBrowserTest.CHROMIUM) && Files.isExecutable(PageBrowserTest.CHROMEDRIVER),
                "the browser test needs Debian's chromium and chromium-driver: scripts/install-prerequisites --test");
        model = VideoModel.load(VideoServerTest.MODEL);
        server = TestServer.serve(model.codecModel(), 2);
        driver = PageBrowserTest.browser();
    }

    @AfterAll
    static void stop() {
        PageBrowserTest.stop(driver, server, model);
    }

    @Test
    void thePageShowsFinishedVideosAsGifs() throws Exception {
        driver.get(server.base.toString());
        new WebDriverWait(driver, Duration.ofSeconds(60))
                .until(d -> d.findElement(By.id("model")).getText().contains("15 frames"));
        assertFalse(driver.findElement(By.id("constrained")).isDisplayed(), "videos have no grammar");
        assertFalse(driver.findElement(By.id("drop")).isDisplayed(), "completing videos is not offered");
        WebElement count = driver.findElement(By.id("count"));
        count.clear();
        count.sendKeys("2");
        WebElement seed = driver.findElement(By.id("seed"));
        seed.clear();
        seed.sendKeys("7");
        driver.findElement(By.id("generate")).click();
        new WebDriverWait(driver, Duration.ofMinutes(3))
                .until(d -> d.findElements(By.cssSelector(".tile.done")).size() == 2);
        assertTrue(
                driver.findElement(By.id("error")).getText().isEmpty(),
                driver.findElement(By.id("error")).getText());
        assertTrue(driver.findElement(By.id("status")).getText().startsWith("2 videos in"));
        List<String> sources = driver.findElements(By.cssSelector(".tile img")).stream()
                .map(img -> img.getAttribute("src"))
                .toList();
        assertEquals(2, sources.size());
        int gifs = 0;
        for (String src : sources) {
            if (src == null || src.isEmpty()) {
                continue; // a video whose stream decoded to no frame has no GIF (its badge says 0/15)
            }
            assertTrue(src.startsWith("data:image/gif;base64,"), src);
            byte[] gif = Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1));
            assertEquals("GIF89a", new String(Arrays.copyOf(gif, 6), StandardCharsets.US_ASCII));
            gifs++;
        }
        assertTrue(gifs > 0, "no video made a GIF");
        Files.write(Path.of("target", "serve-video.png"), driver.getScreenshotAs(OutputType.BYTES)); // to look at
    }
}
