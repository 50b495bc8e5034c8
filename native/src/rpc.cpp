// rpc.cpp — a model's layers on other machines: ggml's RPC backend, with libjpeglm between it and each rpc-server.
//
// ggml's RPC client aborts the process when a server cannot be reached, answers wrongly or goes away (GGML_ABORT
// in ggml-rpc.cpp), and it connects without a time limit. So ggml never talks to a server itself: for each server
// jpeglm opens a relay, a socket listening on 127.0.0.1 that ggml's client connects to, and forwards every message
// over a connection of its own, made within the caller's time limit. When that connection fails, the relay counts
// the failure, keeps why, and from then on answers ggml itself with harmless stand-ins of the sizes the protocol
// expects (no buffer, zeros), so that the llama.cpp call in progress returns; rpc_check then turns the failure into
// the error of that call, and of every later call of the models that used the server, until they are loaded again.
//
// The relay follows ggml's RPC protocol message by message: a request is a command byte, a 64-bit size and that
// many bytes; the commands that have an answer get a 64-bit size and that many bytes back, in order. Which
// commands have one, and of what size, is the pinned ggml-rpc.cpp's (protocol 7.0.0, checked below).

#include "internal.h"

#include "ggml-backend.h"
#include "ggml-rpc.h"
#include "ggml.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>

static_assert(RPC_PROTO_MAJOR_VERSION == 7 && RPC_PROTO_MINOR_VERSION == 0,
              "rpc.cpp relays ggml's RPC protocol 7.0: check its commands and answers against ggml-rpc.cpp");
static_assert(JPEGLM_RPC_MAX_SERVERS == GGML_RPC_MAX_SERVERS, "jpeglm.h promises ggml's limit");

namespace jpeglm {

// One rpc-server as jpeglm reaches it. Made on first use and kept for the life of the process, as ggml keeps the
// server's devices registered: never freed, so the relay's threads may outlive everything else.
struct rpc_relay {
    std::string endpoint;  // "host:port" as the caller gave it
    std::string host;
    std::string port;
    std::string local;  // "127.0.0.1:P", where ggml's client connects: the relay (or endpoint itself, direct)
    int         listen_fd = -1;

    std::atomic<int32_t> timeout_ms{5000};  // for a connection and its handshake: the latest caller's
    // Failures of connections to the server, and answers given in place of a lost one, ever. ggml shares one
    // connection per server among everything in the process, so a model loaded while an older one still holds a
    // lost connection would get it: every stand-in counts, and the new model fails too.
    std::atomic<uint64_t> failures{0};
    ggml_backend_reg_t    reg = nullptr;  // the server's devices, once registered (under the registry's mutex)
    // Per device of reg, its free and total memory when a model last reached the server (under the mutex).
    std::vector<std::pair<size_t, size_t>> memory;

    mutable std::mutex error_mutex;
    std::string        error;  // why the latest failure happened

    // Records a failed connection: from now on the models using it fail.
    void lose(const std::string & why) {
        const std::string message = "rpc-server " + endpoint + ": " + why;
        {
            std::lock_guard<std::mutex> lock(error_mutex);
            error = message;
        }
        failures.fetch_add(1);
        log_message(JPEGLM_LOG_INFO, message);  // the error itself reaches the caller through rpc_check
    }

