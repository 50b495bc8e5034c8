package org.jpeglm.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A GGUF file (version 2 or 3, little-endian) opened for reading: its metadata and tensor infos parsed up front,
 * its tensor data memory-mapped. Every structural problem is a {@link GgufFormatException} naming what is wrong
 * and at which byte; nothing in a file can make the reader allocate more than the file holds.
 *
 * <p>Thread-safe once opened; {@link #close()} unmaps the file, after which the segments it returned are invalid.
 */
public final class GgufFile implements AutoCloseable {
    public static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
    public static final int VERSION = 3;
    public static final int DEFAULT_ALIGNMENT = 32;
    public static final String ALIGNMENT_KEY = "general.alignment";

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final int version;
    private final int alignment;
    private final long dataOffset;
    private final Map<String, GgufValue> metadata;
    private final List<GgufTensorInfo> tensors;
    private final Map<String, GgufTensorInfo> byName;

    private GgufFile(Path path, Arena arena, MemorySegment file) throws GgufFormatException {
        this.path = path;
        this.arena = arena;
        this.file = file;
        if (file.byteSize() < Integer.BYTES) {
            throw new GgufFormatException(path + " is not a GGUF file (it has " + file.byteSize()
                    + " bytes, fewer than the 4 of the \"GGUF\" it starts with)");
        }
        Cursor c = new Cursor(file, path);
        int magic = c.i32("the magic number");
        if (magic != MAGIC) {
            throw new GgufFormatException(path + " is not a GGUF file (it does not start with the bytes \"GGUF\")");
        }
        this.version = c.i32("the version");
        if (version != 2 && version != 3) {
            throw new GgufFormatException(path + " is GGUF version " + Integer.toUnsignedString(version)
                    + "; versions 2 and 3 are supported");
        }
        long tensorCount = c.u64("the tensor count");
        long kvCount = c.u64("the metadata count");
        // Each metadata entry takes at least 13 bytes and each tensor info at least 24: bound the counts by the file.
        if (kvCount < 0 || tensorCount < 0 || kvCount > file.byteSize() / 13 || tensorCount > file.byteSize() / 24) {
            throw new GgufFormatException(path + " claims " + Long.toUnsignedString(kvCount) + " metadata entries and "
                    + Long.toUnsignedString(tensorCount) + " tensors, more than its " + file.byteSize()
                    + " bytes can hold");
        }
        Map<String, GgufValue> meta = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long at = c.position;
            String key = c.string("metadata key " + i);
            GgufValue value = c.value("the value of '" + key + "'", 0);
            if (meta.putIfAbsent(key, value) != null) {
                throw new GgufFormatException(path + ": metadata key '" + key + "' appears twice (byte " + at + ")");
            }
        }
        this.metadata = Collections.unmodifiableMap(meta);
        this.alignment = alignmentOf(meta, path);

        List<GgufTensorInfo> infos = new ArrayList<>((int) tensorCount);
        Set<String> names = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            long at = c.position;
            String name = c.string("the name of tensor " + i);
            int dims = c.i32("the dimension count of tensor '" + name + "'");
            if (dims < 1 || dims > GgufTensorInfo.MAX_DIMS) {
                throw new GgufFormatException(path + ": tensor '" + name + "' has " + Integer.toUnsignedString(dims)
                        + " dimensions, GGUF allows 1 to " + GgufTensorInfo.MAX_DIMS + " (byte " + at + ")");
            }
            long[] shape = new long[dims];
            for (int d = 0; d < dims; d++) {
                shape[d] = c.u64("dimension " + d + " of tensor '" + name + "'");
                if (shape[d] < 0) {
                    throw new GgufFormatException(path + ": tensor '" + name + "' has an absurd dimension "
                            + Long.toUnsignedString(shape[d]));
                }
            }
            int typeId = c.i32("the type of tensor '" + name + "'");
            GgmlType type = GgmlType.ofId(typeId);
            if (type == null) {
                throw new GgufFormatException(
                        path + ": tensor '" + name + "' has unknown type id " + Integer.toUnsignedString(typeId));
            }
            long offset = c.u64("the offset of tensor '" + name + "'");
            if (offset < 0 || offset % alignment != 0) {
                throw new GgufFormatException(path + ": tensor '" + name + "' starts at offset "
                        + Long.toUnsignedString(offset) + ", not a multiple of the alignment " + alignment);
            }
            GgufTensorInfo info;
            try {
                info = new GgufTensorInfo(name, type, shape, offset);
            } catch (IllegalArgumentException e) {
                throw new GgufFormatException(path + ": " + e.getMessage());
            }
            if (!names.add(name)) {
                throw new GgufFormatException(path + ": tensor '" + name + "' appears twice");
            }
            infos.add(info);
        }
        this.tensors = List.copyOf(infos);
        this.dataOffset = align(c.position, alignment);
        Map<String, GgufTensorInfo> index = new LinkedHashMap<>();
        for (GgufTensorInfo t : tensors) {
            long end = dataOffset + t.offset() + t.byteSize();
            if (dataOffset + t.offset() < 0 || end < 0 || end > file.byteSize()) {
                throw new GgufFormatException(path + ": tensor '" + t.name() + "' ends at byte " + end
                        + " but the file has " + file.byteSize() + " bytes (truncated?)");
            }
            index.put(t.name(), t);
        }
        this.byName = Collections.unmodifiableMap(index);
    }

    /** Opens and parses path. */
    public static GgufFile open(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such GGUF file");
        }
        if (!Files.isRegularFile(path)) {
            throw new GgufFormatException(path + " is not a regular file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment segment = size == 0
                    ? MemorySegment.NULL.reinterpret(0)
                    : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new GgufFile(path, arena, segment.asReadOnly());
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Parses a GGUF file held in memory (a class-path resource, say); name stands for it in messages. */
    public static GgufFile of(byte[] bytes, Path name) throws GgufFormatException {
        Arena arena = Arena.ofShared();
        try {
            return new GgufFile(name, arena, MemorySegment.ofArray(bytes).asReadOnly());
        } catch (RuntimeException | Error | GgufFormatException e) {
            arena.close();
            throw e;
        }
    }

    private static int alignmentOf(Map<String, GgufValue> meta, Path path) throws GgufFormatException {
        GgufValue v = meta.get(ALIGNMENT_KEY);
        if (v == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (v.type() != GgufValueType.UINT32) {
            throw new GgufFormatException(path + ": " + ALIGNMENT_KEY + " must be a UINT32, it is " + v.describeType());
        }
        long a = v.asLong();
        if (a == 0 || Long.bitCount(a) != 1 || a > (1 << 30)) {
            throw new GgufFormatException(path + ": " + ALIGNMENT_KEY + " = " + a + " is not a power of two");
        }
        return (int) a;
    }

    static long align(long offset, long alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    /** Alignment of the data section and of each tensor in it. */
    public int alignment() {
        return alignment;
    }

    /** Byte offset of the data section in the file. */
    public long dataOffset() {
        return dataOffset;
    }

    /** Bytes of the whole file. */
    public long fileSize() {
        return file.byteSize();
    }

    /** Every metadata entry, in file order. */
    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    /** The tensors, in file order. */
    public List<GgufTensorInfo> tensors() {
        return tensors;
    }

    public Optional<GgufTensorInfo> tensor(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The tensor's bytes (read-only, valid until {@link #close()}). */
    public MemorySegment data(GgufTensorInfo tensor) {
        if (byName.get(tensor.name()) != tensor && !tensor.equals(byName.get(tensor.name()))) {
            throw new IllegalArgumentException("tensor " + tensor.name() + " is not one of " + path);
        }
        return file.asSlice(dataOffset + tensor.offset(), tensor.byteSize());
    }

    /** The tensor's values as float32 (F32, F16, BF16 and Q8_0 tensors of at most 2^31 - 1 elements). */
    public float[] readFloats(GgufTensorInfo tensor) {
        long n = tensor.elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "tensor " + tensor.name() + " has " + n + " elements, too many for a float[]");
        }
        float[] out = new float[(int) n];
        TensorCodec.decode(tensor.type(), data(tensor), 0, out, 0, (int) n);
        return out;
    }

    @Override
    public void close() {
        arena.close();
    }

    @Override
    public String toString() {
        return "GgufFile[" + path + ", v" + version + ", " + metadata.size() + " keys, " + tensors.size() + " tensors]";
    }

    /** Bounds-checked little-endian reads from the file. */
    private static final class Cursor {
        private static final int MAX_NESTING = 4;
        private final MemorySegment s;
        private final Path path;
        // One strict decoder for every string of the file (decode(ByteBuffer) resets it each time).
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        long position;

        Cursor(MemorySegment s, Path path) {
            this.s = s;
            this.path = path;
        }

        private void need(long bytes, String what) throws GgufFormatException {
            if (!fits(bytes)) {
                throw new GgufFormatException(path + " is truncated: " + what + " at byte " + position + " needs "
                        + (bytes < 0 ? Long.toUnsignedString(bytes) : bytes) + " bytes, the file has " + s.byteSize());
            }
        }

        int i32(String what) throws GgufFormatException {
            need(4, what);
            int v = s.get(ValueLayout.JAVA_INT_UNALIGNED, position);
            position += 4;
            return v;
        }

        long u64(String what) throws GgufFormatException {
            need(8, what);
            long v = s.get(ValueLayout.JAVA_LONG_UNALIGNED, position);
            position += 8;
            return v;
        }

        String string(String what) throws GgufFormatException {
            return string(what, -1);
        }

        /**
         * A string; a non-negative element names it as that element of what. Messages are built only on failure:
         * a tokenizer's vocabulary holds hundreds of thousands of strings.
         */
        String string(String what, long element) throws GgufFormatException {
            if (!fits(8)) {
                need(8, "the length of " + label(what, element));
            }
            long length = s.get(ValueLayout.JAVA_LONG_UNALIGNED, position);
            position += 8;
            if (!fits(length)) {
                need(length, label(what, element));
            }
            byte[] bytes = s.asSlice(position, length).toArray(ValueLayout.JAVA_BYTE);
            position += length;
            try {
                return utf8.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new GgufFormatException(
                        path + ": " + label(what, element) + " at byte " + (position - length) + " is not valid UTF-8");
            }
        }

        private boolean fits(long bytes) {
            return bytes >= 0 && position + bytes <= s.byteSize() && position + bytes >= 0;
        }

        private static String label(String what, long element) {
            return element < 0 ? what : "element " + element + " of " + what;
        }

        GgufValue value(String what, int depth) throws GgufFormatException {
            int typeId = i32("the type of " + what);
            GgufValueType type = GgufValueType.ofId(typeId);
            if (type == null) {
                throw new GgufFormatException(path + ": " + what + " has unknown type id "
                        + Integer.toUnsignedString(typeId) + " (byte " + (position - 4) + ")");
            }
            if (type != GgufValueType.ARRAY) {
                return scalar(type, what);
            }
            if (depth >= MAX_NESTING) {
                throw new GgufFormatException(path + ": " + what + " nests arrays more than " + MAX_NESTING + " deep");
            }
            int elementId = i32("the element type of " + what);
            GgufValueType et = GgufValueType.ofId(elementId);
            if (et == null) {
                throw new GgufFormatException(
                        path + ": " + what + " has unknown element type id " + Integer.toUnsignedString(elementId));
            }
            long count = u64("the length of " + what);
            // Every element takes at least its fixed size, or 8 bytes (a length) for strings and arrays.
            long minimum = et.size() > 0 ? et.size() : 8;
            if (count < 0 || count > (s.byteSize() - position) / minimum) {
                throw new GgufFormatException(path + ": " + what + " claims " + Long.toUnsignedString(count)
                        + " elements, more than the rest of the file holds (byte " + position + ")");
            }
            int n = (int) count;
            return switch (et) {
                case STRING -> {
                    List<String> list = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        list.add(string(what, i));
                    }
                    yield GgufValue.strings(list);
                }
                case ARRAY -> {
                    List<GgufValue> list = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        GgufValue v = value("element " + i + " of " + what, depth + 1);
                        if (v.type() != GgufValueType.ARRAY) {
                            throw new GgufFormatException(path + ": element " + i + " of " + what + " is not an array");
                        }
                        list.add(v);
                    }
                    yield GgufValue.arrays(list);
                }
                case FLOAT32 -> {
                    need(4L * n, what);
                    float[] a = s.asSlice(position, 4L * n).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
                    position += 4L * n;
                    yield GgufValue.floats(a);
                }
                case FLOAT64 -> {
                    need(8L * n, what);
                    double[] a = s.asSlice(position, 8L * n).toArray(ValueLayout.JAVA_DOUBLE_UNALIGNED);
                    position += 8L * n;
                    yield GgufValue.doubles(a);
                }
                case BOOL -> {
                    need(n, what);
                    boolean[] a = new boolean[n];
                    for (int i = 0; i < n; i++) {
                        a[i] = bool(s.get(ValueLayout.JAVA_BYTE, position + i), what);
                    }
                    position += n;
                    yield GgufValue.bools(a);
                }
                default -> {
                    need((long) et.size() * n, what);
                    long[] a = new long[n];
                    for (int i = 0; i < n; i++) {
                        a[i] = integer(et, position + (long) et.size() * i);
                    }
                    position += (long) et.size() * n;
                    yield GgufValue.array(et, a);
                }
            };
        }

        private GgufValue scalar(GgufValueType type, String what) throws GgufFormatException {
            if (type == GgufValueType.STRING) {
                return GgufValue.string(string(what));
            }
            need(type.size(), what);
            GgufValue v = switch (type) {
                case FLOAT32 -> GgufValue.float32(s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, position));
                case FLOAT64 -> GgufValue.float64(s.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, position));
                case BOOL -> GgufValue.bool(bool(s.get(ValueLayout.JAVA_BYTE, position), what));
                default -> GgufValue.integer(type, integer(type, position));
            };
            position += type.size();
            return v;
        }

        private boolean bool(byte b, String what) throws GgufFormatException {
            if (b != 0 && b != 1) {
                throw new GgufFormatException(path + ": " + what + " holds " + b + ", not a bool (0 or 1)");
            }
            return b == 1;
        }

        private long integer(GgufValueType type, long at) {
            return switch (type) {
                case UINT8 -> Byte.toUnsignedLong(s.get(ValueLayout.JAVA_BYTE, at));
                case INT8 -> s.get(ValueLayout.JAVA_BYTE, at);
                case UINT16 -> Short.toUnsignedLong(s.get(ValueLayout.JAVA_SHORT_UNALIGNED, at));
                case INT16 -> s.get(ValueLayout.JAVA_SHORT_UNALIGNED, at);
                case UINT32 -> Integer.toUnsignedLong(s.get(ValueLayout.JAVA_INT_UNALIGNED, at));
                case INT32 -> s.get(ValueLayout.JAVA_INT_UNALIGNED, at);
                case UINT64, INT64 -> s.get(ValueLayout.JAVA_LONG_UNALIGNED, at);
                default -> throw new AssertionError(type);
            };
        }
    }
}
