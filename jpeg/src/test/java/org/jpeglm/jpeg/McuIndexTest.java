package org.jpeglm.jpeg;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class McuIndexTest {

    @Test
    void paperStreamHasOneIntervalPerMcuBetweenRestartMarkers() {
        byte[] stream = JpegEncoder.paper().encode(TestImages.png("sources/picos.png"));
        McuIndex index = McuIndex.of(stream);
        assertEquals(256, index.mcuCount());
        assertEquals(256, index.intervalCount());
        assertEquals(JpegStreams.header(JpegProfile.PAPER).length, index.mcuStart(0));
        for (int i = 0; i < 256; i++) {
            assertTrue(index.mcuEnd(i) > index.mcuStart(i), "MCU " + i + " has bytes");
            assertEquals(0xFF, stream[index.mcuEnd(i)] & 0xFF);
            int marker = stream[index.mcuEnd(i) + 1] & 0xFF;
            assertEquals(i < 255 ? 0xD0 + i % 8 : 0xD9, marker, "marker after MCU " + i);
            if (i < 255) assertEquals(index.mcuEnd(i) + 2, index.mcuStart(i + 1));
            for (int p = index.mcuStart(i); p < index.mcuEnd(i); p++)
                if ((stream[p] & 0xFF) == 0xFF) assertEquals(0, stream[++p], "only stuffed 0xFF inside an MCU");
            assertEquals(i, index.firstMcu(i));
            assertEquals(1, index.mcusIn(i));
        }
        assertEquals(stream.length, index.endWithMarker(255));
    }

    @Test
    void mcuCountsFollowTheLayout() {
        var img = TestImages.noise(100, 75, 3, false);
        assertEquals(
                7 * 5,
                McuIndex.of(new JpegEncoder(JpegProfile.of(25, Subsampling.S420, 1)).encode(img))
                        .mcuCount());
        assertEquals(
                13 * 10,
                McuIndex.of(new JpegEncoder(JpegProfile.of(25, Subsampling.S444, 1)).encode(img))
                        .mcuCount());
        assertEquals(
                13 * 10,
                McuIndex.of(new JpegEncoder(JpegProfile.of(25, Subsampling.GRAY, 1)).encode(img))
                        .mcuCount());
        assertEquals(13 * 10, JpegProfile.of(25, Subsampling.GRAY_444, 1).mcuCount(100, 75));
        McuIndex by3 = McuIndex.of(new JpegEncoder(JpegProfile.of(25, Subsampling.S420, 3)).encode(img));
        assertEquals(12, by3.intervalCount());
        assertEquals(2, by3.mcusIn(11));
        assertEquals(33, by3.firstMcu(11));
        assertThrows(IllegalStateException.class, () -> by3.mcuStart(0));
    }

    @Test
    void midGrayImageIsAllNeutralMcus() {
        // Y=Cb=Cr=128 quantizes to all-zero blocks: DC difference 0 then EOB, the MCU repair pads with.
        byte[] stream = JpegEncoder.paper().encode(TestImages.flat(256, 256, 0x808080, false));
        McuIndex index = McuIndex.of(stream);
        for (int i = 0; i < 256; i++)
            assertEquals("28a28a00", TestImages.hex(stream, index.mcuStart(i), index.mcuEnd(i)), "MCU " + i);
        assertArrayEquals(stream, JpegRepair.repair(JpegStreams.header(JpegProfile.PAPER), JpegProfile.PAPER).stream());
        assertEquals("ffd8", HexFormat.of().formatHex(stream, 0, 2));
    }
}
