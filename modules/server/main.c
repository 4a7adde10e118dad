/*
 * main.c — the server module: an MQTT 3.1.1 broker on the listening socket
 * the host pre-opens for it, bridged to the host bus.
 *
 * Sockets: non-blocking, multiplexed with poll() (wasi-libc turns it into
 * poll_oneoff). Bus: messages from the host arrive in edge_message_received (inside
 * poll) and are queued; the loop hands them to the broker. Messages MQTT
 * clients publish go out through host.publish (edge_publish_bytes).
 *
 * Config (--set server.KEY=VALUE):
 *   listen_fd          fd of the listening socket (default: the first fd ≥ 3
 *                      whose WASI filetype is SOCKET_STREAM)
 *   max_clients        simultaneous MQTT connections (default 64)
 *   max_packet         largest accepted packet in bytes (default 262144)
 *   max_inflight       unacknowledged QoS 1 messages per session (default 32)
 *   max_queued         further QoS 1 messages queued per session (default 256)
 *   bridge_filter      bus filter forwarded to MQTT clients (default "#")
 *   stats_interval_ms  period of the stats log line, 0 = off (default 60000)
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wasi/api.h>

#include "broker.h"
#include "edge_support.h"
#include "inbox.h"

#define MAX_CLIENTS_LIMIT 4096
#define READ_CHUNK 16384
#define ACCEPTS_PER_ROUND 16
#define FD_SCAN_LIMIT 64

static inbox bus_inbox;
static uint64_t bus_dropped;
/* A QoS 1 message went to the bus since the last host.sync: PUBACKs wait for it. */
static bool unsynced;

void edge_message_received(char *block, uint32_t topic_len, uint32_t payload_len, uint32_t flags) {
    inbox_message m = {block, topic_len, payload_len, flags};
    if (!inbox_push(&bus_inbox, &m)) {
        bus_dropped++; /* logged from the main loop */
        inbox_message_free(&m);
    }
}

static bool hook_publish(void *ctx, const char *topic, size_t topic_len, const uint8_t *payload,
                         size_t payload_len, uint8_t qos, bool retain) {
    (void)ctx;
    if (qos > 0)
        unsynced = true;
    wasmc_edge_host_publish_error_t err;
    if (edge_publish_bytes(topic, topic_len, payload, payload_len, qos, retain, &err))
        return true;
    edge_logf(EDGE_LOG_WARN, "publish failed (error %d) for topic %.*s", (int)err, (int)topic_len, topic);
    /* bus-full: the host could not keep it (e.g. its queue for later delivery is on a full
     * disk), so the broker must not acknowledge it. */
    return err != WASMC_EDGE_HOST_PUBLISH_ERROR_BUS_FULL;
}

static void hook_log(void *ctx, uint32_t level, const char *line) {
    (void)ctx;
    edge_logf(level, "%s", line);
}

/* The pre-opened listening socket: config listen_fd, else the first stream
 * socket among the first fds. */
static int find_listener(void) {
    uint64_t fd = edge_config_uint("listen_fd", UINT64_MAX, 0, INT32_MAX);
    if (fd != UINT64_MAX)
        return (int)fd;
    for (int i = 3; i < 3 + FD_SCAN_LIMIT; i++) {
        __wasi_fdstat_t st;
        if (__wasi_fd_fdstat_get((__wasi_fd_t)i, &st) != __WASI_ERRNO_SUCCESS)
            continue;
        if (st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM)
            return i;
    }
    return -1;
}

typedef struct server {
    broker *broker;
    int listener;
    uint32_t max_clients;
    int *conn_fd;        /* broker connection id → socket fd, -1 if free */
    struct pollfd *pfds; /* [0] listener, then one per polled connection */
    int *pfd_conn;       /* pfds index → connection id */
    uint8_t chunk[READ_CHUNK];
} server;

static void close_conn(server *sv, int conn, uint64_t now) {
    close(sv->conn_fd[conn]);
    sv->conn_fd[conn] = -1;
    broker_close(sv->broker, conn, now);
}

/* Write as much pending output as the socket takes. False on a dead socket. */
static bool flush_conn(server *sv, int conn) {
    const uint8_t *data;
    size_t len;
    while ((len = broker_output(sv->broker, conn, &data)) > 0) {
        ssize_t n = send(sv->conn_fd[conn], data, len, 0);
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        if (n == 0)
            return true;
        broker_output_consumed(sv->broker, conn, (size_t)n);
    }
    return true;
}

