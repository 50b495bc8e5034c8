package org.jpeglm.bindings;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The check that keeps a damaged shared library from being mapped, on copies of the JDK's own libjava.so. */
class ElfCheckTest {
    @TempDir
    Path dir;

    private static final Path LIBJAVA = Path.of(System.getProperty("java.home"), "lib", "libjava.so");

    @Test
    void aWholeLibraryPasses() throws Exception {
        assertNull(ElfCheck.problem(LIBJAVA));
    }

    @Test
    void everyCutIsFound() throws Exception {
        byte[] whole = Files.readAllBytes(LIBJAVA);
        for (int cut : new int[] {
            0, 10, 63, 64, 1000, whole.length / 3, whole.length / 2, whole.length - 4096, whole.length - 1
        }) {
            Path file = Files.write(dir.resolve("cut-" + cut + ".so"), Arrays.copyOf(whole, cut));
            String problem = ElfCheck.problem(file);
            assertNotNull(problem, "cut at " + cut);
            assertTrue(
                    problem.startsWith(cut < 52 ? "is not an ELF" : "is damaged: it has " + cut + " bytes"), problem);
        }
    }

    @Test
    void otherFilesAreNotLibraries() throws Exception {
        Path text = Files.writeString(dir.resolve("libggml-cpu-x64.so"), "INPUT(-lfoo)\n".repeat(10));
        assertTrue(ElfCheck.problem(text).startsWith("is not an ELF shared library"), ElfCheck.problem(text));
        byte[] wrongClass = Files.readAllBytes(LIBJAVA);
        wrongClass[4] = 1; // ELFCLASS32 on a 64-bit JVM
        Path thirtyTwo = Files.write(dir.resolve("libggml-32.so"), wrongClass);
        assertEquals("is not a 64-bit ELF file", ElfCheck.problem(thirtyTwo));
    }

    @Test
    void theFolderCheckNamesTheDamagedSiblingAndLeavesOtherFilesAlone() throws Exception {
        Path lib = Files.copy(LIBJAVA, dir.resolve("libjpeglm.so"));
        Files.writeString(dir.resolve("notes.txt"), "not a library, not loaded");
        Files.writeString(dir.resolve("libc.so"), "/* GNU ld script */ GROUP ( libc.so.6 )"); // not one of the set's
        assertEquals(List.of(lib), ElfCheck.loadedWith(lib));
        ElfCheck.requireIntact(lib);
        Path variant =
                Files.write(dir.resolve("libggml-cpu-haswell.so"), Arrays.copyOf(Files.readAllBytes(LIBJAVA), 5000));
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, () -> ElfCheck.requireIntact(lib));
        assertTrue(
                e.getMessage().startsWith("refusing to load " + lib + ": " + variant + " is damaged"), e.getMessage());
    }
}
