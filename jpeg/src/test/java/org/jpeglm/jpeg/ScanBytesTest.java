package org.jpeglm.jpeg;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The walker of entropy-coded data names every byte the way T.81 B.1.1.5 reads it. */
class ScanBytesTest {
    private static final byte[] BYTES = HexFormat.of().parseHex("12ff00ffffd3ffd9ffc434ff");

    @Test
    void namesEveryByte() {
        int[] expected = {
            ScanBytes.DATA,
            ScanBytes.FF,
            ScanBytes.STUFFED,
            ScanBytes.FF,
            ScanBytes.FILL,
            ScanBytes.RST,
            ScanBytes.FF,
            ScanBytes.EOI,
            ScanBytes.FF,
            ScanBytes.MARKER,
            ScanBytes.DATA,
            ScanBytes.FF
        };
        var walker = new ScanBytes();
        for (int i = 0; i < BYTES.length; i++) assertEquals(expected[i], walker.next(BYTES[i] & 0xFF), "byte " + i);
        assertTrue(walker.afterFF(), "the last 0xFF waits for its next byte");
    }

    @Test
    void dataEndStopsAtTheFirstByteThatIsNotPlainData() {
        var walker = new ScanBytes();
        assertEquals(1, walker.dataEnd(BYTES, 0, BYTES.length));
        assertEquals(11, walker.dataEnd(BYTES, 10, BYTES.length));
        assertEquals(10, walker.dataEnd(BYTES, 10, 10), "an empty range");
        walker.next(0xFF);
        assertEquals(10, walker.dataEnd(BYTES, 10, BYTES.length), "after 0xFF no byte is plain data");
    }

    @Test
    void copyTakesTheState() {
        var a = new ScanBytes();
        a.next(0xFF);
        var b = new ScanBytes();
        b.copyFrom(a);
        assertEquals(ScanBytes.STUFFED, b.next(0x00));
        assertEquals(ScanBytes.STUFFED, a.next(0x00), "the original is not changed by the copy's bytes");
    }

    @Test
    void restartMarkersCycle() {
        assertEquals(Markers.RST0, Markers.rst(0));
        assertEquals(Markers.RST0 + 7, Markers.rst(7));
        assertEquals(Markers.RST0, Markers.rst(8));
    }
}
