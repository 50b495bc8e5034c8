package org.jpeglm.jpeg;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class JpegTablesTest {
    @Test
    void tablesOnlyJpegRoundTrips() {
        for (int q : new int[] {1, 25, 75, 100}) {
            JpegTables t = JpegTables.forQuality(q);
            byte[] bytes = t.toTablesOnlyJpeg();
            assertEquals(0xFF, bytes[0] & 0xFF);
            assertEquals(0xD8, bytes[1] & 0xFF);
            assertEquals(0xD9, bytes[bytes.length - 1] & 0xFF);
            JpegTables back = JpegTables.fromTablesOnlyJpeg(bytes);
            assertEquals(t.quant(0), back.quant(0));
            assertEquals(t.quant(1), back.quant(1));
            for (int id = 0; id < 2; id++) {
                assertEquals(t.dc(id), back.dc(id));
                assertEquals(t.ac(id), back.ac(id));
            }
        }
    }

    @Test
    void tablesOfAFileEqualTheProfiles() {
        // The tables a full file carries, written tables-only, decode a stream of that file.
        JpegTables fromQuality = JpegTables.forQuality(25);
        byte[] viaFile =
                JpegTables.fromTablesOnlyJpeg(fromQuality.toTablesOnlyJpeg()).toTablesOnlyJpeg();
        assertArrayEquals(fromQuality.toTablesOnlyJpeg(), viaFile);
    }

    @Test
    void otherSegmentsAndTruncationAreRejected() {
        byte[] ok = JpegTables.forQuality(25).toTablesOnlyJpeg();
        JpegFormatException cut = assertThrows(
                JpegFormatException.class,
                () -> JpegTables.fromTablesOnlyJpeg(java.util.Arrays.copyOf(ok, ok.length - 2)));
        assertEquals(JpegFormatException.Problem.TRUNCATED, cut.problem());
        byte[] withScan = java.util.Arrays.copyOf(ok, ok.length + 2);
        withScan[ok.length - 1] = (byte) 0xDA; // an SOS where EOI was
        withScan[ok.length - 2] = (byte) 0xFF;
        assertThrows(JpegFormatException.class, () -> JpegTables.fromTablesOnlyJpeg(withScan));
        assertEquals(
                JpegFormatException.Problem.NOT_JPEG,
                assertThrows(JpegFormatException.class, () -> JpegTables.fromTablesOnlyJpeg(new byte[] {1, 2, 3}))
                        .problem());
    }
}
