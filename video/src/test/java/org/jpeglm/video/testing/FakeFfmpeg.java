package org.jpeglm.video.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.jpeglm.video.Ffmpeg;

/**
 * Stand-ins for ffmpeg that misbehave, as shell scripts: each answers {@code -version} as ffmpeg does (so a command's
 * up-front check passes) and otherwise runs its body, which may record the ids of the processes it starts in
 * {@link #pids()}'s file ({@code $PIDS}) for the test to check that none is left.
 *
 * @param script the executable
 * @param pidFile where the body records process ids, one a line
 */
public record FakeFfmpeg(Path script, Path pidFile) {
    /** Sleeps "forever" in the foreground (a hung ffmpeg). */
    public static final String HANGS = "echo $$ >> \"$PIDS\"\nsleep 100000 &\necho $! >> \"$PIDS\"\nwait\n";

    /** Leaves a grandchild holding standard output and error, and exits at once with success. */
    public static final String LEAVES_A_GRANDCHILD = "sleep 100000 &\necho $! >> \"$PIDS\"\nexit 0\n";

    /** Writes one endless line to standard error. */
    public static final String FLOODS_STDERR = "echo $$ >> \"$PIDS\"\nyes | tr -d '\\n' >&2\n";

    /** Writes a fake ffmpeg with body into dir. */
    public static FakeFfmpeg write(Path dir, String name, String body) throws IOException {
        Path pids = dir.resolve(name + ".pids");
        Path script = dir.resolve(name);
        Files.writeString(
                script,
                "#!/bin/bash\n"
                        + "PIDS='" + pids + "'\n"
                        + "if [ \"$1\" = -version ] || [ \"$2\" = -version ]; then echo 'ffmpeg version 5.1-fake'; exit 0;"
                        + " fi\n"
                        + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new FakeFfmpeg(script, pids);
    }

    public Ffmpeg ffmpeg(Duration timeout) {
        return new Ffmpeg(script.toString(), timeout, 1L << 30);
    }

    /** The process ids the script recorded. */
    public List<Long> pids() throws IOException {
        if (!Files.exists(pidFile)) {
            return List.of();
        }
        return Files.readAllLines(pidFile).stream()
                .filter(l -> !l.isBlank())
                .map(l -> Long.parseLong(l.strip()))
                .toList();
    }

    /** Asserts that the script recorded a process and that none it recorded still runs. */
    public void assertNoneLeft() throws IOException {
        List<Long> pids = pids();
        assertTrue(!pids.isEmpty(), "the fake ffmpeg ran and recorded its processes");
        for (long pid : pids) {
            assertTrue(
                    ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty(),
                    "process " + pid + " that the fake ffmpeg started is still running");
        }
    }
}
