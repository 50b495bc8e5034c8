package org.jpeglm.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.BpeTrainer;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.codec.Cut;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Generator;
import org.jpeglm.codec.igpt.GeneratedPixels;
import org.jpeglm.codec.igpt.IgptProfile;
import org.jpeglm.codec.igpt.IgptSpec;
import org.jpeglm.codec.igpt.PixelModels;
import org.jpeglm.codec.igpt.PixelStreams;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.testing.TinyStreamLm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The image routes over pixel models (tiny random igpt and bpe-igpt GGUFs of 28×28 pixels, 4 gray levels, as
 * PixelCliTest makes them): PNG images equal to the {@link Generator}'s for the same seed, completions that keep the
 * top rows, scores equal to the Generator's, row previews in a stream, the model's codec in /v1/models, and JPEG-only
 * fields refused by name.
 */
class PixelServerTest {
    private static final IgptProfile PROFILE = IgptProfile.fashionMnist(4);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARALLEL = 2;

    @TempDir
    static Path dir;

    private static Served igpt;
    private static Served bpe;
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /** A pixel model loaded and served on a free port. */
    private record Served(CodecModel<BufferedImage, GeneratedPixels> model, TestServer server, URI base)
            implements AutoCloseable {
        static Served start(Path file) {
            CodecModel<BufferedImage, GeneratedPixels> model = PixelModels.load(file);
            try {
                TestServer server = TestServer.serve(model, PARALLEL);
                return new Served(model, server, server.base);
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }

        /** A generator of the same parallel count, seed and sampling as the server's requests. */
        Generator<BufferedImage, GeneratedPixels> generator(long seed) {
            return model.newGenerator(GenerationOptions.builder()
                    .parallel(PARALLEL)
                    .threads(2)
                    .seed(seed)
                    .sampling(GenerationOptions.DEFAULT_SAMPLING)
                    .constrained(true)
                    .build());
        }

        HttpResponse<byte[]> post(String path, String json) {
            return server.postJson(path, json);
        }

        JsonNode postOk(String path, String json) throws IOException, InterruptedException {
            HttpResponse<byte[]> res = post(path, json);
            assertEquals(200, res.statusCode(), () -> new String(res.body(), StandardCharsets.UTF_8));
            return JSON.readTree(res.body());
        }

        @Override
        public void close() {
            server.close();
            model.close();
        }
    }

    /** A gray 28×28 picture: a bright box on dark noise. */
    private static BufferedImage picture(long seed) {
        return TinyStreamLm.pixelPicture(seed);
    }

    @BeforeAll
    static void models() throws IOException {
        Path plainFile = dir.resolve("igpt.gguf");
        IgptSpec plain = IgptSpec.igpt(PROFILE);
        TinyStreamLm.write(plainFile, 3, plain.tokenizer().vocabSize() + 2, plain.toGguf(), 1024);
        Path bpeFile = dir.resolve("bpe-igpt.gguf");
        List<byte[]> streams = IntStream.range(0, 10)
                .mapToObj(i -> PixelStreams.encode(picture(i), PROFILE))
                .toList();
        BpeTokenizer merged =
                new BpeTrainer(20, 2, BpeTokenizer.DEFAULT_BOS, BpeTokenizer.DEFAULT_EOS, 4).train(streams);
        TinyStreamLm.write(bpeFile, 4, merged.vocabSize(), new IgptSpec(PROFILE, merged).toGguf(), 1024);
        igpt = Served.start(plainFile);
        bpe = Served.start(bpeFile);
    }

    @AfterAll
    static void stop() {
        for (Served s : new Served[] {igpt, bpe}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static BufferedImage png(byte[] file) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(file));
        assertEquals(28, img.getWidth());
        assertEquals(28, img.getHeight());
        return img;
    }

    /** An upload in a JSON body: the PNG file in base64. */
    private static String base64Png(BufferedImage picture) {
        return Base64.getEncoder().encodeToString(JpegImages.png(picture));
    }

    private static byte[] b64(JsonNode node) {
        return Base64.getDecoder().decode(node.get("b64_json").asText());
    }

    @Test
    void generationsArePngsEqualToTheGeneratorsForTheSameSeed() throws Exception {
        for (Served s : List.of(igpt, bpe)) {
            JsonNode body = s.postOk("v1/images/generations", "{\"n\": 2, \"seed\": 5}");
            assertEquals("png", body.get("output_format").asText());
            List<GeneratedPixels> expected;
            GeneratedPixels alone; // one image steps alone, as the bytes request's does
            try (Generator<BufferedImage, GeneratedPixels> g = s.generator(5)) {
                expected = g.generate(2);
                alone = g.generate(1).getFirst();
            }
            for (int i = 0; i < 2; i++) {
                byte[] file = b64(body.get("data").get(i));
                png(file);
                assertArrayEquals(JpegImages.png(expected.get(i).image()), file, s.model + " image " + i);
                assertEquals(
                        expected.get(i).tokens(),
                        body.get("data").get(i).get("tokens").asInt());
            }
            HttpResponse<byte[]> bytes =
                    s.post("v1/images/generations", "{\"seed\": 5, \"response_format\": \"bytes\"}");
            assertEquals(200, bytes.statusCode());
            assertEquals("image/png", bytes.headers().firstValue("Content-Type").orElseThrow());
            assertArrayEquals(JpegImages.png(alone.image()), bytes.body());
        }
    }

    @Test
    void aStreamPreviewsTheRowsAsPngsThenSendsTheImages() throws Exception {
        HttpResponse<InputStream> res = CLIENT.send(
                HttpRequest.newBuilder(igpt.base.resolve("v1/images/generations"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"seed\": 3, \"stream\": true, \"preview_interval_ms\": 0}"))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, res.statusCode());
        List<TestServer.Sse> events;
        try (InputStream in = res.body()) {
            events = TestServer.Sse.readAll(in);
        }
        List<TestServer.Sse> previews =
                events.stream().filter(e -> e.event().equals("preview")).toList();
        assertTrue(!previews.isEmpty(), "previews: " + events);
        JsonNode first = previews.getFirst().data();
        assertEquals(28, first.get("total_rows").asInt());
        assertEquals("png", first.get("output_format").asText());
        png(b64(first));
        TestServer.Sse image = events.stream()
                .filter(e -> e.event().equals("image"))
                .findFirst()
                .orElseThrow();
        png(b64(image.data()));
        assertEquals("done", events.getLast().event());
    }

    @Test
    void aCompletionKeepsTheTopRowsOfTheUploadAndEqualsTheGenerators() throws Exception {
        BufferedImage picture = picture(99);
        String image = base64Png(picture);
        JsonNode body =
                igpt.postOk("v1/images/completions", "{\"image\": \"" + image + "\", \"ratio\": 0.5, \"seed\": 11}");
        byte[] file = b64(body.get("data").get(0));
        BufferedImage completed = png(file);
        BufferedImage quantized = PixelStreams.decode(PixelStreams.encode(picture, PROFILE), PROFILE)
                .image();
        for (int y = 0; y < 14; y++) {
            for (int x = 0; x < 28; x++) {
                assertEquals(quantized.getRGB(x, y), completed.getRGB(x, y), "pixel " + x + "," + y + " kept");
            }
        }
        try (Generator<BufferedImage, GeneratedPixels> g = igpt.generator(11)) {
            GeneratedPixels expected =
                    g.complete(List.of(picture), Cut.share(0.5)).getFirst();
            assertArrayEquals(JpegImages.png(expected.image()), file);
        }
    }

    @Test
    void aScoreIsTheGeneratorsInBitsPerPixel() throws Exception {
        BufferedImage picture = picture(7);
        String image = base64Png(picture);
        for (Served s : List.of(igpt, bpe)) {
            JsonNode body = s.postOk("v1/images/scores", "{\"image\": \"" + image + "\"}");
            double expected;
            try (Generator<BufferedImage, GeneratedPixels> g = s.generator(0)) {
                expected = g.score(List.of(picture)).getFirst().bits();
            }
            JsonNode score = body.get("data").get(0);
            assertEquals(expected, score.get("bits").asDouble(), 1e-3 * expected, s.model.toString());
            assertEquals(28 * 28, score.get("pixels").asInt());
            assertEquals(expected / (28 * 28), body.get("bits_per_pixel").asDouble(), 1e-3);
        }
    }

    @Test
    void jpegOnlyFieldsAreRefusedByName() throws Exception {
        for (String field : List.of("quality", "output_format", "preview_mcus")) {
            String value = field.equals("preview_mcus") ? "1" : field.equals("quality") ? "\"hd\"" : "\"jpeg\"";
            HttpResponse<byte[]> res = igpt.post("v1/images/generations", "{\"" + field + "\": " + value + "}");
            assertEquals(400, res.statusCode(), field);
            JsonNode error = JSON.readTree(res.body()).get("error");
            assertEquals(field, error.get("param").asText(), error.toString());
        }
    }

    @Test
    void modelsSaysTheCodecAndHealthIsOk() throws Exception {
        HttpResponse<byte[]> models = CLIENT.send(
                HttpRequest.newBuilder(bpe.base.resolve("v1/models")).build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode meta = JSON.readTree(models.body()).get("data").get(0).get("meta");
        assertEquals("bpe-igpt", meta.get("codec").asText());
        assertEquals(28, meta.get("profile").get("width").asInt());
        assertEquals("image", meta.get("noun").asText());
        HttpResponse<byte[]> health = CLIENT.send(
                HttpRequest.newBuilder(igpt.base.resolve("health")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, health.statusCode());
    }

    /** The page over a pixel model: it names the codec, and its tiles end as clean 28×28 PNGs. */
    @Test
    void thePageGeneratesPngs() throws Exception {
        assertTrue(
                Files.isExecutable(PageBrowserTest.CHROMIUM) && Files.isExecutable(PageBrowserTest.CHROMEDRIVER),
                "the browser test needs Debian's chromium and chromium-driver: scripts/install-prerequisites --test");
        ChromeDriver driver = PageBrowserTest.browser();
        try {
            driver.get(igpt.base.toString());
            new WebDriverWait(driver, Duration.ofSeconds(60))
                    .until(d -> d.findElement(By.id("model")).getText().contains("28×28 igpt, 4 colours"));
            WebElement count = driver.findElement(By.id("count"));
            count.clear();
            count.sendKeys("2");
            driver.findElement(By.id("generate")).click();
            new WebDriverWait(driver, Duration.ofMinutes(2))
                    .until(d -> d.findElements(By.cssSelector(".tile[data-done='1']"))
                                    .size()
                            == 2);
            assertEquals("", driver.findElement(By.id("error")).getText());
            for (WebElement tile : driver.findElements(By.cssSelector(".tile"))) {
                String src = tile.findElement(By.tagName("img")).getAttribute("src");
                assertTrue(src.startsWith("data:image/png;base64,"), src);
                png(Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1)));
                assertEquals("", tile.findElement(By.className("badge")).getText(), "clean: every pixel written");
            }
        } finally {
            driver.quit();
        }
    }
}
