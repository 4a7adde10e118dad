/*
 * broker.h — the MQTT 3.1.1 broker core: sessions, subscriptions, retained
 * messages, QoS 0/1 delivery (QoS 2 publishes are accepted and delivered at
 * QoS ≤ 1), keep-alive and wills.
 *
 * It does no I/O. The caller (server main.c, or a native unit test) owns the
 * sockets: it opens a connection slot per accepted socket, feeds received
 * bytes with broker_input, writes out what broker_output returns, and closes
 * the socket when broker_close_state says so. Time is passed in (ms on a
 * monotonic clock), so tests control it.
 */
#ifndef BROKER_H
#define BROKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct broker broker;

/* Bounds on everything the broker stores. All must be > 0. */
typedef struct broker_limits {
    uint32_t max_connections;    /* open connection slots */
    uint32_t max_packet;         /* largest incoming packet, bytes (header included) */
    uint32_t max_output;         /* pending output per connection before QoS 0 drops */
    uint32_t max_subscriptions;  /* per session */
    uint32_t max_inflight;       /* unacknowledged QoS 1 messages per session */
    uint32_t max_queued;         /* further QoS 1 messages queued per session */
    uint32_t max_sessions;       /* persistent sessions kept while offline */
    uint32_t max_retained;       /* retained topics */
    uint64_t max_retained_bytes; /* retained topic + payload bytes */
    uint32_t connect_timeout_ms; /* time allowed between accept and CONNECT */
} broker_limits;

/* Defaults suitable for a small edge device. */
broker_limits broker_default_limits(void);

/* Callbacks from the broker to its host. Any may be NULL. */
typedef struct broker_hooks {
    void *ctx;
    /* A message published by an MQTT client (or a will): forward it to the bus.
     * False when the host could not take it (it could not be stored for later
     * delivery): a QoS 1 publisher then gets no PUBACK (3.1.1: the connection
     * is closed, the client sends it again; MQTT 5: PUBACK with reason 0x80).
     * QoS 2 publishes are acknowledged as before. */
    bool (*on_publish)(void *ctx, const char *topic, size_t topic_len, const uint8_t *payload,
                       size_t payload_len, uint8_t qos, bool retain);
    /* A log line; level as edge_log (0 debug .. 3 error). */
    void (*on_log)(void *ctx, uint32_t level, const char *line);
} broker_hooks;

/* Counters, cumulative since broker_create unless noted. */
typedef struct broker_stats {
    uint64_t connections_accepted;
    uint64_t connections_refused; /* no free slot */
    uint32_t connections_open;    /* gauge */
    uint32_t sessions;            /* gauge, connected + offline */
    uint32_t retained;            /* gauge */
    uint64_t packets_in;
    uint64_t publishes_in;        /* from MQTT clients */
    uint64_t publishes_bus;       /* from the host bus */
    uint64_t messages_out;        /* PUBLISH packets written to clients */
    uint64_t dropped_slow_client; /* QoS 0 not written: output full */
    uint64_t dropped_queue_full;  /* QoS 1 not queued: session queue full */
    uint64_t retained_rejected;   /* retained store full */
    uint64_t protocol_errors;     /* connections closed for a bad packet */
    uint64_t keepalive_timeouts;
} broker_stats;

/* What the caller should do with a connection's socket. */
typedef enum broker_close_state {
    BROKER_OPEN = 0,
    BROKER_CLOSE_AFTER_FLUSH = 1, /* write the pending output, then close */
    BROKER_CLOSE_NOW = 2,         /* close now, discarding pending output */
} broker_close_state;

/* NULL on invalid limits or out of memory. */
broker *broker_create(const broker_limits *limits, const broker_hooks *hooks);
void broker_destroy(broker *b);

/* Take a connection slot for a new socket: its id, or -1 if none is free. */
int broker_open(broker *b, uint64_t now_ms);

/* Bytes received on connection `conn`. */
void broker_input(broker *b, int conn, const uint8_t *data, size_t len, uint64_t now_ms);

/* Pending output of `conn`: returns its length and sets *data (valid until
 * the next broker call). */
size_t broker_output(broker *b, int conn, const uint8_t **data);

/* The caller wrote n bytes of the pending output. */
void broker_output_consumed(broker *b, int conn, size_t n);

broker_close_state broker_close_state_of(broker *b, int conn);

/* The socket is gone (closed by either side): free the slot. Publishes the
 * will unless the client sent DISCONNECT. */
void broker_close(broker *b, int conn, uint64_t now_ms);

/* A message from the host bus: deliver to matching clients; store if retain. */
void broker_publish_from_bus(broker *b, const char *topic, size_t topic_len, const uint8_t *payload,
                             size_t payload_len, uint8_t qos, bool retain);

/* Enforce keep-alive and CONNECT timeouts. Returns ms until the next
 * deadline (capped at 60000). */
uint64_t broker_tick(broker *b, uint64_t now_ms);

broker_stats broker_get_stats(const broker *b);

#endif
