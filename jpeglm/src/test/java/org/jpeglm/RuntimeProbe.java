package org.jpeglm;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.codec.Codecs;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Generator;

/**
 * A fixed workload run on whichever libjpeglm this JVM loads, so that two builds of the native runtime can be
 * compared: in this JVM, or in a child JVM ({@link #main}) given another library. Exact settings (F32 KV cache,
 * no flash attention) so that only float rounding separates two builds; one CPU thread, because ggml's own thread
 * pool (the prebuilt runtime has no OpenMP) slows down badly when the cores are shared with other processes,
 * and the thread count does not change what is computed.
 */
final class RuntimeProbe {
    private RuntimeProbe() {}

    static final int PROMPT = 32;
    static final int ONE_BY_ONE = 12;
    static final int GREEDY = 48;
    static final int SEQUENCES = 8;
    static final int SAMPLED = 48;
    static final int THREADS = 1;

    /**
     * What a build computed.
     *
     * @param devices the names of the devices it found
     * @param logits the logits after a batched prompt, then after each of ONE_BY_ONE single tokens
     * @param greedy tokens of a greedy generation after the prompt
     * @param sampled per sequence of an 8-sequence session, tokens sampled at temperature 1 with its own seed
     * @param images per generated image (none for a model without Jpeg-LM metadata): its JPEG file, and a last
     *     byte 1 if the model's stream was clean, else 0
     */
    record Result(List<String> devices, float[][] logits, int[] greedy, int[][] sampled, byte[][] images) {
        void write(Path path) throws IOException {
            try (var out = new DataOutputStream(Files.newOutputStream(path))) {
                out.writeUTF(String.join(",", devices));
                writeRows(out, logits.length, i -> floatsToBytes(logits[i]));
                writeInts(out, greedy);
                out.writeInt(sampled.length);
                for (int[] s : sampled) {
                    writeInts(out, s);
                }
                writeRows(out, images.length, i -> images[i]);
            }
        }

        static Result read(Path path) throws IOException {
            try (var in = new DataInputStream(Files.newInputStream(path))) {
                List<String> devices = List.of(in.readUTF().split(","));
                byte[][] logitBytes = readRows(in);
                float[][] logits = Arrays.stream(logitBytes)
                        .map(RuntimeProbe::bytesToFloats)
                        .toArray(float[][]::new);
                int[] greedy = readInts(in);
                int[][] sampled = new int[in.readInt()][];
                for (int i = 0; i < sampled.length; i++) {
                    sampled[i] = readInts(in);
                }
                return new Result(devices, logits, greedy, sampled, readRows(in));
            }
        }
    }

    /** Args: MODEL GPU_LAYERS OUT [images]. */
    public static void main(String[] args) throws IOException {
        run(Path.of(args[0]), Integer.parseInt(args[1]), args.length > 3 && args[3].equals("images"))
                .write(Path.of(args[2]));
    }

    static Result run(Path modelPath, int gpuLayers, boolean images) {
        return run(modelPath, ModelOptions.builder().gpuLayers(gpuLayers).build(), images);
    }

    /** The workload with the model loaded with options (e.g. some layers on rpc-servers). */
    static Result run(Path modelPath, ModelOptions options, boolean images) {
        List<String> devices = Jpeglm.devices().stream().map(Device::name).toList();
        float[][] logits = new float[1 + ONE_BY_ONE][];
        int[] greedy;
        int[][] sampled = new int[SEQUENCES][];
        try (Model model = Model.load(modelPath, options);
                Session session = newSession(model)) {
            int[] prompt = randomTokens(PROMPT + ONE_BY_ONE, model.vocabSize(), 7);
            session.sequence(0).feed(Arrays.copyOf(prompt, PROMPT)); // batched: two native batches
            logits[0] = session.sequence(0).logits();
            session.setSampling(0, SamplingParams.greedy());
            greedy = session.sequence(0).generate(GREEDY, t -> true).tokens();
            for (int i = 0; i < ONE_BY_ONE; i++) {
                session.sequence(1).feed(prompt[PROMPT + i]);
                logits[1 + i] = session.sequence(1).logits();
            }
            sampleAll(session, prompt, sampled);
        }
        return new Result(devices, logits, greedy, sampled, images ? images(modelPath, options) : new byte[0][]);
    }

