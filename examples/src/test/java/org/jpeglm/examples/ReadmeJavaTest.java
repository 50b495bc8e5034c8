package org.jpeglm.examples;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.jpeglm.image.ImageModel;
import org.jpeglm.serve.ImageServer;
import org.jpeglm.serve.ServeOptions;
import org.jpeglm.testing.TinyJpegLm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of README.md compiles against this build's jars and runs, as README says.
 *
 * <p>The one wrapping: a block's leading {@code import} lines open a compilation unit of its own, and everything
 * after them becomes the body of {@code public static void main(String[] args) throws Exception} of a class
 * {@code ReadmeBlockN}. Nothing is added: a block names every import it needs. Each runs in a JVM of its own, in a
 * folder holding what README's blocks read: {@code models/} (the bundled models), {@code shirt.png} (a 16×16 picture)
 * and {@code clip.mp4} (15 frames ffmpeg makes). A block that calls {@code jpeglm serve} at README's address
 * ({@link #README_SERVER}) runs against a server this test starts on an ephemeral port over a tiny model: its
 * address is the one thing changed.
 */
class ReadmeJavaTest {
    private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

    /** Where README's client blocks find {@code jpeglm serve}: its default address. */
    static final String README_SERVER = "http://127.0.0.1:8080/";

    @TempDir
    static Path dir;

    static Path root;
    static Path work;

    record Block(int number, String imports, String body) {
        String className() {
            return "ReadmeBlock" + number;
        }

        /** The block as a compilation unit: its imports, then its body as main's. */
        String source() {
            return imports + "\npublic class " + className() + " {\n"
                    + "    public static void main(String[] args) throws Exception {\n" + body + "\n    }\n}\n";
        }
    }

    /** README.md's java blocks, split into their leading imports (and blank or comment lines) and the rest. */
    static List<Block> blocks(String readme) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(readme);
        while (m.find()) {
            List<String> lines = m.group(1).lines().toList();
            int split = 0;
            while (split < lines.size()
                    && (lines.get(split).startsWith("import ")
                            || lines.get(split).isBlank()
                            || lines.get(split).startsWith("//"))) {
                split++;
            }
            blocks.add(new Block(
                    blocks.size() + 1,
                    String.join("\n", lines.subList(0, split)),
                    String.join("\n", lines.subList(split, lines.size()))));
        }
        return blocks;
    }

    @BeforeAll
    static void folder() throws Exception {
        root = Path.of(System.getProperty("jpeglm.test.root")).toRealPath();
        work = Files.createDirectories(dir.resolve("work"));
        Files.createSymbolicLink(work.resolve("models"), root.resolve("models"));
        ImageIO.write(TinyJpegLm.picture(4), "png", work.resolve("shirt.png").toFile());
        Process ffmpeg = new ProcessBuilder(
                        "ffmpeg",
                        "-v",
                        "error",
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc=size=64x64:rate=3",
                        "-frames:v",
                        "15",
                        "-pix_fmt",
                        "yuv420p",
                        work.resolve("clip.mp4").toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(ffmpeg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ffmpeg.waitFor(1, TimeUnit.MINUTES));
        assertEquals(0, ffmpeg.exitValue(), "ffmpeg (scripts/install-prerequisites --test installs it): " + out);
    }

    @Test
    void everyJavaBlockOfTheReadmeCompilesAndRuns() throws Exception {
        List<Block> blocks = blocks(Files.readString(root.resolve("README.md")));
        assertTrue(blocks.size() >= 3, "README's image, service and video blocks: found " + blocks.size());
        Path classes = Files.createDirectories(dir.resolve("classes"));
        List<String> sources = new ArrayList<>();
        for (Block b : blocks) {
            Path source = dir.resolve("src").resolve(b.className() + ".java");
            Files.createDirectories(source.getParent());
            Files.writeString(source, b.source());
            sources.add(source.toString());
        }
        compile(classes, sources);
        for (Block b : blocks) {
            long start = System.nanoTime();
            String out = b.body().contains(README_SERVER) ? runAgainstServer(classes, b) : run(classes, b);
            System.out.printf("README's java block %d ran in %.1f s%n", b.number(), (System.nanoTime() - start) / 1e9);
            if (b.body().contains("newService")) {
                assertTrue(out.contains("MCUs"), "the service block prints progress:\n" + out);
            }
        }
    }

    @Test
    void theWrappingKeepsImportsOutsideAndRunsTheRest() {
        List<Block> blocks = blocks("text\n```java\nimport a.B;\n\n// note\nB b = new B();\n```\n```xml\n<x/>\n```\n"
                + "```java\nint x = 1;\n```\n");
        assertEquals(
                List.of(new Block(1, "import a.B;\n\n// note", "B b = new B();"), new Block(2, "", "int x = 1;")),
                blocks);
        assertTrue(blocks.get(1)
                .source()
                .contains("public static void main(String[] args) throws Exception {\n" + "int x = 1;\n"));
    }

    /** javac of this JDK, in a process of its own (the test code is compiled as a module that does not read java.compiler). */
    private static void compile(Path classes, List<String> sources) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "-d",
                classes.toString(),
                "-classpath",
                System.getProperty("java.class.path"),
                "-proc:none"));
        command.addAll(sources);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String messages = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "javac took over 5 minutes");
        assertEquals(0, p.exitValue(), "README's java blocks do not compile:\n" + messages);
    }

    /** The block run with README's server address replaced by that of a server over a tiny model. */
    private static String runAgainstServer(Path classes, Block b) throws Exception {
        Path tiny = dir.resolve("tiny.gguf");
        TinyJpegLm.write(tiny, 11);
        ServeOptions options = ServeOptions.builder().port(0).build();
        try (ImageModel model = ImageModel.load(tiny);
                ImageServer server = ImageServer.start(model.codecModel(), options)) {
            String address = server.uri("127.0.0.1").toString();
            Block served = new Block(b.number(), b.imports(), b.body().replace(README_SERVER, address));
            Path source = dir.resolve("served").resolve(b.className() + ".java");
            Files.createDirectories(source.getParent());
            Files.writeString(source, served.source());
            Path servedClasses = Files.createDirectories(dir.resolve("served-classes"));
            compile(servedClasses, List.of(source.toString()));
            return run(servedClasses, served);
        }
    }

    private static String run(Path classes, Block b) throws Exception {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Djpeglm.library.path=" + System.getProperty("jpeglm.library.path"),
                "-cp",
                classes + File.pathSeparator + System.getProperty("java.class.path"),
                b.className());
        Process p = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), b.className() + " took over 5 minutes");
        assertEquals(0, p.exitValue(), "README's java block " + b.number() + " failed:\n" + b.body() + "\n\n" + out);
        return out;
    }
}
