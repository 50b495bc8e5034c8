package org.jpeglm.jpeg;

/** Marker codes (the byte after 0xFF) and their names. */
final class Markers {
    static final int SOF0 = 0xC0, SOF1 = 0xC1, DHT = 0xC4, DAC = 0xCC;
    static final int RST0 = 0xD0, SOI = 0xD8, EOI = 0xD9, SOS = 0xDA, DQT = 0xDB, DNL = 0xDC, DRI = 0xDD;
    static final int APP0 = 0xE0, COM = 0xFE, TEM = 0x01;

    private Markers() {}

    static boolean isRst(int m) {
        return m >= 0xD0 && m <= 0xD7;
    }

    /** The restart marker that closes restart interval {@code i} (0-based): RST0..RST7 in turn (T.81 B.2.1). */
    static int rst(int i) {
        return RST0 + (i & 7);
    }

    static boolean isSof(int m) {
        return m >= 0xC0 && m <= 0xCF && m != DHT && m != 0xC8 && m != DAC;
    }

    static String name(int m) {
        return switch (m) {
            case SOI -> "SOI";
            case EOI -> "EOI";
            case SOS -> "SOS";
            case DQT -> "DQT";
            case DHT -> "DHT";
            case DRI -> "DRI";
            case DNL -> "DNL";
            case DAC -> "DAC";
            case COM -> "COM";
            case TEM -> "TEM";
            case 0xDE -> "DHP";
            case 0xDF -> "EXP";
            case 0xC8 -> "JPG";
            default -> {
                if (isSof(m)) yield "SOF" + (m - 0xC0);
                if (isRst(m)) yield "RST" + (m - 0xD0);
                if (m >= 0xE0 && m <= 0xEF) yield "APP" + (m - 0xE0);
                if (m >= 0xF0 && m <= 0xFD) yield "JPG" + (m - 0xF0);
                yield String.format("0xFF%02X", m);
            }
        };
    }
}
