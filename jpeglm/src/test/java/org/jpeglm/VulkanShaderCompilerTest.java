package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portable runtime's Vulkan backend from source (-DJPEGLM_RUNTIME=portable -DJPEGLM_VULKAN=ON) refuses at
 * configure time a glslc that cannot compile the cooperative-matrix shader the pinned llama.cpp always compiles
 * (cmake/VulkanShaderCompiler.cmake), instead of failing minutes into the build; a glslc that can gets past the
 * probe and is the one ggml's shader build then uses; Vulkan headers without the extensions ggml-vulkan.cpp uses
 * (Debian 12's) are refused next. Configure only (seconds), nothing compiled. That a capable
 * glslc really builds the backend, and that it computes what the CPU does, is scripts/vulkan-source-check (too
 * slow for this run; docs/runtime.md). Needs glslc, libvulkan-dev and spirv-headers
 * (scripts/install-prerequisites --test).
 */
class VulkanShaderCompilerTest {
    static final Path DEBIAN_GLSLC = Path.of("/usr/bin/glslc");
    /** shaderc's version line before 2024: Debian 12 ships 2023.2, which lacks GL_KHR_cooperative_matrix. */
    static final Pattern OLD_SHADERC = Pattern.compile("^shaderc v?(19|20)\\d\\d\\.|^shaderc v?202[0-3]\\.");

    static final Path SYSTEM_HEADERS = Path.of("/usr/include");
    /** The extensions the pinned ggml-vulkan.cpp uses unguarded; Debian 12's headers (1.3.239) lack both. */
    static final List<String> NEEDED = List.of("VK_KHR_cooperative_matrix", "VK_EXT_layer_settings");

    @TempDir
    Path dir;

    record Configure(int code, String log, Path build) {}

    @Test
    void debiansGlslcIsRefusedBeforeLlamaCppIsConfigured() throws Exception {
        assertTrue(Files.isExecutable(DEBIAN_GLSLC), "no " + DEBIAN_GLSLC + ": scripts/install-prerequisites --test");
        String version = firstLine(run(List.of(DEBIAN_GLSLC.toString(), "--version")));
        assumeTrue(
                OLD_SHADERC.matcher(version).find(),
                "this case is about a glslc without cooperative matrices (Debian 12's shaderc 2023.2); " + DEBIAN_GLSLC
                        + " is " + version);
        Configure run = configure(List.of()); // the glslc ggml's find_package(Vulkan) finds on its own
        assertNotEquals(0, run.code(), run.log());
        String log = oneLine(run.log());
        Matcher named = Pattern.compile("the shader compiler (\\S*glslc) \\((shaderc [^,)]+)")
                .matcher(log);
        assertTrue(named.find(), "the message names the glslc and its version:\n" + run.log());
        assertEquals(version, named.group(2));
        assertEquals(DEBIAN_GLSLC.toRealPath(), Path.of(named.group(1)).toRealPath());
        assertRefusalExplains(log, run.log());
        assertTrue(log.contains("'coopmat' : undeclared identifier"), "glslc's own error is shown:\n" + run.log());
        assertFalse(run.log().contains("Vulkan found"), "refused before ggml is configured:\n" + run.log());
    }

    @Test
    void aGlslcThatCompilesCooperativeMatricesGetsPastTheProbe() throws Exception {
        Path glslc = standIn("");
        Configure run = configure(List.of(
                "-DVulkan_GLSLC_EXECUTABLE=" + glslc, "-DVulkan_INCLUDE_DIR=" + headersDeclaringTheExtensions()));
        assertEquals(0, run.code(), run.log());
        assertTrue(
                run.log()
                        .contains("jpeglm: " + glslc + " (shaderc stand-in of VulkanShaderCompilerTest) compiles "
                                + "cooperative-matrix shaders"),
                run.log());
        assertTrue(run.log().contains("GL_KHR_cooperative_matrix supported by glslc"), "ggml agrees:\n" + run.log());
        assertTrue(
                shaderRulesMention(run.build(), "--glslc " + glslc),
                "ggml's shader generator is given the glslc that was probed");
    }

    @Test
    void aGlslcThatWarnsIsRefused() throws Exception {
        // ggml's shader generator fails a shader on any stderr output, so a warning is as bad as an error.
        Path glslc = standIn("echo \"$in:7: warning: '#extension' : extension not supported\" >&2");
        Configure run = configure(List.of("-DVulkan_GLSLC_EXECUTABLE=" + glslc));
        assertNotEquals(0, run.code(), run.log());
        String log = oneLine(run.log());
        assertTrue(log.contains("the shader compiler " + glslc + " (shaderc stand-in"), run.log());
        assertTrue(log.contains("warning: '#extension' : extension not supported"), run.log());
        assertRefusalExplains(log, run.log());
    }

    @Test
    void debiansVulkanHeadersAreRefusedOnceGlslcPasses() throws Exception {
        String core = Files.readString(SYSTEM_HEADERS.resolve("vulkan/vulkan_core.h"));
        assumeTrue(
                NEEDED.stream().noneMatch(e -> core.contains("#define " + e + " 1")),
                "this case is about Vulkan headers without " + NEEDED + " (Debian 12's 1.3.239)");
        Configure run = configure(
                List.of("-DVulkan_GLSLC_EXECUTABLE=" + standIn(""), "-DVulkan_INCLUDE_DIR=" + SYSTEM_HEADERS));
        assertNotEquals(0, run.code(), run.log());
        String log = oneLine(run.log());
        assertTrue(log.contains("compiles cooperative-matrix shaders"), "the glslc passed:\n" + run.log());
        for (String part : List.of(
                "the Vulkan headers in " + SYSTEM_HEADERS + " (version 1.",
                "lack VK_KHR_cooperative_matrix and VK_EXT_layer_settings",
                "-DVulkan_INCLUDE_DIR=/path/to/include",
                "-DJPEGLM_RUNTIME=prebuilt -DJPEGLM_PREBUILT_PACKAGE=linux-x64-vulkan")) {
            assertTrue(log.contains(part), "the message says " + part + ":\n" + run.log());
        }
        assertFalse(run.log().contains("Vulkan found"), "refused before ggml is configured:\n" + run.log());
    }

    @Test
    void aGlslcThatIsNotThereIsNamed() throws Exception {
        Path missing = dir.resolve("no-such/glslc");
        Configure run = configure(List.of("-DVulkan_GLSLC_EXECUTABLE=" + missing));
        assertNotEquals(0, run.code(), run.log());
        assertTrue(
                oneLine(run.log()).contains("Vulkan_GLSLC_EXECUTABLE is '" + missing + "', which is not a file"),
                run.log());
    }

    /** What the refusal must say: what is missing and both ways out. */
    private static void assertRefusalExplains(String log, String raw) {
        for (String part : List.of(
                "cannot compile cooperative-matrix shaders (GL_KHR_cooperative_matrix, `coopmat`)",
                "flash_attn_decode_phase_1.comp",
                "-DVulkan_GLSLC_EXECUTABLE=/path/to/glslc",
                "Vulkan SDK",
                "-DJPEGLM_RUNTIME=prebuilt -DJPEGLM_PREBUILT_PACKAGE=linux-x64-vulkan")) {
            assertTrue(log.contains(part), "the message says " + part + ":\n" + raw);
        }
    }

    /**
     * A stand-in for a glslc with cooperative matrices (this machine's may have none): answers --version, checks
     * that it is asked what ggml's shader generator asks for a cooperative-matrix shader (compute stage, Vulkan
     * 1.2, a source using coopmat) and writes a SPIR-V header as its output; ggml's feature tests (-o -) get an
     * empty output. extra runs before it writes. It cannot prove a real compiler works: scripts/vulkan-source-check
     * does that with Debian 13's glslc.
     */
    private Path standIn(String extra) throws IOException {
        Path glslc = dir.resolve("bin/glslc");
        Files.createDirectories(glslc.getParent());
        Files.writeString(glslc, """
                #!/bin/sh
                [ "$1" = --version ] && { echo "shaderc stand-in of VulkanShaderCompilerTest"; exit 0; }
                [ "$1" = -o ] && [ "$2" = - ] && exit 0
                [ "$1 $2" = "-fshader-stage=compute --target-env=vulkan1.2" ] && [ "$4" = -o ] || {
                  echo "stand-in glslc: unexpected arguments: $*" >&2; exit 2; }
                in="$3"
                grep -q 'coopmat<' "$in" || { echo "stand-in glslc: $in uses no coopmat" >&2; exit 2; }
                %s
                printf '\\003\\002\\043\\007' > "$5"
                """.formatted(extra));
        Files.setPosixFilePermissions(glslc, PosixFilePermissions.fromString("rwxr-xr-x"));
        return glslc;
    }

    /**
     * A copy of this machine's Vulkan headers whose vulkan_core.h also declares the extensions the pinned ggml
     * needs (configure looks no further; nothing is compiled against them).
     */
    private Path headersDeclaringTheExtensions() throws IOException {
        Path include = dir.resolve("include/vulkan");
        Files.createDirectories(include);
        try (Stream<Path> files = Files.list(SYSTEM_HEADERS.resolve("vulkan"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, include.resolve(f.getFileName()));
            }
        }
        StringBuilder defines = new StringBuilder();
        NEEDED.forEach(e -> defines.append("\n#define ").append(e).append(" 1\n"));
        Files.writeString(include.resolve("vulkan_core.h"), defines, java.nio.file.StandardOpenOption.APPEND);
        return include.getParent();
    }

    /** cmake -S <root> -B <dir>/build -DJPEGLM_RUNTIME=portable -DJPEGLM_VULKAN=ON plus options. */
    private Configure configure(List<String> options) throws IOException, InterruptedException {
        Path build = dir.resolve("build");
        List<String> command = new ArrayList<>(List.of(
                "cmake",
                "-S",
                PrebuiltRuntimes.root().toString(),
                "-B",
                build.toString(),
                "-DJPEGLM_RUNTIME=portable",
                "-DJPEGLM_VULKAN=ON"));
        command.addAll(options);
        Path log = dir.resolve("configure.log");
        int code = exec(command, log);
        return new Configure(code, Files.readString(log), build);
    }

    private String run(List<String> command) throws IOException, InterruptedException {
        Path log = dir.resolve("out.log");
        int code = exec(command, log);
        String out = Files.readString(log);
        assertEquals(0, code, () -> String.join(" ", command) + " failed:\n" + out);
        return out;
    }

    private static int exec(List<String> command, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), String.join(" ", command) + " did not end in 5 minutes");
        } finally {
            p.destroyForcibly();
        }
        return p.exitValue();
    }

    /** Whether a build file of ggml's Vulkan backend in build holds text (the shader rules' command lines). */
    private static boolean shaderRulesMention(Path build, String text) throws IOException {
        try (Stream<Path> files = Files.walk(build.resolve("llama.cpp/ggml/src/ggml-vulkan"))) {
            return files.filter(f -> f.getFileName().toString().equals("build.make"))
                    .anyMatch(f -> readQuietly(f).contains(text));
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("").trim();
    }

    /** CMake wraps a message's lines; this joins them again (single spaces) so phrases can be looked for. */
    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ");
    }
}
