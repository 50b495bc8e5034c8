package org.jpeglm;

import java.util.Locale;

/**
 * The weight formats llama.cpp's quantizer writes (its {@code LLAMA_FTYPE_MOSTLY_*} file types) that need no
 * importance matrix. Mixed types such as Q4_K_M keep some tensors at higher precision, as llama.cpp chooses.
 */
// NativeConstantsTest fails if an id is not llama.h's or the set is not the one jpeglm_quantize accepts.
public enum FileType {
    F32(0),
    F16(1),
    BF16(32),
    Q8_0(7),
    Q6_K(18),
    Q5_K_M(17),
    Q5_K_S(16),
    Q5_1(9),
    Q5_0(8),
    Q4_K_M(15),
    Q4_K_S(14),
    Q4_1(3),
    Q4_0(2),
    Q3_K_L(13),
    Q3_K_M(12),
    Q3_K_S(11),
    Q2_K(10);

    private final int id;

    FileType(int id) {
        this.id = id;
    }

    /** llama.cpp's file type number. */
    public int id() {
        return id;
    }

    /** The type named as llama.cpp's quantize tool names it ("q4_k_m", "Q8_0"), case-insensitive. */
    public static FileType of(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown file type '" + name + "'; one of " + java.util.Arrays.toString(values()));
        }
    }
}
