package org.jpeglm.jpeg;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class JpegRepairTest {
    private static final JpegProfile PAPER = JpegProfile.PAPER;
    private static final byte[] STREAM = JpegEncoder.paper().encode(TestImages.png("sources/seeding.png"));
    private static final McuIndex INDEX = McuIndex.of(STREAM);

    /** Repairs and checks what every repair must give: decodable, right size, strictly valid, counts add up. */
    private static JpegRepair.Result repair(byte[] input, JpegProfile profile) {
        JpegRepair.Result r = JpegRepair.repair(input, profile);
        RepairReport rep = r.report();
        JpegFile parsed = JpegParser.parse(r.stream());
        assertEquals(rep.mcusExpected(), parsed.mcuIndex().mcuCount());
        assertEquals(rep.mcusExpected(), rep.mcusKept() + rep.mcusRepaired() + rep.mcusPadded(), rep::toString);
        assertEquals(rep.mcusFound(), rep.mcusKept() + rep.mcusRepaired() + rep.mcusDropped(), rep::toString);
        assertEquals(rep.clean(), Arrays.equals(input, r.stream()));
        assertArrayEquals(r.jpeg(), JpegStreams.reassemble(r.stream(), profile.tables()));
        BufferedImage img = JpegImages.decode(r.jpeg());
        assertEquals(parsed.frame().width(), img.getWidth());
        assertEquals(parsed.frame().height(), img.getHeight());
        if (profile.hasSize()) assertEquals(profile.width(), img.getWidth());
        assertTrue(JpegRepair.repair(r.stream(), profile).report().clean(), "repair is idempotent");
        return r;
    }

    private static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    private static byte[] range(byte[] b, int from, int to) {
        return Arrays.copyOfRange(b, from, to);
    }

    @Test
    void cleanStreamComesBackUnchanged() {
        JpegRepair.Result r = repair(STREAM, PAPER);
        assertTrue(r.report().clean());
        assertArrayEquals(STREAM, r.stream());
        assertEquals(new RepairReport(true, 256, 256, 256, 0, 0, 0, 0, 0, 0, false, false, 0, List.of()), r.report());
        assertEquals("clean: 256 MCUs", r.report().summary());
    }

    @Test
    void neutralMcuIsFourBytesForThePaperProfile() {
        JpegRepair.Result r = repair(JpegStreams.header(PAPER), PAPER);
        McuIndex idx = McuIndex.of(r.stream());
        assertEquals("28a28a00", TestImages.hex(r.stream(), idx.mcuStart(7), idx.mcuEnd(7)));
        assertEquals(256, r.report().mcusPadded());
        assertTrue(r.report().eoiAdded());
        for (int v : TestImages.samples(JpegImages.decode(r.jpeg()))) assertEquals(128, v, 1);
    }

    @Test
    void truncatedAtAnMcuBoundaryKeepsEveryWholeMcu() {
        byte[] cut = Arrays.copyOf(STREAM, INDEX.endWithMarker(99));
        JpegRepair.Result r = repair(cut, PAPER);
        RepairReport rep = r.report();
        assertFalse(rep.clean());
        assertEquals(100, rep.mcusKept());
        assertEquals(156, rep.mcusPadded());
        assertEquals(0, rep.mcusRepaired());
        assertTrue(rep.eoiAdded());
        assertArrayEquals(cut, Arrays.copyOf(r.stream(), cut.length), "kept MCUs are byte-identical");
    }

    @Test
    void truncatedInsideAnMcuRepairsThatMcu() {
        int mid = (INDEX.mcuStart(50) + INDEX.mcuEnd(50)) / 2;
        RepairReport rep = repair(Arrays.copyOf(STREAM, mid), PAPER).report();
        assertEquals(50, rep.mcusKept());
        assertEquals(1, rep.mcusRepaired());
        assertEquals(205, rep.mcusPadded());
        assertTrue(
                rep.notes().stream().anyMatch(n -> n.contains("interval 50") && n.contains("data ends")),
                rep.notes()::toString);
    }

    @Test
    void truncatedRightAfterAByteFF() {
        // Cut inside a stuffed FF 00 pair: the lone FF is dropped.
        int ff = -1;
        for (int p = INDEX.mcuStart(10); p < INDEX.mcuEnd(200) && ff < 0; p++)
            if ((STREAM[p] & 0xFF) == 0xFF && STREAM[p + 1] == 0) ff = p;
        assertTrue(ff > 0, "the photo's scan has a stuffed byte");
        RepairReport rep = repair(Arrays.copyOf(STREAM, ff + 1), PAPER).report();
        assertEquals(1, rep.invalidMarkersRemoved());
    }

    @Test
    void runningPastEoiDropsTheRest() {
        byte[] extra = concat(
                range(STREAM, 0, STREAM.length - 2),
                new byte[] {(byte) 0xFF, (byte) 0xD7},
                range(STREAM, INDEX.mcuStart(3), INDEX.mcuEnd(3)),
                new byte[] {(byte) 0xFF, (byte) 0xD0},
                range(STREAM, INDEX.mcuStart(4), INDEX.mcuEnd(4)),
                new byte[] {(byte) 0xFF, (byte) 0xD9},
                "more text after EOI".getBytes());
        JpegRepair.Result r = repair(extra, PAPER);
        RepairReport rep = r.report();
        assertEquals(2, rep.mcusDropped());
        assertEquals(258, rep.mcusFound());
        assertEquals(256, rep.mcusKept());
        assertEquals(19, rep.trailingBytesDropped());
        assertFalse(rep.eoiAdded());
        assertArrayEquals(STREAM, r.stream());
    }

    @Test
    void brokenRestartSequenceIsRenumbered() {
        byte[] b = STREAM.clone();
        for (int i : new int[] {0, 9, 100, 254}) b[INDEX.mcuEnd(i) + 1] = (byte) (0xD0 + (i + 3) % 8);
        JpegRepair.Result r = repair(b, PAPER);
        assertEquals(4, r.report().restartMarkersRenumbered());
        assertEquals(256, r.report().mcusKept());
        assertArrayEquals(STREAM, r.stream());
    }

    @Test
    void missingEoiIsAdded() {
        JpegRepair.Result r = repair(Arrays.copyOf(STREAM, STREAM.length - 2), PAPER);
        assertTrue(r.report().eoiAdded());
        assertEquals(256, r.report().mcusKept());
        assertArrayEquals(STREAM, r.stream());
        assertTrue(r.report().summary().contains("EOI added"));
    }

    @Test
    void invalidMarkersInsideTheScanAreRemoved() {
        int at = INDEX.mcuStart(20) + 1, fill = INDEX.mcuEnd(40);
        byte[] b = concat(
                range(STREAM, 0, at),
                new byte[] {(byte) 0xFF, (byte) 0xC4},
                range(STREAM, at, fill),
                new byte[] {(byte) 0xFF},
                range(STREAM, fill, STREAM.length));
        RepairReport rep = repair(b, PAPER).report();
        assertEquals(2, rep.invalidMarkersRemoved(), "FF before C4, and a fill FF before RST");
        assertEquals(2, rep.intervalsRewritten(), "MCU 20 gained a data byte; MCU 40 lost its fill byte");
        assertEquals(0, rep.restartMarkersRenumbered());
        assertEquals(256, rep.mcusKept() + rep.mcusRepaired());
        assertTrue(rep.mcusKept() >= 255);
    }

    @Test
    void undecodableHuffmanDataRepairsOnlyThatMcu() {
        // Sixteen 1-bits match no code of the standard tables.
        byte[] b = concat(
                range(STREAM, 0, INDEX.mcuStart(30)),
                new byte[] {(byte) 0xFF, 0, (byte) 0xFF, 0, (byte) 0xFF, 0},
                range(STREAM, INDEX.mcuEnd(30), STREAM.length));
        RepairReport rep = repair(b, PAPER).report();
        assertEquals(255, rep.mcusKept());
        assertEquals(1, rep.mcusRepaired());
        assertTrue(
                rep.notes().stream().anyMatch(n -> n.contains("invalid") && n.contains("Huffman")),
                rep.notes()::toString);
    }

    @Test
    void surplusDataInsideAnIntervalIsTrimmed() {
        byte[] b = concat(
                range(STREAM, 0, INDEX.mcuEnd(5)),
                range(STREAM, INDEX.mcuStart(6), INDEX.mcuEnd(6)),
                range(STREAM, INDEX.mcuEnd(5), STREAM.length));
        JpegRepair.Result r = repair(b, PAPER);
        assertEquals(256, r.report().mcusKept());
        assertEquals(1, r.report().intervalsRewritten());
        assertTrue(r.report().notes().toString().contains("surplus"));
        assertTrue(r.report().decodable(), "every MCU intact: a decoder reads it as it is");
        assertEquals(
                "repaired: 256/256 MCUs kept, 1 intervals re-encoded",
                r.report().summary());
    }

    @Test
    void onlyIntactStreamsAreDecodable() {
        assertTrue(repair(STREAM, PAPER).report().decodable());
        assertFalse(
                repair(Arrays.copyOf(STREAM, STREAM.length - 2), PAPER).report().decodable(), "EOI missing");
        assertFalse(
                repair(Arrays.copyOf(STREAM, INDEX.endWithMarker(9)), PAPER)
                        .report()
                        .decodable(),
                "truncated");
        byte[] rst = STREAM.clone();
        rst[INDEX.mcuEnd(3) + 1] ^= 1; // RST3 -> RST2
        RepairReport renumbered = repair(rst, PAPER).report();
        assertEquals(256, renumbered.mcusKept());
        assertFalse(renumbered.decodable(), "broken RST cycle");
    }

    @Test
    void emptyIntervalsArePadded() {
        byte[] b = concat(range(STREAM, 0, INDEX.mcuStart(10)), range(STREAM, INDEX.mcuEnd(10), STREAM.length));
        RepairReport rep = repair(b, PAPER).report();
        assertEquals(255, rep.mcusKept());
        assertEquals(1, rep.mcusPadded());
    }

    @Test
    void headerWithWrongSizeIsReplacedByTheProfiles() {
        byte[] b = STREAM.clone();
        int sof = JpegParser.parse(STREAM).segments().get(2).offset();
        b[sof + 5] = 0;
        b[sof + 6] = (byte) 128;
        JpegRepair.Result r = repair(b, PAPER);
        assertTrue(r.report().headerRewritten());
        assertEquals(256, r.report().mcusKept());
        assertArrayEquals(STREAM, r.stream());
        assertTrue(
                r.report().notes().getFirst().contains("SOF says 256x128"),
                r.report().notes()::toString);
    }

    @Test
    void garbageHeaderIsFoundPastBySos() {
        int scan = JpegParser.parse(STREAM).scanStart();
        byte[] sos = range(STREAM, scan - 14, scan);
        byte[] b = concat("garbage".getBytes(), sos, range(STREAM, scan, STREAM.length));
        JpegRepair.Result r = repair(b, PAPER);
        assertTrue(r.report().headerRewritten());
        assertArrayEquals(STREAM, r.stream());
    }

    @Test
    void randomBytesGiveAFlatGrayImage() {
        byte[] junk = new byte[500];
        new java.util.Random(1).nextBytes(junk);
        junk[0] = 0x12;
        JpegRepair.Result r = repair(junk, PAPER);
        assertEquals(256, r.report().mcusPadded());
        assertTrue(r.report().notes().getFirst().contains("no SOS"));
    }

    @Test
    void otherProfilesRepairToo() {
        var img = TestImages.noise(100, 75, 9, false);
        for (JpegProfile p : List.of(
                JpegProfile.of(25, Subsampling.S420, 4).withSize(100, 75),
                JpegProfile.of(25, Subsampling.S420, 0).withSize(100, 75),
                JpegProfile.of(50, Subsampling.S444, 3).withSize(100, 75),
                JpegProfile.of(25, Subsampling.GRAY, 1).withSize(100, 75),
                JpegProfile.of(25, Subsampling.GRAY_444, 2).withSize(100, 75))) {
            byte[] s = new JpegEncoder(p).encode(img);
            assertTrue(repair(s, p).report().clean(), p.toString());
            for (int cut : new int[] {s.length / 3, s.length / 2 + 1, s.length - 3}) {
                RepairReport rep = repair(Arrays.copyOf(s, cut), p).report();
                assertFalse(rep.clean());
                assertTrue(rep.mcusKept() > 0 && rep.mcusKept() < rep.mcusExpected(), p + " " + rep);
            }
        }
    }

    @Test
    void profileWithoutSizeTakesItFromTheSof() {
        byte[] s = new JpegEncoder(PAPER.anySize()).encode(TestImages.noise(40, 24, 2, false));
        RepairReport rep =
                repair(Arrays.copyOf(s, s.length - 30), PAPER.anySize()).report();
        assertEquals(3 * 2, rep.mcusExpected());
        var e = assertThrows(JpegFormatException.class, () -> JpegRepair.repair(new byte[] {1, 2, 3}, PAPER.anySize()));
        assertTrue(e.getMessage().contains("no usable SOF"));
    }

    @Test
    void reportSummaryNamesTheRepairs() {
        String s = JpegRepair.repair(Arrays.copyOf(STREAM, INDEX.endWithMarker(9)), PAPER)
                .report()
                .summary();
        assertEquals("repaired: 10/256 MCUs kept, 246 padded, EOI added", s);
        assertEquals("ffd8", HexFormat.of().formatHex(STREAM, 0, 2));
    }

    /** Every cut at a restart marker (and the header alone) of streams of several profiles, from both paths. */
    @Test
    void anIntactCutIsCompletedExactlyAsRepairCompletesIt() {
        var noise = TestImages.noise(100, 75, 9, false);
        for (JpegProfile p : List.of(
                PAPER,
                JpegProfile.of(25, Subsampling.S420, 4).withSize(100, 75),
                JpegProfile.of(50, Subsampling.S444, 3).withSize(100, 75),
                JpegProfile.of(25, Subsampling.GRAY, 1).withSize(100, 75))) {
            byte[] s = p == PAPER ? STREAM : new JpegEncoder(p).encode(noise);
            McuIndex index = McuIndex.of(s);
            JpegRepair repair = new JpegRepair(p);
            for (int k = 0; k < index.intervalCount(); k++) {
                byte[] cut = Arrays.copyOf(s, k == 0 ? JpegParser.parse(s).scanStart() : index.endWithMarker(k - 1));
                assertTrue(repair.paddable(cut, k), p + ", " + k + " intervals: padded, not repaired");
                assertArrayEquals(
                        repair.repair(cut).jpeg(), repair.completeIntact(cut, k), p + ", " + k + " intervals");
            }
        }
    }

    @Test
    void anIntactCutIsTakenAsItIsNotDecoded() {
        byte[] cut = Arrays.copyOf(STREAM, INDEX.endWithMarker(9));
        int inside = INDEX.start(4) + 1;
        cut[inside] = (byte)
                (cut[inside] == 0x12
                        ? 0x13
                        : 0x12); // damaged: repair re-encodes it, the caller's word that it is intact keeps it
        JpegRepair repair = new JpegRepair(PAPER);
        byte[] fast = repair.completeIntact(cut, 10);
        assertFalse(Arrays.equals(repair.repair(cut).jpeg(), fast));
        int from = JpegParser.parse(STREAM).scanStart(),
                to = JpegParser.parse(fast).scanStart();
        int n = cut.length - from;
        assertArrayEquals(
                Arrays.copyOfRange(cut, from, cut.length),
                Arrays.copyOfRange(fast, to, to + n),
                "the cut's scan kept bit for bit");
    }

    @Test
    void aCutThatIsNotWhatItClaimsIsRepaired() {
        JpegRepair repair = new JpegRepair(PAPER);
        byte[] cut = Arrays.copyOf(STREAM, INDEX.endWithMarker(9));
        assertFalse(repair.paddable(cut, 9));
        assertArrayEquals(repair.repair(cut).jpeg(), repair.completeIntact(cut, 9), "wrong interval count");
        assertArrayEquals(repair.repair(cut).jpeg(), repair.completeIntact(cut, 0), "not the header alone");
        byte[] shortCut = Arrays.copyOf(cut, cut.length - 1);
        assertArrayEquals(repair.repair(shortCut).jpeg(), repair.completeIntact(shortCut, 10), "no marker at the end");
        byte[] otherHeader = cut.clone();
        otherHeader[3] ^= 1;
        assertArrayEquals(repair.repair(otherHeader).jpeg(), repair.completeIntact(otherHeader, 10), "not the header");
        byte[] whole = STREAM.clone();
        assertArrayEquals(repair.repair(whole).jpeg(), repair.completeIntact(whole, INDEX.intervalCount()));
        assertThrows(NullPointerException.class, () -> repair.completeIntact(null, 1));
    }
}
