package org.jpeglm.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A recipe's script run by a test (python3 and the like): its exit status and output together, within five minutes.
 * A script that cannot start or runs over is a result too (exit -1, saying why), so the test's assertion shows it.
 */
public record ScriptRun(int exit, String output) {
    private static final long TIMEOUT_SECONDS = 300;

    /** Runs command in dir with env added to this process's environment (less OUT, which recipes read). */
    public static ScriptRun run(List<String> command, Path dir, Map<String, String> env) {
        try {
            ProcessBuilder pb =
                    new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            pb.environment().remove("OUT");
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new ScriptRun(-1, out + "\n(timed out)");
            }
            return new ScriptRun(p.exitValue(), out);
        } catch (IOException e) {
            return new ScriptRun(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ScriptRun(-1, e.toString());
        }
    }

    public static ScriptRun run(List<String> command, Path dir) {
        return run(command, dir, Map.of());
    }
}
