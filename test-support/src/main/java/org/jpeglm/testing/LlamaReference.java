package org.jpeglm.testing;

import java.util.Arrays;

/**
 * A plain-Java forward pass of the Llama architecture, used by tests as an oracle for llama.cpp.
 *
 * <p>The math follows llama.cpp's graph for architecture "llama" (src/models/llama.cpp):
 * <pre>
 *   x = embedding[token]
 *   per layer:  h = rmsNorm(x) * attnNorm
 *               q = Wq h, k = Wk h, v = Wv h;  rope(q), rope(k) at the token's position
 *               per query head: softmax(q . k_j / sqrt(headDim)) over positions j &lt;= t, weighting v_j
 *               (query head h reads key/value head h / (heads / kvHeads): grouped-query attention)
 *               x += Wo attn
 *               h = rmsNorm(x) * ffnNorm
 *               x += Wdown (silu(Wgate h) * Wup h)
 *   logits = Wout (rmsNorm(x) * finalNorm)
 * </pre>
 * where {@code rmsNorm(x) = x / sqrt(mean(x^2) + eps)}.
 *
 * <p>Activations are stored as float32 between operations, but every dot product, sum of squares, softmax and
 * weighted sum accumulates in double, and RoPE angles are computed in double. The result is therefore a little
 * cleaner than llama.cpp's float arithmetic (which may additionally round activations to F16/Q8 and keep an F16
 * KV cache): compare against it with a tolerance, not bit for bit.
 *
 * <p>Two entry points compute the same thing by different routes: {@link #logits(int[])} runs the whole sequence
 * layer by layer with an explicit causal mask, {@link Session#next(int)} runs one token through all layers against
 * a KV cache.
 */
public final class LlamaReference {

    private final LlamaWeights weights;
    private final LlamaConfig config;
    private final RopeStyle ropeStyle;

    /**
     * @param weights   the model
     * @param ropeStyle {@link RopeStyle#HALF} for weights in HF order, {@link RopeStyle#INTERLEAVED} for weights in
     *                  GGUF order ({@link LlamaWeights#permutedForGguf()})
     */
    public LlamaReference(LlamaWeights weights, RopeStyle ropeStyle) {
        this.weights = weights;
        this.config = weights.config();
        this.ropeStyle = ropeStyle;
    }

    public LlamaWeights weights() {
        return weights;
    }

