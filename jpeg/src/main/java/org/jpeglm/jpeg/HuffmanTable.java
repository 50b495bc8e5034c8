package org.jpeglm.jpeg;

import java.util.Arrays;

/**
 * A Huffman table as stored in DHT.
 *
 * @param tableClass 0 for DC, 1 for AC
 * @param id         destination id 0..3
 * @param counts     16 entries: number of codes of length 1..16
 * @param symbols    the symbols in code order (sum of counts entries, at most 256)
 */
public record HuffmanTable(int tableClass, int id, int[] counts, int[] symbols) {

    public HuffmanTable {
        if (tableClass != 0 && tableClass != 1) throw new IllegalArgumentException("class must be 0 (DC) or 1 (AC)");
        if (id < 0 || id > 3) throw new IllegalArgumentException("Huffman table id must be 0..3: " + id);
        if (counts.length != 16) throw new IllegalArgumentException("counts has 16 entries");
        counts = counts.clone();
        symbols = symbols.clone();
        int total = 0;
        long code = 0;
        for (int len = 0; len < 16; len++) {
            if (counts[len] < 0 || counts[len] > 255) throw new IllegalArgumentException("bad code count");
            total += counts[len];
            code += counts[len];
            if (code > (1L << (len + 1))) throw new IllegalArgumentException("code lengths overflow at " + (len + 1));
            code <<= 1;
        }
        if (total != symbols.length || total > 256)
            throw new IllegalArgumentException("symbol count " + symbols.length + " does not match counts " + total);
        for (int s : symbols) if (s < 0 || s > 255) throw new IllegalArgumentException("symbol out of range: " + s);
    }

    @Override
    public int[] counts() {
        return counts.clone();
    }

    @Override
    public int[] symbols() {
        return symbols.clone();
    }

    /** Whether this is an AC table. */
    public boolean isAc() {
        return tableClass == 1;
    }

    int count(int lengthIndex) {
        return counts[lengthIndex];
    }

    int symbol(int i) {
        return symbols[i];
    }

    int symbolCount() {
        return symbols.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HuffmanTable t
                && t.tableClass == tableClass
                && t.id == id
                && Arrays.equals(t.counts, counts)
                && Arrays.equals(t.symbols, symbols);
    }

    @Override
    public int hashCode() {
        return ((tableClass * 31 + id) * 31 + Arrays.hashCode(counts)) * 31 + Arrays.hashCode(symbols);
    }

    @Override
    public String toString() {
        return "HuffmanTable[" + (tableClass == 0 ? "DC" : "AC") + id + ", " + symbols.length + " symbols]";
    }
}
