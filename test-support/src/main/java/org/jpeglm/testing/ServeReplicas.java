package org.jpeglm.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Several {@code jpeglm serve} processes on free ports (the command must say {@code --port 0}), started together,
 * each once it prints where it listens. {@link #close()} kills those still running.
 */
public final class ServeReplicas implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+/)");

    /** One replica: its process (log: {@code replica-N.log}) and its address. */
    public record Replica(ChildProcess process, URI uri) {
        /** host:port, as a load balancer's server line names it. */
        public String address() {
            return uri.getHost() + ":" + uri.getPort();
        }
    }

    private final List<Replica> replicas;

    private ServeReplicas(List<Replica> replicas) {
        this.replicas = List.copyOf(replicas);
    }

    /**
     * Starts count replicas, each running command (e.g. {@code java -jar jpeglm.jar serve --port 0 -t 1}), logs in
     * dir; returns once all listen, or throws (the ones started killed) when one ends or time runs out first.
     */
    public static ServeReplicas start(int count, List<String> command, Path dir, Duration time)
            throws IOException, InterruptedException {
        List<ChildProcess> started = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                started.add(ChildProcess.start(
                        "replica " + (i + 1), command, Map.of(), dir.resolve("replica-" + (i + 1) + ".log")));
            }
            long deadline = System.nanoTime() + time.toNanos();
            List<Replica> replicas = new ArrayList<>();
            for (ChildProcess p : started) {
                replicas.add(new Replica(p, awaitListening(p, deadline)));
            }
            return new ServeReplicas(replicas);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            started.forEach(ChildProcess::close);
            throw e;
        }
    }

    private static URI awaitListening(ChildProcess p, long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(p.output());
            if (m.find()) {
                return URI.create(m.group(1));
            }
            if (!p.isAlive()) {
                throw new IllegalStateException(p + " ended before it listened: " + p.output());
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(p + " did not listen in time: " + p.output());
    }

    public List<Replica> all() {
        return replicas;
    }

    /** The i-th replica, from 0. */
    public Replica get(int i) {
        return replicas.get(i);
    }

    public List<String> addresses() {
        return replicas.stream().map(Replica::address).toList();
    }

    @Override
    public void close() {
        replicas.forEach(r -> r.process().close());
    }
}