    std::string last_error() const {
        std::lock_guard<std::mutex> lock(error_mutex);
        return error.empty() ? "rpc-server " + endpoint + ": failed" : error;
    }
};

namespace {

// ggml-rpc.cpp's enum rpc_cmd (protocol 7.0.0).
enum rpc_command : uint8_t {
    CMD_ALLOC_BUFFER = 0,
    CMD_GET_ALIGNMENT,
    CMD_GET_MAX_SIZE,
    CMD_BUFFER_GET_BASE,
    CMD_FREE_BUFFER,
    CMD_BUFFER_CLEAR,
    CMD_SET_TENSOR,
    CMD_SET_TENSOR_HASH,
    CMD_GET_TENSOR,
    CMD_COPY_TENSOR,
    CMD_GRAPH_COMPUTE,
    CMD_GET_DEVICE_MEMORY,
    CMD_INIT_TENSOR,
    CMD_GET_ALLOC_SIZE,
    CMD_HELLO,
    CMD_DEVICE_COUNT,
    CMD_GRAPH_RECOMPUTE,
    CMD_MEMSET_TENSOR,
};

constexpr int64_t kNoAnswer      = -1;
constexpr int64_t kSizeAsked     = -2;       // GET_TENSOR: the size its request's last 8 bytes ask for
constexpr size_t  kHelloAnswer   = 4 + 24;   // rpc_msg_hello_rsp: version, padding, RPC_CONN_CAPS_SIZE bytes
constexpr size_t  kChunk         = 1 << 20;  // messages up to this size are read whole; larger ones stream through
constexpr size_t  kAllocTypeAt   = 4 + 8;    // GET_ALLOC_SIZE's request: device (4), then rpc_tensor: id (8), type
constexpr size_t  kAllocNeAt     = kAllocTypeAt + 4 + 8;  // (4), buffer (8), ne[4] (4 bytes each), then nb[4]
constexpr int     kKeepIdleS     = 10;  // a silent server is probed after 10 s, every 5 s, 6 times: a vanished
constexpr int     kKeepIntervalS = 5;   // machine is noticed within about 40 s while its answer is awaited
constexpr int     kKeepCount     = 6;
constexpr int     kUserTimeoutMs = 120000;      // sent data unacknowledged this long: the server is gone
constexpr size_t  kStandInMemory = 1ull << 30;  // GET_DEVICE_MEMORY's stand-in (llama.cpp divides by the sum)
constexpr size_t  kStandInAlign  = 4096;        // over-aligns whatever a real server asks: safe if ggml caches it
constexpr size_t  kStandInBase   = 4096;        // a buffer base that is not NULL (ggml asserts that)
constexpr uint8_t kStandInCached = 1;           // SET_TENSOR_HASH: "the server holds these bytes", so none are sent
constexpr uint8_t kStandInNoCopy = 0;           // COPY_TENSOR: refused, ggml copies through the host

// The size of the answer to cmd, kNoAnswer or kSizeAsked.
int64_t answer_size(uint8_t cmd) {
    switch (cmd) {
        case CMD_ALLOC_BUFFER:
        case CMD_GET_DEVICE_MEMORY:
            return 16;
        case CMD_GET_ALIGNMENT:
        case CMD_GET_MAX_SIZE:
        case CMD_BUFFER_GET_BASE:
        case CMD_GET_ALLOC_SIZE:
            return 8;
        case CMD_SET_TENSOR_HASH:
        case CMD_COPY_TENSOR:
            return 1;
        case CMD_DEVICE_COUNT:
            return 4;
        case CMD_HELLO:
            return (int64_t) kHelloAnswer;
        case CMD_GET_TENSOR:
            return kSizeAsked;
        default:
            return kNoAnswer;
    }
}

template <typename T> void put(std::vector<uint8_t> & out, size_t at, T value) {
    std::memcpy(out.data() + at, &value, sizeof(T));
}

template <typename T> T get(const std::vector<uint8_t> & in, size_t at) {
    T value{};
    if (at + sizeof(T) <= in.size()) {
        std::memcpy(&value, in.data() + at, sizeof(T));
    }
    return value;
}

// The bytes a tensor takes (ggml_nbytes) from GET_ALLOC_SIZE's request, so that a stand-in ggml caches for good is
// what a CPU server answers.
uint64_t requested_tensor_bytes(const std::vector<uint8_t> & request) {
    const uint32_t type = get<uint32_t>(request, kAllocTypeAt);
    if (type >= GGML_TYPE_COUNT || ggml_blck_size((ggml_type) type) <= 0) {
        return 0;
    }
    uint64_t ne[4];
    uint64_t nb[4];
    for (size_t i = 0; i < 4; i++) {
        ne[i] = get<uint32_t>(request, kAllocNeAt + 4 * i);
        nb[i] = get<uint32_t>(request, kAllocNeAt + 16 + 4 * i);
        if (ne[i] == 0) {
            return 0;
        }
    }
    const int64_t blck  = ggml_blck_size((ggml_type) type);
    uint64_t      bytes = blck == 1 ? ggml_type_size((ggml_type) type) : ne[0] * nb[0] / (uint64_t) blck;
    for (size_t i = blck == 1 ? 0 : 1; i < 4; i++) {
        bytes += (ne[i] - 1) * nb[i];
    }
    return bytes;
}

// What the relay answers in place of a server it lost: nothing allocated or computed, zeros read, plausible sizes;
// ggml's client aborts on a short or missing answer, but takes these and returns.
std::vector<uint8_t> stand_in(uint8_t cmd, const std::vector<uint8_t> & request, size_t size) {
    std::vector<uint8_t> out(std::min(size, kChunk), 0);
    switch (cmd) {
        case CMD_HELLO:  // this build's own version: a mismatch would abort
            out[0] = RPC_PROTO_MAJOR_VERSION;
            out[1] = RPC_PROTO_MINOR_VERSION;
            out[2] = RPC_PROTO_PATCH_VERSION;
            break;
        case CMD_GET_ALIGNMENT:
            put<uint64_t>(out, 0, kStandInAlign);
            break;
        case CMD_GET_MAX_SIZE:
            put<uint64_t>(out, 0, SIZE_MAX);
            break;
        case CMD_BUFFER_GET_BASE:
            put<uint64_t>(out, 0, kStandInBase);
            break;
        case CMD_SET_TENSOR_HASH:
            out[0] = kStandInCached;
            break;
        case CMD_COPY_TENSOR:
            out[0] = kStandInNoCopy;
            break;
        case CMD_GET_DEVICE_MEMORY:
            put<uint64_t>(out, 0, kStandInMemory);
            put<uint64_t>(out, 8, kStandInMemory);
            break;
        case CMD_GET_ALLOC_SIZE:
            put<uint64_t>(out, 0, requested_tensor_bytes(request));
            break;
        default:  // ALLOC_BUFFER: no buffer (ggml reports the allocation failed); DEVICE_COUNT: none; GET_TENSOR: zeros
            break;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Sockets

std::string errno_text(int err) {
    return std::strerror(err);
}

bool read_full(int fd, void * data, size_t size) {
    auto * p = static_cast<uint8_t *>(data);
    while (size > 0) {
        const ssize_t n = ::recv(fd, p, size, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (n == 0) {
                errno = 0;  // the peer closed the connection
            }
            return false;
        }
        p += n;
        size -= (size_t) n;
    }
    return true;
}

bool write_full(int fd, const void * data, size_t size) {
    const auto * p = static_cast<const uint8_t *>(data);
    while (size > 0) {
        const ssize_t n = ::send(fd, p, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        p += n;
        size -= (size_t) n;
    }
    return true;
}

// Whether fd has something to read (or was closed) within timeout_ms.
bool wait_readable(int fd, int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd    p{fd, POLLIN, 0};
        const int rc = ::poll(&p, 1, (int) std::max<int64_t>(0, left.count()));
        if (rc >= 0 || errno != EINTR) {
            return rc > 0;
        }
    }
}

void set_option(int fd, int level, int name, int value) {
    setsockopt(fd, level, name, &value, sizeof(value));  // best effort: the relay works without any of them
}

// Connects to host:port within timeout_ms, trying each address; -1 with why on failure.
int connect_within(const std::string & host, const std::string & port, int timeout_ms, std::string & why) {
    addrinfo hints{};
    hints.ai_family   = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags    = AI_NUMERICSERV;
    addrinfo * found  = nullptr;
    const int  rc     = getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
    if (rc != 0) {
        why = "cannot resolve '" + host + "': " + gai_strerror(rc);
        return -1;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    int        fd       = -1;
    why                 = "no address";
    for (addrinfo * a = found; a != nullptr && fd < 0; a = a->ai_next) {
        fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            why = "cannot open a socket: " + errno_text(errno);
            continue;
        }
        int err = ::connect(fd, a->ai_addr, a->ai_addrlen) == 0 ? 0 : errno;
        if (err == EINPROGRESS) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            pollfd    p{fd, POLLOUT, 0};
            socklen_t len = sizeof(err);
            if (::poll(&p, 1, (int) std::max<int64_t>(0, left.count())) <= 0) {
                err = ETIMEDOUT;
            } else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
                err = errno;
            }
        }
        if (err != 0) {
            why = err == ETIMEDOUT ? "no connection within " + std::to_string(timeout_ms) + " ms"
                                   : "cannot connect: " + errno_text(err);
            ::close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(found);
    if (fd >= 0) {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        set_option(fd, IPPROTO_TCP, TCP_NODELAY, 1);
        set_option(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
        set_option(fd, IPPROTO_TCP, TCP_KEEPIDLE, kKeepIdleS);
        set_option(fd, IPPROTO_TCP, TCP_KEEPINTVL, kKeepIntervalS);
        set_option(fd, IPPROTO_TCP, TCP_KEEPCNT, kKeepCount);
        set_option(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, kUserTimeoutMs);
    }
    return fd;
}

// ---------------------------------------------------------------------------------------------------------------
// One connection of ggml's client, relayed to the server until the client closes it.

class relay_link {
  public:
    relay_link(rpc_relay & relay, int client) : r(relay), client(client) {}

    ~relay_link() {
        ::close(client);
        drop_server();
    }

    relay_link(const relay_link &)             = delete;
    relay_link & operator=(const relay_link &) = delete;

    void run() {
        std::string why;
        server = connect_within(r.host, r.port, r.timeout_ms.load(), why);
        if (server < 0) {
            r.lose(why);
        }
        uint8_t head[9];
        while (read_full(client, head, sizeof(head))) {
            uint64_t size;
            std::memcpy(&size, head + 1, sizeof(size));
            if (!request(head, size)) {
                return;
            }
        }
    }

  private:
    rpc_relay &          r;
    int                  client;
    int                  server = -1;
    std::vector<uint8_t> message;  // the request being relayed, when it is read whole
    std::vector<uint8_t> chunk;    // bytes streaming through
    std::vector<uint8_t> reply;    // an answer read whole, with its size in front

    bool lost() const { return server < 0; }

    void drop_server() {
        if (server >= 0) {
            ::close(server);
            server = -1;
        }
    }

    void lose(const std::string & why) {
        drop_server();
        r.lose(why);
    }

    std::string gone(const char * what) {
        return std::string("the connection was lost ") + what + (errno != 0 ? " (" + errno_text(errno) + ")" : "");
    }

    // Relays one request whose 9-byte head is read, and its answer if it has one; false once the client is gone.
    bool request(const uint8_t * head, uint64_t size) {
        const uint8_t cmd = head[0];
        if (size <= kChunk) {
            message.assign(head, head + 9);
            message.resize(9 + size);
            if (!read_full(client, message.data() + 9, size)) {
                return false;
            }
            if (!lost() && !write_full(server, message.data(), message.size())) {
                lose(gone("while sending a request"));
            }
            message.erase(message.begin(), message.begin() + 9);  // the payload, for the answer's size and stand-in
        } else {
            message.clear();
            if (!lost() && !write_full(server, head, 9)) {
                lose(gone("while sending a request"));
            }
            if (!send_through(size)) {
                return false;
            }
        }
        const int64_t expected = answer_size(cmd);
        if (expected == kNoAnswer) {
            return true;
        }
        return answer(cmd, expected == kSizeAsked ? get<uint64_t>(message, message.size() - 8) : (uint64_t) expected);
    }

    // Sends size more bytes of the client's request on to the server (dropped if it is lost); false if the client
    // is gone.
    bool send_through(uint64_t size) {
        chunk.resize(kChunk);
        for (uint64_t left = size; left > 0;) {
            const size_t n = (size_t) std::min<uint64_t>(left, kChunk);
            if (!read_full(client, chunk.data(), n)) {
                return false;
            }
            if (!lost() && !write_full(server, chunk.data(), n)) {
                lose(gone("while sending a request"));
            }
            left -= n;
        }
        return true;
    }

    // Passes size bytes of the server's answer on to the client, zeros for what a lost server did not send; false
    // if the client is gone.
    bool answer_through(uint64_t size) {
        chunk.resize(kChunk);
        for (uint64_t left = size; left > 0;) {
            const size_t n = (size_t) std::min<uint64_t>(left, kChunk);
            if (!lost() && !read_full(server, chunk.data(), n)) {
                lose(gone("while reading an answer"));
            }
            if (lost()) {
                std::fill(chunk.begin(), chunk.begin() + (ptrdiff_t) n, 0);
            }
            if (!write_full(client, chunk.data(), n)) {
                return false;
            }
            left -= n;
        }
        return true;
    }

    // Relays the answer of size bytes to cmd, or stands in for the server; false if the client is gone.
    bool answer(uint8_t cmd, uint64_t size) {
        const int timeout = r.timeout_ms.load();
        if (!lost() && cmd == CMD_HELLO && !wait_readable(server, timeout)) {
            lose("accepted the connection but did not answer within " + std::to_string(timeout) +
                 " ms (an rpc-server serves one client at a time: is another one using it?)");
        }
        uint64_t got = 0;
        if (!lost() && !read_full(server, &got, sizeof(got))) {
            lose(gone("while awaiting an answer"));
        }
        if (!lost() && got != size) {
            lose("answered " + std::to_string(got) + " bytes where " + std::to_string(size) + " were due");
        }
        if (!lost() && size > kChunk) {
            return write_full(client, &got, sizeof(got)) && answer_through(size);
        }
        reply.resize(sizeof(size) + size);  // size and body in one write: one segment on the way to ggml
        std::memcpy(reply.data(), &size, sizeof(size));
        uint8_t * body = reply.data() + sizeof(size);
        if (!lost() && !read_full(server, body, size)) {
            lose(gone("while reading an answer"));
        }
        if (!lost() && cmd == CMD_HELLO && (body[0] != RPC_PROTO_MAJOR_VERSION || body[1] > RPC_PROTO_MINOR_VERSION)) {
            lose("speaks RPC protocol " + std::to_string(body[0]) + "." + std::to_string(body[1]) + "." +
                 std::to_string(body[2]) + ", this build " + std::to_string(RPC_PROTO_MAJOR_VERSION) + "." +
                 std::to_string(RPC_PROTO_MINOR_VERSION) + "." + std::to_string(RPC_PROTO_PATCH_VERSION) +
                 " (run the rpc-server built with this jpeglm)");
        }
        if (lost()) {
            return stand_in_answer(cmd, size);
        }
        return write_full(client, reply.data(), reply.size());
    }

    bool stand_in_answer(uint8_t cmd, uint64_t size) {
        r.failures.fetch_add(1);  // whoever waits for this answer learns that the server is lost
        if (!write_full(client, &size, sizeof(size))) {
            return false;
        }
        const std::vector<uint8_t> stand_in_bytes = stand_in(cmd, message, (size_t) size);
        for (uint64_t left = size; left > 0;) {
            const size_t n = (size_t) std::min<uint64_t>(left, stand_in_bytes.size());
            if (!write_full(client, stand_in_bytes.data(), n)) {
                return false;
            }
            left -= n;
        }
        return true;
    }
};

void accept_loop(rpc_relay * r) {
    for (;;) {
        const int client = ::accept4(r->listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) {
            if (errno != EINTR && errno != ECONNABORTED) {
                std::this_thread::sleep_for(std::chrono::milliseconds(100));  // out of descriptors: wait, retry
            }
            continue;
        }
        set_option(client, IPPROTO_TCP, TCP_NODELAY, 1);
        try {
            std::thread([r, client] { relay_link(*r, client).run(); }).detach();
        } catch (const std::system_error &) {
            relay_link(*r, client).run();  // no thread to be had: serve it here, one connection at a time
        }
    }
}

// Listens on 127.0.0.1 at a port the system picks and starts accepting; fails with JPEGLM_ERR_IO.
void open_relay(rpc_relay & r) {
    r.listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family      = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len        = sizeof(addr);
    if (r.listen_fd < 0 || ::bind(r.listen_fd, (sockaddr *) &addr, sizeof(addr)) != 0 ||
        ::listen(r.listen_fd, 16) != 0 || getsockname(r.listen_fd, (sockaddr *) &addr, &len) != 0) {
        const int err = errno;
        if (r.listen_fd >= 0) {
            ::close(r.listen_fd);
        }
        r.listen_fd = -1;
        fail(JPEGLM_ERR_IO, "cannot open a relay for rpc-server %s on 127.0.0.1: %s", r.endpoint.c_str(),
             errno_text(err).c_str());
    }
    r.local = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    std::thread(accept_loop, &r).detach();
}

// Every relay, by endpoint; never freed (see rpc_relay).
struct relay_registry {
    std::mutex                         mutex;
    std::map<std::string, rpc_relay *> relays;
};

relay_registry & registry() {
    static relay_registry * r = new relay_registry();
    return *r;
}

// JPEGLM_RPC_DIRECT=1 lets ggml connect to the servers itself, as llama.cpp does: for measuring what the relay
// costs. A server that cannot be reached or is lost then aborts the process.
bool direct() {
    const char * v = std::getenv("JPEGLM_RPC_DIRECT");
    return v != nullptr && std::strcmp(v, "1") == 0;
}

// Splits "host:port" ("[v6]:port" too), checking the port; fails with JPEGLM_ERR_INVALID_ARGUMENT.
void split_endpoint(const char * endpoint, std::string & host, std::string & port) {
    require(endpoint != nullptr, "an rpc server is NULL");
    const std::string e     = endpoint;
    const size_t      colon = e.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "rpc server '%s' is not HOST:PORT", endpoint);
    }
    host = e.substr(0, colon);
    port = e.substr(colon + 1);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    const bool digits = !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::atoi(port.c_str()) < 1 || std::atoi(port.c_str()) > 65535) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "rpc server '%s': the port must be 1 to 65535", endpoint);
    }
    if (host.empty() || host.find_first_of(" \t\r\n/") != std::string::npos) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "rpc server '%s' has no valid host", endpoint);
    }
}

