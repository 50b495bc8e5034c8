package org.jpeglm.cli;

import static org.jpeglm.cli.CliTest.assertUserError;
import static org.jpeglm.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jpeglm.cli.CliTest.Run;
import org.jpeglm.testing.RpcServerProcess;
import org.jpeglm.testing.TinyJpegLm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --rpc HOST:PORT,... (llama.cpp's name) on every command that loads a model: a bad list is refused before anything
 * is loaded or written, a server that is not there is one error line naming it, and generate with two rpc-servers
 * on loopback writes the images a local run writes, byte for byte.
 */
class RpcOptionTest {
    static final Path BUNDLED =
            Path.of("..", ModelArgs.BUNDLED).toAbsolutePath().normalize();
    static final Path BUNDLED_VIDEO =
            Path.of("..", ModelArgs.BUNDLED_VIDEO).toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void everyCommandThatLoadsAModelTakesRpc() {
        for (String command : List.of("generate", "complete", "score", "serve", "generate-video", "complete-video")) {
            Run help = run(command, "--help");
            assertEquals(0, help.exit(), command);
            assertTrue(help.out().contains("--rpc=HOST:PORT[,HOST:PORT...]"), command + ":\n" + help.out());
        }
    }

    @Test
    void badServerListsAreRefusedBeforeAnythingIsWritten() {
        Path out = dir.resolve("never");
        String seventeen = IntStream.rangeClosed(1, 17)
                .mapToObj(i -> "10.0.0." + i + ":50052")
                .collect(Collectors.joining(","));
        assertUserError(generate(out, "--rpc", "localhost"), "rpc server 'localhost' is not HOST:PORT");
        assertUserError(generate(out, "--rpc", "localhost:70000"), "the port must be 1 to 65535");
        assertUserError(generate(out, "--rpc", "a:1,a:1"), "an rpc server is named twice: [a:1, a:1]");
        assertUserError(generate(out, "--rpc", seventeen), "17 rpc servers; at most 16 can be used");
        assertUserError(
                generate(out, "--rpc", "a:1", "-ngl", "0"), "--rpc with -ngl 0 puts no layer on the rpc servers");
        assertFalse(Files.exists(out), "nothing was written");
    }

    @Test
    void aServerThatIsNotThereIsOneErrorLineForEachCommand() throws IOException {
        String endpoint;
        try (ServerSocket s = new ServerSocket(0)) {
            endpoint = "127.0.0.1:" + s.getLocalPort();
        }
        Path image = dir.resolve("in.png");
        ImageIO.write(TinyJpegLm.picture(1), "png", image.toFile());
        Path clip = dir.resolve("clip.mp4");
        Files.write(clip, new byte[16]); // read only after the model loads
        String model = BUNDLED.toString();
        String video = BUNDLED_VIDEO.toString();
        List<List<String>> commands = List.of(
                List.of(
                        "generate",
                        "-m",
                        model,
                        "-n",
                        "1",
                        "-o",
                        dir.resolve("g").toString()),
                List.of(
                        "complete",
                        "-m",
                        model,
                        image.toString(),
                        "-o",
                        dir.resolve("c").toString()),
                List.of("score", "-m", model, image.toString()),
                List.of("serve", "-m", model, "--port", "0"),
                List.of(
                        "generate-video",
                        "-m",
                        video,
                        "-n",
                        "1",
                        "-o",
                        dir.resolve("gv").toString()),
                List.of(
                        "complete-video",
                        "-m",
                        video,
                        "-i",
                        clip.toString(),
                        "-k",
                        "5",
                        "-o",
                        dir.resolve("cv").toString()));
        for (List<String> command : commands) {
            Run r = run(concat(command, "--rpc", endpoint, "-t", "1"));
            assertUserError(r, "rpc-server " + endpoint + ": cannot connect: Connection refused");
        }
    }

    @Test
    void generateOnTwoRpcServersWritesWhatALocalRunWrites() throws IOException {
        Path local = dir.resolve("local");
        Path remote = dir.resolve("remote");
        Run alone = generate(local, "-n", "4", "-np", "4", "--seed", "5");
        assertEquals(0, alone.exit(), alone.err());
        try (RpcServerProcess a = RpcServerProcess.start(dir.resolve("a.log"));
                RpcServerProcess b = RpcServerProcess.start(dir.resolve("b.log"))) {
            Run split =
                    generate(remote, "-n", "4", "-np", "4", "--seed", "5", "--rpc", a.endpoint() + "," + b.endpoint());
            assertEquals(0, split.exit(), split.err());
            assertTrue(split.out().contains("4 clean (100.0%)"), split.out());
        }
        for (int i = 0; i < 4; i++) {
            String name = String.format("image-%04d.jpg", i);
            assertArrayEquals(Files.readAllBytes(local.resolve(name)), Files.readAllBytes(remote.resolve(name)), name);
        }
    }

    /** generate on the bundled model with one thread, into out. */
    static Run generate(Path out, String... args) {
        return run(concat(List.of("generate", "-m", BUNDLED.toString(), "-t", "1", "-o", out.toString()), args));
    }

    static String[] concat(List<String> first, String... more) {
        return Stream.concat(first.stream(), Arrays.stream(more)).toArray(String[]::new);
    }
}
