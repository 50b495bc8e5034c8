package org.jpeglm.gguf;

/** The types of GGUF metadata values, with their ids in the file. */
public enum GgufValueType {
    UINT8(1),
    INT8(1),
    UINT16(2),
    INT16(2),
    UINT32(4),
    INT32(4),
    FLOAT32(4),
    BOOL(1),
    STRING(0),
    ARRAY(0),
    UINT64(8),
    INT64(8),
    FLOAT64(8);

    private final int size;

    GgufValueType(int size) {
        this.size = size;
    }

    /** The id in the file (the ordinal, by GGUF's definition). */
    public int id() {
        return ordinal();
    }

    /** Bytes of one value; 0 for STRING and ARRAY, whose size varies. */
    public int size() {
        return size;
    }

    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    /** The type of id, or null if GGUF does not define it. */
    public static GgufValueType ofId(int id) {
        GgufValueType[] all = values();
        return id >= 0 && id < all.length ? all[id] : null;
    }
}