// The relay for endpoint, opened on first use; under the registry's mutex.
rpc_relay & relay_for(const char * endpoint) {
    std::string host;
    std::string port;
    split_endpoint(endpoint, host, port);
    relay_registry & reg = registry();
    auto             it  = reg.relays.find(endpoint);
    if (it != reg.relays.end()) {
        return *it->second;
    }
    auto r      = std::make_unique<rpc_relay>();
    r->endpoint = endpoint;
    r->host     = host;
    r->port     = port;
    if (direct()) {
        r->local = endpoint;
    } else {
        open_relay(*r);
    }
    return *(reg.relays[endpoint] = r.release());
}

using add_server_fn = ggml_backend_reg_t (*)(const char * endpoint);

add_server_fn rpc_add_server() {
    ggml_backend_reg_t rpc  = ggml_backend_reg_by_name("RPC");
    const char *       only = std::getenv("JPEGLM_BACKENDS");
    if (rpc == nullptr) {
        fail(JPEGLM_ERR_UNSUPPORTED,
             "this llama.cpp runtime has no RPC backend, so no layer can run on an rpc-server: node-llama-cpp's "
             "prebuilt packages (jpeglm's prebuilt runtime) have none; build jpeglm with the source or portable "
             "runtime (docs/deploy.md)%s",
             only != nullptr && *only != '\0' ? " (or JPEGLM_BACKENDS leaves out libggml-rpc.so)" : "");
    }
    auto fn = (add_server_fn) ggml_backend_reg_get_proc_address(rpc, "ggml_backend_rpc_add_server");
    if (fn == nullptr) {
        fail(JPEGLM_ERR_UNSUPPORTED, "ggml's RPC backend has no ggml_backend_rpc_add_server");
    }
    return fn;
}

