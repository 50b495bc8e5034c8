package org.jpeglm.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.jpeglm.gguf.GgufFile;
import org.jpeglm.gguf.GgufFormatException;
import org.jpeglm.gguf.GgufTensorInfo;
import org.jpeglm.gguf.GgufValue;

/**
 * The metric's CNN (eval/train_classifier.py): conv 3×3 1→16, ReLU, max-pool 2; conv 3×3 16→32, ReLU, max-pool 2;
 * dense 1568→128, ReLU (the features); dense 128→10 (the class logits). Input: a 28×28 gray image, pixel / 255.
 *
 * <p>Plain float arithmetic in a fixed order (Java's floating point is strict, so the JIT cannot reorder it): the
 * same image gives the same bits on every run and thread. Thread-safe: the weights are never written after loading.
 */
public final class FashionClassifier {
    /** The input side. */
    public static final int SIDE = 28;

    /** The feature dimension (the penultimate layer). */
    public static final int FEATURES = 128;

    /** The classes, Fashion-MNIST's labels in order. */
    public static final int CLASSES = 10;

    private static final int C1 = 16;
    private static final int C2 = 32;
    private static final int H1 = SIDE / 2; // after the first pool
    private static final int H2 = SIDE / 4; // after the second pool
    private static final int FLAT = C2 * H2 * H2;

    private final float[] w1;
    private final float[] b1;
    private final float[] w2;
    private final float[] b2;
    private final float[] fc1t; // fc1 transposed: [FLAT][FEATURES], so a layer is a sum of scaled rows
    private final float[] fc1b;
    private final float[] fc2;
    private final float[] fc2b;
    private final Map<String, GgufValue> metadata;

    private FashionClassifier(GgufFile f) throws GgufFormatException {
        w1 = tensor(f, "conv1.weight", C1, 1, 3, 3);
        b1 = tensor(f, "conv1.bias", C1);
        w2 = tensor(f, "conv2.weight", C2, C1, 3, 3);
        b2 = tensor(f, "conv2.bias", C2);
        fc1t = transpose(tensor(f, "fc1.weight", FEATURES, FLAT), FEATURES, FLAT);
        fc1b = tensor(f, "fc1.bias", FEATURES);
        fc2 = tensor(f, "fc2.weight", CLASSES, FEATURES);
        fc2b = tensor(f, "fc2.bias", CLASSES);
        metadata = Map.copyOf(f.metadata());
    }

    /** Reads the weights from a GGUF file written by train_classifier.py. */
    public static FashionClassifier load(Path weights) throws IOException {
        try (GgufFile f = GgufFile.open(weights)) {
            return new FashionClassifier(f);
        }
    }

    /** Reads the weights from the bytes of such a file; name stands for it in messages. */
    public static FashionClassifier read(byte[] weights, String name) throws IOException {
        try (GgufFile f = GgufFile.of(weights, Path.of(name))) {
            return new FashionClassifier(f);
        }
    }

    /** The weight file's metadata (recipe, seed, test accuracy: the classifier.* keys). */
    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    /** What the network makes of one image. */
    public record Output(float[] features, float[] logits) {}

    /** Runs the network on a 28×28 image given as SIDE×SIDE row-major values in [0, 1]. */
    public Output run(float[] image) {
        if (image.length != SIDE * SIDE) {
            throw new IllegalArgumentException("the classifier takes " + SIDE * SIDE + " pixels, got " + image.length);
        }
        float[] in = padded(image, 1, SIDE);
        float[] a1 = conv(in, 1, SIDE, w1, b1, C1);
        float[] p1 = padded(pool(a1, C1, SIDE, SIDE + 2), C1, H1);
        float[] a2 = conv(p1, C1, H1, w2, b2, C2);
        float[] flat = pool(a2, C2, H1, H1 + 2);
        float[] features = fc1b.clone();
        for (int i = 0; i < FLAT; i++) {
            float x = flat[i];
            if (x != 0) { // after ReLU most inputs are 0: skipping them leaves every feature as it is
                int row = i * FEATURES;
                for (int j = 0; j < FEATURES; j++) {
                    features[j] += fc1t[row + j] * x;
                }
            }
        }
        for (int j = 0; j < FEATURES; j++) {
            features[j] = Math.max(features[j], 0f);
        }
        float[] logits = new float[CLASSES];
        for (int k = 0; k < CLASSES; k++) {
            float s = fc2b[k];
            for (int j = 0; j < FEATURES; j++) {
                s += fc2[k * FEATURES + j] * features[j];
            }
            logits[k] = s;
        }
        return new Output(features, logits);
    }

