package org.jpeglm.bpe;

/**
 * GPT-2's byte-to-unicode mapping, which HF's byte-level tokenizers use to write bytes as text in
 * {@code vocab} and {@code merges}: printable Latin-1 bytes ({@code !..~}, {@code ¡..¬},
 * {@code ®..ÿ}) stand for themselves; the other 68 bytes, in increasing order, get U+0100 onwards
 * (so space 0x20 is {@code Ġ}, U+0120). Every byte maps to one char and no char is a space, so
 * {@code "a b"} merge lines split unambiguously.
 */
public final class ByteLevelAlphabet {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[324];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevelAlphabet() {}

    /** The char standing for byte {@code b} (0..255). */
    public static char toChar(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte {@code c} stands for, or -1 if {@code c} is not in the alphabet. */
    public static int toByte(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** {@code bytes} written in the alphabet, one char per byte. */
    public static String encode(byte[] bytes) {
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    /**
     * The bytes {@code text} stands for.
     *
     * @throws IllegalArgumentException if a char is not in the alphabet
     */
    public static byte[] decode(String text) {
        byte[] out = new byte[text.length()];
        for (int i = 0; i < out.length; i++) {
            int b = toByte(text.charAt(i));
            if (b < 0) {
                throw new IllegalArgumentException(
                        "'" + text + "' has char U+%04X, which stands for no byte".formatted((int) text.charAt(i)));
            }
            out[i] = (byte) b;
        }
        return out;
    }

    /** Whether every char of {@code text} is in the alphabet. */
    public static boolean isEncoded(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (toByte(text.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }
}
