package org.jpeglm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The layout of a saved sequence state (native/src/session_state.cpp: jpeglm's 40-byte header, the logits, then
 * llama.cpp's part as llama_kv_cache::state_write writes it), for tests that change one field of a state and
 * recompute its checksum, as a forger would.
 */
final class StateBlob {
    static final int HEADER = 40;
    static final int CHECKSUM_AT = 32;
    static final int LLAMA_BYTES_AT = 24;

    /** One fixed-size field of the state: its name as the native errors say it, offset and size in bytes. */
    record Field(String name, int offset, int size) {}

    /** A run of KV data (rows of one layer). */
    record Data(String name, int offset, int size) {}

    final byte[] bytes;
    final List<Field> fields = new ArrayList<>();
    final List<Data> data = new ArrayList<>();
    int logitsAt = -1;
    int llamaAt;

    StateBlob(byte[] bytes) {
        this.bytes = bytes.clone();
        parse(ByteBuffer.wrap(this.bytes).order(ByteOrder.LITTLE_ENDIAN));
    }

    private void parse(ByteBuffer b) {
        String[] header = {"magic", "version", "n_vocab", "length", "has_logits", "reserved"};
        for (int i = 0; i < header.length; i++) {
            fields.add(new Field(header[i], 4 * i, 4));
        }
        fields.add(new Field("llama_bytes", LLAMA_BYTES_AT, 8));
        int nVocab = b.getInt(8);
        boolean logits = b.getInt(16) != 0;
        logitsAt = logits ? HEADER : -1;
        llamaAt = HEADER + (logits ? 4 * nVocab : 0);
        b.position(llamaAt);
        field(b, "llama magic", 4);
        field(b, "seq_id", 4);
        int nStream = field(b, "n_stream", 4);
        for (int s = 0; s < nStream; s++) {
            int cells = field(b, "cell_count", 4);
            if (cells == 0) {
                continue;
            }
            for (int c = 0; c < cells; c++) {
                field(b, "cell pos", 4);
                field(b, "cell n_seq_id", 4);
                field(b, "cell seq_id", 4);
            }
            layers(b, cells);
        }
    }

    private void layers(ByteBuffer b, int cells) {
        boolean vTrans = field(b, "v_trans", 4) != 0;
        int nLayer = field(b, "n_layer", 4);
        for (int il = 0; il < nLayer; il++) {
            field(b, "k_type", 4);
            long row = b.getLong(b.position());
            field(b, "k_size_row", 8);
            rows(b, "k data", cells * row);
        }
        for (int il = 0; il < nLayer; il++) {
            field(b, "v_type", 4);
            if (vTrans) {
                int element = field(b, "v_size_el", 4);
                int width = field(b, "n_embd_v_gqa", 4);
                rows(b, "v data", (long) width * cells * element);
            } else {
                long row = b.getLong(b.position());
                field(b, "v_size_row", 8);
                rows(b, "v data", cells * row);
            }
        }
    }

    private int field(ByteBuffer b, String name, int size) {
        fields.add(new Field(name, b.position(), size));
        int v = b.getInt(b.position());
        b.position(b.position() + size);
        return v;
    }

    private void rows(ByteBuffer b, String name, long size) {
        data.add(new Data(name, b.position(), (int) size));
        b.position(b.position() + (int) size);
    }

    List<Field> fields(String name) {
        return fields.stream().filter(f -> f.name().equals(name)).toList();
    }

    Field field(String name) {
        return fields(name).getFirst();
    }

    /** A copy with field set to value (its low bytes) and the checksum recomputed. */
    byte[] with(Field f, long value) {
        byte[] out = bytes.clone();
        for (int i = 0; i < f.size(); i++) {
            out[f.offset() + i] = (byte) (value >>> (8 * i));
        }
        return resealed(out);
    }

    /** bytes with its checksum recomputed (and llama_bytes fitted to its length when fitLength). */
    static byte[] resealed(byte[] state) {
        ByteBuffer b = ByteBuffer.wrap(state).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(CHECKSUM_AT, 0);
        b.putLong(CHECKSUM_AT, checksum(state));
        return state;
    }

    /** The llama.cpp part's length set to what follows the header and logits, then resealed. */
    byte[] refitted(byte[] state) {
        ByteBuffer b = ByteBuffer.wrap(state).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(LLAMA_BYTES_AT, Math.max(0, state.length - llamaAt));
        return resealed(state);
    }

    /** The native checksum: FNV-1a over 64-bit little-endian words, then the tail bytes; checksum field 0. */
    static long checksum(byte[] state) {
        byte[] s = state.clone();
        Arrays.fill(s, CHECKSUM_AT, CHECKSUM_AT + 8, (byte) 0);
        ByteBuffer b = ByteBuffer.wrap(s).order(ByteOrder.LITTLE_ENDIAN);
        long h = 0xcbf29ce484222325L;
        int i = 0;
        for (; i + 8 <= s.length; i += 8) {
            h = (h ^ b.getLong(i)) * 0x100000001b3L;
        }
        for (; i < s.length; i++) {
            h = (h ^ (s[i] & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    static final long[] HOSTILE = {0, 1, 2, -1, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL, 1L << 32, Long.MAX_VALUE};
}
