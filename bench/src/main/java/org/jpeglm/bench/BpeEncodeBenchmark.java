package org.jpeglm.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.BpeTrainer;
import org.jpeglm.jpeg.JpegEncoder;
import org.jpeglm.jpeg.JpegProfile;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Single-thread BPE encode (and decode) throughput on realistic input: the abbreviated JPEG streams Jpeg-LM
 * reads (quality 25, 4:2:0, a restart marker after every MCU, tables left out) of six 256×256 photos from
 * jpeglm's test images, encoded with a 320-merge tokenizer trained on 64×64 crops of the same photos.
 *
 * <p>The {@code bytes} counter is the input consumed: JMH reports it as a rate, so its "ops/s" are bytes per
 * second (divide by 10^6 for MB/s). See bench/README.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class BpeEncodeBenchmark {
    static final List<String> PHOTOS =
            List.of("hopper.png", "seeding.png", "picos.png", "wine.png", "life-gray.png", "umang-gray.png");

    /** The six 256×256 streams, about 5.5 KB each. */
    byte[][] streams;

    BpeTokenizer tokenizer;
    int[][] encoded;

    /** Bytes processed; JMH turns the count into a per-second rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    static BufferedImage photo(String name) {
        try (InputStream in = BpeEncodeBenchmark.class.getResourceAsStream("/jpeg/sources/" + name)) {
            if (in == null)
                throw new IllegalStateException(
                        "missing /jpeg/sources/" + name + " (bench/pom.xml copies them from jpeg/src/test/resources)");
            return ImageIO.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The photos' streams and a tokenizer trained on their 64×64 crops (sixteen per photo). */
    @Setup
    public void setup() {
        JpegEncoder paper = new JpegEncoder(JpegProfile.PAPER.anySize());
        List<byte[]> crops = new ArrayList<>();
        streams = new byte[PHOTOS.size()][];
        for (int i = 0; i < PHOTOS.size(); i++) {
            BufferedImage img = photo(PHOTOS.get(i));
            streams[i] = paper.encode(img);
            for (int y = 0; y < 256; y += 64)
                for (int x = 0; x < 256; x += 64) crops.add(paper.encode(img.getSubimage(x, y, 64, 64)));
        }
        tokenizer = BpeTrainer.defaults().train(crops);
        encoded = new int[streams.length][];
        for (int i = 0; i < streams.length; i++) encoded[i] = tokenizer.encode(streams[i]);
    }

    /** Encodes the six streams with BOS and EOS, as a training or prompting pipeline does. */
    @Benchmark
    public void encode(Bytes counter, Blackhole bh) {
        for (byte[] s : streams) {
            bh.consume(tokenizer.encode(s, true, true));
            counter.bytes += s.length;
        }
    }

    /** Decodes the six token sequences back to bytes. */
    @Benchmark
    public void decode(Bytes counter, Blackhole bh) {
        for (int i = 0; i < encoded.length; i++) {
            bh.consume(tokenizer.decode(encoded[i]));
            counter.bytes += streams[i].length;
        }
    }
}
