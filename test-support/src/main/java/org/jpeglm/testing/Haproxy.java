package org.jpeglm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HAProxy run on loopback with the project's configuration ({@code deploy/haproxy.cfg}) in front of three replicas:
 * its addresses on free ports, its stats socket and log in a folder, what it sees of its servers ({@code show
 * stat}), any command of its socket, and its log's request lines. The configuration is used as it is written; only
 * its environment variables are set.
 */
public final class Haproxy implements AutoCloseable {
    /** The backend of deploy/haproxy.cfg, and how many server lines it has. */
    public static final String BACKEND = "replicas";

    public static final int SERVERS = 3;

    /**
     * A server as HAProxy sees it: a row of {@code show stat}.
     *
     * @param status       UP, DOWN, MAINT, or a transition such as "UP 1/2"
     * @param checkStatus  the last health check's result: L7OK, L7STS (a status other than 200), L4CON (refused) ...
     * @param checkCode    the status the last check got, or "" when it got none
     * @param sessions     sessions (requests) it has now
     * @param total        sessions it has had
     * @param retries      requests retried on it
     * @param redispatches requests taken from it to another server
     */
    public record Server(
            String name,
            String status,
            String checkStatus,
            String checkCode,
            long sessions,
            long total,
            long retries,
            long redispatches) {}

    /**
     * A request line of HAProxy's log ({@code option httplog}).
     *
     * @param id           the request's X-Request-Id, as the frontend captured it
     * @param server       the server that answered last, or {@code <NOSRV>}
     * @param status       the status the client got (-1: none)
     * @param termination  HAProxy's four termination flags: "----" a normal end, "SH--" the server aborted before its
     *                     answer's headers, "SD--" during its data ...
     * @param retries      how many times the request was sent again
     * @param redispatched whether a retry went to another server
     */
    public record LoggedRequest(
            String id, String server, int status, String termination, int retries, boolean redispatched) {}

    private static final Pattern REQUEST_LINE = Pattern.compile("^\\S+ \\[[^]]+] \\S+ " + BACKEND
            + "/(\\S+) \\S+ (-?\\d+) \\S+ \\S+ \\S+ (\\S{4}) \\d+/\\d+/\\d+/\\d+/(\\+?)(\\d+) \\S+ \\{([^}]*)} \"");

    private final ChildProcess process;
    private final Path socket;
    private final Path log;
    private final int port;
    private final int adminPort;

    private Haproxy(ChildProcess process, Path socket, Path log, int port, int adminPort) {
        this.process = process;
        this.socket = socket;
        this.log = log;
        this.port = port;
        this.adminPort = adminPort;
    }

    /** The haproxy program: /usr/sbin/haproxy (Debian's) or one on PATH; null when there is none. */
    public static Path binary() {
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/sbin/haproxy")));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "haproxy"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }

    /**
     * Starts HAProxy with config in front of replicas (host:port, one per server line), its socket and log in dir;
     * returns once it listens. Its two ports are found free just before; if another process takes one in between,
     * it tries again with others.
     */
    public static Haproxy start(Path config, Path dir, List<String> replicas, Duration time)
            throws IOException, InterruptedException {
        if (replicas.size() != SERVERS) {
            throw new IllegalArgumentException(config + " names " + SERVERS + " replicas, not " + replicas.size());
        }
        Path binary = binary();
        if (binary == null) {
            throw new IllegalStateException("haproxy is not installed (scripts/install-prerequisites --test)");
        }
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = freePort();
            int adminPort = freePort();
            Path socket = dir.resolve("haproxy-" + attempt + ".sock");
            Path log = dir.resolve("haproxy-" + attempt + ".log");
            Map<String, String> env = new HashMap<>();
            env.put("JPEGLM_LB_BIND", "127.0.0.1:" + port);
            env.put("JPEGLM_LB_ADMIN", "127.0.0.1:" + adminPort);
            env.put("JPEGLM_LB_STATS", socket.toString());
            env.put("JPEGLM_LB_USER", System.getProperty("user.name"));
            env.put("JPEGLM_LB_GROUP", group(dir)); // as root: root; else the user's own, which it may set
            for (int i = 0; i < SERVERS; i++) {
                env.put("JPEGLM_REPLICA" + (i + 1), replicas.get(i));
            }
            // -db: in the foreground, this process' child; the log goes to stderr (the configuration's "log stderr").
            ChildProcess p =
                    ChildProcess.start("haproxy", List.of(binary.toString(), "-db", "-f", config.toString()), env, log);
            Haproxy h = new Haproxy(p, socket, log, port, adminPort);
            try {
                h.awaitListening(time);
                return h;
            } catch (IllegalStateException e) {
                p.close();
                failure = e;
            }
        }
        throw failure;
    }