// Registers the server's devices with ggml the first time, and asks each for its memory (a round trip, through the
// connection the process already holds if any); a failure shows in r.failures.
void reach(rpc_relay & r, add_server_fn add_server) {
    if (r.reg == nullptr) {
        error_capture            capture;  // ggml's complaints about a server the relay lost say less than it does
        const ggml_backend_reg_t reg = add_server(r.local.c_str());  // nullptr if the server has no device
        if (reg == nullptr) {
            return;
        }
        ggml_backend_register(reg);
        r.reg = reg;
    }
    r.memory.assign(ggml_backend_reg_dev_count(r.reg), {0, 0});
    for (size_t d = 0; d < r.memory.size(); d++) {
        ggml_backend_dev_memory(ggml_backend_reg_dev_get(r.reg, d), &r.memory[d].first, &r.memory[d].second);
    }
}

}  // namespace

std::vector<ggml_backend_dev_t> rpc_connect(const char * const * endpoints, int32_t n, int32_t timeout_ms,
                                            std::vector<rpc_use> & uses) {
    require(n >= 0 && n <= JPEGLM_RPC_MAX_SERVERS, "n_rpc must be 0 to JPEGLM_RPC_MAX_SERVERS");
    require(endpoints != nullptr || n == 0, "rpc_servers is NULL with n_rpc > 0");
    require(timeout_ms > 0, "the rpc timeout must be positive");
    std::vector<ggml_backend_dev_t> devices;
    if (n == 0) {
        return devices;
    }
    for (int32_t i = 0; i < n; i++) {  // every name checked before any server is reached
        std::string host;
        std::string port;
        split_endpoint(endpoints[i], host, port);
        for (int32_t j = 0; j < i; j++) {
            if (std::strcmp(endpoints[i], endpoints[j]) == 0) {
                fail(JPEGLM_ERR_INVALID_ARGUMENT, "rpc server '%s' is named twice", endpoints[i]);
            }
        }
    }
    backend_init();
    const add_server_fn         add_server = rpc_add_server();
    std::lock_guard<std::mutex> lock(registry().mutex);
    for (int32_t i = 0; i < n; i++) {
        rpc_relay & r = relay_for(endpoints[i]);
        r.timeout_ms.store(timeout_ms);
        const uint64_t before = r.failures.load();
        reach(r, add_server);
        if (r.failures.load() != before) {
            fail(JPEGLM_ERR_IO, "%s", r.last_error().c_str());
        }
        if (r.reg == nullptr) {
            fail(JPEGLM_ERR_IO, "rpc-server %s has no device", r.endpoint.c_str());
        }
        uses.push_back(rpc_use{&r, before});
        for (size_t d = 0; d < ggml_backend_reg_dev_count(r.reg); d++) {
            devices.push_back(ggml_backend_reg_dev_get(r.reg, d));
        }
    }
    return devices;
}

