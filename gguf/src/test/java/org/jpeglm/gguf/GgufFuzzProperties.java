package org.jpeglm.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.jpeglm.fuzzing.ByteMutations;
import org.jpeglm.fuzzing.FuzzCheck;
import org.jpeglm.fuzzing.FuzzDir;

/**
 * Fuzzing the GGUF reader (issue 12): on mutated real files — header, KV and tensor-info regions, counts and
 * lengths set to huge values, type ids changed, truncations — {@link GgufFile#open} and everything a reader then
 * does with the file (every value, every tensor's bytes, small tensors decoded) either works or throws
 * {@link GgufFormatException}; never another exception, a hang, or an allocation out of proportion to the file.
 */
class GgufFuzzProperties {
    private static final Path DIR = FuzzDir.create("gguf-fuzz");
    private static final byte[] TYPED = typedValues();
    private static final byte[] TOKENIZER_LIKE = tokenizerLike();
    private static final List<byte[]> SEEDS = List.of(TYPED, TOKENIZER_LIKE);

    /** Every value type, nested arrays, tensors of four types and an unusual alignment. */
    private static byte[] typedValues() {
        return write(new GgufWriter()
                .put("general.architecture", GgufValue.string("llama"))
                .put("general.alignment", GgufValue.uint32(64))
                .put("u8", GgufValue.integer(GgufValueType.UINT8, 200))
                .put("i16", GgufValue.integer(GgufValueType.INT16, -3))
                .put("u32", GgufValue.uint32(7))
                .put("i64", GgufValue.int64(-9))
                .put("f32", GgufValue.float32(1e-5f))
                .put("f64", GgufValue.float64(0.5))
                .put("flag", GgufValue.bool(true))
                .put("ints", GgufValue.array(GgufValueType.INT32, new long[] {1, -2, 3}))
                .put("bytes", GgufValue.array(GgufValueType.UINT8, new long[] {255, 216, 255}))
                .put("floats", GgufValue.floats(new float[] {1, 2}))
                .put("doubles", GgufValue.doubles(new double[] {3}))
                .put("bools", GgufValue.bools(new boolean[] {true, false}))
                .put("strings", GgufValue.strings(List.of("a", "", "é")))
                .put(
                        "nested",
                        GgufValue.arrays(List.of(GgufValue.strings(List.of("x")), GgufValue.bools(new boolean[0]))))
                .addTensor("w", GgmlType.F32, new long[] {4, 2}, new float[8])
                .addTensor("h", GgmlType.F16, new long[] {8}, new float[8])
                .addTensor("b", GgmlType.BF16, new long[] {2, 2, 2}, new float[8])
                .addTensor("q", GgmlType.Q8_0, new long[] {32}, new float[32]));
    }

    /** Shaped like a model file's: long arrays of ids and strings, then one tensor. */
    private static byte[] tokenizerLike() {
        long[] ids = new long[300];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        return write(new GgufWriter()
                .put("jpeglm.bpe.vocab_size", GgufValue.uint32(300))
                .put("jpeglm.bpe.byte_ids", GgufValue.array(GgufValueType.INT32, ids))
                .put("jpeglm.bpe.special_tokens", GgufValue.strings(List.of("<s>", "</s>")))
                .put("llama.attention.layer_norm_rms_epsilon", GgufValue.float32(1e-5f))
                .addTensor("token_embd.weight", GgmlType.F32, new long[] {4, 4}, new float[16]));
    }

    private static byte[] write(GgufWriter w) {
        try {
            Path p = Files.createTempFile(DIR, "seed", ".gguf");
            w.write(p);
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterContainer
    static void removeFiles() throws IOException {
        FuzzDir.delete(DIR);
    }

    @Provide
    Arbitrary<byte[]> mutatedFiles() {
        return ByteMutations.of(SEEDS, headerBytes());
    }

    /** The largest metadata-and-tensor-info region of the seeds (where counts and lengths live). */
    private static int headerBytes() {
        int max = 0;
        for (byte[] seed : SEEDS) {
            Path p = DIR.resolve("header.gguf");
            try {
                Files.write(p, seed);
                try (GgufFile f = GgufFile.open(p)) {
                    max = Math.max(max, (int) f.dataOffset());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return max;
    }

    /** Opens the file and uses all of it, as a model loader would. */
    private static void readAll(Path p) throws IOException {
        try (GgufFile f = GgufFile.open(p)) {
            for (GgufValue v : f.metadata().values()) {
                v.toString();
            }
            for (GgufTensorInfo t : f.tensors()) {
                f.data(t);
                if (t.elementCount() <= 4096) {
                    try {
                        f.readFloats(t);
                    } catch (UnsupportedOperationException notDecodable) {
                        // readFloats documents the types it decodes; the others are not the reader's failure
                    }
                }
            }
        }
    }

    @Property(tries = 2000)
    void mutatedFilesThrowOnlyGgufFormatException(@ForAll("mutatedFiles") byte[] file) throws IOException {
        Path p = DIR.resolve("fuzz.gguf");
        Files.write(p, file);
        FuzzCheck.run(
                file, FuzzCheck.budget(file.length, 64, 4 << 20), List.of(GgufFormatException.class), () -> readAll(p));
    }
}
