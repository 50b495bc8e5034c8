package org.jpeglm.codec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jpeglm.Session;
import org.jpeglm.engine.Scoring;

/**
 * The scoring requests of a {@link Service}, first come, first served: each round, before waiting results take
 * the free sequences, the next streams to score take them and are scored in one native call (a score is one
 * evaluation, so it holds its sequences for no longer than the call). Used by the scheduler thread only.
 */
final class ScoreQueue {
    /** Streams to score as tokens, and their scores as they come. */
    static final class Request {
        private final List<int[]> tokens;
        private final int[] bytes;
        private final Score[] scores;
        private final CompletableFuture<List<Score>> future = new CompletableFuture<>();
        private int next; // the first stream not yet scored

        Request(List<int[]> tokens, int[] bytes) {
            this.tokens = List.copyOf(tokens);
            this.bytes = bytes.clone();
            this.scores = new Score[bytes.length];
        }

        CompletableFuture<List<Score>> future() {
            return future;
        }

        private boolean waiting() {
            return next < scores.length && !future.isDone();
        }
    }

    private final Deque<Request> pending = new ArrayDeque<>();

    void add(Request request) {
        pending.add(request);
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** Scores the next streams of the pending requests in the free sequences; completes the requests now done. */
    void run(Session session, int[] free) {
        pending.removeIf(r -> r.future.isDone()); // cancelled by its caller
        List<Request> owners = new ArrayList<>();
        List<Integer> indices = new ArrayList<>();
        List<int[]> tokens = new ArrayList<>();
        for (Request r : pending) {
            while (owners.size() < free.length && r.waiting()) {
                owners.add(r);
                indices.add(r.next);
                tokens.add(r.tokens.get(r.next++));
            }
        }
        if (owners.isEmpty()) {
            return;
        }
        int[] bytes = new int[owners.size()];
        for (int k = 0; k < bytes.length; k++) {
            bytes[k] = owners.get(k).bytes[indices.get(k)];
        }
        try {
            List<Score> scores = Scoring.score(session, Arrays.copyOf(free, owners.size()), tokens, bytes);
            for (int k = 0; k < scores.size(); k++) {
                owners.get(k).scores[indices.get(k)] = scores.get(k);
            }
        } catch (RuntimeException | Error e) { // the session is intact: only these requests fail
            owners.forEach(r -> r.future.completeExceptionally(e));
        }
        for (Request r : owners) {
            if (r.next == r.scores.length) {
                r.future.complete(List.of(r.scores)); // no effect on one that failed
            }
        }
        pending.removeIf(r -> r.future.isDone());
    }

    /** Ends every pending request with error. */
    void failAll(Throwable error) {
        pending.forEach(r -> r.future.completeExceptionally(error));
        pending.clear();
    }
}
