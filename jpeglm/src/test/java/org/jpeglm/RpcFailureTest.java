package org.jpeglm;

import static org.jpeglm.bindings.jpeglm_h.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jpeglm.testing.RpcServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What goes wrong with rpc-servers is one clear error naming the server, never a hang or an abort (ggml's own RPC
 * client aborts the process): a server killed while the model generates, one that is not there, one that accepts
 * and never answers, one that answers something else; arguments llama.cpp would choke on; and the prebuilt runtime,
 * which has no RPC backend. This JVM goes on working, and a model loads again once the server is back.
 */
class RpcFailureTest {
    static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    static ModelOptions on(String... endpoints) {
        return ModelOptions.builder()
                .allLayersOnGpu()
                .rpcServers(endpoints)
                .rpcTimeout(Duration.ofSeconds(2))
                .build();
    }

    @Test
    void aServerKilledWhileTheModelGeneratesIsOneErrorNamingIt() throws Exception {
        Path model = RuntimeParityTest.bundledModel();
        int[] prompt = RuntimeProbe.randomTokens(16, 256, 3); // byte tokens: in every Jpeg-LM vocabulary
        int[] expected = greedy(model, ModelOptions.defaults(), prompt);
        RpcServerProcess server = RpcServerProcess.start(dir.resolve("killed.log"));
        String endpoint = server.endpoint();
        RpcServerProcess again = null;
        try (Model m = Model.load(model, on(endpoint));
                Session s = m.newSession(TinyModels.exact(256).threads(1).build())) {
            s.sequence(0).feed(prompt);
            AtomicInteger steps = new AtomicInteger();
            CompletableFuture<Void> killer = CompletableFuture.runAsync(() -> {
                long giveUp = System.nanoTime() + BOUND.toNanos();
                while (steps.get() < 20 && System.nanoTime() < giveUp) {
                    sleep(1);
                }
                server.kill(); // while the next steps run
            });
            long killedBy = System.nanoTime() + BOUND.toNanos();
            JpeglmException e = assertThrows(JpeglmException.class, () -> {
                while (System.nanoTime() < killedBy) {
                    s.step(new int[] {0}, new int[1]);
                    steps.incrementAndGet();
                }
            });
            killer.get();
            assertLost(e, endpoint);
            assertLost(assertThrows(JpeglmException.class, () -> s.step(new int[] {0}, new int[1])), endpoint);
            assertLost(assertThrows(JpeglmException.class, () -> m.newSession(64)), endpoint);
            // The server is back, but ggml keeps one connection per server in a process, and this model holds the
            // lost one: a model loaded now would get it too, so it fails rather than compute with nothing there.
            again = RpcServerProcess.start(RpcServerProcess.binary(), 1, server.port(), dir.resolve("again.log"));
            JpeglmException meanwhile = assertThrows(JpeglmException.class, () -> Model.load(model, on(endpoint)));
            assertEquals(ErrorCode.IO, meanwhile.code());
            assertTrue(meanwhile.getMessage().startsWith("rpc-server " + endpoint + ": "), meanwhile.getMessage());
        } finally {
            server.close();
        }
        assertArrayEquals(expected, greedy(model, ModelOptions.defaults(), prompt), "this JVM computes as before");
        try (RpcServerProcess back = again) {
            assertArrayEquals(
                    expected, greedy(model, on(back.endpoint()), prompt), "once the lost model is closed, one loads");
        }
    }