    private void awaitListening(Duration time) throws InterruptedException {
        long deadline = System.nanoTime() + time.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("haproxy ended with " + process.exitValue() + ": " + process.output());
            }
            if (Files.exists(socket) && connects(port) && connects(adminPort)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("haproxy did not listen in time: " + process.output());
    }

    private static boolean connects(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Where clients connect, e.g. {@code http://127.0.0.1:41234/}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** The stats page ({@code stats}, {@code stats;csv}) and Prometheus' {@code metrics}. */
    public URI admin() {
        return URI.create("http://127.0.0.1:" + adminPort + "/");
    }

    public ChildProcess process() {
        return process;
    }

    /** Runs a command of the stats socket (e.g. {@code show stat}, {@code disable server replicas/r2}); its answer. */
    public String command(String command) {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            StringBuilder answer = new StringBuilder();
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            while (ch.read(buf) >= 0) {
                buf.flip();
                answer.append(StandardCharsets.UTF_8.decode(buf));
                buf.clear();
            }
            return answer.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("haproxy's stats socket " + socket + ": " + e.getMessage(), e);
        }
    }

    /** The backend's servers by name (r1, r2, r3), as {@code show stat} says now. */
    public Map<String, Server> servers() {
        return servers(command("show stat"));
    }

    /** The servers of {@code show stat}'s CSV (the socket's, or the stats page's {@code stats;csv}). */
    public static Map<String, Server> servers(String csv) {
        List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty() || !lines.getFirst().startsWith("# ")) {
            throw new IllegalStateException("not show stat's CSV: " + csv);
        }
        List<String> header = Arrays.asList(lines.getFirst().substring(2).split(","));
        Map<String, Server> servers = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            String name = f[header.indexOf("svname")];
            if (f[header.indexOf("pxname")].equals(BACKEND) && !name.equals("BACKEND")) {
                servers.put(
                        name,
                        new Server(
                                name,
                                f[header.indexOf("status")],
                                f[header.indexOf("check_status")].replace("* ", ""), // "* ": a check under way
                                f[header.indexOf("check_code")],
                                number(f[header.indexOf("scur")]),
                                number(f[header.indexOf("stot")]),
                                number(f[header.indexOf("wretr")]),
                                number(f[header.indexOf("wredis")])));
            }
        }
        return servers;
    }

    /** Polls {@link #servers()} until condition holds; the servers then, or an error saying what it saw last. */
    public Map<String, Server> awaitServers(String what, Predicate<Map<String, Server>> condition, Duration time)
            throws InterruptedException {
        long deadline = System.nanoTime() + time.toNanos();
        Map<String, Server> now = servers();
        while (!condition.test(now)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("haproxy never saw " + what + "; it sees " + now.values());
            }
            Thread.sleep(50);
            now = servers();
        }
        return now;
    }

    private static long number(String s) {
        return s.isEmpty() ? 0 : Long.parseLong(s);
    }

    /** The server name of the i-th replica given to {@link #start}, from 0. */
    public static String serverName(int i) {
        return "r" + (i + 1);
    }

    /** HAProxy's output so far: its warnings and its log. */
    public String output() {
        return process.output();
    }

    /** The request lines of its log so far, in the order they were logged (when each request ended). */
    public List<LoggedRequest> requests() {
        List<LoggedRequest> requests = new ArrayList<>();
        for (String line : output().lines().toList()) {
            Matcher m = REQUEST_LINE.matcher(line);
            if (m.find()) {
                requests.add(new LoggedRequest(
                        m.group(6),
                        m.group(1),
                        Integer.parseInt(m.group(2)),
                        m.group(3),
                        Integer.parseInt(m.group(5)),
                        !m.group(4).isEmpty()));
            }
        }
        return requests;
    }

    /** The log file. */
    public Path log() {
        return log;
    }

    @Override
    public void close() {
        process.close();
    }

    /** The name of a file's group: the user's primary group for a folder it made. */
    private static String group(Path file) throws IOException {
        return Files.readAttributes(file, PosixFileAttributes.class).group().getName();
    }
}
