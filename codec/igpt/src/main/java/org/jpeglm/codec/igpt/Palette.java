package org.jpeglm.codec.igpt;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The K colours an igpt stream's symbols stand for: symbol i is entry i. Gray palettes hold one byte per entry,
 * colour palettes three (R, G, B). Immutable.
 *
 * <p>iGPT's palettes: for gray images, K intensity levels spread evenly over 0..255 ({@link #gray}); for colour
 * images, K colours learned by k-means on the training pixels ({@link #kMeans}). A pixel becomes the entry
 * nearest to it (squared distance; on a tie the lower index), so encoding is deterministic.
 */
public final class Palette {
    /** The fewest and most entries: one symbol is one byte, and one colour would carry nothing. */
    public static final int MIN_SIZE = 2;

    public static final int MAX_SIZE = 256;

    private final int channels;
    private final byte[] entries;
    /** Gray palettes: the nearest entry of each of the 256 values, precomputed. */
    private final byte[] grayIndex;

    private Palette(int channels, byte[] entries) {
        this.channels = channels;
        this.entries = entries;
        this.grayIndex = channels == 1 ? grayLookup() : null;
    }

    /**
     * A palette with these entries.
     *
     * @param channels 1 (gray) or 3 (RGB)
     * @param entries  K·channels bytes, entry i at {@code [i·channels, (i+1)·channels)}
     * @throws IllegalArgumentException unless channels is 1 or 3 and 2 ≤ K ≤ 256
     */
    public static Palette of(int channels, byte[] entries) {
        Objects.requireNonNull(entries, "entries");
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("a palette has 1 (gray) or 3 (RGB) channels, not " + channels);
        }
        if (entries.length % channels != 0) {
            throw new IllegalArgumentException("a palette of " + channels + " channels needs a multiple of " + channels
                    + " bytes, not " + entries.length);
        }
        int size = entries.length / channels;
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw new IllegalArgumentException(
                    "a palette has " + MIN_SIZE + ".." + MAX_SIZE + " entries (one byte a symbol), not " + size);
        }
        return new Palette(channels, entries.clone());
    }

    /** K gray levels including black and white: entry k is {@code round(k·255/(K−1))}. */
    public static Palette gray(int levels) {
        if (levels < MIN_SIZE || levels > MAX_SIZE) {
            throw new IllegalArgumentException("gray levels must be " + MIN_SIZE + ".." + MAX_SIZE + ", not " + levels);
        }
        byte[] e = new byte[levels];
        for (int k = 0; k < levels; k++) {
            e[k] = (byte) Math.round(k * 255.0 / (levels - 1));
        }
        return new Palette(1, e);
    }

    /** k-means' Lloyd passes after the k-means++ seeding. */
    public static final int LLOYD_PASSES = 20;

    /**
     * K colours learned from a sample of pixels by k-means: k-means++ seeding from a {@link SplittableRandom} of
     * {@code seed}, then {@value #LLOYD_PASSES} Lloyd passes (each pixel to its nearest centre, ties to the lower
     * index; each centre to the rounded mean of its pixels; a centre without pixels stays). Integer arithmetic
     * throughout, so the same sample and seed give the same palette everywhere. A sample with fewer than K
     * distinct colours gives them all, the last one repeated (the repeats are never nearest: ties go low).
     *
     * @param rgb  the sample, {@code 0xRRGGBB} per pixel (higher bits ignored)
     * @param size K
     */
    public static Palette kMeans(int[] rgb, int size, long seed) {
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw new IllegalArgumentException("a palette has " + MIN_SIZE + ".." + MAX_SIZE + " entries, not " + size);
        }
        if (rgb.length == 0) {
            throw new IllegalArgumentException("k-means needs at least one pixel");
        }
        int[] centres = seedCentres(rgb, size, new SplittableRandom(seed));
        int[] nearest = new int[rgb.length];
        for (int pass = 0; pass < LLOYD_PASSES; pass++) {
            boolean moved = false;
            for (int i = 0; i < rgb.length; i++) {
                nearest[i] = nearestRgb(centres, rgb[i]);
            }
            long[] sums = new long[size * 4];
            for (int i = 0; i < rgb.length; i++) {
                int c = nearest[i] * 4;
                sums[c] += rgb[i] >> 16 & 0xFF;
                sums[c + 1] += rgb[i] >> 8 & 0xFF;
                sums[c + 2] += rgb[i] & 0xFF;
                sums[c + 3]++;
            }
            for (int c = 0; c < size; c++) {
                long n = sums[c * 4 + 3];
                if (n == 0) {
                    continue;
                }
                int mean =
                        rounded(sums[c * 4], n) << 16 | rounded(sums[c * 4 + 1], n) << 8 | rounded(sums[c * 4 + 2], n);
                moved |= mean != centres[c];
                centres[c] = mean;
            }
            if (!moved) {
                break;
            }
        }
        byte[] e = new byte[size * 3];
        for (int c = 0; c < size; c++) {
            e[3 * c] = (byte) (centres[c] >> 16);
            e[3 * c + 1] = (byte) (centres[c] >> 8);
            e[3 * c + 2] = (byte) centres[c];
        }
        return new Palette(3, e);
    }

    /** k-means++: each next centre drawn with probability proportional to its squared distance to the chosen. */
    private static int[] seedCentres(int[] rgb, int size, SplittableRandom random) {
        int[] centres = new int[size];
        long[] d2 = new long[rgb.length];
        centres[0] = rgb[random.nextInt(rgb.length)] & 0xFFFFFF;
        Arrays.fill(d2, Long.MAX_VALUE);
        for (int c = 1; c < size; c++) {
            long total = 0;
            for (int i = 0; i < rgb.length; i++) {
                d2[i] = Math.min(d2[i], distance(rgb[i], centres[c - 1]));
                total += d2[i];
            }
            if (total == 0) { // every pixel is a centre already: repeat the last one
                centres[c] = centres[c - 1];
                continue;
            }
            long pick = random.nextLong(total);
            int i = 0;
            while (pick >= d2[i]) {
                pick -= d2[i++];
            }
            centres[c] = rgb[i] & 0xFFFFFF;
        }
        return centres;
    }

    private static int rounded(long sum, long n) {
        return (int) ((2 * sum + n) / (2 * n));
    }

    private static long distance(int a, int b) {
        int dr = (a >> 16 & 0xFF) - (b >> 16 & 0xFF);
        int dg = (a >> 8 & 0xFF) - (b >> 8 & 0xFF);
        int db = (a & 0xFF) - (b & 0xFF);
        return dr * dr + dg * dg + db * db;
    }

    private static int nearestRgb(int[] centres, int rgb) {
        int best = 0;
        long bestDistance = Long.MAX_VALUE;
        for (int c = 0; c < centres.length; c++) {
            long d = distance(centres[c], rgb);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    private byte[] grayLookup() {
        byte[] index = new byte[256];
        for (int v = 0; v < 256; v++) {
            int best = 0;
            for (int k = 1; k < entries.length; k++) {
                if (Math.abs((entries[k] & 0xFF) - v) < Math.abs((entries[best] & 0xFF) - v)) {
                    best = k;
                }
            }
            index[v] = (byte) best;
        }
        return index;
    }

    /** K, the number of entries (symbols). */
    public int size() {
        return entries.length / channels;
    }

    /** 1 (gray) or 3 (RGB). */
    public int channels() {
        return channels;
    }

    /** The entries, K·channels bytes (a copy). */
    public byte[] entries() {
        return entries.clone();
    }

    /** The index of the entry nearest to gray value v (0..255); gray palettes only. */
    public int nearestGray(int v) {
        if (grayIndex == null) {
            throw new IllegalStateException("a colour palette: use nearestRgb");
        }
        return grayIndex[v & 0xFF] & 0xFF;
    }

    /** The index of the entry nearest to {@code 0xRRGGBB}; colour palettes only. */
    public int nearestRgb(int rgb) {
        if (channels != 3) {
            throw new IllegalStateException("a gray palette: use nearestGray");
        }
        int best = 0;
        long bestDistance = Long.MAX_VALUE;
        for (int k = 0, n = size(); k < n; k++) {
            long d = distance(rgb(k), rgb);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Entry k as {@code 0xRRGGBB} (gray entries replicated). */
    public int rgb(int k) {
        Objects.checkIndex(k, size());
        if (channels == 1) {
            return (entries[k] & 0xFF) * 0x010101;
        }
        return (entries[3 * k] & 0xFF) << 16 | (entries[3 * k + 1] & 0xFF) << 8 | entries[3 * k + 2] & 0xFF;
    }

    /** Entry k's gray value; gray palettes only. */
    public int level(int k) {
        if (channels != 1) {
            throw new IllegalStateException("a colour palette has no gray values");
        }
        return entries[Objects.checkIndex(k, size())] & 0xFF;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Palette p && channels == p.channels && Arrays.equals(entries, p.entries);
    }

    @Override
    public int hashCode() {
        return 31 * channels + Arrays.hashCode(entries);
    }

    @Override
    public String toString() {
        return "Palette[" + size() + (channels == 1 ? " gray" : " RGB") + "]";
    }
}
