package org.jpeglm;

/** Why a native call failed: the status codes of {@code jpeglm.h}. */
// The values are jpeglm.h's JPEGLM_ERR_*: NativeConstantsTest fails if they differ or one is missing.
public enum ErrorCode {
    INVALID_ARGUMENT(1),
    IO(2),
    FORMAT(3),
    UNSUPPORTED(4),
    OUT_OF_MEMORY(5),
    CONTEXT_FULL(6),
    CANCELLED(7),
    STATE(8),
    COMPUTE(9),
    INTERNAL(10);

    private final int status;

    ErrorCode(int status) {
        this.status = status;
    }

    /** The native status value. */
    public int status() {
        return status;
    }

    /** The code of a native status value; unknown values map to {@link #INTERNAL}. */
    public static ErrorCode of(int status) {
        for (ErrorCode code : values()) {
            if (code.status == status) {
                return code;
            }
        }
        return INTERNAL;
    }
}
