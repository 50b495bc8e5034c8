package org.jpeglm;

import static org.jpeglm.bindings.jpeglm_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * Trains a model's weights in place with llama.cpp's optimizer (ggml-opt, AdamW), on the CPU or GPU the model is
 * on. The model must be loaded with {@code mmap(false)} and hold F32 weights only; write the result with
 * {@link Model#saveWeights}. Training data are windows of {@link #contextLength()} tokens, each with the tokens
 * that should follow; an optimizer step takes {@code microBatch} tokens of a window.
 *
 * <p>What llama.cpp trains at the pinned commit (measured, see TrainerTest and models/README.md): the query,
 * output and feed-forward projections, norms and the output layer. It leaves the token embedding out
 * ({@code FIXME} in llama-context.cpp) and no gradient reaches the key and value projections through its KV cache,
 * so attention cannot learn new patterns: this suits fine-tuning a trained model, not training one from scratch
 * (the bundled model is trained with train/train_llama.py instead).
 *
 * <p>Used by the thread that created it; close it (try-with-resources) before closing the model.
 */
public final class Trainer implements AutoCloseable {
    /** AdamW's parameters. */
    public record AdamW(float learningRate, float beta1, float beta2, float eps, float weightDecay) {
        public static AdamW of(float learningRate) {
            return new AdamW(learningRate, 0.9f, 0.999f, 1e-8f, 0f);
        }

        public AdamW withWeightDecay(float weightDecay) {
            return new AdamW(learningRate, beta1, beta2, eps, weightDecay);
        }

        public AdamW withLearningRate(float lr) {
            return new AdamW(lr, beta1, beta2, eps, weightDecay);
        }
    }

    /** Mean cross-entropy in nats per token of the trained and the evaluated windows (NaN where none). */
    public record Losses(float train, float eval) {}

    private final Model model;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment handle;
    private final int contextLength;
    private MemorySegment tokenBuffer;
    private MemorySegment labelBuffer;
    private final MemorySegment losses = arena.allocate(ValueLayout.JAVA_FLOAT, 2);
    private boolean closed;

    private Trainer(Model model, int microBatch, int threads) {
        this.model = model;
        MemorySegment modelHandle = model.acquireForSession();
        try {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            Native.check(jpeglm_trainer_create(modelHandle, microBatch, threads, out));
            this.handle = out.get(ValueLayout.ADDRESS, 0);
        } catch (RuntimeException | Error e) {
            arena.close();
            model.releaseSession();
            throw e;
        }
        this.contextLength = jpeglm_trainer_n_ctx(handle);
    }

    /**
     * A trainer for model.
     *
     * @param microBatch tokens per optimizer step; must divide the context length (0: a whole window)
     * @param threads CPU threads (0: every core)
     */
    public static Trainer create(Model model, int microBatch, int threads) {
        Objects.requireNonNull(model, "model");
        if (microBatch < 0 || threads < 0) {
            throw new IllegalArgumentException("microBatch and threads must be >= 0");
        }
        return new Trainer(model, microBatch, threads);
    }

    /** Tokens per training window: the model's trained context length. */
    public int contextLength() {
        return contextLength;
    }

    /** Sets the optimizer's parameters for the following steps (e.g. a learning-rate schedule). */
    public void setOptimizer(AdamW adamW) {
        Objects.requireNonNull(adamW, "adamW");
        ensureOpen();
        Native.check(jpeglm_trainer_set_optimizer(
                handle, adamW.learningRate(), adamW.beta1(), adamW.beta2(), adamW.eps(), adamW.weightDecay()));
    }

    /**
     * Trains on the first trainWindows windows, then evaluates the rest. tokens and labels hold windows ×
     * {@link #contextLength()} ids; labels[i] is the token that should follow tokens[i].
     */
    public Losses run(int[] tokens, int[] labels, int trainWindows) {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(labels, "labels");
        ensureOpen();
        if (tokens.length != labels.length || tokens.length == 0 || tokens.length % contextLength != 0) {
            throw new IllegalArgumentException("tokens and labels must hold the same whole number of windows of "
                    + contextLength + " tokens (got " + tokens.length + " and " + labels.length + ")");
        }
        int windows = tokens.length / contextLength;
        if (trainWindows < 0 || trainWindows > windows) {
            throw new IllegalArgumentException("trainWindows must be in [0, " + windows + "], got " + trainWindows);
        }
        if (tokenBuffer == null || tokenBuffer.byteSize() < 4L * tokens.length) {
            tokenBuffer = arena.allocate(ValueLayout.JAVA_INT, tokens.length);
            labelBuffer = arena.allocate(ValueLayout.JAVA_INT, tokens.length);
        }
        MemorySegment.copy(tokens, 0, tokenBuffer, ValueLayout.JAVA_INT, 0, tokens.length);
        MemorySegment.copy(labels, 0, labelBuffer, ValueLayout.JAVA_INT, 0, labels.length);
        Native.check(
                jpeglm_trainer_run(handle, windows, trainWindows, tokenBuffer, labelBuffer, losses, losses.asSlice(4)));
        return new Losses(losses.getAtIndex(ValueLayout.JAVA_FLOAT, 0), losses.getAtIndex(ValueLayout.JAVA_FLOAT, 1));
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("trainer is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        jpeglm_trainer_free(handle);
        arena.close();
        model.releaseSession();
    }
}
