package org.jpeglm.jpeg;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class JpegStreamsTest {
    private static final BufferedImage PHOTO = TestImages.png("sources/hopper.png");

    private static List<String> names(byte[] jpeg) {
        return JpegParser.parse(jpeg).segments().stream().map(Segment::name).toList();
    }

    @Test
    void abbreviatedStreamHasPillowsSegmentOrder() {
        byte[] stream = JpegEncoder.paper().encode(PHOTO);
        assertEquals(List.of("SOI", "APP0", "SOF0", "DRI", "SOS"), names(stream));
        assertArrayEquals(
                java.util.HexFormat.of().parseHex("ffd8ffe000104a46494600010100000100010000"),
                Arrays.copyOf(stream, 20));
        assertEquals(0xD9, stream[stream.length - 1] & 0xFF);
    }

    @Test
    void completeFileHasLibjpegsSegmentOrder() {
        assertEquals(
                List.of("SOI", "APP0", "DQT", "DQT", "SOF0", "DHT", "DHT", "DHT", "DHT", "DRI", "SOS"),
                names(JpegEncoder.paper().encodeFull(PHOTO)));
        var gray = new JpegEncoder(JpegProfile.of(25, Subsampling.GRAY, 1));
        assertEquals(
                List.of("SOI", "APP0", "DQT", "SOF0", "DHT", "DHT", "DRI", "SOS"),
                names(gray.encodeFull(TestImages.png("sources/fashion0.png"))));
    }

    @Test
    void headerIsTheStreamsPrefixUpToTheFirstMcu() {
        byte[] stream = JpegEncoder.paper().encode(PHOTO);
        byte[] header = JpegStreams.header(JpegProfile.PAPER);
        assertArrayEquals(header, Arrays.copyOf(stream, header.length));
        assertEquals(JpegParser.parse(stream).scanStart(), header.length);
        assertEquals(header.length, JpegStreams.prefix(stream, 0).length);
    }

    @Test
    void reassembleInvertsStripForEncoderOutput() {
        for (JpegProfile p : List.of(
                JpegProfile.PAPER.anySize(),
                JpegProfile.of(75, Subsampling.S444, 1),
                JpegProfile.of(25, Subsampling.S420, 0),
                JpegProfile.of(50, Subsampling.S420, 5),
                JpegProfile.of(25, Subsampling.GRAY, 1),
                JpegProfile.of(90, Subsampling.GRAY_444, 3))) {
            for (BufferedImage img :
                    List.of(PHOTO, TestImages.noise(37, 21, 1, false), TestImages.flat(8, 8, 0x808080, true))) {
                var enc = new JpegEncoder(p);
                byte[] full = enc.encodeFull(img);
                byte[] stream = enc.encode(img);
                assertArrayEquals(stream, JpegStreams.strip(full), p.toString());
                assertArrayEquals(full, JpegStreams.reassemble(stream, p.tables()), p.toString());
                assertArrayEquals(full, JpegStreams.reassemble(full, p.tables()), "tables replaced in place");
                assertArrayEquals(
                        TestImages.samples(JpegImages.decode(full)),
                        TestImages.samples(
                                JpegImages.decode(JpegStreams.reassemble(JpegStreams.strip(full), p.tables()))));
            }
        }
    }

    @Test
    void stripKeepsOtherSegmentsAndDropsTrailingBytes() {
        byte[] full = JpegEncoder.paper().encodeFull(PHOTO);
        // Insert a COM segment after APP0 and junk after EOI.
        byte[] com = {(byte) 0xFF, (byte) 0xFE, 0, 5, 'h', 'i', '!'};
        var withCom = new java.io.ByteArrayOutputStream();
        withCom.write(full, 0, 20);
        withCom.writeBytes(com);
        withCom.write(full, 20, full.length - 20);
        withCom.writeBytes(new byte[] {1, 2, 3});
        byte[] stripped = JpegStreams.strip(withCom.toByteArray());
        assertEquals(List.of("SOI", "APP0", "COM", "SOF0", "DRI", "SOS"), names(stripped));
        assertEquals(0xD9, stripped[stripped.length - 1] & 0xFF);
    }

    @Test
    void reassembleNamesAMissingTable() {
        byte[] stream = JpegEncoder.paper().encode(PHOTO);
        var onlyLuma = new JpegTables(
                List.of(JpegTables.forQuality(25).quant(0)),
                JpegTables.forQuality(25).huffmanTables());
        var e = assertThrows(IllegalArgumentException.class, () -> JpegStreams.reassemble(stream, onlyLuma));
        assertTrue(e.getMessage().contains("quantization table 1"), e.getMessage());
    }

    @Test
    void prefixCutsJustAfterTheRestartMarkerOfTheLastKeptMcu() {
        byte[] stream = JpegEncoder.paper().encode(PHOTO);
        McuIndex index = McuIndex.of(stream);
        assertEquals(256, index.mcuCount());
        byte[] half = JpegStreams.prefix(stream, 0.5);
        assertEquals(index.endWithMarker(127), half.length);
        assertEquals(0xFF, half[half.length - 2] & 0xFF);
        assertEquals(0xD0 + 127 % 8, half[half.length - 1] & 0xFF, "ends with the RST after MCU 127");
        assertArrayEquals(Arrays.copyOf(stream, half.length), half);
        assertArrayEquals(stream, JpegStreams.prefix(stream, 1.0), "all MCUs: the whole stream, EOI included");
        assertEquals(index.endWithMarker(0), JpegStreams.prefix(stream, 1.0 / 256).length);
        assertEquals(index.endWithMarker(0), JpegStreams.prefix(stream, 1.5 / 256).length, "rounds down");
        assertEquals(index.endWithMarker(99), JpegStreams.prefixMcus(stream, 100).length);
        // A prefix is what a model continues: repairing it keeps exactly those MCUs and pads the rest.
        var r = JpegRepair.repair(half, JpegProfile.PAPER).report();
        assertEquals(128, r.mcusKept());
        assertEquals(128, r.mcusPadded());
        assertEquals(0, r.mcusRepaired());
        assertThrows(IllegalArgumentException.class, () -> JpegStreams.prefix(stream, 1.1));
        assertThrows(IllegalArgumentException.class, () -> JpegStreams.prefix(stream, Double.NaN));
    }

    @Test
    void prefixRoundsDownToWholeRestartIntervals() {
        var p = JpegProfile.of(25, Subsampling.S420, 4);
        byte[] stream = new JpegEncoder(p).encode(PHOTO);
        McuIndex index = McuIndex.of(stream);
        assertEquals(64, index.intervalCount());
        assertEquals(index.endWithMarker(1), JpegStreams.prefixMcus(stream, 11).length, "11 MCUs -> 2 intervals of 4");
        byte[] none = new JpegEncoder(JpegProfile.of(25, Subsampling.S420, 0)).encode(PHOTO);
        assertEquals(JpegParser.parse(none).scanStart(), JpegStreams.prefix(none, 0.9).length);
        assertEquals(none.length, JpegStreams.prefix(none, 1).length);
    }

    @Test
    void headerRejectsAProfileWithoutSize() {
        assertThrows(IllegalArgumentException.class, () -> JpegStreams.header(JpegProfile.PAPER.anySize()));
    }
}
