package org.jpeglm.codec;

/**
 * Where a completion's prompt is cut: a share of the codec's units ({@link Share}, the paper's ratio of an image's
 * MCUs) or a number of them ({@link Units}, frames of a video). The prompt keeps that many units byte for byte.
 */
public sealed interface Cut {
    /** The units of an artefact of total units that the prompt keeps. */
    int unitsOf(int total);

    /** The first ⌊share·total⌋ units (share in [0, 1]). */
    static Cut share(double share) {
        return new Share(share);
    }

    /** The first units units. */
    static Cut units(int units) {
        return new Units(units);
    }

    /** @param share the share of the units kept, in [0, 1] */
    record Share(double share) implements Cut {
        public Share {
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException("ratio must be in [0, 1], got " + share);
            }
        }

        @Override
        public int unitsOf(int total) {
            return Math.min(total, (int) Math.floor(share * total + 1e-9)); // 1e-9: 0.5 of 6 units is 3, not 2
        }
    }

    /** @param units the units kept (checked against the codec's range where the prompt is made) */
    record Units(int units) implements Cut {
        @Override
        public int unitsOf(int total) {
            return units;
        }
    }
}