    @Test
    void aServerThatIsNotThereFailsTheLoadAtOnce() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String endpoint = "127.0.0.1:" + port;
        long start = System.nanoTime();
        JpeglmException e = assertThrows(
                JpeglmException.class, () -> Model.load(TinyModels.gqaUntied().path(), on(endpoint)));
        assertEquals(ErrorCode.IO, e.code());
        assertEquals("rpc-server " + endpoint + ": cannot connect: Connection refused", e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(10)) < 0);
    }

    @Test
    void aServerThatNeverAnswersIsGivenUpAfterTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // and never a byte back, like a server busy with another client
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            String endpoint = "127.0.0.1:" + silent.getLocalPort();
            long start = System.nanoTime();
            JpeglmException e = assertThrows(
                    JpeglmException.class,
                    () -> Model.load(TinyModels.gqaUntied().path(), on(endpoint)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(ErrorCode.IO, e.code());
            assertTrue(
                    e.getMessage()
                            .startsWith("rpc-server " + endpoint
                                    + ": accepted the connection but did not answer within 2000 ms"),
                    e.getMessage());
            assertTrue(
                    took.compareTo(Duration.ofSeconds(2)) >= 0 && took.compareTo(Duration.ofSeconds(20)) < 0,
                    took::toString);
            silent.close();
            acceptor.join();
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aServerThatSpeaksAnotherProtocolIsRefused() throws Exception {
        try (ServerSocket other = new ServerSocket(0)) {
            Thread answerer = Thread.ofVirtual().start(() -> {
                try (Socket s = other.accept()) {
                    InputStream in = s.getInputStream();
                    in.readNBytes(1 + 8 + 24); // ggml's HELLO
                    OutputStream out = s.getOutputStream();
                    byte[] answer = new byte[8 + 28];
                    answer[0] = 28; // the size, then version 3.0.0: an older rpc-server
                    answer[8] = 3;
                    out.write(answer);
                    out.flush();
                    in.read(); // until the relay hangs up
                } catch (IOException closed) {
                    // the test is over
                }
            });
            String endpoint = "127.0.0.1:" + other.getLocalPort();
            JpeglmException e = assertThrows(
                    JpeglmException.class,
                    () -> Model.load(TinyModels.gqaUntied().path(), on(endpoint)));
            assertEquals(ErrorCode.IO, e.code());
            assertEquals(
                    "rpc-server " + endpoint + ": speaks RPC protocol 3.0.0, this build 7.0.0 (run the rpc-server"
                            + " built with this jpeglm)",
                    e.getMessage());
            other.close();
            answerer.join();
        }
    }

    @Test
    void theNativeLoadRefusesBadServerListsBeforeConnecting() {
        Native.init();
        String model = TinyModels.gqaUntied().path().toString();
        assertRefused(model, new String[] {"no-port"}, 1000, "is not HOST:PORT");
        assertRefused(model, new String[] {"127.0.0.1:0"}, 1000, "the port must be 1 to 65535");
        assertRefused(model, new String[] {"127.0.0.1:65536"}, 1000, "the port must be 1 to 65535");
        assertRefused(model, new String[] {"127.0.0.1:5x"}, 1000, "the port must be 1 to 65535");
        assertRefused(model, new String[] {":1"}, 1000, "is not HOST:PORT");
        assertRefused(model, new String[] {"127.0.0.1:9", "127.0.0.1:9"}, 1000, "is named twice");
        assertRefused(model, new String[] {"127.0.0.1:9"}, 0, "timeout must be positive");
        String[] seventeen = new String[JPEGLM_RPC_MAX_SERVERS() + 1];
        Arrays.setAll(seventeen, i -> "127.0.0.1:" + (i + 1));
        assertRefused(model, seventeen, 1000, "JPEGLM_RPC_MAX_SERVERS");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            int status = jpeglm_model_load_rpc(
                    arena.allocateFrom(model), -1, 0, MemorySegment.NULL, -1, MemorySegment.NULL, 1, 1000, out);
            assertEquals(JPEGLM_ERR_INVALID_ARGUMENT(), status, Native.lastError());
            assertTrue(Native.lastError().contains("rpc_servers is NULL"), Native.lastError());
        }
    }

    @Test
    void thePrebuiltRuntimeSaysItHasNoRpcBackend() throws Exception {
        Path library = PrebuiltRuntimes.library("linux-x64");
        PrebuiltRuntimes.Exit exit = PrebuiltRuntimes.child(
                library,
                Map.of(),
                LoadOnRpc.class,
                List.of(TinyModels.gqaUntied().path().toString(), "127.0.0.1:50052"),
                dir);
        assertEquals(0, exit.code(), exit.log());
        assertTrue(
                exit.log()
                        .contains(
                                "UNSUPPORTED: this llama.cpp runtime has no RPC backend, so no layer can run on"
                                        + " an rpc-server: node-llama-cpp's prebuilt packages (jpeglm's prebuilt runtime) have none"),
                exit.log());
    }

    /** Child JVM: loads MODEL with every layer on the rpc-server ENDPOINT and prints how it failed. */
    static final class LoadOnRpc {
        public static void main(String[] args) {
            try (Model m = Model.load(Path.of(args[0]), on(args[1]))) {
                System.out.println("loaded " + m.description());
                System.exit(2);
            } catch (JpeglmException e) {
                System.out.println(e.code() + ": " + e.getMessage());
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void assertLost(JpeglmException e, String endpoint) {
        assertEquals(ErrorCode.IO, e.code(), e.getMessage());
        assertTrue(e.getMessage().startsWith("rpc-server " + endpoint + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("load the model again"), e.getMessage());
    }

    /** 24 greedy tokens after prompt, from a model loaded with options. */
    static int[] greedy(Path model, ModelOptions options, int[] prompt) {
        try (Model m = Model.load(model, options);
                Session s = m.newSession(TinyModels.exact(256).threads(1).build())) {
            s.sequence(0).feed(prompt);
            s.setSampling(0, SamplingParams.greedy());
            return s.sequence(0).generate(24, t -> true).tokens();
        }
    }

    static void assertRefused(String model, String[] servers, int timeoutMs, String problem) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment array = arena.allocate(ValueLayout.ADDRESS, servers.length);
            for (int i = 0; i < servers.length; i++) {
                array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(servers[i]));
            }
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            int status = jpeglm_model_load_rpc(
                    arena.allocateFrom(model), -1, 0, MemorySegment.NULL, -1, array, servers.length, timeoutMs, out);
            assertEquals(JPEGLM_ERR_INVALID_ARGUMENT(), status, Arrays.toString(servers) + ": " + Native.lastError());
            assertTrue(Native.lastError().contains(problem), Native.lastError());
            assertEquals(MemorySegment.NULL, out.get(ValueLayout.ADDRESS, 0));
        }
    }
}