    /** Softmax of logits, in double (StrictMath: the same bits on every platform). */
    public static double[] probabilities(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int k = 0; k < logits.length; k++) {
            p[k] = StrictMath.exp(logits[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < p.length; k++) {
            p[k] /= sum;
        }
        return p;
    }

    /** channels planes of side×side, each framed by one zero pixel ((side+2)² per plane). */
    private static float[] padded(float[] x, int channels, int side) {
        int ps = side + 2;
        float[] out = new float[channels * ps * ps];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < side; y++) {
                System.arraycopy(x, (c * side + y) * side, out, (c * ps + y + 1) * ps + 1, side);
            }
        }
        return out;
    }

    /**
     * 3×3 convolution, padding 1, then ReLU, over padded input planes ((side+2)² each). Each output adds its bias,
     * then its terms in the order (input channel, ky, kx). Outputs are laid out with the input's row stride side+2,
     * so one tap is a single long loop over the plane (vectorizable: every output is its own sum); the last two
     * columns of each row are scratch, never read.
     */
    private static float[] conv(float[] in, int channels, int side, float[] w, float[] b, int outChannels) {
        int ps = side + 2;
        int plane = side * ps;
        int n = plane - 2; // the last row's scratch columns would read past the last input plane
        float[] out = new float[outChannels * plane];
        for (int o = 0; o < outChannels; o++) {
            int base = o * plane;
            java.util.Arrays.fill(out, base, base + plane, b[o]);
            for (int c = 0; c < channels; c++) {
                for (int ky = 0; ky < 3; ky++) {
                    for (int kx = 0; kx < 3; kx++) {
                        float wk = w[((o * channels + c) * 3 + ky) * 3 + kx];
                        int src = (c * ps + ky) * ps + kx;
                        for (int i = 0; i < n; i++) {
                            out[base + i] += wk * in[src + i];
                        }
                    }
                }
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(out[i], 0f);
        }
        return out;
    }

    /** 2×2 max-pooling of channels planes of side×side whose rows are stride apart; the result is dense. */
    private static float[] pool(float[] in, int channels, int side, int stride) {
        int h = side / 2;
        float[] out = new float[channels * h * h];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < h; x++) {
                    int i = (c * side + 2 * y) * stride + 2 * x;
                    out[(c * h + y) * h + x] =
                            Math.max(Math.max(in[i], in[i + 1]), Math.max(in[i + stride], in[i + stride + 1]));
                }
            }
        }
        return out;
    }

    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }

    /** The named F32 tensor, whose numpy shape must be shape (GGUF lists it fastest dimension first). */
    private static float[] tensor(GgufFile f, String name, long... shape) throws GgufFormatException {
        GgufTensorInfo t = f.tensor(name)
                .orElseThrow(() -> new GgufFormatException(f.path() + ": no tensor " + name + " (not a classifier?)"));
        long[] ggufShape = t.shape();
        boolean same = ggufShape.length == shape.length;
        for (int i = 0; same && i < shape.length; i++) {
            same = ggufShape[i] == shape[shape.length - 1 - i];
        }
        if (!same) {
            throw new GgufFormatException(f.path() + ": tensor " + name + " has shape "
                    + java.util.Arrays.toString(ggufShape) + ", the classifier needs "
                    + java.util.Arrays.toString(shape) + " (numpy order)");
        }
        return f.readFloats(t);
    }
}
