/*
 * wasmc_edge.h — the "edge" host ABI between a wasmc host and its guest modules.
 *
 * This header is the whole contract. A guest module is a WASI command
 * (wasm32-wasi, `_start` runs `main()`, which loops until the host stops the
 * instance) that additionally imports the functions below from the wasm
 * import module "edge" and exports `edge_alloc` and `edge_on_message`.
 *
 * Conventions for every function here:
 *   - Pointers are guest linear-memory addresses (i32). The host checks that
 *     every [ptr, ptr+len) range lies inside the guest memory; a range that
 *     does not is a guest bug and the host traps the instance.
 *   - Lengths are in bytes (u32). Strings are NOT NUL-terminated.
 *   - Results are i32. Negative results are errors (see each function).
 *   - The host never keeps a guest pointer after the call returns.
 *
 * Topics and filters follow MQTT 3.1.1 (section 4.7): topic names are
 * non-empty UTF-8 without `+` or `#`; filters may use `+` (one level) and
 * `#` (the rest, last level only); filters that begin with a wildcard do not
 * match topics that begin with `$`.
 *
 * Message delivery (host → guest), the rules the host follows:
 *   1. The host keeps a bounded inbox per module. A message published on the
 *      bus (by any module through edge_publish) goes to the inbox of every
 *      OTHER module that holds a matching subscription (edge_subscribe),
 *      once per module even if several of its filters match. A module never
 *      receives its own publishes. Inbox overflow drops the oldest message,
 *      and the host counts and logs the drop.
 *   2. The host delivers only while the module is blocked inside the WASI
 *      call `poll_oneoff` (never inside any other import, never while the
 *      module is running its own code), on the module's own thread:
 *        a. p = edge_alloc(topic_len + payload_len)   (one block per message)
 *        b. copy the topic to p and the payload to p + topic_len
 *        c. edge_on_message(p, topic_len, p + topic_len, payload_len, flags)
 *      If edge_alloc returns 0 the host drops that message (counted, logged)
 *      and does not call edge_on_message.
 *   3. After delivering at least one message, the host returns from that
 *      poll_oneoff promptly: it reports the ready fd events it has, or else
 *      the earliest clock subscription as fired (an early wake-up, which
 *      guests must tolerate). The guests below never wait longer than
 *      EDGE_MAX_WAIT_MS anyway, so a host that does not wake them early
 *      only adds latency.
 *   4. Ownership: the block returned by edge_alloc belongs to the guest. The
 *      host never frees it. The guest frees it (libc free() on the topic
 *      pointer, which is the block's start) when it is done with the
 *      message, during the callback or later (e.g. after queueing it).
 *   5. A trap inside edge_alloc or edge_on_message is a trap of the module.
 *
 * Inside edge_on_message a guest must keep to short, non-blocking work:
 * copy or queue the message. It may call edge_log and edge_message_done; it must not call
 * edge_publish, edge_subscribe, edge_http_post or any blocking WASI call.
 */
#ifndef WASMC_EDGE_H
#define WASMC_EDGE_H

#include <stdint.h>

#if defined(__wasm__)
#define EDGE_IMPORT(name) __attribute__((import_module("edge"), import_name(name)))
#define EDGE_EXPORT(name) __attribute__((export_name(name)))
#else
/* Native builds (unit tests) link ordinary C functions of the same names. */
#define EDGE_IMPORT(name)
#define EDGE_EXPORT(name)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Longest a guest module blocks in one poll_oneoff, in milliseconds. */
#define EDGE_MAX_WAIT_MS 100

/* edge_log levels. */
#define EDGE_LOG_DEBUG 0u
#define EDGE_LOG_INFO 1u
#define EDGE_LOG_WARN 2u
#define EDGE_LOG_ERROR 3u

/* Bits of the `flags` argument of edge_on_message. */
#define EDGE_MSG_QOS_MASK 0x3u /* bits 0-1: QoS the publisher used (0, 1) */
#define EDGE_MSG_RETAIN 0x4u   /* bit 2: the publisher set RETAIN        */

/* edge_http_post errors (non-negative results are HTTP status codes). */
#define EDGE_HTTP_DENIED (-1)  /* the host's policy forbids this URL: do not retry */
#define EDGE_HTTP_CONNECT (-2) /* connect failure or timeout: retry later        */
#define EDGE_HTTP_OTHER (-3)   /* anything else (bad URL, host out of memory, …) */

/* ---- imports: the host provides these (wasm module "edge") ------------- */

/*
 * Publish a message on the host's bus.
 * topic: a valid topic name (no wildcards). qos: 0 or 1. retain: 0 or 1.
 * The host delivers it to every other module subscribed to a matching
 * filter (the server module subscribes to "#" and forwards to MQTT clients,
 * storing it if retain is 1).
 * Returns 0 on success, -1 invalid topic/qos, -2 the message was dropped
 * (host bus full, or it could not be stored for later delivery: the
 * uplink queue or an at-least-once inbox), -3 other error.
 */
