package org.jpeglm.bench;

import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;
import java.nio.file.*;

final class SchedSweep {
    static final MethodHandle SET;

    static {
        Linker l = Linker.nativeLinker();
        SET = l.downcallHandle(
                l.defaultLookup().find("sched_setscheduler").orElseThrow(),
                FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    }

    static void start() {
        Thread.ofPlatform().daemon().start(() -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment p = a.allocate(4);
                while (true) {
                    try (var ds = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
                        for (Path t : ds) {
                            String comm = Files.readString(t.resolve("comm")).trim();
                            boolean engine = comm.startsWith("jpeglm-image") || comm.equals("java");
                            int tid = Integer.parseInt(t.getFileName().toString());
                            int r = (int) SET.invokeExact(tid, engine ? 0 : 3, p);
                        }
                    } catch (Throwable e) {
                    }
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
            }
        });
    }
}
