package org.jpeglm.serve;

import static org.jpeglm.serve.TestServer.base64;
import static org.jpeglm.serve.TestServer.decode;
import static org.jpeglm.serve.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.images.Image;
import com.openai.models.images.ImageGenCompletedEvent;
import com.openai.models.images.ImageGenPartialImageEvent;
import com.openai.models.images.ImageGenStreamEvent;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import com.openai.models.models.Model;
import dev.langchain4j.model.openai.OpenAiImageModel;
import dev.langchain4j.model.output.Response;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real OpenAI clients against the server, with only the base URL and the key changed: OpenAI's own Java SDK (its
 * response validation on, so every field it models must parse) and LangChain4j's OpenAI image model (its own HTTP
 * client and JSON mapping). Their images must be the bytes a plain request with the same seed gets.
 */
class OpenAiClientsTest {
    static final String KEY = "sk-test-key";

    @TempDir
    static Path dir;

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dir, 2, b -> b.apiKey(KEY));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static OpenAIClient sdk(String key) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(server.base.resolve("v1").toString())
                .apiKey(key)
                .responseValidation(true)
                .maxRetries(0)
                .build();
    }

    /** What a plain request for n images with seed gets: the bytes every client must see. */
    static List<byte[]> plain(int n, long seed) {
        JsonNode body = json(server.postJson(
                "/v1/images/generations",
                "{\"n\": " + n + ", \"seed\": " + seed + "}",
                "Authorization",
                "Bearer " + KEY));
        List<byte[]> files = new ArrayList<>();
        body.get("data").forEach(d -> files.add(base64(d.get("b64_json"))));
        return files;
    }

    @Test
    void theSdkGeneratesWithEveryFieldItSends() {
        OpenAIClient client = sdk(KEY);
        try {
            ImagesResponse res = client.images()
                    .generate(ImageGenerateParams.builder()
                            .prompt("a shirt") // the model has no text: ignored, and said so
                            .n(2)
                            .model("tiny.gguf")
                            .size(ImageGenerateParams.Size.of("16x16"))
                            .responseFormat(ImageGenerateParams.ResponseFormat.B64_JSON)
                            .quality(ImageGenerateParams.Quality.STANDARD)
                            .style(ImageGenerateParams.Style.NATURAL)
                            .user("user-1")
                            .putAdditionalBodyProperty("seed", JsonValue.from(11))
                            .build());
            List<Image> data = res.data().orElseThrow();
            List<byte[]> expected = plain(2, 11);
            assertEquals(2, data.size());
            for (int i = 0; i < 2; i++) {
                byte[] file = Base64.getDecoder().decode(data.get(i).b64Json().orElseThrow());
                assertArrayEquals(expected.get(i), file, "image " + i);
                assertEquals("", data.get(i).revisedPrompt().orElseThrow(), "no text was used");
            }
            assertTrue(res.created() > 1_700_000_000L);
            assertEquals(ImagesResponse.OutputFormat.JPEG, res.outputFormat().orElseThrow());
            ImagesResponse.Usage usage = res.usage().orElseThrow();
            assertEquals(0, usage.inputTokensDetails().textTokens());
            assertEquals(usage.inputTokens() + usage.outputTokens(), usage.totalTokens());
            assertTrue(usage.outputTokens() > 2, "tokens of two images: " + usage.outputTokens());
            assertTrue(res._additionalProperties().containsKey("warnings"), "says the prompt was ignored");
        } finally {
            client.close();
        }
    }

    /**
     * The SDK's streaming call: every event parses (and validates) as one of OpenAI's types, partial images as asked,
     * then each image's completed event with the bytes a plain request with the seed gets.
     */
    @Test
    void theSdkStreamsOpenAisImageEvents() {
        OpenAIClient client = sdk(KEY);
        List<ImageGenStreamEvent> events;
        try (StreamResponse<ImageGenStreamEvent> stream = client.images()
                .generateStreaming(ImageGenerateParams.builder()
                        .prompt("")
                        .n(2)
                        .partialImages(2)
                        .putAdditionalBodyProperty("seed", JsonValue.from(11))
                        .putAdditionalBodyProperty("preview_interval_ms", JsonValue.from(0))
                        .build())) {
            events = stream.stream().toList();
        } finally {
            client.close();
        }
        List<byte[]> expected = plain(2, 11);
        Map<Integer, byte[]> completed = new HashMap<>();
        int partials = 0;
        for (ImageGenStreamEvent e : events) {
            if (e.isGenerationPartialImage()) {
                ImageGenPartialImageEvent p = e.asGenerationPartialImage();
                assertTrue(p.partialImageIndex() >= 0 && p.partialImageIndex() < 2, "2 asked: " + p);
                assertEquals(16, decode(Base64.getDecoder().decode(p.b64Json())).getWidth());
                int index = index(p._additionalProperties());
                assertTrue(!completed.containsKey(index), "no partial image after its image: " + p);
                partials++;
            } else {
                ImageGenCompletedEvent c = e.asGenerationCompleted(); // throws for any other event
                assertEquals(ImageGenCompletedEvent.Size.AUTO, c.size(), "the size asked: none");
                assertEquals(ImageGenCompletedEvent.OutputFormat.JPEG, c.outputFormat());
                assertEquals(ImageGenCompletedEvent.Background.OPAQUE, c.background());
                assertTrue(c.createdAt() > 1_700_000_000L);
                ImageGenCompletedEvent.Usage usage = c.usage();
                assertTrue(usage.outputTokens() > 2, "an image's tokens: " + usage);
                assertEquals(usage.inputTokens() + usage.outputTokens(), usage.totalTokens());
                int index = index(c._additionalProperties());
                byte[] file = Base64.getDecoder().decode(c.b64Json());
                assertArrayEquals(expected.get(index), file, "image " + index);
                assertEquals(16, decode(file).getWidth());
                completed.put(index, file);
            }
        }
        assertEquals(2, completed.size(), "a completed event per image");
        assertTrue(partials > 0 && partials <= 4, "partial images, at most 2 per image: " + partials);
    }

    /** jpeglm's image index, beside OpenAI's fields of an event. */
    static int index(Map<String, JsonValue> fields) {
        return ((Number) fields.get("index").asNumber().orElseThrow()).intValue();
    }

    /** README's call ("OpenAI's clients"), as it is written there but for the address and the key. */
    @Test
    void theReadmesSdkCall() {
        OpenAIClient client = OpenAIOkHttpClient.builder()
                .baseUrl(server.base.resolve("v1").toString())
                .apiKey(KEY)
                .build();
        try {
            ImagesResponse res = client.images()
                    .generate(ImageGenerateParams.builder()
                            .prompt("") // an unconditional model: no text
                            .n(4)
                            .putAdditionalBodyProperty("seed", JsonValue.from(7)) // jpeglm's own fields ride along
                            .build());
            byte[] jpeg = Base64.getDecoder()
                    .decode(res.data().orElseThrow().getFirst().b64Json().orElseThrow());
            assertArrayEquals(plain(4, 7).getFirst(), jpeg);
            assertEquals(16, decode(jpeg).getWidth());
            assertTrue(res._additionalProperties().get("warnings") == null, "an empty prompt needs no note");
        } finally {
            client.close();
        }
    }

    @Test
    void theSdkListsTheModel() {
        OpenAIClient client = sdk(KEY);
        try {
            List<Model> models = client.models().list().data();
            assertEquals(1, models.size());
            assertEquals("tiny.gguf", models.getFirst().id());
            assertEquals("jpeglm", models.getFirst().ownedBy());
            assertTrue(models.getFirst().created() > 1_700_000_000L);
        } finally {
            client.close();
        }
    }

    @Test
    void theSdkRetrievesTheModelByItsId() {
        OpenAIClient client = sdk(KEY);
        try {
            Model model = client.models().retrieve("tiny.gguf");
            assertEquals("tiny.gguf", model.id());
            assertEquals("jpeglm", model.ownedBy());
            for (String other : List.of("gpt-image-1", "org/model")) {
                NotFoundException missing = assertThrows(
                        NotFoundException.class, () -> client.models().retrieve(other));
                assertTrue(missing.getMessage().contains("tiny.gguf"), missing.getMessage());
                assertEquals("model", missing.param().orElseThrow());
            }
        } finally {
            client.close();
        }
    }

    @Test
    void theSdkSeesRefusalsAsItsExceptions() {
        OpenAIClient client = sdk(KEY);
        try {
            BadRequestException size = assertThrows(
                    BadRequestException.class,
                    () -> client.images()
                            .generate(ImageGenerateParams.builder()
                                    .prompt("")
                                    .size(ImageGenerateParams.Size._1024X1024)
                                    .build()));
            assertTrue(size.getMessage().contains("16x16"), size.getMessage());
            assertEquals("size", size.param().orElseThrow());
            assertEquals("invalid_request_error", size.type().orElseThrow());
            assertEquals("400", size.code().orElseThrow());
            BadRequestException url = assertThrows(
                    BadRequestException.class,
                    () -> client.images()
                            .generate(ImageGenerateParams.builder()
                                    .prompt("")
                                    .responseFormat(ImageGenerateParams.ResponseFormat.URL)
                                    .build()));
            assertTrue(url.getMessage().contains("b64_json"), url.getMessage());
        } finally {
            client.close();
        }
        OpenAIClient wrongKey = sdk("sk-wrong");
        try {
            assertThrows(UnauthorizedException.class, () -> wrongKey.models().list());
        } finally {
            wrongKey.close();
        }
    }

    @Test
    void langChain4jGeneratesWithItsOwnClient() {
        OpenAiImageModel model = OpenAiImageModel.builder()
                .baseUrl(server.base.resolve("v1").toString())
                .apiKey(KEY)
                .modelName("tiny.gguf")
                .size("16x16")
                .quality("auto")
                .user("user-2")
                .outputFormat("jpeg")
                .maxRetries(0)
                .build();
        Response<List<dev.langchain4j.data.image.Image>> res = model.generate("a shirt", 3);
        assertEquals(3, res.content().size());
        for (dev.langchain4j.data.image.Image img : res.content()) {
            assertEquals("image/jpeg", img.mimeType());
            BufferedImage decoded = decode(Base64.getDecoder().decode(img.base64Data()));
            assertEquals(16, decoded.getWidth());
            assertEquals(16, decoded.getHeight());
        }
    }
}
