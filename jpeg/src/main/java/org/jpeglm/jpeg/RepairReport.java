package org.jpeglm.jpeg;

import java.util.List;

/**
 * What {@link JpegRepair} changed to make a generated stream decodable. MCU counts add up:
 * {@code mcusKept + mcusRepaired + mcusPadded == mcusExpected} and
 * {@code mcusFound == mcusKept + mcusRepaired + mcusDropped}.
 *
 * @param clean                    the input was already a well-formed stream for the profile: the output
 *                                 equals the input byte for byte
 * @param mcusExpected             MCUs the image has (from the profile's, or the SOF's, size)
 * @param mcusFound                MCUs the input held data for, whole or damaged, surplus included
 * @param mcusKept                 MCUs decoded intact and kept
 * @param mcusRepaired             MCUs whose data was damaged (bad Huffman code, coefficient index past 63,
 *                                 data ending inside them): coefficients decoded before the fault are kept,
 *                                 the rest zeroed
 * @param mcusPadded               MCUs missing from the input, filled with neutral MCUs (DC difference 0, no
 *                                 AC: mid-gray at the start of a restart interval)
 * @param mcusDropped              MCUs in surplus restart intervals past the last expected one (counted as
 *                                 whole intervals of {@code restartInterval} MCUs)
 * @param intervalsRewritten       restart intervals whose bytes changed (damage, padding, surplus data after
 *                                 the last MCU, non-canonical coding)
 * @param invalidMarkersRemoved    0xFF bytes removed from entropy-coded data because no 0x00, RSTn or EOI
 *                                 followed (a fill byte 0xFF included); RSTn markers where none belong (no
 *                                 restart interval) included
 * @param restartMarkersRenumbered kept RSTn markers whose number broke the RST0..RST7 cycle
 * @param headerRewritten          the bytes before the entropy-coded data were not the profile's header
 *                                 (SOI, APP0, SOF0, DRI, SOS) and were replaced by it
 * @param eoiAdded                 the input had no EOI marker
 * @param trailingBytesDropped     bytes after the input's EOI
 * @param notes                    human-readable details, at most {@link JpegRepair#MAX_NOTES}
 */
public record RepairReport(
        boolean clean,
        int mcusExpected,
        int mcusFound,
        int mcusKept,
        int mcusRepaired,
        int mcusPadded,
        int mcusDropped,
        int intervalsRewritten,
        int invalidMarkersRemoved,
        int restartMarkersRenumbered,
        boolean headerRewritten,
        boolean eoiAdded,
        int trailingBytesDropped,
        List<String> notes) {

    public RepairReport {
        notes = List.copyOf(notes);
    }

    /**
     * Whether a standard baseline decoder reads the input as it is, with every MCU intact: the only changes were
     * to non-canonical but valid coding inside restart intervals (fill bits that are not all ones, bytes after an
     * interval's last MCU, a ZRL run ended by EOB). Always true when {@link #clean()}.
     */
    public boolean decodable() {
        return clean
                || (mcusKept == mcusExpected
                        && mcusDropped == 0
                        && invalidMarkersRemoved == 0
                        && restartMarkersRenumbered == 0
                        && !headerRewritten
                        && !eoiAdded
                        && trailingBytesDropped == 0);
    }

    /** One line for logs, e.g. {@code "repaired: 250/256 MCUs kept, 6 padded, EOI added"}. */
    public String summary() {
        if (clean) return "clean: " + mcusExpected + " MCUs";
        var sb = new StringBuilder("repaired: ")
                .append(mcusKept)
                .append('/')
                .append(mcusExpected)
                .append(" MCUs kept");
        if (mcusRepaired > 0) sb.append(", ").append(mcusRepaired).append(" damaged");
        if (mcusPadded > 0) sb.append(", ").append(mcusPadded).append(" padded");
        if (mcusDropped > 0) sb.append(", ").append(mcusDropped).append(" dropped");
        if (mcusKept == mcusExpected && intervalsRewritten > 0)
            sb.append(", ").append(intervalsRewritten).append(" intervals re-encoded");
        if (invalidMarkersRemoved > 0)
            sb.append(", ").append(invalidMarkersRemoved).append(" invalid markers removed");
        if (restartMarkersRenumbered > 0)
            sb.append(", ").append(restartMarkersRenumbered).append(" RST renumbered");
        if (headerRewritten) sb.append(", header rewritten");
        if (eoiAdded) sb.append(", EOI added");
        if (trailingBytesDropped > 0)
            sb.append(", ").append(trailingBytesDropped).append(" bytes after EOI dropped");
        return sb.toString();
    }
}
