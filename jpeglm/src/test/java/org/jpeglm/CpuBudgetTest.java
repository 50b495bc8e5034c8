package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CPUs the automatic thread count may use ({@link Jpeglm#cpuBudget}): the affinity mask capped by the cgroup's CPU
 * quota, read from fake /proc and /sys/fs/cgroup trees (cgroup v2 and v1, a quota up the hierarchy, a container's
 * namespaced path, none), and for this process itself, alone and under {@code taskset}.
 */
class CpuBudgetTest {
    @TempDir
    Path root;

    private void write(String path, String text) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private void affinity(String list) throws IOException {
        write("proc/self/status", "Name:\tjava\nCpus_allowed:\tff\nCpus_allowed_list:\t" + list + "\nVoluntary: 1\n");
    }

    private CpuBudget budget() {
        return Jpeglm.cpuBudget(root);
    }

    @Test
    void theAffinityMaskAloneWhenThereIsNoQuota() throws IOException {
        affinity("0-3,8,10-11");
        write("proc/self/cgroup", "0::/user.slice/session-1.scope\n");
        write("sys/fs/cgroup/user.slice/session-1.scope/cpu.max", "max 100000\n");
        CpuBudget b = budget();
        assertEquals(7, b.cpus());
        assertTrue(
                b.reason().contains("7 in the affinity mask") && b.reason().contains("no cgroup CPU quota"),
                b.reason());
    }

    @Test
    void aCgroupV2QuotaRoundsUp() throws IOException {
        affinity("0-7");
        write("proc/self/cgroup", "0::/app\n");
        write("sys/fs/cgroup/app/cpu.max", "150000 100000\n");
        CpuBudget b = budget();
        assertEquals(2, b.cpus());
        assertTrue(b.reason().contains("cgroup v2 cpu.max 150000 100000 in /sys/fs/cgroup/app"), b.reason());
    }

    @Test
    void theSmallestQuotaUpTheHierarchyCounts() throws IOException {
        affinity("0-15");
        write("proc/self/cgroup", "0::/kubepods/pod1/container\n");
        write("sys/fs/cgroup/kubepods/pod1/container/cpu.max", "max 100000\n");
        write("sys/fs/cgroup/kubepods/pod1/cpu.max", "300000 100000\n");
        write("sys/fs/cgroup/kubepods/cpu.max", "800000 100000\n");
        assertEquals(3, budget().cpus());
    }

    @Test
    void theAffinityMaskCapsAQuotaAboveIt() throws IOException {
        affinity("2-3");
        write("proc/self/cgroup", "0::/app\n");
        write("sys/fs/cgroup/app/cpu.max", "400000 100000\n");
        assertEquals(2, budget().cpus());
    }

    @Test
    void aQuotaBelowOneCpuStillGivesOne() throws IOException {
        affinity("0-3");
        write("proc/self/cgroup", "0::/tiny\n");
        write("sys/fs/cgroup/tiny/cpu.max", "20000 100000\n");
        assertEquals(1, budget().cpus());
    }

    @Test
    void aCgroupV1QuotaOfTheCpuController() throws IOException {
        affinity("0-7");
        write("proc/self/cgroup", """
                12:memory:/docker/abc
                4:cpu,cpuacct:/docker/abc
                0::/
                """);
        write("sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "250000\n");
        write("sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000\n");
        write("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
        write("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
        CpuBudget b = budget();
        assertEquals(3, b.cpus());
        assertTrue(b.reason().contains("cgroup v1 cpu.cfs_quota_us 250000 / cpu.cfs_period_us 100000"), b.reason());
    }

    @Test
    void insideAContainerTheHostPathIsNotThereAndTheMountRootIsRead() throws IOException {
        affinity("0-7");
        write("proc/self/cgroup", "4:cpu,cpuacct:/docker/0123456789abcdef\n");
        write("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "100000\n");
        write("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
        assertEquals(1, budget().cpus());
    }

    @Test
    void noQuotaV1() throws IOException {
        affinity("0-1");
        write("proc/self/cgroup", "2:cpu:/\n");
        write("sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1\n");
        write("sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n");
        assertEquals(2, budget().cpus());
    }

    @Test
    void anUnreadableMaskFallsBackToTheOnlineCpus() throws IOException {
        write("proc/self/status", "Name:\tjava\nCpus_allowed_list:\t3-1\n");
        CpuBudget b = budget(); // "3-1" is no list: the CPUs online instead (not knowing the mask, all)
        assertTrue(b.cpus() >= 1);
        assertTrue(b.reason().startsWith(b.cpus() + " online (no affinity mask readable)"), b.reason());
    }

    @Test
    void anEmptyRootIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Jpeglm.cpuBudget(Path.of("")));
    }

    @Test
    void thisProcessGetsWhatTheJdkCounts() {
        // The JDK's availableProcessors reads the same affinity mask and cgroup quota.
        CpuBudget b = Jpeglm.cpuBudget();
        assertEquals(Runtime.getRuntime().availableProcessors(), b.cpus(), b.reason());
    }

    @Test
    void underTasksetOneCpu() throws Exception {
        Path out = root.resolve("out.txt");
        List<String> command = List.of(
                "taskset",
                "-c",
                firstAllowedCpu(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Djpeglm.library.path=" + System.getProperty("jpeglm.library.path", ""),
                "-cp",
                System.getProperty("java.class.path"),
                Child.class.getName());
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child ran too long");
        String text = Files.readString(out);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("cpus 1 1 in the affinity mask"), text);
    }

    private static String firstAllowedCpu() {
        String mask = ThreadPoolTest.firstAllowedCpuMask();
        return Integer.toString(new java.math.BigInteger(mask.substring(2), 16).getLowestSetBit());
    }

    /** Prints this process's budget. */
    public static final class Child {
        public static void main(String[] args) {
            CpuBudget b = Jpeglm.cpuBudget();
            System.out.println("cpus " + b.cpus() + " " + b.reason());
        }
    }
}
