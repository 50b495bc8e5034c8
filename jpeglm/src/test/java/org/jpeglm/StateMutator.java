package org.jpeglm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

/** Mutations of a saved state for fuzzing, each a function of (seed, case) alone. */
final class StateMutator {
    record Mutant(byte[] bytes, String description) {}

    private final StateBlob blob;

    StateMutator(byte[] state) {
        this.blob = new StateBlob(state);
    }

    Mutant mutate(long seed, int index) {
        Random r = new Random(seed * 0x9E37_79B9_7F4A_7C15L + index);
        byte[] b = blob.bytes.clone();
        int at = r.nextInt(b.length);
        switch (r.nextInt(6)) {
            case 0 -> {
                b[at] = (byte) (b[at] ^ (1 + r.nextInt(255)));
                return new Mutant(b, "byte " + at + " changed, checksum not fixed");
            }
            case 1 -> {
                b[at] = (byte) (b[at] ^ (1 + r.nextInt(255)));
                return new Mutant(StateBlob.resealed(b), "byte " + at + " changed, checksum fixed");
            }
            case 2, 3 -> {
                StateBlob.Field f = blob.fields.get(r.nextInt(blob.fields.size()));
                long v = r.nextBoolean()
                        ? StateBlob.HOSTILE[r.nextInt(StateBlob.HOSTILE.length)]
                        : (ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(f.offset()) + r.nextInt(5) - 2);
                return new Mutant(blob.with(f, v), f.name() + " at " + f.offset() + " = " + v + ", checksum fixed");
            }
            case 4 -> {
                int length = r.nextBoolean() ? at : b.length + r.nextInt(64);
                byte[] c = Arrays.copyOf(b, length);
                boolean refit = r.nextBoolean();
                if (length < StateBlob.HEADER) {
                    return new Mutant(c, "cut to " + length + " bytes");
                }
                return new Mutant(
                        refit ? blob.refitted(c) : StateBlob.resealed(c),
                        "resized to " + length + (refit ? ", llama_bytes fitted" : "") + ", checksum fixed");
            }
            default -> {
                StateBlob.Data d = blob.data.get(r.nextInt(blob.data.size()));
                Arrays.fill(b, d.offset(), d.offset() + Math.min(d.size(), 1 + r.nextInt(64)), (byte) 0xFF);
                return new Mutant(StateBlob.resealed(b), d.name() + " at " + d.offset() + " set to 0xFF (NaN)");
            }
        }
    }
}
