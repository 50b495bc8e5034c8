package org.jpeglm.convert.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A safetensors file opened for reading: its header parsed and checked up front, its data memory-mapped through
 * the Foreign Function &amp; Memory API (so tensors are read straight from the page cache, never copied onto the
 * Java heap as a whole).
 *
 * <p>The format: an unsigned little-endian 64-bit header length N, N bytes of UTF-8 JSON, then the data. The JSON
 * object maps each tensor name to {@code {"dtype": ..., "shape": [...], "data_offsets": [begin, end]}} (offsets
 * relative to the data section) and may hold a {@code "__metadata__"} object of strings.
 *
 * <p>Checks, each failing with a {@link SafetensorsFormatException} that names the file and the problem: the file
 * is long enough for the length, the length is sane (at least 2, at most 100 MB like the reference library, within
 * the file); the header is valid UTF-8 JSON with no duplicate keys and no trailing content; every entry has exactly
 * the three fields, a dtype safetensors defines, a shape of non-negative integers and two offsets
 * {@code begin <= end}; the shape's byte size equals {@code end - begin}; every range lies inside the data section;
 * no two non-empty ranges overlap. Gaps between ranges are allowed (the reference library writes none).
 *
 * <p>Thread-safe once opened; {@link #close()} unmaps the file, after which segments it returned are invalid.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** The reference implementation's limit on the header length. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    public static final String METADATA_KEY = "__metadata__";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Set<String> ENTRY_FIELDS = Set.of("dtype", "shape", "data_offsets");

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final long dataOffset;
    private final List<SafetensorsTensor> tensors;
    private final Map<String, SafetensorsTensor> byName;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, Arena arena, MemorySegment file) throws SafetensorsFormatException {
        this.path = path;
        this.arena = arena;
        this.file = file;
        long size = file.byteSize();
        if (size < 8) {
            throw bad("is " + size + " bytes long, too short for the 8-byte header length of a safetensors file");
        }
        long headerLength = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
            throw bad("has a bad header length " + Long.toUnsignedString(headerLength) + " (the file has " + size
                    + " bytes; the length must be 2.." + Math.min(MAX_HEADER_BYTES, Math.max(0, size - 8))
                    + "): not a safetensors file, or a truncated one");
        }
        this.dataOffset = 8 + headerLength;
        long dataSize = size - dataOffset;
        JsonNode root = parseHeader(file.asSlice(8, headerLength));
        if (!root.isObject()) {
            throw bad("has a header that is JSON but not an object");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        List<SafetensorsTensor> list = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equals(METADATA_KEY)) {
                readMetadata(e.getValue(), meta);
            } else {
                list.add(readEntry(e.getKey(), e.getValue(), dataSize));
            }
        }
        checkOverlaps(list);
        this.tensors = List.copyOf(list);
        Map<String, SafetensorsTensor> index = new LinkedHashMap<>();
        for (SafetensorsTensor t : tensors) {
            index.put(t.name(), t);
        }
        this.byName = Collections.unmodifiableMap(index);
        this.metadata = Collections.unmodifiableMap(meta);
    }

    /**
     * Opens, maps and checks path.
     *
     * @throws NoSuchFileException if it does not exist
     * @throws SafetensorsFormatException if it is not a well-formed safetensors file
     */
    public static SafetensorsFile open(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such safetensors file");
        }
        if (!Files.isRegularFile(path)) {
            throw new SafetensorsFormatException(path + " is not a regular file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment segment = size == 0
                    ? MemorySegment.NULL.reinterpret(0)
                    : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new SafetensorsFile(path, arena, segment.asReadOnly());
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private JsonNode parseHeader(MemorySegment header) throws SafetensorsFormatException {
        byte[] bytes = header.toArray(ValueLayout.JAVA_BYTE);
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw bad("has a header that is not valid UTF-8: not a safetensors file");
        }
        int first = 0;
        while (first < bytes.length && Character.isWhitespace(bytes[first])) {
            first++;
        }
        if (first == bytes.length || bytes[first] != '{') {
            throw bad("has a header that does not start with '{': not a safetensors file (or a corrupt header length)");
        }
        try {
            return MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw bad("has a header that is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw bad("has an unreadable header: " + e.getMessage());
        }
    }

    private void readMetadata(JsonNode node, Map<String, String> out) throws SafetensorsFormatException {
        if (node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw bad("has a " + METADATA_KEY + " that is not an object of strings");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw bad(METADATA_KEY + " entry '" + e.getKey() + "' is not a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
    }

    private SafetensorsTensor readEntry(String name, JsonNode node, long dataSize) throws SafetensorsFormatException {
        String what = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw bad(what + " is not an object with dtype, shape and data_offsets");
        }
        for (String field : ENTRY_FIELDS) {
            if (!node.has(field)) {
                throw bad(what + " has no '" + field + "'");
            }
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!ENTRY_FIELDS.contains(e.getKey())) {
                throw bad(what + " has an unknown field '" + e.getKey() + "' (only dtype, shape, data_offsets)");
            }
        }
        JsonNode dtypeNode = node.get("dtype");
        if (!dtypeNode.isTextual()) {
            throw bad(what + " has a dtype that is not a string: " + dtypeNode);
        }
        SafetensorsDType dtype = SafetensorsDType.of(dtypeNode.asText())
                .orElseThrow(() -> bad(what + " has an unknown dtype '" + dtypeNode.asText() + "'"));
        JsonNode shapeNode = node.get("shape");
        if (!shapeNode.isArray()) {
            throw bad(what + " has a shape that is not an array: " + shapeNode);
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegativeLong(shapeNode.get(i), what + " has a shape " + shapeNode + " whose");
        }
        JsonNode offsets = node.get("data_offsets");
        if (!offsets.isArray() || offsets.size() != 2) {
            throw bad(what + " has data_offsets " + offsets + ", not [begin, end]");
        }
        long begin = nonNegativeLong(offsets.get(0), what + " has data_offsets " + offsets + " whose");
        long end = nonNegativeLong(offsets.get(1), what + " has data_offsets " + offsets + " whose");
        if (end < begin) {
            throw bad(what + " has data_offsets " + offsets + " that end before they begin");
        }
        long elements = 1;
        boolean overflow = false;
        for (long d : shape) {
            try {
                elements = Math.multiplyExact(elements, d);
            } catch (ArithmeticException e) {
                overflow = true;
            }
        }
        long bytes = overflow ? -1 : dtype.byteSize(elements);
        if (bytes < 0) {
            throw bad(what + " has shape " + shapeNode + " of " + dtype + ", which is not a whole number of bytes"
                    + (overflow ? " (too large)" : ""));
        }
        if (bytes != end - begin) {
            throw bad(what + " has shape " + shapeNode + " of " + dtype + ", which is " + bytes
                    + " bytes, but its data_offsets " + offsets + " span " + (end - begin) + " bytes");
        }
        if (end > dataSize) {
            throw bad(what + " has data_offsets " + offsets + " out of range: the data section has " + dataSize
                    + " bytes (truncated file?)");
        }
        return new SafetensorsTensor(name, dtype, shape, begin, end);
    }

    private long nonNegativeLong(JsonNode n, String what) throws SafetensorsFormatException {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw bad(what + " value " + n + " is not a non-negative 64-bit integer");
        }
        return n.asLong();
    }

    private void checkOverlaps(List<SafetensorsTensor> list) throws SafetensorsFormatException {
        List<SafetensorsTensor> sorted = new ArrayList<>(list);
        sorted.removeIf(t -> t.byteSize() == 0);
        sorted.sort(Comparator.comparingLong(SafetensorsTensor::begin).thenComparingLong(SafetensorsTensor::end));
        for (int i = 1; i < sorted.size(); i++) {
            SafetensorsTensor a = sorted.get(i - 1);
            SafetensorsTensor b = sorted.get(i);
            if (b.begin() < a.end()) {
                throw bad("has overlapping tensors: '" + a.name() + "' [" + a.begin() + ", " + a.end() + ") and '"
                        + b.name() + "' [" + b.begin() + ", " + b.end() + ")");
            }
        }
    }

    private SafetensorsFormatException bad(String message) {
        return new SafetensorsFormatException(path + " " + message);
    }

    public Path path() {
        return path;
    }

    /** Bytes of the whole file. */
    public long fileSize() {
        return file.byteSize();
    }

    /** Where the data section starts: 8 + the header length. */
    public long dataOffset() {
        return dataOffset;
    }

    /** The tensors, in header order. */
    public List<SafetensorsTensor> tensors() {
        return tensors;
    }

    public Optional<SafetensorsTensor> tensor(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The {@code __metadata__} strings (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensor's bytes, read-only, little-endian; valid until {@link #close()}. */
    public MemorySegment data(SafetensorsTensor tensor) {
        if (!tensor.equals(byName.get(tensor.name()))) {
            throw new IllegalArgumentException("tensor " + tensor.name() + " is not one of " + path);
        }
        return file.asSlice(dataOffset + tensor.begin(), tensor.byteSize());
    }

    @Override
    public void close() {
        arena.close();
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + tensors.size() + " tensors]";
    }
}
