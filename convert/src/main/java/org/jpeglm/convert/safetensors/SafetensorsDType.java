package org.jpeglm.convert.safetensors;

import java.util.Optional;

/**
 * The element types the safetensors format defines (its {@code Dtype} enum), with their sizes in bits. The
 * names are exactly those written in headers ({@code "F32"}, {@code "BF16"}, {@code "F8_E4M3"}, ...).
 */
public enum SafetensorsDType {
    BOOL(8),
    F4(4),
    F6_E2M3(6),
    F6_E3M2(6),
    U8(8),
    I8(8),
    F8_E5M2(8),
    F8_E4M3(8),
    F8_E8M0(8),
    I16(16),
    U16(16),
    F16(16),
    BF16(16),
    I32(32),
    U32(32),
    F32(32),
    C64(64),
    F64(64),
    I64(64),
    U64(64);

    private final int bits;

    SafetensorsDType(int bits) {
        this.bits = bits;
    }

    /** Bits per element. */
    public int bits() {
        return bits;
    }

    /** The type named exactly {@code name} (case-sensitive, as in headers), if safetensors defines it. */
    public static Optional<SafetensorsDType> of(String name) {
        for (SafetensorsDType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Bytes of {@code elements} values, or -1 when they do not fill whole bytes or overflow a long. */
    public long byteSize(long elements) {
        try {
            long totalBits = Math.multiplyExact(elements, (long) bits);
            return totalBits % 8 == 0 ? totalBits / 8 : -1;
        } catch (ArithmeticException e) {
            return -1;
        }
    }
}
