package org.jpeglm.engine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jpeglm.Model;
import org.jpeglm.SamplingParams;
import org.jpeglm.Session;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.StreamState;
import org.jpeglm.codec.Written;
import org.jpeglm.testing.TinyJpegLm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A failure in one stream's own work (its codec opening, taking a token, reporting or finishing it — where an
 * OutOfMemoryError decoding a huge image happens) fails its request alone: the requests sharing the batch finish
 * whole, and the engine ends idle, holding no sequence.
 */
class BatchEngineFailureTest {
    private static final int TOKENS = 6;

    @TempDir
    static Path dir;

    static Model model;
    static TokenTable tokens;

    @BeforeAll
    static void load() throws Exception {
        Path file = dir.resolve("tiny.gguf");
        var spec = TinyJpegLm.write(file, 3);
        model = Model.load(file);
        tokens = new TokenTable(spec.tokenizer(), model.vocabSize());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Where the failing request's codec throws. */
    enum Where {
        OPEN,
        ACCEPT,
        REPORT,
        FINISH
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void aStreamThatFailsFailsItsOwnRequestOnly(Where where) throws Exception {
        GenerationOptions settings =
                GenerationOptions.builder().parallel(3).threads(2).build();
        try (Session session = BatchEngine.newSession(model, settings, 64)) {
            AtomicInteger queued = new AtomicInteger();
            BatchEngine<Integer> engine = new BatchEngine<>(session, settings, tokens, queued::addAndGet);
            OutOfMemoryError oom = new OutOfMemoryError("Java heap space (injected)");
            EngineRequest<Integer, String> before = request(4, null, null);
            EngineRequest<Integer, String> failing = request(4, where, oom);
            EngineRequest<Integer, String> after = request(4, null, null);
            for (EngineRequest<Integer, String> r : List.of(before, failing, after)) {
                engine.add(r);
                queued.addAndGet(-r.waiting()); // the engine counts each one leaving the queue back up to 0
            }
            for (int round = 0; engine.busy() && round < 1000; round++) {
                try {
                    engine.round(() -> {});
                } catch (RuntimeException | Error e) { // what Service's scheduler does with a round's failure
                    engine.failAll(e);
                }
            }
            ExecutionException e = assertThrows(
                    ExecutionException.class, () -> failing.future().get());
            assertSame(oom, e.getCause());
            assertEquals(
                    List.of(0, 1, 2, 3),
                    assertDoesNotThrow(() -> before.future().get()),
                    "before is whole");
            assertEquals(
                    List.of(0, 1, 2, 3), assertDoesNotThrow(() -> after.future().get()), "after is whole");
            assertEquals(0, engine.activeSequences(), "no sequence is held");
            assertEquals(0, engine.kvCells());
            assertEquals(0, queued.get(), "every queued stream left the queue");
            assertTrue(!engine.busy());
        }
    }

    /** A request of count streams; failAt says where its codec throws error (null: nowhere). */
    private static EngineRequest<Integer, String> request(int count, Where failAt, Throwable error) {
        List<StreamJob> jobs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            jobs.add(new StreamJob(i, i, new int[] {tokens.bosId()}, new byte[0], new byte[0]));
        }
        RequestWriter<Integer, String> writer = new RequestWriter<>() {
            @Override
            public StreamState open(StreamJob job) {
                if (failAt == Where.OPEN && job.index() == 1) {
                    throw asUnchecked(error);
                }
                return new CountingState(job.index() == 1 ? failAt : null, error);
            }

            @Override
            public String progress(int index, int tokens, int units, int totalUnits) {
                if (index == 1 && failAt == Where.REPORT && tokens >= 2) {
                    throw asUnchecked(error);
                }
                return "progress " + tokens;
            }

            @Override
            public Integer finish(Written written) {
                if (written.index() == 1 && failAt == Where.FINISH) {
                    throw asUnchecked(error);
                }
                assertEquals(TOKENS, written.tokens());
                return written.index();
            }
        };
        return new EngineRequest<>(
                jobs,
                SamplingParams.builder().seed(1).build(),
                false,
                TOKENS,
                writer,
                e -> {},
                (i, r) -> "finished " + r);
    }

    private static RuntimeException asUnchecked(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return (RuntimeException) t;
    }

    /**
     * Takes any token (the request's budget of TOKENS ends the stream); progress is one unit per token. Throws error
     * at failAt, if any, from the third token on.
     */
    private static final class CountingState implements StreamState {
        private final Where failAt;
        private final Throwable error;
        private int taken;

        CountingState(Where failAt, Throwable error) {
            this.failAt = failAt;
            this.error = error;
        }

        @Override
        public boolean complete() {
            return false;
        }

        @Override
        public boolean fits(int token) {
            throw new AssertionError("not constrained");
        }

        @Override
        public long[] allowed() {
            throw new AssertionError("not constrained");
        }

        @Override
        public long[] forced(byte[] forced, int from, boolean constrained) {
            throw new AssertionError("nothing is forced");
        }

        @Override
        public boolean take(int token, byte[] bytes) {
            if (failAt == Where.ACCEPT && taken >= 2) {
                throw asUnchecked(error);
            }
            taken++;
            return false;
        }

        @Override
        public int units() {
            return taken;
        }

        @Override
        public int totalUnits() {
            return TOKENS;
        }
    }
}
