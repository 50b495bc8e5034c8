package org.jpeglm.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ByteLevelAlphabetTest {
    @Test
    void mapsBytesAsGpt2Does() {
        assertEquals('!', ByteLevelAlphabet.toChar('!'));
        assertEquals('~', ByteLevelAlphabet.toChar('~'));
        assertEquals('\u00A1', ByteLevelAlphabet.toChar(0xA1));
        assertEquals('\u00FF', ByteLevelAlphabet.toChar(0xFF));
        assertEquals('\u0100', ByteLevelAlphabet.toChar(0x00)); // Ā
        assertEquals('\u010A', ByteLevelAlphabet.toChar('\n')); // Ċ
        assertEquals('\u0120', ByteLevelAlphabet.toChar(' ')); // Ġ
        assertEquals('\u0121', ByteLevelAlphabet.toChar(0x7F)); // ġ
        assertEquals('\u0142', ByteLevelAlphabet.toChar(0xA0)); // ł
        assertEquals('\u0143', ByteLevelAlphabet.toChar(0xAD)); // Ń, the last one
    }

    @Test
    void isABijectionWithoutSpaces() {
        Set<Character> chars = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            char c = ByteLevelAlphabet.toChar(b);
            chars.add(c);
            assertEquals(b, ByteLevelAlphabet.toByte(c));
            assertFalse(Character.isWhitespace(c));
        }
        assertEquals(256, chars.size());
        assertEquals(-1, ByteLevelAlphabet.toByte(' '));
        assertEquals(-1, ByteLevelAlphabet.toByte('\u0144'));
    }

    @Test
    void encodesAndDecodesStrings() {
        byte[] bytes = {(byte) 0xFF, (byte) 0xD8, 0x00, 0x20, 'a'};
        assertEquals("\u00FF\u00D8\u0100\u0120a", ByteLevelAlphabet.encode(bytes));
        assertArrayEquals(bytes, ByteLevelAlphabet.decode("\u00FF\u00D8\u0100\u0120a"));
        assertThrows(IllegalArgumentException.class, () -> ByteLevelAlphabet.decode("a b"));
    }
}
