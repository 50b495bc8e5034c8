package org.jpeglm.convert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.jpeglm.convert.safetensors.SafetensorsFile;
import org.jpeglm.convert.safetensors.SafetensorsFormatException;
import org.jpeglm.convert.safetensors.SafetensorsTensor;
import org.jpeglm.fuzzing.ByteMutations;
import org.jpeglm.fuzzing.FuzzCheck;
import org.jpeglm.fuzzing.FuzzDir;
import org.jpeglm.fuzzing.JsonMutations;
import org.jpeglm.testing.SafetensorsTestWriter;
import org.jpeglm.testing.SafetensorsTestWriter.Entry;

/**
 * Fuzzing the safetensors reader (issue 12): mutated files (the header length among their fields, set to huge
 * values) and mutated headers (wrong types, absurd shapes and offsets, offsets past the file, duplicate or renamed
 * keys, broken JSON) either open, with every tensor's bytes readable, or throw {@link SafetensorsFormatException};
 * never another exception, a hang, or an allocation out of proportion to the file.
 */
class SafetensorsFuzzProperties {
    private static final Path DIR = FuzzDir.create("safetensors-fuzz");
    private static final List<Entry> ENTRIES = List.of(
            Entry.of("model.embed_tokens.weight", "F32", new long[] {3, 2}, new float[6]),
            Entry.of("model.norm.weight", "BF16", new long[] {4}, new float[4]),
            Entry.of("lm_head.weight", "F16", new long[] {2, 2}, new float[4]),
            Entry.of("empty", "F32", new long[] {0, 3}, new float[0]));
    private static final byte[] FILE = seedFile();
    private static final String HEADER =
            SafetensorsTestWriter.header(ENTRIES, Map.of("format", "pt")).toString();

    private static byte[] seedFile() {
        try {
            Path p = DIR.resolve("seed.safetensors");
            SafetensorsTestWriter.write(p, ENTRIES);
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
        return ByteMutations.of(List.of(FILE), 8 + HEADER.length());
    }

    /** The seed's data behind a mutated header, with its true length. */
    @Provide
    Arbitrary<byte[]> mutatedHeaders() {
        long headerLength = ByteBuffer.wrap(FILE).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        byte[] data = Arrays.copyOfRange(FILE, (int) (8 + headerLength), FILE.length);
        return JsonMutations.of(List.of(HEADER)).map(json -> {
            ByteBuffer b = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
            return b.putLong(json.length).put(json).put(data).array();
        });
    }

    private static void check(byte[] file) throws IOException {
        Path p = DIR.resolve("fuzz.safetensors");
        Files.write(p, file);
        FuzzCheck.run(
                file, FuzzCheck.budget(file.length, 64, 4 << 20), List.of(SafetensorsFormatException.class), () -> {
                    try (SafetensorsFile f = SafetensorsFile.open(p)) {
                        for (SafetensorsTensor t : f.tensors()) {
                            f.data(t);
                        }
                        f.metadata().forEach((k, v) -> k.getBytes(StandardCharsets.UTF_8));
                    }
                });
    }

    @Property(tries = 1500)
    void mutatedFilesThrowOnlySafetensorsFormatException(@ForAll("mutatedFiles") byte[] file) throws IOException {
        check(file);
    }

    @Property(tries = 1500)
    void mutatedHeadersThrowOnlySafetensorsFormatException(@ForAll("mutatedHeaders") byte[] file) throws IOException {
        check(file);
    }
}
