package org.jpeglm.convert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jpeglm.convert.safetensors.SafetensorsFile;
import org.jpeglm.convert.safetensors.SafetensorsTensor;

/**
 * A Hugging Face checkpoint directory opened for conversion: {@code config.json} and the safetensors weights, either
 * one {@code model.safetensors} or shards listed by {@code model.safetensors.index.json} (as transformers'
 * {@code save_pretrained} writes them; shards named {@code model-00001-of-00003.safetensors} without an index are
 * accepted too when the whole series is there). Every shard is memory-mapped and its header checked when opened.
 *
 * <p>Like transformers, a {@code model.safetensors} is preferred over an index when both exist.
 */
public final class Checkpoint implements AutoCloseable {
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";
    private static final Pattern SHARD = Pattern.compile("model-(\\d{5})-of-(\\d{5})\\.safetensors");
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Where one tensor lives. */
    public record Source(SafetensorsFile file, SafetensorsTensor tensor) {
        public MemorySegment data() {
            return file.data(tensor);
        }
    }

    private final Path dir;
    private final HfLlamaConfig config;
    private final List<SafetensorsFile> files;
    private final Map<String, Source> tensors;

    private Checkpoint(Path dir, HfLlamaConfig config, List<SafetensorsFile> files, Map<String, Source> tensors) {
        this.dir = dir;
        this.config = config;
        this.files = List.copyOf(files);
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** Opens dir: reads config.json, finds and maps the weights, checks every header and the index. */
    public static Checkpoint open(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new CheckpointException("checkpoint directory " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir
                    + " is not a directory; give the checkpoint directory (with config.json and model.safetensors)");
        }
        HfLlamaConfig config = HfLlamaConfig.read(dir);
        List<SafetensorsFile> opened = new ArrayList<>();
        boolean ok = false;
        try {
            Map<String, Source> tensors = new LinkedHashMap<>();
            if (Files.isRegularFile(dir.resolve(SINGLE_FILE))) {
                SafetensorsFile f = SafetensorsFile.open(dir.resolve(SINGLE_FILE));
                opened.add(f);
                for (SafetensorsTensor t : f.tensors()) {
                    tensors.put(t.name(), new Source(f, t));
                }
            } else if (Files.isRegularFile(dir.resolve(INDEX_FILE))) {
                readIndexed(dir, opened, tensors);
            } else {
                readSeries(dir, opened, tensors);
            }
            Checkpoint c = new Checkpoint(dir, config, opened, tensors);
            ok = true;
            return c;
        } finally {
            if (!ok) {
                opened.forEach(SafetensorsFile::close);
            }
        }
    }

