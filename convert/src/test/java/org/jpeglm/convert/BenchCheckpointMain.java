package org.jpeglm.convert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jpeglm.bpe.HfTokenizerJson;
import org.jpeglm.codec.jpeg.JpegProfileFile;
import org.jpeglm.gguf.TensorCodec;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.testing.HfCheckpoints;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.SafetensorsTestWriter;

/**
 * Writes a large random Hugging Face checkpoint for the conversion benchmark (docs/benchmarks-convert.md), streamed
 * (never more than a few MB in memory), sharded like transformers (about 2 GB per shard, with an index):
 *
 * <pre>
 * java -cp ... org.jpeglm.convert.BenchCheckpointMain DIR DTYPE VOCAB DIM LAYERS HEADS KV_HEADS FFN
 * java -cp ... org.jpeglm.convert.BenchCheckpointMain /tmp/ckpt BF16 32000 2048 22 32 4 5632   # TinyLlama-1.1B shape
 * </pre>
 */
public final class BenchCheckpointMain {
    private BenchCheckpointMain() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 8) {
            System.err.println(
                    "usage: BenchCheckpointMain DIR DTYPE(F32|F16|BF16) VOCAB DIM LAYERS HEADS KV_HEADS FFN");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        String dtype = args[1];
        int[] n = new int[6];
        for (int i = 0; i < 6; i++) {
            n[i] = Integer.parseInt(args[2 + i]);
        }
        LlamaConfig c = new LlamaConfig(n[0], n[1], n[2], n[3], n[4], n[5], 2048, 10000f, 1e-5f, false);
        long started = System.nanoTime();
        Files.createDirectories(dir);
        Files.writeString(
                dir.resolve("config.json"),
                HfCheckpoints.config(c).put("torch_dtype", "bfloat16").toPrettyString());
        HfTokenizerJson.write(
                RandomModelWriter.syntheticSpec(c.vocabSize()).tokenizer(), dir.resolve("tokenizer.json"));
        JpegProfileFile.write(dir.resolve("jpeglm_profile.json"), JpegProfile.PAPER, null);

        int size = dtype.equals("F32") ? 4 : 2;
        List<SafetensorsTestWriter.Entry> all = new ArrayList<>();
        long seed = 1;
        for (LlamaTensorPlan.Expected e : LlamaTensorPlan.expected(new RandomModelWriter.Shape(
                        c.vocabSize(),
                        c.dim(),
                        c.layers(),
                        c.heads(),
                        c.kvHeads(),
                        c.ffnDim(),
                        c.contextLength(),
                        10000,
                        1e-5,
                        false)
                .config())) {
            long[] shape = e.hfShape();
            long count = 1;
            for (long d : shape) {
                count *= d;
            }
            boolean vector = shape.length == 1;
            double std = vector ? 0.1 : 1 / Math.sqrt(shape[1]);
            float mean = vector ? 1f : 0f;
            long s = seed++;
            long elements = count;
            all.add(new SafetensorsTestWriter.Entry(e.hf(), dtype, shape, null, elements * size, ch -> {
                SplittableRandom r = new SplittableRandom(s);
                ByteBuffer buf = ByteBuffer.allocateDirect(8 << 20).order(ByteOrder.LITTLE_ENDIAN);
                float a = (float) (std * Math.sqrt(3));
                for (long done = 0; done < elements; ) {
                    buf.clear();
                    long k = Math.min(buf.capacity() / size, elements - done);
                    for (long i = 0; i < k; i++) {
                        float v = mean + a * (float) (2 * r.nextDouble() - 1);
                        switch (dtype) {
                            case "F32" -> buf.putFloat(v);
                            case "F16" -> buf.putShort(Float.floatToFloat16(v));
                            default -> buf.putShort(TensorCodec.toBf16(v));
                        }
                    }
                    buf.flip();
                    SafetensorsTestWriter.writeFully(ch, buf);
                    done += k;
                }
            }));
        }
        long total = all.stream().mapToLong(SafetensorsTestWriter.Entry::size).sum();
        int shards = (int) Math.max(1, (total + (2L << 30) - 1) / (2L << 30));
        HfCheckpoints.writeWeights(dir, all, shards);
        System.out.printf(
                "wrote %s: %,d parameters, %s, %.2f GB in %d file(s), %.1f s%n",
                dir, total / size, dtype, total / 1e9, shards, (System.nanoTime() - started) / 1e9);
    }
}
