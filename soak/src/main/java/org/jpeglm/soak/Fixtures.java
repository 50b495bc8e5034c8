package org.jpeglm.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.testing.HfCheckpoints;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.RandomLlama;

/** What the child-process parts run on: the model, the CLI, input images, a checkpoint to convert. */
record Fixtures(Cli cli, Path model, Path dir) {
    /** The checkpoint: large enough (14M parameters, 55 MB in F32) that converting it takes a while to interrupt. */
    static final LlamaConfig CHECKPOINT = new LlamaConfig(300, 512, 4, 8, 8, 1536, 256, 10000f, 1e-5f, false);

    /** Arguments of a generate run of n images into out. */
    List<String> generate(int n, Path out) {
        return List.of(
                "generate", "-m", model.toString(), "-n", Integer.toString(n), "-np", "16", "-o", out.toString());
    }

    /** Arguments of a complete run: each input completed samples times, into out. */
    List<String> complete(List<Path> inputs, int samples, Path out) {
        List<String> args = new ArrayList<>(List.of("complete"));
        inputs.forEach(p -> args.add(p.toString()));
        args.addAll(List.of(
                "-m", model.toString(), "--samples", Integer.toString(samples), "-np", "16", "-o", out.toString()));
        return args;
    }

    /** Arguments of a conversion of checkpoint to out in type. */
    static List<String> convert(Path checkpoint, Path out, String type) {
        return List.of("convert", checkpoint.toString(), "-o", out.toString(), "--type", type);
    }

    /** Eight generated images (PNG files) to complete, made by an uninterrupted generate run. */
    List<Path> inputs() throws IOException, InterruptedException {
        Path out = dir.resolve("inputs");
        if (!Files.isDirectory(out)) {
            Cli.Run r = cli.run(dir, generate(8, out));
            if (r.exit() != 0) {
                throw new IllegalStateException("generating the inputs failed: " + r.err());
            }
        }
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            inputs.add(out.resolve(String.format("image-%04d.png", i)));
        }
        return inputs;
    }

    /** The Hugging Face checkpoint (safetensors F32, tokenizer.json, jpeglm_profile.json), written once. */
    Path checkpoint() throws IOException {
        Path ckpt = dir.resolve("checkpoint");
        if (!Files.isDirectory(ckpt)) {
            Path partial = dir.resolve("checkpoint.partial"); // renamed when whole: a failed write is not reused
            HfCheckpoints.write(partial, RandomLlama.create(CHECKPOINT, 3), "F32", 1);
            HfCheckpoints.addJpegLm(partial, HfCheckpoints.tokenizer(CHECKPOINT.vocabSize(), 3), JpegProfile.PAPER);
            Files.move(partial, ckpt);
        }
        return ckpt;
    }

    /** An uninterrupted conversion of the checkpoint to type, made once. */
    Path reference(String type) throws IOException, InterruptedException {
        Path reference = dir.resolve("reference-" + type + ".gguf");
        if (!Files.exists(reference)) {
            Cli.Run r = cli.run(dir, convert(checkpoint(), reference, type));
            if (r.exit() != 0) {
                throw new IllegalStateException("the reference conversion to " + type + " failed: " + r.err());
            }
        }
        return reference;
    }
}