    /**
     * The logits after the workload's prompt and the first n of greedy's tokens, fed as the greedy run feeds them,
     * on the library this JVM loads: a replay, to see how near two tokens were where two builds' greedy runs part.
     */
    static float[] logitsAfterGreedy(Path modelPath, int[] greedy, int n) {
        try (Model model = Model.load(modelPath, ModelOptions.builder().build());
                Session session = newSession(model)) {
            int[] prompt = randomTokens(PROMPT + ONE_BY_ONE, model.vocabSize(), 7);
            session.sequence(0).feed(Arrays.copyOf(prompt, PROMPT));
            for (int i = 0; i < n; i++) {
                session.sequence(0).feed(greedy[i]);
            }
            return session.sequence(0).logits();
        }
    }

    /** The workload's session: exact settings, SEQUENCES sequences, one thread. */
    private static Session newSession(Model model) {
        return model.newSession(TinyModels.exact(256)
                .sequences(SEQUENCES)
                .batchSize(16)
                .threads(THREADS)
                .build());
    }

    /** All sequences step together: the 8-sequence path of one native step per token. */
    private static void sampleAll(Session session, int[] prompt, int[][] sampled) {
        int[] seqs = new int[SEQUENCES];
        for (int s = 0; s < SEQUENCES; s++) {
            seqs[s] = s;
            session.sequence(s).clear();
            session.setSampling(
                    s, SamplingParams.builder().temperature(1f).seed(100 + s).build());
            session.sequence(s).feed(prompt[s]);
            sampled[s] = new int[SAMPLED];
        }
        int[] out = new int[SEQUENCES];
        for (int t = 0; t < SAMPLED; t++) {
            session.step(seqs, out);
            for (int s = 0; s < SEQUENCES; s++) {
                sampled[s][t] = out[s];
            }
        }
    }

    /**
     * The bundled model's 8 images through the codec-neutral API: the codec its file names, found on the class path
     * (the JPEG codec is codec/image's, so the tests that ask for images live there; scripts/gpu-check runs this on
     * the CLI's jar, which has every codec). Each result's JPEG file and clean flag are read by name, since the
     * engine's tests cannot name the codec's result type.
     */
    private static byte[][] images(Path modelPath, ModelOptions options) {
        try (CodecModel<?, ?> model = Codecs.open(modelPath, options);
                Generator<?, ?> generator = model.newGenerator(GenerationOptions.builder()
                        .parallel(8)
                        .threads(THREADS)
                        .seed(42)
                        .build())) {
            return generator.generate(8).stream()
                    .map(RuntimeProbe::withCleanFlag)
                    .toArray(byte[][]::new);
        }
    }

    /** An image result's JPEG file (its {@code jpeg()}) and a last byte 1 if its {@code clean()}, else 0. */
    private static byte[] withCleanFlag(Object image) {
        try {
            byte[] jpeg = (byte[]) image.getClass().getMethod("jpeg").invoke(image);
            boolean clean = (boolean) image.getClass().getMethod("clean").invoke(image);
            byte[] b = Arrays.copyOf(jpeg, jpeg.length + 1);
            b[b.length - 1] = (byte) (clean ? 1 : 0);
            return b;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(image.getClass() + " is not an image result (jpeg(), clean())", e);
        }
    }

    /** How many of a[i] equal b[i] (arrays compared by content). */
    static long countEqual(Object[] a, Object[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(a.length + " results against " + b.length);
        }
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += Arrays.deepEquals(new Object[] {a[i]}, new Object[] {b[i]}) ? 1 : 0;
        }
        return n;
    }

    static int[] randomTokens(int n, int vocab, long seed) {
        return new Random(seed).ints(n, 0, vocab).toArray();
    }

    private interface Row {
        byte[] get(int i);
    }

    private static void writeRows(DataOutputStream out, int n, Row row) throws IOException {
        out.writeInt(n);
        for (int i = 0; i < n; i++) {
            byte[] b = row.get(i);
            out.writeInt(b.length);
            out.write(b);
        }
    }

    private static byte[][] readRows(DataInputStream in) throws IOException {
        byte[][] rows = new byte[in.readInt()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = in.readNBytes(in.readInt());
        }
        return rows;
    }

    private static void writeInts(DataOutputStream out, int[] v) throws IOException {
        out.writeInt(v.length);
        for (int x : v) {
            out.writeInt(x);
        }
    }

    private static int[] readInts(DataInputStream in) throws IOException {
        int[] v = new int[in.readInt()];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readInt();
        }
        return v;
    }

    private static byte[] floatsToBytes(float[] v) {
        var buf = java.nio.ByteBuffer.allocate(4 * v.length);
        buf.asFloatBuffer().put(v);
        return buf.array();
    }

    private static float[] bytesToFloats(byte[] b) {
        float[] v = new float[b.length / 4];
        java.nio.ByteBuffer.wrap(b).asFloatBuffer().get(v);
        return v;
    }
}
