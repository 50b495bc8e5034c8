package org.jpeglm.bench;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jpeglm.jpeg.JpegEncoder;
import org.jpeglm.jpeg.JpegParser;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.JpegRepair;
import org.jpeglm.jpeg.JpegSyntax;
import org.jpeglm.jpeg.Subsampling;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Single-thread throughput of the JPEG layer's three readers of entropy-coded data on the same abbreviated
 * streams: the grammar ({@link JpegSyntax.State#advance(int)} byte by byte, as constrained sampling drives it),
 * {@link JpegRepair} and {@link JpegParser}. Streams are encoded from deterministic synthetic pictures (smooth
 * ramps with noise, hard-edged rectangles, noise) for two layouts: {@code gray32} (32×32 gray, quality 25, a
 * restart marker after every block) and {@code paper} (the paper's 256×256 4:2:0 profile).
 *
 * <p>The {@code bytes} counter is the input consumed: its "ops/s" are bytes per second. Run it as
 * {@code java -jar bench/target/benchmarks.jar JpegSyntaxBenchmark -f 1 -wi 3 -i 5}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class JpegSyntaxBenchmark {
    /** 32×32 gray (16 MCUs) or the paper's 256×256 4:2:0 (256 MCUs). */
    @Param({"gray32", "paper"})
    public String layout;

    byte[][] streams;
    JpegSyntax syntax;
    JpegRepair repair;
    JpegSyntax.State start;
    JpegSyntax.State state;

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

    @Setup
    public void setup() {
        JpegProfile profile = switch (layout) {
            case "gray32" -> new JpegProfile(25, Subsampling.GRAY, 1, 32, 32);
            case "paper" -> JpegProfile.PAPER;
            default -> throw new IllegalArgumentException("unknown layout " + layout);
        };
        JpegEncoder encoder = new JpegEncoder(profile);
        int count = profile.width() <= 32 ? 48 : 6;
        streams = new byte[count][];
        for (int i = 0; i < count; i++) streams[i] = encoder.encode(picture(profile.width(), profile.height(), i));
        syntax = new JpegSyntax(profile);
        repair = new JpegRepair(profile);
        start = syntax.start();
        state = syntax.start();
        for (byte[] s : streams)
            if (!syntax.accepts(s)) throw new IllegalStateException("the grammar refuses a stream");
    }

    /** Picture i: ramps with a little noise (like a photo), rectangles (hard edges) or noise, in turn. */
    static BufferedImage picture(int w, int h, int i) {
        var img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        var r = new SplittableRandom(i);
        WritableRaster ras = img.getRaster();
        switch (i % 3) {
            case 0 -> {
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        for (int b = 0; b < 3; b++) {
                            int v = (x * (b + 1) * 255 / w + y * (3 - b) * 255 / (2 * h)) / 2;
                            ras.setSample(x, y, b, Math.clamp(v + r.nextInt(9) - 4, 0, 255));
                        }
            }
            case 1 -> {
                var g = img.createGraphics();
                for (int k = 0; k < 12; k++) {
                    g.setColor(new Color(r.nextInt(1 << 24)));
                    g.fillRect(r.nextInt(w), r.nextInt(h), 1 + r.nextInt(w), 1 + r.nextInt(h));
                }
                g.dispose();
            }
            default -> {
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) for (int b = 0; b < 3; b++) ras.setSample(x, y, b, r.nextInt(256));
            }
        }
        return img;
    }

    /** Advances a grammar state over every stream, one byte at a time. */
    @Benchmark
    public void grammar(Bytes counter, Blackhole bh) {
        JpegSyntax.State st = state;
        for (byte[] s : streams) {
            st.copyFrom(start);
            for (byte b : s) st.advance(b & 0xFF);
            bh.consume(st.isComplete());
            counter.bytes += s.length;
        }
    }

    /** Repairs every (already clean) stream: split, Huffman-decode and re-encode every interval. */
    @Benchmark
    public void repair(Bytes counter, Blackhole bh) {
        for (byte[] s : streams) {
            bh.consume(repair.repair(s));
            counter.bytes += s.length;
        }
    }

    /** Parses every stream: header segments and the restart-interval index of the entropy-coded data. */
    @Benchmark
    public void parse(Bytes counter, Blackhole bh) {
        for (byte[] s : streams) {
            bh.consume(JpegParser.parse(s));
            counter.bytes += s.length;
        }
    }
}
