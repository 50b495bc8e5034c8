package org.jpeglm;

import static org.jpeglm.bindings.jpeglm_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A loaded GGUF Llama model. Immutable and safe to share between threads; each thread works through its own
 * {@link Session}. Close it (try-with-resources) after every session made from it is closed.
 */
public final class Model implements AutoCloseable {
    private final Path path;
    private final int vocabSize;
    private final int trainedContextLength;
    private final int embeddingLength;
    private final int layers;
    private final int heads;
    private final int kvHeads;
    private final long parameterCount;
    private final long sizeBytes;
    private final String description;
    private final ModelMetadata metadata;

    // Guarded by this: the native handle, and how many sessions use it.
    private MemorySegment handle;
    private int openSessions;

    private Model(Path path, MemorySegment handle, ModelMetadata metadata) {
        this.path = path;
        this.handle = handle;
        this.vocabSize = jpeglm_model_n_vocab(handle);
        this.trainedContextLength = jpeglm_model_n_ctx_train(handle);
        this.embeddingLength = jpeglm_model_n_embd(handle);
        this.layers = jpeglm_model_n_layer(handle);
        this.heads = jpeglm_model_n_head(handle);
        this.kvHeads = jpeglm_model_n_head_kv(handle);
        this.parameterCount = jpeglm_model_n_params(handle);
        this.sizeBytes = jpeglm_model_size_bytes(handle);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            Native.check(jpeglm_model_desc(handle, buf, buf.byteSize()));
            this.description = buf.getString(0);
        }
        this.metadata = metadata;
        checkSameFile();
    }

    /**
     * Refuses weights that do not belong to the metadata read before them: a file replaced between the Java read
     * and the native load (or metadata of another file) would pair one file's keys with another's weights.
     */
    private void checkSameFile() {
        int vocab;
        int context;
        try {
            String arch = metadata.string("general.architecture");
            // The native check holds the weights to whichever of these the file has (vocab_size when both).
            vocab = metadata.get(arch + ".vocab_size").isPresent()
                    ? metadata.count(arch + ".vocab_size")
                    : metadata.require("tokenizer.ggml.tokens").length();
            context = metadata.count(arch + ".context_length");
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new JpeglmException(ErrorCode.FORMAT, path + ": the metadata it was loaded with: " + e.getMessage());
        }
        if (vocab != vocabSize || context != trainedContextLength) {
            throw new JpeglmException(
                    ErrorCode.FORMAT,
                    path + " changed while it loaded: its header, read first, says a vocabulary of " + vocab
                            + " tokens and a trained context of " + context + "; the weights llama.cpp then loaded"
                            + " have " + vocabSize + " and " + trainedContextLength
                            + " (was the file replaced? load it again)");
        }
    }

    /** Loads a model from a GGUF file with {@link ModelOptions#defaults()}. */
    public static Model load(Path path) {
        return load(path, ModelOptions.defaults());
    }

    /**
     * Loads a model from a GGUF file: reads its metadata ({@link ModelMetadata#read}), then loads it natively,
     * as {@link #load(Path, ModelOptions, ModelMetadata)} does.
     */
    public static Model load(Path path, ModelOptions options) {
        return load(path, options, ModelMetadata.read(path));
    }

    /**
     * Loads a model from a GGUF file whose metadata the caller has just read and validated with
     * {@link ModelMetadata#read} (a codec checks its keys before llama.cpp sees the file); the model keeps it as
     * {@link #metadata()}, without reading the file again. The native vocabulary and trained context must match the
     * metadata's, else the file changed in between and the load is refused.
     *
     * <p>The native log says at INFO where the layers went ({@link ModelOptions#devices()}), e.g. "offloading 5/5
     * layers to Vulkan0 (...)", and warns once if layers were to be offloaded but there is no GPU device.
     *
     * <p>With {@link ModelOptions#rpcServers()}, each server must answer within {@link ModelOptions#rpcTimeout()};
     * one lost later makes the call in progress and every later call of this model and its sessions throw
     * {@link JpeglmException} ({@link ErrorCode#IO}) naming it: close the model and load it again.
     *
     * @throws JpeglmException naming the problem: a missing file ({@link ErrorCode#IO}), a file that is not a valid
     *     GGUF Llama model ({@link ErrorCode#FORMAT}), an unsupported architecture or a device name no device has
     *     ({@link ErrorCode#UNSUPPORTED}; the message lists the devices), an rpc server that cannot be reached or
     *     does not answer in time ({@link ErrorCode#IO}), rpc servers with a runtime that has no RPC backend
     *     ({@link ErrorCode#UNSUPPORTED}), weights that do not match metadata ({@link ErrorCode#FORMAT}: the file
     *     was replaced since metadata was read)
     */
    public static Model load(Path path, ModelOptions options, ModelMetadata metadata) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(metadata, "metadata");
        Native.init();
        Path absolute = path.toAbsolutePath();
        if (!Files.exists(absolute)) {
            // Checked again natively; this gives the Java path in the message.
            throw new JpeglmException(ErrorCode.IO, "model file not found: " + absolute);
        }
        int flags = (options.mmap() ? 0 : JPEGLM_MODEL_NO_MMAP())
                | (options.checkTensors() ? JPEGLM_MODEL_CHECK_TENSORS() : 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            List<String> devices = options.offloadDevices();
            List<String> servers =
                    options.rpcServers().stream().map(RpcServer::toString).toList();
            Native.check(jpeglm_model_load_rpc(
                    arena.allocateFrom(absolute.toString()),
                    options.gpuLayers(),
                    flags,
                    options.automaticDevices() ? MemorySegment.NULL : cStrings(arena, devices),
                    options.automaticDevices() ? -1 : devices.size(),
                    cStrings(arena, servers),
                    servers.size(),
                    (int) options.rpcTimeout().toMillis(),
                    out));
            MemorySegment handle = out.get(ValueLayout.ADDRESS, 0);
            try {
                return new Model(absolute, handle, metadata);
            } catch (RuntimeException | Error e) {
                jpeglm_model_free(handle);
                throw e;
            }
        }
    }

    /** A C array of pointers to the strings (a valid, unused pointer when there are none). */
    private static MemorySegment cStrings(Arena arena, List<String> strings) {
        MemorySegment array = arena.allocate(ValueLayout.ADDRESS, Math.max(1, strings.size()));
        for (int i = 0; i < strings.size(); i++) {
            array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(strings.get(i)));
        }
        return array;
    }

    /** Opens a session (a context with its own KV cache) on this model. */
    public Session newSession(SessionOptions options) {
        return new Session(this, Objects.requireNonNull(options, "options"));
    }

    /** Opens a session with default options and the given context length per sequence. */
    public Session newSession(int contextLength) {
        return newSession(SessionOptions.builder().contextLength(contextLength).build());
    }

    /**
     * Writes the model's current weights (e.g. after {@link Trainer} changed them) to path as GGUF, with the
     * metadata llama.cpp writes for it (not this file's own extra keys).
     */
    public synchronized void saveWeights(Path path) {
        Objects.requireNonNull(path, "path");
        ensureOpen();
        try (Arena arena = Arena.ofConfined()) {
            Native.check(jpeglm_model_save(
                    handle, arena.allocateFrom(path.toAbsolutePath().toString())));
        }
    }

    synchronized MemorySegment acquireForSession() {
        ensureOpen();
        openSessions++;
        return handle;
    }

    synchronized void releaseSession() {
        openSessions--;
    }

    private void ensureOpen() {
        if (handle == null) {
            throw new IllegalStateException("model " + path.getFileName() + " is closed");
        }
    }

    public Path path() {
        return path;
    }

    /** Number of token ids the model scores. */
    public int vocabSize() {
        return vocabSize;
    }

    /** The context length the model was trained with. */
    public int trainedContextLength() {
        return trainedContextLength;
    }

    public int embeddingLength() {
        return embeddingLength;
    }

    public int layers() {
        return layers;
    }

    public int heads() {
        return heads;
    }

    public int kvHeads() {
        return kvHeads;
    }

    public long parameterCount() {
        return parameterCount;
    }

    /** Bytes of tensor data. */
    public long sizeBytes() {
        return sizeBytes;
    }

    /** The one-line description: architecture, size from the parameter count, file type, e.g. "llama 2.0M all F32". */
    public String description() {
        return description;
    }

    /** Every GGUF metadata key and value of the file, as typed GGUF values. */
    public ModelMetadata metadata() {
        return metadata;
    }

    /** Whether {@link #close()} has run. */
    public synchronized boolean isClosed() {
        return handle == null;
    }

    /**
     * Frees the model. Closing twice does nothing.
     *
     * @throws IllegalStateException if sessions made from it are still open
     */
    @Override
    public synchronized void close() {
        if (handle == null) {
            return;
        }
        if (openSessions > 0) {
            throw new IllegalStateException(
                    openSessions + " session(s) of this model are still open: close them first");
        }
        jpeglm_model_free(handle);
        handle = null;
    }

    @Override
    public String toString() {
        return "Model[" + path.getFileName() + ", " + description + ", vocab " + vocabSize + "]";
    }
}
