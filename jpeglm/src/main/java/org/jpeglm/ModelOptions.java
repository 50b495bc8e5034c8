package org.jpeglm;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * How a model is loaded.
 *
 * @param gpuLayers layers to offload to the GPU: 0 none, -1 all
 * @param mmap memory-map the file (true) or read the weights into memory (false, the default). A mapping is shared
 *     with the page cache and loads lazily, but it reads the weights from the file on every step: a file truncated
 *     while in use kills the process (SIGBUS in the kernels) and one rewritten in place silently changes the
 *     outputs. Read into memory, the model is immune to what happens to its file after {@link Model#load}. Map
 *     only files nothing will write to while they are in use (replacing them by rename is safe either way).
 * @param checkTensors validate tensor data while loading (slower)
 * @param devices the devices the offloaded layers go to, by {@link Device#name()} ("CUDA0", "Vulkan0"; "CPU"
 *     means the CPU, which runs the other layers anyway); empty: jpeglm picks every CUDA device, else every Vulkan
 *     GPU, else none; {@value #CPU_ONLY} alone: none, every layer stays on the CPU (but those
 *     {@code rpcServers} take). A name no device has makes
 *     {@link Model#load} fail, listing the devices there are.
 * @param rpcServers rpc-servers on other machines that take some of the offloaded layers (llama.cpp's {@code --rpc};
 *     docs/deploy.md): their devices come first, in this order, then the local ones of {@code devices}; the
 *     {@code gpuLayers} offloaded layers are split among them by free memory, the first layers stay on this
 *     machine's CPU. At most {@value RpcServer#MAX_SERVERS}, distinct; with any, {@code gpuLayers} must not be 0.
 *     Needs a runtime with ggml's RPC backend (the source or portable one; the prebuilt one has none).
 * @param rpcTimeout how long each rpc-server has to accept the connection and answer it when the model loads;
 *     one that does not fails {@link Model#load} naming it
 */
public record ModelOptions(
        int gpuLayers,
        boolean mmap,
        boolean checkTensors,
        List<String> devices,
        List<RpcServer> rpcServers,
        Duration rpcTimeout) {
    /** The device list that keeps every layer on the CPU (llama.cpp's {@code --device none}). */
    public static final String CPU_ONLY = "none";

    /** {@link #rpcTimeout()} unless set. */
    public static final Duration DEFAULT_RPC_TIMEOUT = Duration.ofSeconds(5);

    /** The longest {@link #rpcTimeout()}. */
    public static final Duration MAX_RPC_TIMEOUT = Duration.ofMinutes(10);

    public ModelOptions {
        if (gpuLayers < -1) {
            throw new IllegalArgumentException("gpuLayers must be -1 (all) or >= 0, got " + gpuLayers);
        }
        devices = List.copyOf(devices);
        if (devices.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("a device name is blank: " + devices);
        }
        if (devices.contains(CPU_ONLY) && devices.size() > 1) {
            throw new IllegalArgumentException("'" + CPU_ONLY + "' names no device, so it stands alone: " + devices);
        }
        rpcServers = List.copyOf(rpcServers);
        Objects.requireNonNull(rpcTimeout, "rpcTimeout");
        checkRpc(rpcServers, gpuLayers, rpcTimeout);
    }

    private static void checkRpc(List<RpcServer> servers, int gpuLayers, Duration timeout) {
        if (servers.size() > RpcServer.MAX_SERVERS) {
            throw new IllegalArgumentException(
                    servers.size() + " rpc servers; at most " + RpcServer.MAX_SERVERS + " can be used");
        }
        if (new HashSet<>(servers).size() != servers.size()) {
            throw new IllegalArgumentException("an rpc server is named twice: " + servers);
        }
        if (!servers.isEmpty() && gpuLayers == 0) {
            throw new IllegalArgumentException(
                    "rpc servers " + servers + " with gpuLayers 0 would get no layer: offload some (-1: all)");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_RPC_TIMEOUT) > 0) {
            throw new IllegalArgumentException(
                    "rpcTimeout " + timeout + " must be positive and at most " + MAX_RPC_TIMEOUT);
        }
    }

    /** CPU only, read into memory. */
    public static ModelOptions defaults() {
        return builder().build();
    }

    /** Whether jpeglm picks the devices (no device list given). */
    public boolean automaticDevices() {
        return devices.isEmpty();
    }

    /** The named devices to offload to: empty for {@value #CPU_ONLY} (and when jpeglm picks). */
    List<String> offloadDevices() {
        return devices.equals(List.of(CPU_ONLY)) ? List.of() : devices;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with the {@link #defaults()}. */
    public static final class Builder {
        private int gpuLayers;
        private boolean mmap;
        private boolean checkTensors;
        private List<String> devices = List.of();
        private List<RpcServer> rpcServers = List.of();
        private Duration rpcTimeout = DEFAULT_RPC_TIMEOUT;

        public Builder gpuLayers(int gpuLayers) {
            this.gpuLayers = gpuLayers;
            return this;
        }

        /** Offloads every layer to the GPU. */
        public Builder allLayersOnGpu() {
            this.gpuLayers = -1;
            return this;
        }

        public Builder mmap(boolean mmap) {
            this.mmap = mmap;
            return this;
        }

        public Builder checkTensors(boolean checkTensors) {
            this.checkTensors = checkTensors;
            return this;
        }

        /** The devices to offload to, by name (see {@link ModelOptions#devices()}); none given: jpeglm picks. */
        public Builder devices(List<String> devices) {
            this.devices = List.copyOf(devices);
            return this;
        }

        public Builder devices(String... devices) {
            return devices(List.of(devices));
        }

        /** Keeps every layer on the CPU, whatever {@link #gpuLayers} says. */
        public Builder cpuOnly() {
            return devices(CPU_ONLY);
        }

        /** The rpc-servers that take some of the offloaded layers (see {@link ModelOptions#rpcServers()}). */
        public Builder rpcServers(List<RpcServer> rpcServers) {
            this.rpcServers = List.copyOf(rpcServers);
            return this;
        }

        /** The rpc-servers as {@code HOST:PORT}, as llama.cpp's {@code --rpc} takes them. */
        public Builder rpcServers(String... endpoints) {
            return rpcServers(Stream.of(endpoints).map(RpcServer::parse).toList());
        }

        /** How long each rpc-server has to answer when the model loads (default 5 s). */
        public Builder rpcTimeout(Duration rpcTimeout) {
            this.rpcTimeout = Objects.requireNonNull(rpcTimeout, "rpcTimeout");
            return this;
        }

        public ModelOptions build() {
            return new ModelOptions(gpuLayers, mmap, checkTensors, devices, rpcServers, rpcTimeout);
        }
    }
}
