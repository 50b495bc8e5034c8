package org.jpeglm.serve;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jpeglm.codec.GenerationOptions;

/**
 * How {@link ImageServer} listens and what it accepts.
 *
 * @param host the address to bind (127.0.0.1: this machine only)
 * @param port the TCP port; 0 picks a free one ({@link ImageServer#port()} says which)
 * @param apiKey the key clients must send as {@code Authorization: Bearer KEY}; null: none needed. Printable ASCII
 *     only (no spaces): HTTP carries header bytes, not characters, and clients encode others differently
 * @param maxBodyBytes largest request body accepted (larger: 413)
 * @param maxImagePixels largest uploaded image, in pixels, decoded (larger: 413)
 * @param maxImagesPerRequest most images one request may ask for (more: 400); at most the queue's size
 * @param service the shared service: sequences ({@code -np}), threads, batch size, determinism and queue bound (full:
 *     503); a request's sampling, seed and token limit come from its fields and the codec's defaults, not from here
 * @param keepAlive longest a stream stays silent: then a comment keeps proxies from closing it (and a write finds a
 *     client gone where the connection's own watch cannot, e.g. under TLS)
 * @param allowedHosts names besides IP addresses, {@code localhost} and host that the {@code Host} header may give
 *     (a web page of another site that resolves its own name to this server, DNS rebinding, gives its own name);
 *     {@code "*"} allows any
 * @param drainTime how long {@link ImageServer#shutdown} lets running requests finish before cancelling them
 */
public record ServeOptions(
        String host,
        int port,
        String apiKey,
        long maxBodyBytes,
        long maxImagePixels,
        int maxImagesPerRequest,
        GenerationOptions service,
        Duration keepAlive,
        List<String> allowedHosts,
        Duration drainTime) {
    /**
     * A stream's least time between two updates (progress, previews) when its request gives no
     * {@code preview_interval_ms}: the page fills in smoothly, and a small machine is not woken for every MCU row.
     */
    public static final Duration DEFAULT_PREVIEW_INTERVAL = Duration.ofMillis(50);

    public ServeOptions {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
        }
        if (apiKey != null && apiKey.isBlank()) {
            throw new IllegalArgumentException("an API key must not be blank (leave it out to need none)");
        }
        if (apiKey != null && !apiKey.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException(
                    "an API key must be printable ASCII without spaces: clients send other characters in"
                            + " different encodings, so such a key could never be matched reliably");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 1024, got " + maxBodyBytes);
        }
        if (maxImagePixels < 1) {
            throw new IllegalArgumentException("maxImagePixels must be at least 1, got " + maxImagePixels);
        }
        if (maxImagesPerRequest < 1) {
            throw new IllegalArgumentException("maxImagesPerRequest must be at least 1, got " + maxImagesPerRequest);
        }
        Objects.requireNonNull(service, "service");
        if (maxImagesPerRequest > service.maxQueued()) {
            throw new IllegalArgumentException("maxImagesPerRequest (" + maxImagesPerRequest
                    + ") must not exceed the queue (" + service.maxQueued() + "): such a request could never run");
        }
        Objects.requireNonNull(keepAlive, "keepAlive");
        if (keepAlive.isNegative() || keepAlive.isZero()) {
            throw new IllegalArgumentException("keepAlive must be positive, got " + keepAlive);
        }
        allowedHosts = hostNames(allowedHosts);
        Objects.requireNonNull(drainTime, "drainTime");
        if (drainTime.isNegative()) {
            throw new IllegalArgumentException("drainTime must not be negative, got " + drainTime);
        }
    }

    /** names, each checked (a host name or "*") and lower-cased. */
    private static List<String> hostNames(List<String> names) {
        Objects.requireNonNull(names, "allowedHosts");
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (n == null || !n.equals("*") && !n.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
                throw new IllegalArgumentException(
                        "an allowed host must be a host name (letters, digits, dots, hyphens) or *, got '" + n + "'");
            }
            out.add(n.toLowerCase(Locale.ROOT));
        }
        return List.copyOf(out);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Defaults: 127.0.0.1:8080 (llama-server's), no key, 32 MiB bodies, 16-megapixel uploads, 64 images a request, no
     * other host names, a service of 4 sequences ({@code -np 4}) on automatic threads, 20 s to drain (a load balancer's or Kubernetes' grace period is commonly 30 s).
     */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8080;
        private String apiKey;
        private long maxBodyBytes = 32L << 20;
        private long maxImagePixels = 16L << 20;
        private int maxImagesPerRequest = 64;
        private GenerationOptions service =
                GenerationOptions.builder().parallel(4).build();
        private Duration keepAlive = Duration.ofSeconds(1);
        private List<String> allowedHosts = List.of();
        private Duration drainTime = Duration.ofSeconds(20);

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        public Builder maxBodyBytes(long maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        public Builder maxImagePixels(long maxImagePixels) {
            this.maxImagePixels = maxImagePixels;
            return this;
        }

        public Builder maxImagesPerRequest(int maxImagesPerRequest) {
            this.maxImagesPerRequest = maxImagesPerRequest;
            return this;
        }

        public Builder keepAlive(Duration keepAlive) {
            this.keepAlive = keepAlive;
            return this;
        }

        public Builder allowedHosts(List<String> allowedHosts) {
            this.allowedHosts = allowedHosts;
            return this;
        }

        public Builder drainTime(Duration drainTime) {
            this.drainTime = drainTime;
            return this;
        }

        public Builder service(GenerationOptions service) {
            this.service = service;
            return this;
        }

        public ServeOptions build() {
            return new ServeOptions(
                    host,
                    port,
                    apiKey,
                    maxBodyBytes,
                    maxImagePixels,
                    maxImagesPerRequest,
                    service,
                    keepAlive,
                    allowedHosts,
                    drainTime);
        }
    }
}
