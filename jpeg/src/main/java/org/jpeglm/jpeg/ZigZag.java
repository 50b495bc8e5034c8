package org.jpeglm.jpeg;

/** The zig-zag scan order of an 8×8 block. */
final class ZigZag {
    /** NATURAL[k] = row-major index of the k-th coefficient in zig-zag order. */
    static final int[] NATURAL = build();

    private ZigZag() {}

    // Walk the anti-diagonals, alternating direction, instead of spelling out the 64 numbers.
    private static int[] build() {
        int[] order = new int[64];
        int k = 0;
        for (int s = 0; s < 15; s++) {
            int lo = Math.max(0, s - 7), hi = Math.min(7, s);
            for (int i = lo; i <= hi; i++) {
                int row = (s % 2 == 0) ? s - i : i; // even diagonals run bottom-left to top-right
                int col = s - row;
                order[k++] = row * 8 + col;
            }
        }
        return order;
    }
}
