/*
 * The edge host's way off the device (Sources/EdgeHost, Swift, calls these):
 *
 *   - wasmc_queue: a bounded FIFO of messages, on disk when given a directory
 *     (append-only segment files, each record with its length and CRC-32,
 *     fdatasync with group commit), that survives SIGKILL and power loss.
 *   - wasmc_bridge: an MQTT 3.1.1 client to an upstream broker (a cluster),
 *     (or MQTT over TLS) on its own thread, built on the broker module's codec
 *     (modules/server/mqtt_codec.c, compiled natively into the host). It
 *     forwards `out` messages from a wasmc_queue at QoS 1, in order, with
 *     reconnection and backoff, and hands `in` messages to the host.
 */
#ifndef WASMC_EDGE_UPLINK_H
#define WASMC_EDGE_UPLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A log line from the queue or the bridge; level 0 debug .. 3 error. */
typedef void (*wasmc_uplink_log)(void *ctx, uint32_t level, const char *line);

/* ---- the durable queue -------------------------------------------------- */

typedef struct wasmc_queue wasmc_queue;

typedef struct wasmc_queue_stats {
  uint64_t appended;     /* records accepted since open */
  uint64_t acknowledged; /* records removed because the consumer was done */
  uint64_t dropped_full; /* oldest records dropped to make room (the policy when full) */
  uint64_t recovered;    /* records found on disk at open */
  uint64_t damaged;      /* damaged or truncated regions found at open */
  uint64_t syncs;        /* fdatasync calls (group commits) */
  uint64_t records;      /* gauge: records held */
  uint64_t bytes;        /* gauge: record bytes held */
} wasmc_queue_stats;

/*
 * Open the queue kept in `directory` (created if missing; NULL: in memory
 * only), holding at most max_bytes of records. Records already there are
 * recovered in order; a damaged or truncated record ends its segment: the
 * intact prefix is kept, the rest is cut off and logged. NULL with `error`
 * set when the directory cannot be used.
 */
wasmc_queue *wasmc_queue_open(const char *directory, uint64_t max_bytes, wasmc_uplink_log log, void *log_ctx,
                              char *error, size_t error_size);
void wasmc_queue_close(wasmc_queue *q);

/*
 * Append a record (written, not yet synced). Returns its sequence number
 * (> 0, increasing), or 0 when it cannot be stored (larger than the queue,
 * or a write error, logged). When the queue is full the oldest records are
 * dropped for it, counted in dropped_full.
 */
uint64_t wasmc_queue_append(wasmc_queue *q, const void *data, size_t length);

/* Make every appended record durable (one fdatasync for all of them: group
 * commit). True when nothing was pending or the sync succeeded. */
bool wasmc_queue_sync(wasmc_queue *q);

/*
 * The first held record with a sequence number >= seq: copies up to cap
 * bytes into buf (none when cap is 0), sets *found_seq and returns the record's full length;
 * returns -1 when there is none.
 */
int64_t wasmc_queue_read(wasmc_queue *q, uint64_t seq, void *buf, size_t cap, uint64_t *found_seq);

/* The consumer is done with record `seq` (out of order is fine: the head
 * advances over every finished record). Finished segment files are deleted. */
void wasmc_queue_ack(wasmc_queue *q, uint64_t seq);

/* Sequence number of the oldest held record, 0 when empty. */
uint64_t wasmc_queue_first(wasmc_queue *q);

wasmc_queue_stats wasmc_queue_get_stats(wasmc_queue *q);

/* ---- the upstream bridge ------------------------------------------------ */

typedef enum wasmc_bridge_direction {
  WASMC_BRIDGE_OUT = 1, /* local → upstream */
  WASMC_BRIDGE_IN = 2,  /* upstream → local */
  WASMC_BRIDGE_BOTH = 3,
} wasmc_bridge_direction;

typedef struct wasmc_bridge_topic {
  const char *filter;
  int direction; /* wasmc_bridge_direction */
  uint8_t qos;   /* 0 or 1: the most a message is forwarded with */
} wasmc_bridge_topic;

typedef struct wasmc_bridge_config {
  const char *host;
  uint16_t port;
  bool tls;            /* mqtts: TLS 1.2+, the certificate checked against... */
  const char *ca_file; /* ...these CAs (PEM), or the system's when NULL */
  const char *client_id;
  const char *username; /* NULL: none */
  const char *password; /* NULL: none */
  uint16_t keep_alive_s;
  const wasmc_bridge_topic *topics;
  int topic_count;
  /* Retained "1" while connected, "0" as the will (mosquitto's convention). */
  const char *state_topic;
  uint32_t retry_initial_ms, retry_max_ms;
  uint32_t max_inflight; /* unacknowledged QoS 1 publishes upstream */
} wasmc_bridge_config;

/* A message from upstream on an `in` topic, on the bridge's thread. */
typedef void (*wasmc_bridge_receive)(void *ctx, const char *topic, size_t topic_length,
                                     const uint8_t *payload, size_t payload_length, uint8_t qos, bool retain);

typedef struct wasmc_bridge wasmc_bridge;

typedef struct wasmc_bridge_stats {
  uint64_t connects;        /* successful CONNACKs */
  uint64_t disconnects;     /* connections lost or dropped */
  uint64_t sent;            /* PUBLISH packets written upstream (resends included) */
  uint64_t acknowledged;    /* PUBACKs for them (and QoS 0 sends) */
  uint64_t received;        /* PUBLISH packets from upstream */
  uint64_t protocol_errors; /* malformed or unexpected upstream packets */
  uint32_t connected;       /* gauge */
} wasmc_bridge_stats;

/* Start the bridge's thread. The config is copied; `queue` must outlive the
 * bridge. NULL with `error` set on a bad config. */
wasmc_bridge *wasmc_bridge_start(const wasmc_bridge_config *config, wasmc_queue *queue,
                                 wasmc_bridge_receive receive, wasmc_uplink_log log, void *ctx, char *error,
                                 size_t error_size);

/*
 * A local message: if its topic matches an `out` (or `both`) filter, it is
 * appended to the queue (not yet synced: see wasmc_bridge_sync) and the
 * bridge is woken. Returns 1 queued, 0 not for upstream, -1 not stored.
 */
int wasmc_bridge_offer(wasmc_bridge *b, const char *topic, size_t topic_length, const uint8_t *payload,
                       size_t payload_length, uint8_t qos, bool retain);

/* Make what wasmc_bridge_offer queued durable (the queue's group commit). */
bool wasmc_bridge_sync(wasmc_bridge *b);

/* Stop the thread, send DISCONNECT if connected, free the bridge. */
void wasmc_bridge_stop(wasmc_bridge *b);

wasmc_bridge_stats wasmc_bridge_get_stats(wasmc_bridge *b);

/* Record layout in the queue: [flags u8: QoS bits 0-1, retain bit 2]
 * [topic length u16 big-endian][topic][payload]. Exposed for tests. */
size_t wasmc_bridge_encode_record(uint8_t *out, size_t cap, const char *topic, size_t topic_length,
                                  const uint8_t *payload, size_t payload_length, uint8_t qos, bool retain);

#ifdef __cplusplus
}
#endif

#endif
