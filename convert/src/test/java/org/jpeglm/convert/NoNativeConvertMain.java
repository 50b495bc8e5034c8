package org.jpeglm.convert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jpeglm.FileType;
import org.jpeglm.bindings.NativeLibrary;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufFile;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.testing.HfCheckpoints;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.LlamaWeights;
import org.jpeglm.testing.RandomLlama;

/**
 * Run by {@link NoNativeLibraryTest} in a JVM without libjpeglm: converts a tiny checkpoint to the types the Java
 * writer writes, checks each file, and checks that a k-quant is refused with a clear error. Prints one line per
 * check; any failure is an exception (a non-zero exit).
 */
public final class NoNativeConvertMain {
    private NoNativeConvertMain() {}

    static final LlamaConfig CONFIG = new LlamaConfig(300, 64, 2, 4, 2, 96, 128, 10000f, 1e-5f, false);

    public static void main(String[] args) throws IOException {
        requireNoNativeLibrary();
        Path dir = Path.of(args[0]);
        LlamaWeights w = RandomLlama.create(CONFIG, 1);
        Path ckpt = HfCheckpoints.write(dir.resolve("ckpt"), w, "F32", 1);
        HfCheckpoints.addJpegLm(ckpt, HfCheckpoints.tokenizer(CONFIG.vocabSize(), 1), JpegProfile.PAPER);
        for (FileType type : List.of(FileType.F32, FileType.F16, FileType.Q8_0)) {
            Path out = dir.resolve(type.name().toLowerCase() + ".gguf");
            ConvertResult r = Converter.convert(
                    ConvertOptions.builder(ckpt, out).type(type).build());
            check(out, type, w);
            System.out.println("converted " + GgufTarget.name(type) + ": " + r.tensors() + " tensors, " + r.fileBytes()
                    + " bytes");
        }
        Path kQuant = dir.resolve("q4_k_m.gguf");
        try {
            Converter.convert(
                    ConvertOptions.builder(ckpt, kQuant).type(FileType.Q4_K_M).build());
            throw new AssertionError("q4_k_m was written without the native library");
        } catch (CheckpointException e) {
            if (e.kind() != CheckpointException.Kind.NATIVE_LIBRARY_UNAVAILABLE || Files.exists(kQuant)) {
                throw new AssertionError("unexpected refusal of q4_k_m", e);
            }
            System.out.println("refused q4_k_m: " + e.getMessage());
        }
    }

    /** The premise: neither the bundled library nor a path to one is visible to this JVM. */
    private static void requireNoNativeLibrary() {
        if (NoNativeConvertMain.class.getClassLoader().getResource(NativeLibrary.RESOURCE) != null
                || System.getProperty("jpeglm.library.path") != null
                || System.getenv("JPEGLM_LIBRARY_PATH") != null) {
            throw new AssertionError("libjpeglm is reachable from this JVM");
        }
    }

    private static void check(Path out, FileType type, LlamaWeights w) throws IOException {
        GgmlType expected = GgufTarget.javaType(type).orElseThrow();
        try (GgufFile f = GgufFile.open(out)) {
            if (f.tensor("blk.0.ffn_up.weight").orElseThrow().type() != expected
                    || f.tensors().size() != 2 + 9 * CONFIG.layers() + 1) {
                throw new AssertionError(out + ": wrong tensors " + f.tensors());
            }
            float[] up = f.readFloats(f.tensor("blk.1.ffn_up.weight").orElseThrow());
            float[] source = w.layers().get(1).wUp();
            double tolerance = type == FileType.F32 ? 0 : 2e-2;
            for (int i = 0; i < up.length; i++) {
                if (Math.abs(up[i] - source[i]) > tolerance * Math.max(1, Math.abs(source[i]))) {
                    throw new AssertionError(out + ": value " + i + " is " + up[i] + ", the checkpoint's " + source[i]);
                }
            }
        }
        if (TokenizerFiles.readSpec(out).tokenizer().vocabSize() != CONFIG.vocabSize()) {
            throw new AssertionError(out + ": the tokenizer was not stored");
        }
    }
}
