package org.jpeglm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A client of {@code POST /v1/images/generations} that sorts every answer into what a client of replicas behind a
 * load balancer may get ({@link Outcome}): complete, or one of the retryable ends, or wrong. It sends its own
 * X-Request-Id and keeps what came back as it came (a stream's events with their arrival times).
 */
final class GenerationClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request of the load: its seed (one per job), its images, whether streamed. */
    record Job(String name, long seed, int n, boolean stream) {
        String body() {
            return "{\"seed\": " + seed + ", \"n\": " + n + ", \"stream\": " + stream + ", \"preview_mcus\": 0}";
        }
    }

    /** An image of an answer: the request's seed, its index, and its own sampling seed. */
    record ImageRef(long seed, int index, String imageSeed) {}

    /** How one attempt ended. */
    sealed interface Outcome {
        /** Retryable: the client should send the same request again. */
        default boolean retryable() {
            return !(this instanceof Complete) && !(this instanceof Wrong);
        }
    }

    /** A 200 with exactly the images asked for (a stream: their image events, then done). */
    record Complete(List<ImageRef> images) implements Outcome {}

    /**
     * A 502, 503 or 504 with Retry-After (whole seconds, at least 1) and the JSON error of that status; closes: whether
     * it said Connection: close.
     */
    record Refused(int status, int retryAfter, String message, boolean closes) implements Outcome {}

    /** A stream whose last event is error, code 503, saying to retry; images: those sent before it. */
    record StreamError(int images, String message) implements Outcome {}

    /**
     * A stream that ended without done or error: its replica died. The client knows it is incomplete because no last
     * event came; images and progress: the events it got before.
     */
    record Cut(int images, int progress, String how) implements Outcome {}

    /** Anything else: an answer no client of this service should get. */
    record Wrong(String what) implements Outcome {}

    /** One attempt: the id it was sent with, the id echoed (null: no answer), and its outcome. */
    record Attempt(Job job, String id, String echoedId, Outcome outcome) {}

    private final HttpClient http;
    private final URI base;

    GenerationClient(HttpClient http, URI base) {
        this.http = http;
        this.base = base;
    }

    /** Sends job once with id; onFirstLine runs when a stream's first line arrives (its headers and seed comment). */
    Attempt send(Job job, String id, Consumer<String> onFirstLine) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("v1/images/generations"))
                .header("Content-Type", "application/json")
                .header("X-Request-Id", id)
                .timeout(Duration.ofMinutes(3))
                .POST(HttpRequest.BodyPublishers.ofString(job.body()))
                .build();
        try {
            if (!job.stream()) {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                return new Attempt(job, id, echoed(r.headers()), answer(job, r.statusCode(), r.headers(), r.body()));
            }
            HttpResponse<Stream<String>> r = http.send(request, HttpResponse.BodyHandlers.ofLines());
            try (Stream<String> lines = r.body()) {
                Outcome o = r.statusCode() == 200
                                && r.headers()
                                        .firstValue("Content-Type")
                                        .orElse("")
                                        .startsWith("text/event-stream")
                        ? stream(job, lines.iterator(), onFirstLine)
                        : answer(job, r.statusCode(), r.headers(), String.join("\n", lines.toList()));
                return new Attempt(job, id, echoed(r.headers()), o);
            }
        } catch (IOException e) {
            return new Attempt(job, id, null, new Wrong("no answer: " + e));
        }
    }

    private static String echoed(HttpHeaders headers) {
        return headers.firstValue("X-Request-Id").orElse("");
    }

    /** A whole (non-streamed) answer. */
    static Outcome answer(Job job, int status, HttpHeaders headers, String body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            return new Wrong(status + " with a body that is not JSON: " + clip(body));
        }
        if (status == 200) {
            List<ImageRef> images = new ArrayList<>();
            json.path("data").forEach(image -> images.add(ref(image)));
            return complete(job, images);
        }
        if (status == 502 || status == 503 || status == 504) {
            int retryAfter = headers.firstValue("Retry-After")
                    .map(GenerationClient::seconds)
                    .orElse(-1);
            String code = json.path("error").path("code").asText();
            if (retryAfter < 1 || !code.equals(Integer.toString(status))) {
                return new Wrong(status + " without Retry-After or its JSON error: " + headers.firstValue("Retry-After")
                        + " " + clip(body));
            }
            boolean closes = headers.firstValue("Connection").orElse("").equalsIgnoreCase("close");
            return new Refused(
                    status, retryAfter, json.path("error").path("message").asText(), closes);
        }
        return new Wrong("status " + status + ": " + clip(body));
    }

    /** A stream: image events, then done or error, each once; read as the lines come. */
    static Outcome stream(Job job, Iterator<String> lines, Consumer<String> onFirstLine) {
        List<ImageRef> images = new ArrayList<>();
        int progress = 0;
        String event = null;
        String last = null; // done or error
        String error = null;
        boolean first = true;
        try {
            while (lines.hasNext()) {
                String line = lines.next();
                if (first) {
                    onFirstLine.accept(line);
                    first = false;
                }
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ") && event != null) {
                    if (last != null) {
                        return new Wrong("event " + event + " after " + last);
                    }
                    JsonNode data = JSON.readTree(line.substring(6));
                    switch (event) {
                        case "image" -> images.add(ref(data));
                        case "progress" -> progress++;
                        case "done" -> {
                            last = "done";
                            if (data.path("images").asInt() != job.n()) {
                                return new Wrong("done says " + data.path("images") + " images of " + job.n());
                            }
                        }
                        case "error" -> {
                            last = "error";
                            error = data.path("error").path("message").asText();
                            if (!data.path("error").path("code").asText().equals("503") || !error.contains("retry")) {
                                return new Wrong("an error event that is not a retry: " + line);
                            }
                        }
                        default -> {}
                    }
                    event = null;
                }
            }
        } catch (UncheckedIOException | IOException e) {
            return last == null
                    ? new Cut(images.size(), progress, e.toString())
                    : new Wrong("after " + last + ": " + e);
        }
        if (last == null) {
            return new Cut(images.size(), progress, "the stream ended");
        }
        if (last.equals("error")) {
            Outcome distinct = distinct(job, images);
            return distinct != null ? distinct : new StreamError(images.size(), error);
        }
        return complete(job, images);
    }

    /** Exactly the images of job: indexes 0 .. n-1 once each, each naming its seed. */
    private static Outcome complete(Job job, List<ImageRef> images) {
        Outcome distinct = distinct(job, images);
        if (distinct != null) {
            return distinct;
        }
        if (images.size() != job.n()) {
            return new Wrong(images.size() + " images of " + job.n() + ": " + images);
        }
        return new Complete(List.copyOf(images));
    }

    /** Null when images are of job's seed and no index repeats; else what is wrong. */
    private static Outcome distinct(Job job, List<ImageRef> images) {
        Set<Integer> indexes = new HashSet<>();
        for (ImageRef i : images) {
            if (i.seed() != job.seed() || i.index() < 0 || i.index() >= job.n() || !indexes.add(i.index())) {
                return new Wrong("image " + i + " in the answer to " + job);
            }
        }
        return null;
    }

    private static ImageRef ref(JsonNode image) {
        return new ImageRef(
                image.path("seed").asLong(),
                image.path("index").asInt(-1),
                image.path("image_seed").asText());
    }

    private static int seconds(String header) {
        try {
            return Integer.parseInt(header.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String clip(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
