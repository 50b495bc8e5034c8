package org.jpeglm.bindings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Checks the libraries that loading libjpeglm maps into the process before the dynamic loader does: a truncated
 * shared library is mapped beyond its end, and the first touch of the missing pages kills the JVM with SIGBUS. Each
 * file must be an ELF file of this machine's word size whose headers and loadable segments lie inside it.
 *
 * <p>The files checked: libjpeglm itself and, in its folder, what it and ggml load from there: {@code libllama*},
 * {@code libggml*} (ggml's backend registry opens every {@code libggml-*.so} it finds, CPU variants included) and
 * {@code libgomp*}; plus the files {@code JPEGLM_BACKENDS} names.
 */
final class ElfCheck {
    private ElfCheck() {}

    private static final int PT_LOAD = 1;

    /** Refuses library with an UnsatisfiedLinkError naming the first damaged file it or its folder's set holds. */
    static void requireIntact(Path library) {
        for (Path file : loadedWith(library)) {
            String problem;
            try {
                problem = problem(file);
            } catch (IOException e) {
                problem = "cannot be read (" + e.getMessage() + ")";
            }
            if (problem != null) {
                throw new UnsatisfiedLinkError("refusing to load " + library + ": " + file + " " + problem
                        + "; it would crash the JVM when loaded. Reinstall or rebuild the library set (a cached set is"
                        + " extracted again when its files do not match its manifest), or remove that file");
            }
        }
    }

    /** library, then the files of its folder that loading it opens, then JPEGLM_BACKENDS's. */
    static List<Path> loadedWith(Path library) {
        List<Path> files = new ArrayList<>(List.of(library));
        Path dir = library.toAbsolutePath().getParent();
        try (Stream<Path> siblings = Files.list(dir)) {
            siblings.filter(p -> !p.equals(library.toAbsolutePath())
                            && loadedFromFolder(p.getFileName().toString()))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .forEach(files::add);
        } catch (IOException e) {
            // An unreadable folder: the dynamic loader fails on it with its own message.
        }
        String named = System.getenv("JPEGLM_BACKENDS");
        if (named != null) {
            for (String name : named.split(",")) {
                Path p = name.contains("/") ? Path.of(name.strip()) : dir.resolve(name.strip());
                if (!name.isBlank() && Files.isRegularFile(p) && !files.contains(p)) {
                    files.add(p);
                }
            }
        }
        return files;
    }

    private static boolean loadedFromFolder(String name) {
        return (name.startsWith("libggml") || name.startsWith("libllama") || name.startsWith("libgomp"))
                && name.contains(".so");
    }

    /** Why file is not a whole ELF library ("is ..."), or null when it is. */
    static String problem(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer h = read(ch, 0, (int) Math.min(64, size));
            if (h.remaining() < 52 || h.getInt(0) != 0x7F454C46) { // "\177ELF", read big-endian
                return "is not an ELF shared library (" + size + " bytes)";
            }
            boolean wide = h.get(4) == 2;
            h.order(h.get(5) == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            if (wide != is64Bit()) {
                return "is not a " + (is64Bit() ? 64 : 32) + "-bit ELF file";
            }
            if (wide && size < 64) {
                return damaged(size, 64);
            }
            long phoff = wide ? h.getLong(32) : h.getInt(28) & 0xFFFFFFFFL;
            long shoff = wide ? h.getLong(40) : h.getInt(32) & 0xFFFFFFFFL;
            int phentsize = h.getShort(wide ? 54 : 42) & 0xFFFF;
            int phnum = h.getShort(wide ? 56 : 44) & 0xFFFF;
            int shentsize = h.getShort(wide ? 58 : 46) & 0xFFFF;
            int shnum = h.getShort(wide ? 60 : 48) & 0xFFFF;
            long needed = Math.max(
                    end(phoff, (long) phnum * phentsize), shoff == 0 ? 0 : end(shoff, (long) shnum * shentsize));
            if (phentsize < (wide ? 56 : 32) || (long) phnum * phentsize > 1 << 20 || needed > size || needed < 0) {
                return damaged(size, needed);
            }
            ByteBuffer ph = read(ch, phoff, phnum * phentsize).order(h.order());
            for (int i = 0; i < phnum; i++) {
                int at = i * phentsize;
                if (ph.getInt(at) != PT_LOAD) {
                    continue;
                }
                long offset = wide ? ph.getLong(at + 8) : ph.getInt(at + 4) & 0xFFFFFFFFL;
                long fileSize = wide ? ph.getLong(at + 32) : ph.getInt(at + 16) & 0xFFFFFFFFL;
                long segmentEnd = end(offset, fileSize);
                if (segmentEnd > size || segmentEnd < 0) {
                    return damaged(size, segmentEnd);
                }
            }
            return null;
        }
    }

    private static String damaged(long size, long needed) {
        return "is damaged: it has " + size + " bytes but its ELF headers reach byte "
                + (needed < 0 ? "(overflow)" : Long.toString(needed)) + " (truncated?)";
    }

    /** offset + length, or -1 when either is negative or the sum overflows. */
    private static long end(long offset, long length) {
        if (offset < 0 || length < 0) {
            return -1;
        }
        long sum = offset + length;
        return sum < 0 ? -1 : sum;
    }

    private static ByteBuffer read(FileChannel ch, long at, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                break;
            }
        }
        return b.flip();
    }

    private static boolean is64Bit() {
        return !"32".equals(System.getProperty("sun.arch.data.model"));
    }
}