bool rpc_failed(const std::vector<rpc_use> & uses) {
    for (const rpc_use & u : uses) {
        if (u.relay->failures.load() != u.failures) {
            return true;
        }
    }
    return false;
}

void rpc_check(const std::vector<rpc_use> & uses) {
    for (const rpc_use & u : uses) {
        if (u.relay->failures.load() != u.failures) {
            fail(JPEGLM_ERR_IO, "%s (the model's layers there are lost: load the model again)",
                 u.relay->last_error().c_str());
        }
    }
}

bool is_rpc_device(ggml_backend_dev_t dev) {
    return ggml_backend_reg_name(ggml_backend_dev_backend_reg(dev)) == std::string("RPC");
}

std::string rpc_server_of(ggml_backend_dev_t dev) {
    std::string endpoint;
    rpc_device_memory(dev, nullptr, nullptr, &endpoint);
    return endpoint;
}

bool rpc_device_memory(ggml_backend_dev_t dev, size_t * free, size_t * total, std::string * endpoint) {
    if (!is_rpc_device(dev)) {
        return false;
    }
    relay_registry &            reg = registry();
    std::lock_guard<std::mutex> lock(reg.mutex);
    for (const auto & entry : reg.relays) {
        const rpc_relay & r = *entry.second;
        for (size_t d = 0; r.reg != nullptr && d < ggml_backend_reg_dev_count(r.reg); d++) {
            if (ggml_backend_reg_dev_get(r.reg, d) == dev) {
                if (free != nullptr && total != nullptr) {
                    *free  = d < r.memory.size() ? r.memory[d].first : 0;
                    *total = d < r.memory.size() ? r.memory[d].second : 0;
                }
                if (endpoint != nullptr) {
                    *endpoint = r.endpoint;
                }
                return true;
            }
        }
    }
    return false;
}

}  // namespace jpeglm