static void accept_clients(server *sv, uint64_t now) {
    for (int i = 0; i < ACCEPTS_PER_ROUND; i++) {
        __wasi_fd_t fd;
        __wasi_errno_t err = __wasi_sock_accept((__wasi_fd_t)sv->listener, __WASI_FDFLAGS_NONBLOCK, &fd);
        if (err == __WASI_ERRNO_AGAIN)
            return;
        if (err != __WASI_ERRNO_SUCCESS) {
            edge_logf(EDGE_LOG_WARN, "sock_accept failed: errno %u", (unsigned)err);
            return;
        }
        int conn = broker_open(sv->broker, now);
        if (conn < 0) {
            uint64_t refused = broker_get_stats(sv->broker).connections_refused;
            if (refused % 100 == 1) /* the first, then every 100th */
                edge_logf(EDGE_LOG_WARN, "refusing connection: %u clients already connected (%llu refused)",
                          sv->max_clients, (unsigned long long)refused);
            close((int)fd);
            continue;
        }
        sv->conn_fd[conn] = (int)fd;
    }
}

/* Read once from a readable connection. */
static void read_conn(server *sv, int conn, uint64_t now) {
    ssize_t n = recv(sv->conn_fd[conn], sv->chunk, sizeof sv->chunk, 0);
    if (n > 0) {
        broker_input(sv->broker, conn, sv->chunk, (size_t)n, now);
    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        close_conn(sv, conn, now); /* peer closed or socket error */
    }
}

static void drain_bus(server *sv) {
    inbox_message m;
    while (inbox_pop(&bus_inbox, &m)) {
        broker_publish_from_bus(sv->broker, inbox_topic(&m), m.topic_len, inbox_payload(&m), m.payload_len,
                                (uint8_t)(m.flags & EDGE_MSG_QOS_MASK), (m.flags & EDGE_MSG_RETAIN) != 0);
        inbox_message_free(&m);
    }
    static uint64_t reported;
    if (bus_dropped != reported) {
        edge_logf(EDGE_LOG_WARN, "bus inbox full: dropped %llu messages so far",
                  (unsigned long long)bus_dropped);
        reported = bus_dropped;
    }
}

static void log_stats(server *sv) {
    broker_stats st = broker_get_stats(sv->broker);
    edge_logf(EDGE_LOG_INFO,
              "stats: open=%u accepted=%llu refused=%llu sessions=%u retained=%u in=%llu "
              "bus_in=%llu out=%llu dropped_slow=%llu dropped_queue=%llu bus_dropped=%llu "
              "protocol_errors=%llu keepalive_timeouts=%llu",
              st.connections_open, (unsigned long long)st.connections_accepted,
              (unsigned long long)st.connections_refused, st.sessions, st.retained,
              (unsigned long long)st.publishes_in, (unsigned long long)st.publishes_bus,
              (unsigned long long)st.messages_out, (unsigned long long)st.dropped_slow_client,
              (unsigned long long)st.dropped_queue_full, (unsigned long long)bus_dropped,
              (unsigned long long)st.protocol_errors, (unsigned long long)st.keepalive_timeouts);
}