    private static void readIndexed(Path dir, List<SafetensorsFile> opened, Map<String, Source> tensors)
            throws IOException {
        Path indexPath = dir.resolve(INDEX_FILE);
        JsonNode root;
        try {
            root = MAPPER.readTree(indexPath.toFile());
        } catch (JsonProcessingException e) {
            throw new CheckpointException(indexPath + " is not valid JSON: " + e.getOriginalMessage());
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new CheckpointException(indexPath + " has no 'weight_map' object (tensor name -> shard file)");
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            if (!e.getValue().isTextual()) {
                throw new CheckpointException(indexPath + ": weight_map entry '" + e.getKey() + "' is not a file name");
            }
            weightMap.put(e.getKey(), e.getValue().asText());
        }
        if (weightMap.isEmpty()) {
            throw new CheckpointException(indexPath + ": weight_map is empty");
        }
        Path base = dir.toAbsolutePath().normalize();
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        for (String shard : new TreeSet<>(weightMap.values())) {
            Path p = base.resolve(shard).normalize();
            if (shard.isEmpty() || !p.startsWith(base) || p.equals(base)) {
                throw new CheckpointException(
                        indexPath + " names shard '" + shard + "', which is not a file inside " + dir);
            }
            if (!Files.isRegularFile(p)) {
                throw new CheckpointException(
                        "missing shard: " + INDEX_FILE + " names " + shard + ", which is not in " + dir);
            }
            SafetensorsFile f = SafetensorsFile.open(p);
            opened.add(f);
            shards.put(shard, f);
        }
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
            SafetensorsFile f = shards.get(e.getValue());
            SafetensorsTensor t = f.tensor(e.getKey())
                    .orElseThrow(() -> new CheckpointException(INDEX_FILE + " puts tensor '" + e.getKey() + "' in "
                            + e.getValue() + ", but that shard has no such tensor"));
            tensors.put(e.getKey(), new Source(f, t));
        }
        for (Map.Entry<String, SafetensorsFile> s : shards.entrySet()) {
            for (SafetensorsTensor t : s.getValue().tensors()) {
                if (!s.getKey().equals(weightMap.get(t.name()))) {
                    throw new CheckpointException(
                            "shard " + s.getKey() + " holds tensor '" + t.name() + "', which " + INDEX_FILE
                                    + (weightMap.containsKey(t.name())
                                            ? " puts in " + weightMap.get(t.name())
                                            : " does not list"));
                }
            }
        }
    }

    private static void readSeries(Path dir, List<SafetensorsFile> opened, Map<String, Source> tensors)
            throws IOException {
        TreeMap<Integer, Path> shards = new TreeMap<>();
        int total = -1;
        List<String> others = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                String name = p.getFileName().toString();
                Matcher m = SHARD.matcher(name);
                if (m.matches()) {
                    int of = Integer.parseInt(m.group(2));
                    if (total >= 0 && of != total) {
                        throw new CheckpointException(
                                dir + " mixes shard series: " + name + " is of " + of + ", others of " + total);
                    }
                    total = of;
                    shards.put(Integer.parseInt(m.group(1)), p);
                } else if (name.endsWith(".bin")
                        || name.endsWith(".pt")
                        || name.endsWith(".pth")
                        || name.endsWith(".safetensors")) {
                    others.add(name);
                }
            }
        }
        if (shards.isEmpty()) {
            String found = others.isEmpty() ? "" : " (found " + String.join(", ", others) + ")";
            String hint = others.stream().anyMatch(n -> !n.endsWith(".safetensors"))
                    ? "; PyTorch pickle weights are not read: re-save with model.save_pretrained(dir, safe_serialization=True)"
                    : "";
            throw new CheckpointException(
                    "no weights: " + dir + " has neither " + SINGLE_FILE + " nor " + INDEX_FILE + found + hint);
        }
        for (int i = 1; i <= total; i++) {
            if (!shards.containsKey(i)) {
                throw new CheckpointException(
                        "missing shard: " + dir + " has no " + "model-%05d-of-%05d.safetensors".formatted(i, total)
                                + " (and no " + INDEX_FILE + " to say otherwise)");
            }
        }
        if (shards.firstKey() < 1 || shards.lastKey() > total) {
            throw new CheckpointException(dir + ": shard numbers run outside 1.." + total);
        }
        for (Path p : shards.values()) {
            SafetensorsFile f = SafetensorsFile.open(p);
            opened.add(f);
            for (SafetensorsTensor t : f.tensors()) {
                Source before = tensors.put(t.name(), new Source(f, t));
                if (before != null) {
                    throw new CheckpointException("tensor '" + t.name() + "' is in both "
                            + before.file().path().getFileName() + " and " + p.getFileName());
                }
            }
        }
    }

    public Path dir() {
        return dir;
    }

    public HfLlamaConfig config() {
        return config;
    }

    /** The safetensors files, in the order opened. */
    public List<SafetensorsFile> files() {
        return files;
    }

    /** Every tensor by name. */
    public Map<String, Source> tensors() {
        return tensors;
    }

    /** Bytes of all tensors. */
    public long tensorBytes() {
        long n = 0;
        for (Source s : tensors.values()) {
            n += s.tensor().byteSize();
        }
        return n;
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
