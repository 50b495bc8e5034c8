package org.jpeglm.jpeg;

/**
 * Where each restart interval's entropy-coded bytes lie in a stream. With the paper's restart interval of 1
 * every interval is exactly one MCU, so this is a per-MCU index; with a larger interval MCUs inside an
 * interval are not byte-aligned and only interval boundaries can be indexed.
 *
 * <p>Offsets are into the stream the index was built from. {@code start(i)} is the first byte after the SOS
 * segment or after the RST marker that opens interval {@code i}; {@code end(i)} is the offset of the marker
 * (RSTn or EOI) that closes it. Built in one pass by {@link JpegParser}.
 */
public final class McuIndex {
    private final int mcuCount;
    private final int restartInterval;
    private final int[] starts;
    private final int[] ends;
    private final int streamEnd;

    McuIndex(int mcuCount, int restartInterval, int[] starts, int[] ends, int streamEnd) {
        this.streamEnd = streamEnd;
        this.mcuCount = mcuCount;
        this.restartInterval = restartInterval;
        this.starts = starts;
        this.ends = ends;
    }

    /** Builds the index of a complete or abbreviated stream. @throws JpegFormatException if it does not parse */
    public static McuIndex of(byte[] stream) {
        return JpegParser.parse(stream).mcuIndex();
    }

    /** MCUs in the image. */
    public int mcuCount() {
        return mcuCount;
    }

    /** MCUs per restart interval (0: no restart markers, one interval holds everything). */
    public int restartInterval() {
        return restartInterval;
    }

    /** Number of restart intervals (= MCUs when the restart interval is 1). */
    public int intervalCount() {
        return starts.length;
    }

    /** Offset of the first entropy-coded byte of interval {@code i}. */
    public int start(int i) {
        return starts[i];
    }

    /** Offset of the marker (RSTn or EOI) just after interval {@code i}'s entropy-coded bytes. */
    public int end(int i) {
        return ends[i];
    }

    /** Offset just past the RSTn (or EOI) marker that closes interval {@code i}. */
    public int endWithMarker(int i) {
        return i + 1 < starts.length ? starts[i + 1] : streamEnd;
    }

    /** Index of the first MCU of interval {@code i}. */
    public int firstMcu(int i) {
        return restartInterval == 0 ? 0 : i * restartInterval;
    }

    /** Number of MCUs in interval {@code i} (the last one may be short). */
    public int mcusIn(int i) {
        if (restartInterval == 0) return mcuCount;
        return Math.min(restartInterval, mcuCount - i * restartInterval);
    }

    /** Number of intervals whose MCUs all lie among the first {@code mcus} MCUs. */
    public int intervalsWithin(int mcus) {
        if (mcus >= mcuCount) return starts.length;
        if (restartInterval == 0) return 0;
        return Math.max(0, mcus) / restartInterval;
    }

    /** Offset of the first entropy-coded byte of MCU {@code m}; needs a restart interval of 1. */
    public int mcuStart(int m) {
        requirePerMcu();
        return starts[m];
    }

    /** Offset just past MCU {@code m}'s entropy-coded bytes (its closing marker); needs a restart interval of 1. */
    public int mcuEnd(int m) {
        requirePerMcu();
        return ends[m];
    }

    private void requirePerMcu() {
        if (restartInterval != 1)
            throw new IllegalStateException(
                    "MCUs are byte-addressable only with restart interval 1, not " + restartInterval);
    }

    @Override
    public String toString() {
        return "McuIndex[mcus=" + mcuCount + ", restartInterval=" + restartInterval + ", intervals=" + starts.length
                + "]";
    }
}