EDGE_IMPORT("edge_publish")
int32_t edge_publish(const char *topic, uint32_t topic_len, const void *payload,
                     uint32_t payload_len, uint32_t qos, uint32_t retain);

/*
 * Subscribe this module to an MQTT-style topic filter. Matching messages
 * arrive through edge_on_message (see the delivery rules above).
 * Subscribing twice to the same filter is not an error and has no effect.
 * Returns 0 on success, -1 invalid filter, -2 too many subscriptions.
 */
EDGE_IMPORT("edge_subscribe")
int32_t edge_subscribe(const char *filter, uint32_t len);

/*
 * POST `body` to `url` with header `Content-Type: content_type`, waiting at
 * most timeout_ms for the whole exchange. Blocks the calling module (its
 * inbox keeps filling; nothing is delivered during this call).
 * Returns the HTTP status (100..599) of the response, or
 *   EDGE_HTTP_DENIED  (-1) the host's policy does not allow this destination,
 *   EDGE_HTTP_CONNECT (-2) connection refused/reset or timeout,
 *   EDGE_HTTP_OTHER   (-3) any other failure.
 * The response body is discarded.
 */
EDGE_IMPORT("edge_http_post")
int32_t edge_http_post(const char *url, uint32_t url_len, const char *content_type,
                       uint32_t ct_len, const void *body, uint32_t body_len,
                       uint32_t timeout_ms);

/*
 * Write one structured log line, tagged by the host with the module name.
 * level: EDGE_LOG_DEBUG..EDGE_LOG_ERROR (larger values are treated as error).
 * msg need not be NUL-terminated and should not end in a newline.
 */
EDGE_IMPORT("edge_log")
void edge_log(uint32_t level, const char *msg, uint32_t len);

/*
 * Read this module's configuration value for `key` (given to the host as
 * `--set MODULE.KEY=VALUE`). Copies min(length, cap) bytes to buf (no NUL
 * terminator is written) and returns the full length of the value, which
 * may exceed cap (the copy was truncated), or -1 if the key is unset.
 */
EDGE_IMPORT("edge_config_get")
int32_t edge_config_get(const char *key, uint32_t key_len, char *buf, uint32_t cap);

/*
 * Read a host metric by name into *value (8 bytes, little-endian u64, at a
 * guest address aligned to 8). Returns 0 on success, -1 if the host does not
 * know the name. Names the host should provide (all cumulative since the
 * host started unless noted):
 *   "bus.published"   messages accepted by edge_publish, all modules
 *   "bus.delivered"   edge_on_message calls, all modules
 *   "bus.dropped"     messages dropped by full inboxes or failed edge_alloc
 *   "http.requests"   edge_http_post calls, all modules
 *   "host.load1_milli" 1-minute load average of the machine × 1000 (gauge)
 *   "host.rss_bytes"  resident memory of the host process (gauge)
 */
EDGE_IMPORT("edge_metric_get")
int32_t edge_metric_get(const char *name, uint32_t name_len, uint64_t *value);

/*
 * Durability point (issue 15): make every message this module has published
 * so far durable wherever the host keeps messages for later delivery (the
 * upstream queue under --state-dir). One call covers all earlier publishes,
 * so a module that acknowledges messages (the broker's PUBACK) publishes a
 * batch, calls edge_sync once, then acknowledges the batch: group commit.
 * Returns 0 when they are durable (or the host keeps nothing), -1 when the
 * host could not make them so.
 */
EDGE_IMPORT("edge_sync")
int32_t edge_sync(void);

/*
 * At-least-once delivery (issue 15): the oldest message delivered to this
 * module that it has not finished yet is now finished (forwarded, or dropped
 * on purpose). A module importing this function gets every message again,
 * in order, until it says so: the host keeps them (on disk with
 * --state-dir) and delivers them anew after the module traps or the host
 * restarts. It also delivers at most 64 unfinished messages at a time. May
 * be called inside edge_on_message. Returns 0, or -1 if nothing was pending.
 */
EDGE_IMPORT("edge_message_done")
int32_t edge_message_done(void);

/* ---- exports: every guest module provides these ------------------------ */

/*
 * Allocate `size` bytes (malloc-compatible; size 0 gives a unique non-null
 * block) for the host to place a message in. Returns 0 when out of memory.
 * The guest owns the block and frees it (rule 4 above).
 */
EDGE_EXPORT("edge_alloc")
void *edge_alloc(uint32_t size);

/*
 * Receive one bus message. `topic` is the start of a block from edge_alloc
 * that now belongs to the guest; `payload` points into the same block.
 * flags: EDGE_MSG_QOS_MASK and EDGE_MSG_RETAIN bits; other bits are zero.
 */
EDGE_EXPORT("edge_on_message")
void edge_on_message(const char *topic, uint32_t topic_len, const void *payload,
                     uint32_t payload_len, uint32_t flags);

#ifdef __cplusplus
}
#endif

#endif /* WASMC_EDGE_H */