    public RopeStyle ropeStyle() {
        return ropeStyle;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Whole sequence at once

    /** Logits [position][vocab] for every position of {@code tokens}, each attending to positions 0..t only. */
    public float[][] logits(int[] tokens) {
        int n = tokens.length;
        checkSequenceFits(n);
        var x = new float[n][];
        for (int t = 0; t < n; t++) {
            x[t] = embed(tokens[t]);
        }
        for (var layer : weights.layers()) {
            var keys = new float[n][];
            var values = new float[n][];
            var queries = new float[n][];
            for (int t = 0; t < n; t++) {
                var h = rmsNorm(x[t], layer.attnNorm());
                queries[t] = query(layer, h, t);
                keys[t] = key(layer, h, t);
                values[t] = matVec(layer.wv(), h, config.kvDim());
            }
            // All positions' K/V exist at this point; the mask alone keeps position t from seeing j > t.
            for (int t = 0; t < n; t++) {
                var attended = attend(queries[t], keys, values, n, t + 1);
                addInPlace(x[t], matVec(layer.wo(), attended, config.dim()));
            }
            for (int t = 0; t < n; t++) {
                addInPlace(x[t], feedForward(layer, x[t]));
            }
        }
        var logits = new float[n][];
        for (int t = 0; t < n; t++) {
            logits[t] = outputLogits(x[t]);
        }
        return logits;
    }

    // ---------------------------------------------------------------------------------------------------------
    // One token at a time

    /** A fresh incremental decoder with an empty KV cache. */
    public Session newSession() {
        return new Session();
    }

    /** Incremental decoding: holds the keys and values of every token fed so far, per layer. */
    public final class Session {
        private final float[][][] keyCache = new float[config.layers()][config.contextLength()][];
        private final float[][][] valueCache = new float[config.layers()][config.contextLength()][];
        private int position;

        private Session() {}

        /** Appends {@code token} at the next position and returns the logits [vocab] there. */
        public float[] next(int token) {
            checkSequenceFits(position + 1);
            int t = position;
            var x = embed(token);
            for (int l = 0; l < config.layers(); l++) {
                var layer = weights.layers().get(l);
                var h = rmsNorm(x, layer.attnNorm());
                var q = query(layer, h, t);
                keyCache[l][t] = key(layer, h, t);
                valueCache[l][t] = matVec(layer.wv(), h, config.kvDim());
                var attended = attend(q, keyCache[l], valueCache[l], t + 1, t + 1);
                addInPlace(x, matVec(layer.wo(), attended, config.dim()));
                addInPlace(x, feedForward(layer, x));
            }
            position++;
            return outputLogits(x);
        }

        /** Logits after feeding all of {@code tokens}, in order; returns the last position's. */
        public float[] nextAll(int... tokens) {
            float[] last = null;
            for (int token : tokens) {
                last = next(token);
            }
            return last;
        }

        /** Number of tokens fed so far (the position the next token will take). */
        public int position() {
            return position;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The pieces of a layer

    private float[] embed(int token) {
        if (token < 0 || token >= config.vocabSize()) {
            throw new IllegalArgumentException("token " + token + " outside vocabulary of " + config.vocabSize());
        }
        int dim = config.dim();
        return Arrays.copyOfRange(weights.tokenEmbedding(), token * dim, (token + 1) * dim);
    }

    private float[] query(LlamaWeights.Layer layer, float[] h, int pos) {
        var q = matVec(layer.wq(), h, config.heads() * config.headDim());
        rope(q, config.heads(), pos);
        return q;
    }

    private float[] key(LlamaWeights.Layer layer, float[] h, int pos) {
        var k = matVec(layer.wk(), h, config.kvDim());
        rope(k, config.kvHeads(), pos);
        return k;
    }

    private void rope(float[] vector, int heads, int pos) {
        int headDim = config.headDim();
        for (int head = 0; head < heads; head++) {
            ropeStyle.apply(vector, head * headDim, headDim, pos, config.ropeTheta());
        }
    }

    /**
     * Multi-head attention of one query position over {@code length} cached positions, of which only the first
     * {@code visible} may be attended to (the rest get a score of minus infinity, i.e. weight 0).
     */
    private float[] attend(float[] q, float[][] keys, float[][] values, int length, int visible) {
        int headDim = config.headDim();
        double scale = 1.0 / Math.sqrt(headDim);
        var out = new float[config.heads() * headDim];
        var scores = new double[length];
        for (int head = 0; head < config.heads(); head++) {
            int kvOffset = (head / config.groupSize()) * headDim;
            int qOffset = head * headDim;
            for (int j = 0; j < length; j++) {
                scores[j] =
                        j < visible ? dot(q, qOffset, keys[j], kvOffset, headDim) * scale : Double.NEGATIVE_INFINITY;
            }
            softmaxInPlace(scores);
            for (int d = 0; d < headDim; d++) {
                double sum = 0;
                for (int j = 0; j < visible; j++) {
                    sum += scores[j] * values[j][kvOffset + d];
                }
                out[qOffset + d] = (float) sum;
            }
        }
        return out;
    }

    /** SwiGLU: Wdown (silu(Wgate h) * Wup h) with h the ffn-normed input. */
    private float[] feedForward(LlamaWeights.Layer layer, float[] x) {
        var h = rmsNorm(x, layer.ffnNorm());
        var gate = matVec(layer.wGate(), h, config.ffnDim());
        var up = matVec(layer.wUp(), h, config.ffnDim());
        var hidden = new float[config.ffnDim()];
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = (float) (silu(gate[i]) * up[i]);
        }
        return matVec(layer.wDown(), hidden, config.dim());
    }

    private float[] outputLogits(float[] x) {
        var h = rmsNorm(x, weights.finalNorm());
        return matVec(weights.outputProjection(), h, config.vocabSize());
    }

    private float[] rmsNorm(float[] x, float[] weight) {
        double sumOfSquares = 0;
        for (float v : x) {
            sumOfSquares += (double) v * v;
        }
        double inverseRms = 1.0 / Math.sqrt(sumOfSquares / x.length + config.rmsEps());
        var out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (x[i] * inverseRms * weight[i]);
        }
        return out;
    }

    private void checkSequenceFits(int length) {
        if (length > config.contextLength()) {
            throw new IllegalStateException(
                    "sequence of " + length + " tokens exceeds context length " + config.contextLength());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Arithmetic, accumulating in double

    /** y = W x for W row-major [rows][x.length]. */
    static float[] matVec(float[] w, float[] x, int rows) {
        int cols = x.length;
        var y = new float[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = (float) dot(w, r * cols, x, 0, cols);
        }
        return y;
    }

    static double dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (double) a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    static void softmaxInPlace(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.exp(x[i] - max);
            sum += x[i];
        }
        for (int i = 0; i < x.length; i++) {
            x[i] /= sum;
        }
    }

    static double silu(double x) {
        return x / (1.0 + Math.exp(-x));
    }

    private static void addInPlace(float[] x, float[] delta) {
        for (int i = 0; i < x.length; i++) {
            x[i] += delta[i];
        }
    }
}
