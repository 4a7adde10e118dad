/*
 * edge_support.h — small helpers every guest module shares over the edge ABI's
 * generated bindings (edge.h, from modules/edge.wit): formatted logging, typed
 * configuration reads, publishing bytes, the monotonic/realtime clocks, a
 * bounded wait, and the guest.on-message export, which hands each bus message
 * to the module's edge_message_received.
 */
#ifndef EDGE_SUPPORT_H
#define EDGE_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "edge.h" /* generated from modules/edge.wit by modules/bindgen.sh */

/* Longest a guest module blocks in one poll_oneoff, in milliseconds: the host
 * delivers messages only there, so this bounds the latency of a host that does
 * not wake modules early. */
#define EDGE_MAX_WAIT_MS 100

/* Log levels (host.log-level). */
#define EDGE_LOG_DEBUG WASMC_EDGE_HOST_LOG_LEVEL_DEBUG
#define EDGE_LOG_INFO WASMC_EDGE_HOST_LOG_LEVEL_INFO
#define EDGE_LOG_WARN WASMC_EDGE_HOST_LOG_LEVEL_WARN
#define EDGE_LOG_ERROR WASMC_EDGE_HOST_LOG_LEVEL_ERROR

/* The flags a module keeps with a queued bus message. */
#define EDGE_MSG_QOS_MASK 0x3u /* bits 0-1: QoS the publisher used (0, 1) */
#define EDGE_MSG_RETAIN 0x4u   /* bit 2: the publisher set RETAIN        */

/*
 * Each module defines this: one bus message, delivered inside poll_oneoff
 * (see "Delivery" in modules/edge.wit). `block` is malloc'd and now the
 * module's: the topic, then the payload right after it; free(block) when done.
 */
void edge_message_received(char *block, uint32_t topic_len, uint32_t payload_len, uint32_t flags);

/* host.publish of raw bytes with no properties; false (and *err) if refused. */
bool edge_publish_bytes(const char *topic, size_t topic_len, const void *payload, size_t payload_len,
                        uint32_t qos, bool retain, wasmc_edge_host_publish_error_t *err);

/* host.subscribe; false if the host refused the filter (logged). */
bool edge_subscribe_filter(const char *filter);

/* host.metric-get; false if the host does not know the name. */
bool edge_metric(const char *name, uint64_t *value);

/* printf-style edge_log; the line is cut at 511 bytes. */
void edge_logf(uint32_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Copy config value `key` into buf as a NUL-terminated string. Returns true
 * if it is set and fits (cap includes the NUL); a value that does not fit is
 * logged and treated as unset.
 */
bool edge_config_string(const char *key, char *buf, size_t cap);

/*
 * Config value `key` as a decimal integer in [min, max]; `fallback` if it
 * is unset. A malformed or out-of-range value is logged and gives fallback.
 */
uint64_t edge_config_uint(const char *key, uint64_t fallback, uint64_t min, uint64_t max);

/* Milliseconds on the monotonic clock (WASI clock_time_get, MONOTONIC). */
uint64_t edge_monotonic_ms(void);

/* Nanoseconds on the monotonic clock. */
uint64_t edge_monotonic_ns(void);

/* Milliseconds since the Unix epoch (WASI clock_time_get, REALTIME). */
uint64_t edge_realtime_ms(void);

/*
 * Block in poll_oneoff for at most min(ms, EDGE_MAX_WAIT_MS), letting the
 * host deliver messages. May return early.
 */
void edge_wait_ms(uint64_t ms);

#endif
