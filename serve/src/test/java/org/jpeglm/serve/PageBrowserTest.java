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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jpeglm.image.ImageModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * to target/serve.png, and to the file -Djpeglm.serve.screenshot names (the README's docs/serve.png); one taken just
 * after the click, before the first previews, to target/serve-start.png. A seed read off a tile makes its image again,
 * byte for byte.
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

    /** Tiles whose img has no picture yet and is shown anyway: a broken-image icon with its alt text. */
    static final String BROKEN_TILES = """
            return [...document.querySelectorAll('.tile img')]
                .filter(i => !i.getAttribute('src') && getComputedStyle(i).visibility !== 'hidden'
                    && getComputedStyle(i).display !== 'none')
                .length;
            """;

    /** Records the names of the page's downloads instead of saving them. */
    static final String WATCH_DOWNLOADS = """
            window.downloads = [];
            HTMLAnchorElement.prototype.click = function () { window.downloads.push(this.download); };
            """;

    static ImageModel model;
    static TestServer server;
    static ChromeDriver driver;

    @BeforeAll
    static void start() throws Exception {
        assertTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the browser test needs Debian's chromium and chromium-driver: scripts/install-prerequisites --test");
        model = ImageModel.load(bundledModel());
        server = TestServer.serve(model.codecModel(), 16);
        driver = browser();
    }

    @AfterAll
    static void stop() {
        stop(driver, server, model);
    }

    /** Quits the browser, then closes the server and the model, in this order. */
    static void stop(ChromeDriver driver, TestServer server, AutoCloseable model) {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            try (AutoCloseable m = model;
                    TestServer s = server) {
                // closed in this order: the server, then the model
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The page, loaded afresh, once it has read the model. */
    static void openPage() {
        driver.get(server.base.toString());
        new WebDriverWait(driver, Duration.ofSeconds(60))
                .until(d -> d.findElement(By.id("model")).getText().contains("32×32"));
    }

    /** Types count and seed (blank: a random one) in the page's fields and generates. */
    static void generate(int count, String seed) {
        WebElement countField = driver.findElement(By.id("count"));
        countField.clear();
        countField.sendKeys(Integer.toString(count));
        WebElement seedField = driver.findElement(By.id("seed"));
        seedField.clear();
        seedField.sendKeys(seed);
        driver.findElement(By.id("generate")).click();
    }

    static void awaitDone(int count) {
        new WebDriverWait(driver, Duration.ofMinutes(5))
                .until(d ->
                        d.findElements(By.cssSelector(".tile[data-done='1']")).size() == count
                                && d.findElement(By.id("status")).getText().contains(count + " images"));
    }

    @Test
    void thePageGeneratesSixteenImagesThatFillInLive() throws Exception {
        openPage();
        driver.executeScript(WATCH_TILES);
        generate(16, "42");
        long broken = (Long) driver.executeScript(BROKEN_TILES);
        save(driver.getScreenshotAs(OutputType.FILE), Path.of("target", "serve-start.png"));
        assertEquals(0, broken, "tiles waiting for their first preview show no broken-image icon");
        awaitDone(16);
        checkTiles(driver);
        screenshot(driver);
    }

    @Test
    void thePageHasAnIcon() {
        openPage();
        @SuppressWarnings("unchecked")
        List<Object> icon = (List<Object>) driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const link = document.querySelector('link[rel=icon]');
                Promise.all([fetch(link.href), fetch('/favicon.ico')])
                    .then(rs => done(rs.flatMap(r => [r.status, r.headers.get('Content-Type')])));
                """);
        assertEquals(200L, icon.get(0), "the page's icon: " + icon);
        assertTrue(String.valueOf(icon.get(1)).startsWith("image/svg+xml"), icon.toString());
        assertEquals(200L, icon.get(2), "/favicon.ico leads to it: " + icon);
        assertTrue(String.valueOf(icon.get(3)).startsWith("image/svg+xml"), icon.toString());
    }

    /**
     * A random seed, read off a tile's tooltip and its download's name as a person would copy it, typed back into the
     * seed field with the same count, makes the same images byte for byte (the server draws seeds JavaScript holds
     * exactly; each tile names the request's seed and its index).
     */
    @Test
    void aSeedReadOffThePageMakesTheImageAgain() {
        openPage();
        driver.executeScript(WATCH_DOWNLOADS);
        generate(4, "");
        awaitDone(4);
        List<String> first = tileSources();
        WebElement tile = driver.findElements(By.cssSelector(".tile")).get(2);
        Matcher tip = Pattern.compile("seed (\\d+) · index (\\d+) · n (\\d+)").matcher(tile.getAttribute("title"));
        assertTrue(tip.find(), tile.getAttribute("title"));
        tile.click();
        @SuppressWarnings("unchecked")
        List<String> downloads = (List<String>) driver.executeScript("return window.downloads;");
        assertEquals(List.of("jpeglm-" + tip.group(1) + "-2.jpg"), downloads);
        assertEquals("2", tip.group(2));
        assertEquals("4", tip.group(3));

        generate(Integer.parseInt(tip.group(3)), tip.group(1));
        awaitDone(4);
        assertEquals(first.get(2), tileSources().get(2), "tile 2 made again from seed " + tip.group(1));
        assertEquals(first, tileSources(), "and the others with it");
    }

    @SuppressWarnings("unchecked")
    static List<String> tileSources() {
        return (List<String>)
                driver.executeScript("return [...document.querySelectorAll('.tile img')].map(i => i.src);");
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

    static ChromeDriver browser() {
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

    private static void save(File shot, Path target) throws Exception {
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void screenshot(ChromeDriver driver) throws Exception {
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", "serve.png");
        save(shot, target);
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
