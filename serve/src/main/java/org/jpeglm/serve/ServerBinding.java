package org.jpeglm.serve;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.jpeglm.codec.CodecModel;

/**
 * The server's listening socket, bound before the model is loaded: a port in use or a host that is not this
 * machine's is found in a moment, not after a load that can take minutes, and says so in one sentence. Connections
 * that arrive while the model loads wait in the socket's backlog and are answered once {@link #start} runs.
 *
 * <pre>{@code
 * try (ServerBinding binding = ServerBinding.bind(options);  // IOException: the port, or the host, is wrong
 *         CodecModel<?, ?> model = Codecs.open(path);
 *         ImageServer server = binding.start(model)) { ... }
 * }</pre>
 */
public final class ServerBinding implements AutoCloseable {
    private final ServeOptions options;
    private ServerSocketChannel channel; // null once a server took it, or once closed

    private ServerBinding(ServeOptions options, ServerSocketChannel channel) {
        this.options = options;
        this.channel = channel;
    }

    /**
     * Binds options' host and port; throws {@link UnknownHostException} for a host that does not resolve and
     * {@link BindException} for a port in use or an address that is not this machine's, each naming the problem.
     */
    public static ServerBinding bind(ServeOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        InetSocketAddress address = new InetSocketAddress(options.host(), options.port());
        if (address.isUnresolved()) {
            throw new UnknownHostException(
                    "cannot listen on " + options.host() + ": no such host (the name does not resolve to an address)");
        }
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true); // as Jetty binds: a restart need not wait
            channel.bind(address, 0); // the system's backlog, as Jetty's
            return new ServerBinding(options, channel);
        } catch (BindException e) {
            channel.close();
            throw new BindException(refusal(options, address, e));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The port bound (the one chosen when options asked for 0). */
    public int port() {
        if (channel == null) {
            throw new IllegalStateException("the binding was handed to a server or closed");
        }
        return channel.socket().getLocalPort();
    }

    /**
     * Serves model, of any codec the server knows, on this socket (see {@link ImageServer#start(CodecModel,
     * ServeOptions)}); the server owns the socket, closed also when this fails.
     */
    public ImageServer start(CodecModel<?, ?> model) {
        return start(channel -> ImageServer.start(model, options, channel));
    }

    private ImageServer start(Function<ServerSocketChannel, ImageServer> server) {
        if (channel == null) {
            throw new IllegalStateException("the binding was handed to a server or closed");
        }
        ServerSocketChannel taken = channel;
        channel = null; // the server owns it now, closed also when it fails to start
        return server.apply(taken);
    }

    /** Closes the socket unless a server took it. */
    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private static String refusal(ServeOptions options, InetSocketAddress address, BindException e) {
        String where = "cannot listen on " + ImageServer.hostPort(options.host(), options.port()) + ": ";
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (m.contains("in use")) {
            return where + "the port is in use (another server listens there; choose another port, or 0 for any "
                    + "free one)";
        }
        if (m.contains("assign")) {
            return where + address.getAddress().getHostAddress() + " is not an address of this machine";
        }
        if (m.contains("permission")) {
            return where + "permission denied (ports below 1024 need privileges)";
        }
        return where + e.getMessage();
    }
}
