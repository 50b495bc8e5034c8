package org.jpeglm.cli;

import java.math.BigInteger;
import java.util.Locale;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.jpeg.JpegProfile;
import picocli.CommandLine;

/**
 * The documented bounds of one command, checked before any work starts so that a count too large for the machine
 * is refused with a message instead of ending in an {@link OutOfMemoryError} (or a stall) midway.
 *
 * <p>generate and complete keep every result in memory until the run ends (the library returns them as one list),
 * and complete and score keep their inputs, fitted to the model's size; so besides a fixed maximum per run the
 * heap must hold what the count implies. {@link #bytesPerResult} estimates that from the model's JPEG profile.
 */
final class Limits {
    private Limits() {}

    /** Most images one generate, complete ({@code inputs × --samples}) or score run makes or reads. */
    static final int MAX_IMAGES = 1_000_000;

    /** Most pixels of an input image file: it is decoded whole before being fitted to the model's size. */
    static final long MAX_INPUT_PIXELS = 64L << 20;

    /** CPU threads per core at most for {@code -t}: more only adds contention. */
    static final int THREADS_PER_CORE = 4;

    /** Share of the free heap a run may plan to fill: the rest is for encoding, grids and the JVM itself. */
    private static final double HEAP_SHARE = 0.75;

    /** Refuses a count outside 1..{@link #MAX_IMAGES}; option names it ("--count", "inputs x --samples"). */
    static void requireCount(String option, long count) {
        if (count < 1 || count > MAX_IMAGES) {
            throw new IllegalArgumentException(countRefusal(option, BigInteger.valueOf(count)));
        }
    }

    /** What a count outside 1..{@link #MAX_IMAGES} is told, after what names it; also one beyond any number type. */
    static String countRefusal(String option, BigInteger count) {
        String most = String.format(Locale.ROOT, "%,d", MAX_IMAGES);
        if (count.signum() < 1) {
            return option + " must be 1 to " + most + ", got " + count;
        }
        return option + " is " + String.format(Locale.ROOT, "%,d", count) + ": at most " + most
                + " images per run (1 to " + most + "); split the work into several runs (another --seed each)";
    }

    /**
     * A count option's value ({@code -n}, {@code --samples}) as picocli reads it: one beyond an int gets the count's
     * range ({@link #countRefusal}) rather than picocli's "is not an int"; one within is checked by
     * {@link #requireCount}, with the rest of the run's bounds.
     */
    static final class CountConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            BigInteger count;
            try {
                count = new BigInteger(value.strip());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number");
            }
            if (count.bitLength() >= Integer.SIZE) {
                throw new CommandLine.TypeConversionException(countRefusal("the count", count));
            }
            return count.intValue();
        }
    }

    /** Most threads {@code -t} accepts on this machine. */
    static int maxThreads() {
        return THREADS_PER_CORE * Runtime.getRuntime().availableProcessors();
    }

    /** threads as -t gives it, checked: 0 (zeroMeans) to {@link #maxThreads()}. */
    static int requireThreads(String option, int threads, String zeroMeans) {
        int max = maxThreads();
        if (threads < 0 || threads > max) {
            throw new IllegalArgumentException(option + " must be 0 (" + zeroMeans + ") to " + max + " ("
                    + THREADS_PER_CORE + " per core, " + Runtime.getRuntime().availableProcessors() + " cores), got "
                    + threads);
        }
        return threads;
    }

    /** Heap bytes one decoded image of profile's size takes ({@link GeneratedImage#decodedBytes}). */
    static long bytesPerImage(JpegProfile profile) {
        return GeneratedImage.decodedBytes(profile);
    }

    /** Heap bytes one generated or completed image keeps until the run ends ({@link GeneratedImage#heapBytes}). */
    static long bytesPerResult(JpegProfile profile) {
        return GeneratedImage.heapBytes(profile);
    }

    /** Refuses to plan count items of bytesEach when the free heap cannot hold them; what says what they are. */
    static void requireHeap(long count, long bytesEach, String what) {
        Runtime rt = Runtime.getRuntime();
        requireHeap(count, bytesEach, what, rt.maxMemory(), rt.totalMemory() - rt.freeMemory());
    }

    /** {@link #requireHeap(long, long, String)} for a heap of maxHeap bytes of which used are in use. */
    static void requireHeap(long count, long bytesEach, String what, long maxHeap, long used) {
        double needed = (double) count * bytesEach;
        double available = (maxHeap - used) * HEAP_SHARE;
        if (needed > available) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%,d %s keep about %s in memory, more than the Java heap "
                            + "can hold (%s free of %s); use fewer per run, or a larger heap, e.g. JAVA_TOOL_OPTIONS=-Xmx%dg",
                    count,
                    what,
                    size(needed),
                    size(maxHeap - used),
                    size(maxHeap),
                    suggestedHeapGiB(needed + used)));
        }
    }

    /** The heap's size, for messages. */
    static String heap() {
        return size(Runtime.getRuntime().maxMemory());
    }

    private static long suggestedHeapGiB(double bytes) {
        return Math.max(1, (long) Math.ceil(bytes / HEAP_SHARE / (1L << 30)));
    }

    static String size(double bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (1L << 30));
        }
        return String.format(Locale.ROOT, "%.0f MiB", Math.ceil(bytes / (1L << 20)));
    }
}