int main(void) {
    static server sv;
    broker_limits limits = broker_default_limits();
    sv.max_clients = (uint32_t)edge_config_uint("max_clients", limits.max_connections, 1, MAX_CLIENTS_LIMIT);
    limits.max_connections = sv.max_clients;
    limits.max_packet = (uint32_t)edge_config_uint("max_packet", limits.max_packet, 64, 16u * 1024 * 1024);
    limits.max_inflight = (uint32_t)edge_config_uint("max_inflight", limits.max_inflight, 1, 65535);
    limits.max_queued = (uint32_t)edge_config_uint("max_queued", limits.max_queued, 1, 1000000);
    uint64_t stats_interval = edge_config_uint("stats_interval_ms", 60000, 0, UINT32_MAX);
    char filter[256] = "#";
    edge_config_string("bridge_filter", filter, sizeof filter);

    sv.listener = find_listener();
    if (sv.listener < 0) {
        edge_logf(EDGE_LOG_ERROR,
                  "no pre-opened listening socket (no SOCKET_STREAM fd in "
                  "3..%d and no listen_fd config)",
                  3 + FD_SCAN_LIMIT - 1);
        return 1;
    }
    if (fcntl(sv.listener, F_SETFL, O_NONBLOCK) != 0)
        edge_logf(EDGE_LOG_WARN, "cannot make listener fd %d non-blocking (errno %d)", sv.listener, errno);

    broker_hooks hooks = {.ctx = NULL, .on_publish = hook_publish, .on_log = hook_log};
    sv.broker = broker_create(&limits, &hooks);
    sv.conn_fd = malloc(sv.max_clients * sizeof *sv.conn_fd);
    sv.pfds = malloc((sv.max_clients + 1) * sizeof *sv.pfds);
    sv.pfd_conn = malloc((sv.max_clients + 1) * sizeof *sv.pfd_conn);
    if (sv.broker == NULL || sv.conn_fd == NULL || sv.pfds == NULL || sv.pfd_conn == NULL ||
        !inbox_init(&bus_inbox, 1024, 8u * 1024 * 1024)) {
        edge_logf(EDGE_LOG_ERROR, "out of memory at startup");
        return 1;
    }
    for (uint32_t i = 0; i < sv.max_clients; i++)
        sv.conn_fd[i] = -1;
    if (!edge_subscribe_filter(filter))
        edge_logf(EDGE_LOG_ERROR, "subscribe(%s) failed: no bus messages will reach MQTT", filter);
    edge_logf(EDGE_LOG_INFO, "MQTT broker listening on fd %d (max_clients=%u, bridge %s)", sv.listener,
              sv.max_clients, filter);

    uint64_t next_stats = edge_monotonic_ms() + stats_interval;
    for (;;) {
        uint64_t now = edge_monotonic_ms();
        drain_bus(&sv);
        broker_tick(sv.broker, now);
        /* The PUBACKs about to be written promise that their messages are durable: one
         * host.sync covers every QoS 1 message read since the last one (group commit). */
        if (unsynced) {
            unsynced = false;
            if (!wasmc_edge_host_sync())
                edge_logf(EDGE_LOG_WARN, "host.sync failed: acknowledged messages may not be durable");
        }
        /* Write what is pending, close what should close, build the poll set. */
        nfds_t n = 0;
        sv.pfds[n] = (struct pollfd){.fd = sv.listener, .events = POLLIN};
        sv.pfd_conn[n++] = -1;
        for (uint32_t c = 0; c < sv.max_clients; c++) {
            if (sv.conn_fd[c] < 0)
                continue;
            broker_close_state cs = broker_close_state_of(sv.broker, (int)c);
            if (cs != BROKER_CLOSE_NOW && !flush_conn(&sv, (int)c))
                cs = BROKER_CLOSE_NOW;
            const uint8_t *pending;
            bool has_output = broker_output(sv.broker, (int)c, &pending) > 0;
            if (cs == BROKER_CLOSE_NOW || (cs == BROKER_CLOSE_AFTER_FLUSH && !has_output)) {
                close_conn(&sv, (int)c, now);
                continue;
            }
            sv.pfds[n] =
                (struct pollfd){.fd = sv.conn_fd[c], .events = (short)(POLLIN | (has_output ? POLLOUT : 0))};
            sv.pfd_conn[n++] = (int)c;
        }
        uint64_t wait = broker_tick(sv.broker, now);
        if (bus_inbox.count > 0)
            wait = 0;
        if (wait > EDGE_MAX_WAIT_MS)
            wait = EDGE_MAX_WAIT_MS;
        int ready = poll(sv.pfds, n, (int)wait);
        if (ready < 0) {
            if (errno != EINTR)
                edge_logf(EDGE_LOG_WARN, "poll failed: errno %d", errno);
            continue;
        }
        now = edge_monotonic_ms();
        for (nfds_t i = 1; i < n; i++) {
            int c = sv.pfd_conn[i];
            if (sv.conn_fd[c] < 0)
                continue;
            short re = sv.pfds[i].revents;
            if (re & POLLNVAL) {
                sv.conn_fd[c] = -1; /* fd vanished: nothing to close */
                broker_close(sv.broker, c, now);
            } else if (re & (POLLIN | POLLHUP | POLLERR)) {
                read_conn(&sv, c, now);
            }
        }
        if (sv.pfds[0].revents & POLLIN)
            accept_clients(&sv, now);
        if (stats_interval > 0 && now >= next_stats) {
            log_stats(&sv);
            next_stats = now + stats_interval;
        }
    }
}
