package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Saved states are checked before llama.cpp reads them: a changed byte anywhere fails the checksum, and a forged
 * state (field changed, checksum recomputed) fails the walk of llama.cpp's part with the field named. Before,
 * one changed cell count made llama.cpp allocate without bound and the kernel killed the JVM.
 */
class StateValidationTest {
    private static final int[] PROMPT = {5, 9, 2, 7, 1};
    private static Model model;

    @BeforeAll
    static void load() {
        model = Model.load(TinyModels.mhaUntied().path(), TinyModels.options());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private Session session;

    @AfterEach
    void closeSession() {
        if (session != null) {
            session.close();
        }
    }

    private byte[] saved(SessionOptions.FlashAttention flash) {
        session = model.newSession(SessionOptions.builder()
                .contextLength(32)
                .sequences(2)
                .flashAttention(flash)
                .build());
        session.sequence(0).feed(PROMPT);
        return session.saveState(0);
    }

    private void refused(byte[] state, String messagePart) {
        JpeglmException e = assertThrows(JpeglmException.class, () -> session.loadState(1, state));
        assertEquals(ErrorCode.FORMAT, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), "'" + e.getMessage() + "' lacks '" + messagePart + "'");
        assertEquals(0, session.length(1), "a refused state leaves the sequence empty");
    }

    private void stillLoadsAndRuns(byte[] state) {
        session.loadState(1, state);
        assertEquals(PROMPT.length, session.length(1));
        assertEquals(
                session.sequence(0).step(),
                session.sequence(1).step(),
                "the loaded sequence continues like the saved one");
    }

    @ParameterizedTest
    @EnumSource(
            value = SessionOptions.FlashAttention.class,
            names = {"ON", "OFF"})
    void everySingleByteChangeIsRefused(SessionOptions.FlashAttention flash) {
        byte[] state = saved(flash);
        StateBlob blob = new StateBlob(state);
        assertTrue(blob.data.size() >= 4, "the walk found the K and V data of both layers");
        for (int at = 0; at < state.length; at++) {
            byte[] changed = state.clone();
            changed[at] ^= (byte) 0x5A;
            // Magic and version are read before the checksum, which covers everything else.
            refused(changed, at < 4 ? "magic" : at < 8 ? "version" : "checksum mismatch");
        }
        stillLoadsAndRuns(state);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "cell_count, 2147483648, cell_count",
        "cell_count, 4, cell_count",
        "cell pos, 100, cell pos",
        "cell pos, -1, cell pos",
        "cell n_seq_id, 2, n_seq_id",
        "cell seq_id, -7, seq_id",
        "n_stream, 1000, n_stream",
        "llama magic, 0, llama magic",
        "v_trans, 2, v_trans",
        "n_layer, 3, n_layer",
        "n_layer, 4294967295, n_layer",
        "k_type, 0, k_type",
        "k_size_row, 1099511627776, k_size_row",
        "v_type, 30, v_type",
        "length, 4, cell_count",
        "length, 2147483647, tokens",
        "has_logits, 2, has_logits",
        "reserved, 1, reserved",
        "n_vocab, 97, vocabulary",
        "llama_bytes, 4, size",
        "version, 1, version 1"
    })
    void forgedFieldsAreRefusedByName(String field, long value, String messagePart) {
        StateBlob blob = new StateBlob(saved(SessionOptions.FlashAttention.OFF));
        refused(blob.with(blob.field(field), value), messagePart);
        stillLoadsAndRuns(blob.bytes);
    }

    @Test
    void aRepeatedPositionIsRefused() {
        StateBlob blob = new StateBlob(saved(SessionOptions.FlashAttention.ON));
        refused(blob.with(blob.fields("cell pos").get(3), 1), "cell pos");
    }

    @Test
    void bytesAfterLlamaCppsPartAndMissingDataAreRefused() {
        StateBlob blob = new StateBlob(saved(SessionOptions.FlashAttention.ON));
        refused(blob.refitted(Arrays.copyOf(blob.bytes, blob.bytes.length + 8)), "after llama.cpp's part");
        // The last 4 bytes are the empty second stream's cell_count: cut into the data before it.
        refused(blob.refitted(Arrays.copyOf(blob.bytes, blob.bytes.length - 5)), "past the end");
        refused(blob.refitted(Arrays.copyOf(blob.bytes, blob.llamaAt + 10)), "ends inside");
    }

    @Test
    void nanLogitsAreRefused() {
        StateBlob blob = new StateBlob(saved(SessionOptions.FlashAttention.ON));
        byte[] state = blob.bytes.clone();
        ByteBuffer.wrap(state).order(ByteOrder.LITTLE_ENDIAN).putFloat(blob.logitsAt + 4 * 7, Float.NaN);
        refused(StateBlob.resealed(state), "NaN");
    }

    /** KV values are data: a forged value is computed with (no crash), like any other number. */
    @Test
    void forgedKvDataLoads() {
        StateBlob blob = new StateBlob(saved(SessionOptions.FlashAttention.ON));
        byte[] state = blob.bytes.clone();
        StateBlob.Data k = blob.data.getFirst();
        Arrays.fill(state, k.offset(), k.offset() + k.size(), (byte) 0x7C); // f16 +inf and friends
        session.loadState(1, StateBlob.resealed(state));
        assertEquals(PROMPT.length, session.length(1));
        assertTrue(session.sequence(1).step() >= 0);
    }
}
