package org.jpeglm.convert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jpeglm.FileType;
import org.jpeglm.Jpeglm;
import org.jpeglm.JpeglmException;
import org.jpeglm.Quantizer;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufWriter;
import org.jpeglm.io.TemporaryFile;

/**
 * The GGUF file the converter and {@link RandomModelWriter} write: checked before anything is written, then written
 * by the Java writer (F32, F16, BF16, Q8_0) or, for llama.cpp's other types, as a lossless temporary file beside it
 * that llama.cpp's quantizer (the native library) turns into the output.
 */
final class GgufTarget {
    private GgufTarget() {}

    /** The GGUF type the Java writer writes for type; empty when llama.cpp's quantizer must. */
    static Optional<GgmlType> javaType(FileType type) {
        return Optional.ofNullable(
                switch (type) {
                    case F32 -> GgmlType.F32;
                    case F16 -> GgmlType.F16;
                    case BF16 -> GgmlType.BF16;
                    case Q8_0 -> GgmlType.Q8_0;
                    default -> null;
                });
    }

    /** The output as an absolute path, refused when it is a directory, exists without replaceExisting, or cannot be made. */
    static Path check(Path output, boolean replaceExisting) throws IOException {
        return check(output, replaceExisting, List.of());
    }

    /**
     * The output as an absolute path, refused when it is a directory, is one of inputs (also through a link, with or
     * without replaceExisting: replacing would destroy what is being read), exists without replaceExisting, or cannot
     * be made.
     */
    static Path check(Path output, boolean replaceExisting, Collection<Path> inputs) throws IOException {
        Path out = output.toAbsolutePath().normalize();
        if (Files.isDirectory(out)) {
            throw new CheckpointException(
                    CheckpointException.Kind.OUTPUT_IS_DIRECTORY,
                    "the output " + out + " is a directory",
                    "give the path of the GGUF file to write");
        }
        checkNotAnInput(out, inputs);
        if (Files.exists(out) && !replaceExisting) {
            throw new CheckpointException(
                    CheckpointException.Kind.OUTPUT_EXISTS,
                    "the output " + out + " exists",
                    "allow replacing it, or give another path");
        }
        Path parent = out.getParent();
        if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
            throw new CheckpointException(
                    CheckpointException.Kind.BAD_OUTPUT_PATH,
                    "the output's folder " + parent + " is not a directory",
                    null);
        }
        return out;
    }

    /** Refuses an existing out that is the same file as an input (by file identity: links and symlinks count). */
    private static void checkNotAnInput(Path out, Collection<Path> inputs) throws IOException {
        if (!Files.exists(out)) {
            return;
        }
        for (Path in : inputs) {
            if (Files.exists(in) && Files.isSameFile(in, out)) {
                Path input = in.toAbsolutePath().normalize();
                String which =
                        input.equals(out) ? "an input of this conversion" : "the input " + input + " (through a link)";
                throw new CheckpointException(
                        CheckpointException.Kind.OUTPUT_IS_INPUT,
                        "the output " + out + " is " + which,
                        "write the GGUF file elsewhere: an input is never replaced, not even when replacing is allowed");
            }
        }
    }

    /** Fails early, before anything is written, when type needs llama.cpp's quantizer and the native library cannot be loaded. */
    static void requireWritable(FileType type) throws CheckpointException {
        if (javaType(type).isPresent()) {
            return;
        }
        try {
            Jpeglm.systemInfo();
        } catch (LinkageError | JpeglmException e) {
            Throwable cause = e instanceof ExceptionInInitializerError && e.getCause() != null ? e.getCause() : e;
            throw new CheckpointException(
                    CheckpointException.Kind.NATIVE_LIBRARY_UNAVAILABLE,
                    "type " + name(type)
                            + " is written by llama.cpp's quantizer, which needs the native library, and it cannot be loaded: "
                            + cause.getMessage(),
                    "f32, f16, bf16 and q8_0 need no native library",
                    e);
        }
    }

    /** Refuses to start when the output's file system has less than bytes free. */
    static void checkSpace(Path out, long bytes) throws IOException {
        Path dir = out.getParent();
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        if (dir == null) {
            return;
        }
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < bytes) {
            throw new CheckpointException(
                    CheckpointException.Kind.NO_SPACE,
                    "not enough disk space in " + dir + ": the output needs " + bytes / (1 << 20) + " MiB, "
                            + free / (1 << 20) + " MiB are free",
                    null);
        }
    }

    /**
     * Writes writer's content (totalBytes of tensors, matrices of matrixType) as out: directly when type is a Java
     * type, else through a temporary file and llama.cpp's quantizer. A failure leaves neither out nor the temporary.
     */
    static void write(
            GgufWriter writer,
            Path out,
            FileType type,
            GgmlType matrixType,
            long totalBytes,
            int threads,
            ConvertListener listener)
            throws IOException {
        if (javaType(type).isPresent()) {
            write(writer, out, totalBytes, "writing " + type, listener);
            return;
        }
        // Registered: a JVM shutdown deletes it (and the writer's own temporary) even while it is being written.
        try (TemporaryFile tmp = TemporaryFile.create(out)) {
            write(writer, tmp.path(), totalBytes, "writing " + matrixType + " for the quantizer", listener);
            listener.info("quantizing to " + type + " with llama.cpp ("
                    + (threads == 0 ? "all cores" : threads + " threads") + ")");
            Quantizer.quantize(tmp.path(), out, type, threads);
        }
    }

    private static void write(GgufWriter writer, Path target, long totalBytes, String task, ConvertListener listener)
            throws IOException {
        listener.start(task, totalBytes);
        try {
            writer.write(target);
        } finally {
            listener.finish();
        }
    }

    static String name(FileType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
