/*
 * delivery_policy.h — what the gateway does with the result of one POST,
 * and how long it waits before the next try. Pure.
 */
#ifndef DELIVERY_POLICY_H
#define DELIVERY_POLICY_H

#include <stdint.h>

typedef enum delivery_outcome {
    DELIVERY_DONE,     /* 2xx: delivered */
    DELIVERY_RETRY,    /* transient: connect/timeout, 408, 429, 5xx, other errors */
    DELIVERY_DENIED,   /* the host's policy refused the destination: drop, do not retry */
    DELIVERY_REJECTED, /* the endpoint refused this message (other 1xx/3xx/4xx): drop */
} delivery_outcome;

/* What the gateway makes of host.http-post's errors (statuses are non-negative). */
#define EDGE_HTTP_DENIED (-1)  /* the host's policy forbids this URL: do not retry */
#define EDGE_HTTP_CONNECT (-2) /* connect failure or timeout: retry later        */
#define EDGE_HTTP_OTHER (-3)   /* anything else (bad URL, host out of memory, …) */

/* Classify the result of a POST: an HTTP status or EDGE_HTTP_*. */
delivery_outcome delivery_classify(int32_t result);

/*
 * Wait before retry number `attempt` (1 = first retry):
 * initial_ms × 2^(attempt-1), capped at max_ms.
 */
uint64_t delivery_backoff_ms(uint32_t attempt, uint64_t initial_ms, uint64_t max_ms);

/* A short name for logs: "ok", "denied", "connect failure", "HTTP error", … */
const char *delivery_describe(int32_t result);

#endif
