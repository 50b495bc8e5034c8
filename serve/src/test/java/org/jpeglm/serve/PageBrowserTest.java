package org.jpeglm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jpeglm.image.ImageModel;
import org.jpeglm.image.ServiceOptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real browser: Debian's headless Chromium, driven by Selenium, generates 16 images with the bundled
 * model; the tiles must change while the images form (previews) and end as 16 decodable JPEGs. The screenshot goes
 * to target/serve.png, and to the file -Djpeglm.serve.screenshot names (the README's docs/serve.png).
 */
class PageBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    /** Records each tile's image changes as they happen: polling from the test could miss fast ones. */
    static final String WATCH_TILES = """
            window.tileChanges = {};
            new MutationObserver((records) => {
              for (const r of records) {
                const tile = r.target.closest('.tile');
                if (tile && r.attributeName === 'src' && !tile.dataset.done) {
                  window.tileChanges[tile.dataset.index] = (window.tileChanges[tile.dataset.index] || 0) + 1;
                }
              }
            }).observe(document.getElementById('grid'), {subtree: true, attributes: true, attributeFilter: ['src']});
            """;

    @Test
    void thePageGeneratesSixteenImagesThatFillInLive() throws Exception {
        assertTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the browser test needs Debian's chromium and chromium-driver: scripts/install-prerequisites --test");
        try (ImageModel model = ImageModel.load(bundledModel());
                ImageServer server = ImageServer.start(
                        model,
                        ServeOptions.builder()
                                .port(0)
                                .service(ServiceOptions.builder()
                                        .parallel(16)
                                        .threads(2)
                                        .build())
                                .build())) {
            ChromeDriver driver = browser();
            try {
                driver.get(server.uri("127.0.0.1").toString());
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
                wait.until(d -> d.findElement(By.id("model")).getText().contains("32×32"));
                driver.executeScript(WATCH_TILES);
                WebElement count = driver.findElement(By.id("count"));
                count.clear();
                count.sendKeys("16");
                driver.findElement(By.id("seed")).sendKeys("42");
                driver.findElement(By.id("generate")).click();
                new WebDriverWait(driver, Duration.ofMinutes(5))
                        .until(d -> d.findElements(By.cssSelector(".tile[data-done='1']"))
                                                .size()
                                        == 16
                                && d.findElement(By.id("status")).getText().contains("16 images"));
                checkTiles(driver);
                screenshot(driver);
            } finally {
                driver.quit();
            }
        }
    }

    private static void checkTiles(ChromeDriver driver) {
        @SuppressWarnings("unchecked")
        Map<String, Long> changes = (Map<String, Long>) driver.executeScript("return window.tileChanges;");
        long changed = changes.values().stream().filter(n -> n >= 1).count();
        assertTrue(changed >= 1, "tiles showed previews while generating: " + changes);
        @SuppressWarnings("unchecked")
        List<String> sources = (List<String>) ((JavascriptExecutor) driver)
                .executeScript("return [...document.querySelectorAll('.tile img')].map(i => i.src);");
        assertEquals(16, sources.size());
        for (String src : sources) {
            assertTrue(src.startsWith("data:image/jpeg;base64,"), src.substring(0, Math.min(40, src.length())));
            BufferedImage img = TestServer.decode(Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1)));
            assertEquals(32, img.getWidth());
            assertEquals(32, img.getHeight());
        }
        String clean = driver.findElement(By.id("clean")).getText();
        assertTrue(clean.startsWith("clean ") && clean.contains("/16"), clean);
        assertTrue(driver.findElement(By.id("speed")).getText().endsWith("tokens/s"));
    }

    private static ChromeDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // As root (CI) Chromium runs only without its sandbox; the page is this test's own.
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--window-size=1240,760",
                "--hide-scrollbars");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private static void screenshot(ChromeDriver driver) throws Exception {
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", "serve.png");
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        String docs = System.getProperty("jpeglm.serve.screenshot");
        if (docs != null && !docs.isBlank()) {
            Files.copy(shot.toPath(), Path.of(docs), StandardCopyOption.REPLACE_EXISTING);
        }
        assertTrue(TestServer.decode(Files.readAllBytes(target)).getWidth() > 500, "a screenshot of the page");
    }

    /** The bundled model, found from the module's folder up. */
    static Path bundledModel() {
        for (Path base = Path.of("").toAbsolutePath(); base != null; base = base.getParent()) {
            Path p = base.resolve("models/fashion-mnist-32.gguf");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new AssertionError(
                "models/fashion-mnist-32.gguf not found above " + Path.of("").toAbsolutePath());
    }
}
