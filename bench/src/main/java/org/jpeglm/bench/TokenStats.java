package org.jpeglm.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.BpeTrainer;
import org.jpeglm.jpeg.JpegEncoder;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.JpegStreams;

/**
 * Bytes and tokens per image for real photos in Jpeg-LM's preprocessing (docs/tokens.md has a run):
 * each photo is scaled to cover 256×256 and centre-cropped ({@link JpegImages#fit}), written as the paper's
 * abbreviated stream (quality 25, 4:2:0, RST after every MCU, no tables), and tokenized with 320-merge BPE
 * trained two ways: on the very streams it encodes (in-sample, the most favourable), and held out, two-fold
 * by photo (each half encoded by a tokenizer trained on random crops of the other half's photos only).
 * Prints Markdown. Not a test: run it with
 * <pre>
 *   java -cp bench/target/benchmarks.jar org.jpeglm.bench.TokenStats [--crops K] [--seed S] PHOTO...
 * </pre>
 */
public final class TokenStats {
    private static final int SIZE = 256;
    private static final int RAW_RGB_BYTES = SIZE * SIZE * 3;

    private TokenStats() {}

    record Photo(String name, BufferedImage image, byte[] stream) {}

    public static void main(String[] args) throws IOException {
        int crops = 20;
        long seed = 1;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--crops" -> crops = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> files.add(Path.of(args[i]));
            }
        }
        if (files.size() < 2) {
            System.err.println("usage: TokenStats [--crops K] [--seed S] PHOTO PHOTO...");
            System.exit(2);
        }
        JpegEncoder paper = JpegEncoder.paper();
        List<Photo> photos = new ArrayList<>();
        for (Path f : files) {
            BufferedImage img = ImageIO.read(f.toFile());
            if (img == null) throw new IOException("ImageIO cannot read " + f);
            photos.add(new Photo(f.getFileName().toString(), img, paper.encode(JpegImages.fit(img, SIZE, SIZE))));
        }
        int n = photos.size();
        int header = JpegStreams.header(JpegProfile.PAPER).length;

        // In-sample: trained on exactly the streams it encodes.
        List<byte[]> streams = photos.stream().map(Photo::stream).toList();
        BpeTokenizer inSample = BpeTrainer.defaults().train(streams);
        int[] inSampleTokens =
                streams.stream().mapToInt(s -> inSample.encode(s).length).toArray();

        // Held out, two-fold by photo: random crops of one half train the tokenizer for the other half.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) order.add(i);
        Collections.shuffle(order, new Random(seed));
        List<List<Integer>> folds = List.of(order.subList(0, n / 2), order.subList(n / 2, n));
        int[] heldOutTokens = new int[n];
        Random rnd = new Random(seed + 1);
        int trainStreams = 0;
        for (int f = 0; f < 2; f++) {
            List<byte[]> training = new ArrayList<>();
            for (int i : folds.get(1 - f)) {
                BufferedImage img = photos.get(i).image();
                int side = Math.min(img.getWidth(), img.getHeight());
                for (int k = 0; k < crops; k++) {
                    int s = SIZE + rnd.nextInt(Math.max(1, side - SIZE + 1));
                    BufferedImage crop = img.getSubimage(
                            rnd.nextInt(img.getWidth() - s + 1), rnd.nextInt(img.getHeight() - s + 1), s, s);
                    training.add(paper.encode(JpegImages.fit(crop, SIZE, SIZE)));
                }
            }
            trainStreams += training.size();
            BpeTokenizer t = BpeTrainer.defaults().train(training);
            for (int i : folds.get(f)) heldOutTokens[i] = t.encode(photos.get(i).stream()).length;
        }

        System.out.println(
                "| photo | source size | stream bytes | RGB/stream | tokens (in-sample) | tokens (held out) |");
        System.out.println("|---|---|---:|---:|---:|---:|");
        int[] bytes = new int[n];
        for (int i = 0; i < n; i++) {
            Photo p = photos.get(i);
            bytes[i] = p.stream().length;
            System.out.printf(
                    "| %s | %dx%d | %d | %.1f | %d | %d |%n",
                    p.name(),
                    p.image().getWidth(),
                    p.image().getHeight(),
                    bytes[i],
                    (double) RAW_RGB_BYTES / bytes[i],
                    inSampleTokens[i],
                    heldOutTokens[i]);
        }
        double meanBytes = mean(bytes);
        System.out.println();
        System.out.printf(
                "photos: %d; stream header (SOI APP0 SOF0 DRI SOS): %d bytes; %d MCUs per image%n",
                n, header, (SIZE / 16) * (SIZE / 16));
        System.out.printf("| | mean | median | min | max |%n|---|---:|---:|---:|---:|%n");
        row("stream bytes/image", bytes);
        row("tokens/image, 320 merges in-sample", inSampleTokens);
        row(
                "tokens/image, 320 merges held out (2-fold, " + trainStreams / 2 + " training crops per fold)",
                heldOutTokens);
        System.out.println();
        System.out.printf(
                "raw RGB bytes / mean stream bytes: %d / %.0f = %.1fx%n",
                RAW_RGB_BYTES, meanBytes, RAW_RGB_BYTES / meanBytes);
        System.out.printf(
                "tokens per stream byte: %.3f in-sample, %.3f held out (+2 for BOS and EOS per image)%n",
                mean(inSampleTokens) / meanBytes, mean(heldOutTokens) / meanBytes);
    }

    private static void row(String what, int[] v) {
        int[] s = v.clone();
        Arrays.sort(s);
        double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
        System.out.printf("| %s | %.0f | %.0f | %d | %d |%n", what, mean(v), median, s[0], s[s.length - 1]);
    }

    private static double mean(int[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }
}
