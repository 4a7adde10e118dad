/*
 * edge_support.h — small helpers every guest module shares: formatted
 * logging through edge_log, typed configuration reads through
 * edge_config_get, the monotonic/realtime clocks and a bounded wait.
 */
#ifndef EDGE_SUPPORT_H
#define EDGE_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasmc_edge.h"

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
