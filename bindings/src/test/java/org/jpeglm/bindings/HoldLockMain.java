package org.jpeglm.bindings;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A child JVM of {@link LibraryCacheTest} that holds the cache's lock as an extracting JVM does: locks args[0]
 * (made with its folder if missing), prints "locked", and holds it until its standard input closes or it is killed.
 */
public final class HoldLockMain {
    private HoldLockMain() {}

    public static void main(String[] args) throws Exception {
        Path lock = Path.of(args[0]);
        Files.createDirectories(lock.getParent());
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                var held = channel.lock()) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold until the parent closes our input or kills us
            }
        }
    }
}
