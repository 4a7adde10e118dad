/*
 * main.c — the gateway module: subscribes to bus messages and POSTs each one
 * to an HTTP endpoint as a JSON envelope (see envelope.h), in order, one at
 * a time, with exponential backoff on transient failures.
 *
 * Nothing is dropped silently: every drop is counted by reason and logged
 * (at most one line per reason per second, with the number left out), and
 * the counters appear in the periodic stats line.
 *
 * Config (--set gateway.KEY=VALUE):
 *   endpoint           URL to POST to (required; without it the gateway
 *                      logs an error and subscribes to nothing)
 *   topic_filter       bus filter (default "#")
 *   queue_max          messages waiting in the guest (default 256)
 *   queue_max_bytes    their topic+payload bytes (default 4194304)
 *   timeout_ms         per-POST timeout given to the host (default 5000)
 *   retry_initial_ms   first backoff (default 500)
 *   retry_max_ms       backoff cap (default 30000)
 *   max_attempts       tries per message before dropping it, 0 = no limit
 *                      (default 10)
 *   max_body           largest POST body, bytes (default 1048576)
 *   stats_interval_ms  period of the stats log line, 0 = off (default 60000)
 * When the queue is full the OLDEST message is dropped to make room.
 *
 * At-least-once: every message leaves the queue through finish(), which calls
 * host.message-done, so the host keeps it (on disk with --state-dir) until
 * then and delivers it again after a crash. The queue's order is the order
 * the host delivered in (a message too large to keep stays in line as a
 * marker), which is what message-done's "the oldest" relies on.
 */
#include <stdlib.h>
#include <string.h>

#include "delivery_policy.h"
#include "edge_support.h"
#include "envelope.h"
#include "inbox.h"

typedef enum drop_reason {
    DROP_QUEUE_FULL, /* the guest queue overflowed (oldest dropped) */
    DROP_TOO_LARGE,  /* the message alone exceeds queue_max_bytes / max_body */
    DROP_DENIED,     /* host policy refused the endpoint */
    DROP_REJECTED,   /* the endpoint answered a non-retryable status */
    DROP_GAVE_UP,    /* max_attempts transient failures */
    DROP_REASONS
} drop_reason;

static const char *const DROP_NAMES[DROP_REASONS] = {"queue full (oldest dropped)", "message too large",
                                                     "endpoint denied by host policy", "rejected by endpoint",
                                                     "too many failed attempts"};

typedef struct gateway {
    char endpoint[1024];
    uint32_t timeout_ms, max_attempts;
    uint64_t retry_initial_ms, retry_max_ms, max_body;
    inbox queue;
    /* Retry state of the message at the head of the queue. */
    uint32_t attempts;
    uint64_t next_attempt_ms;
    /* Counters. */
    uint64_t delivered, retries;
    uint64_t dropped[DROP_REASONS];
    uint64_t dropped_logged[DROP_REASONS]; /* dropped[] at the last log line */
    uint64_t last_log_ms[DROP_REASONS];
} gateway;

static gateway gw;

/* In inbox_message.flags: a message too large to keep, in line only to be dropped. */
#define MARK_TOO_LARGE 0x80000000u

/* A message leaves the gateway (delivered or dropped): the host may forget it. */
static void finish(inbox_message *m) {
    inbox_message_free(m);
    wasmc_edge_host_message_done();
}

void edge_message_received(char *block, uint32_t topic_len, uint32_t payload_len, uint32_t flags) {
    inbox_message m = {block, topic_len, payload_len, flags};
    if ((uint64_t)topic_len + payload_len > gw.queue.max_bytes) {
        m.payload_len = 0; /* dropped when it reaches the head (counted, logged there) */
        m.flags |= MARK_TOO_LARGE;
    }
    while (!inbox_push(&gw.queue, &m)) {
        inbox_message oldest;
        if (!inbox_pop(&gw.queue, &oldest))
            break; /* cannot happen: fits when empty */
        finish(&oldest);
        gw.dropped[DROP_QUEUE_FULL]++;
        gw.attempts = 0; /* the head changed */
        gw.next_attempt_ms = 0;
    }
}

/* Log drops: at once if this reason has been quiet for a second, otherwise
 * as a summary line once the second is over. */
static void report_drops(uint64_t now, const char *topic, uint32_t topic_len) {
    for (int r = 0; r < DROP_REASONS; r++) {
        uint64_t fresh = gw.dropped[r] - gw.dropped_logged[r];
        if (fresh == 0 || now - gw.last_log_ms[r] < 1000)
            continue;
        if (topic != NULL && fresh == 1)
            edge_logf(EDGE_LOG_WARN, "dropped message on %.*s: %s (%llu dropped for this reason)",
                      (int)(topic_len > 200 ? 200 : topic_len), topic, DROP_NAMES[r],
                      (unsigned long long)gw.dropped[r]);
        else
            edge_logf(EDGE_LOG_WARN, "dropped %llu messages: %s (%llu dropped for this reason)",
                      (unsigned long long)fresh, DROP_NAMES[r], (unsigned long long)gw.dropped[r]);
        gw.dropped_logged[r] = gw.dropped[r];
        gw.last_log_ms[r] = now;
    }
}

static void log_stats(void) {
    edge_logf(EDGE_LOG_INFO,
              "stats: delivered=%llu retries=%llu queued=%u dropped_queue_full=%llu "
              "dropped_too_large=%llu dropped_denied=%llu dropped_rejected=%llu "
              "dropped_gave_up=%llu",
              (unsigned long long)gw.delivered, (unsigned long long)gw.retries, gw.queue.count,
              (unsigned long long)gw.dropped[DROP_QUEUE_FULL], (unsigned long long)gw.dropped[DROP_TOO_LARGE],
              (unsigned long long)gw.dropped[DROP_DENIED], (unsigned long long)gw.dropped[DROP_REJECTED],
              (unsigned long long)gw.dropped[DROP_GAVE_UP]);
}

/* Drop the head of the queue for `reason` and log it. */
static void drop_head(drop_reason reason, uint64_t now) {
    inbox_message m;
    if (!inbox_pop(&gw.queue, &m))
        return;
    gw.dropped[reason]++;
    report_drops(now, inbox_topic(&m), m.topic_len);
    finish(&m);
    gw.attempts = 0;
    gw.next_attempt_ms = 0;
}

/* host.http-post: the HTTP status, or EDGE_HTTP_* (delivery_policy.h). */
static int32_t http_post(const char *url, const char *content_type, const char *body, size_t len,
                         uint32_t timeout_ms) {
    edge_string_t url_text, type_text;
    edge_string_set(&url_text, url);
    edge_string_set(&type_text, content_type);
    edge_list_u8_t bytes = {(uint8_t *)body, len};
    uint16_t status;
    wasmc_edge_host_http_error_t err;
    if (wasmc_edge_host_http_post(&url_text, &type_text, &bytes, timeout_ms, &status, &err))
        return status;
    switch (err) {
    case WASMC_EDGE_HOST_HTTP_ERROR_DENIED: return EDGE_HTTP_DENIED;
    case WASMC_EDGE_HOST_HTTP_ERROR_CONNECT: return EDGE_HTTP_CONNECT;
    default: return EDGE_HTTP_OTHER;
    }
}

/* Try to deliver the head of the queue once. */
static void deliver_head(uint64_t now) {
    const inbox_message *m = inbox_peek(&gw.queue);
    if (m->flags & MARK_TOO_LARGE)
        return drop_head(DROP_TOO_LARGE, now);
    size_t len;
    bool base64;
    char *body = envelope_json(inbox_topic(m), m->topic_len, inbox_payload(m), m->payload_len, gw.max_body,
                               &len, &base64);
    if (body == NULL) {
        if (len > gw.max_body)
            return drop_head(DROP_TOO_LARGE, now);
        edge_logf(EDGE_LOG_ERROR, "out of memory building a %zu-byte body; will retry", len);
        gw.next_attempt_ms = now + gw.retry_initial_ms;
        return;
    }
    static const char CT[] = "application/json";
    int32_t rc = http_post(gw.endpoint, CT, body, len, gw.timeout_ms);
    free(body);
    now = edge_monotonic_ms(); /* the POST may have taken a while */
    gw.attempts++;
    switch (delivery_classify(rc)) {
    case DELIVERY_DONE: {
        inbox_message done;
        inbox_pop(&gw.queue, &done);
        finish(&done);
        gw.delivered++;
        gw.attempts = 0;
        gw.next_attempt_ms = 0;
        return;
    }
    case DELIVERY_DENIED: return drop_head(DROP_DENIED, now);
    case DELIVERY_REJECTED:
        edge_logf(EDGE_LOG_WARN, "endpoint answered HTTP %d for %.*s", (int)rc,
                  (int)(m->topic_len > 200 ? 200 : m->topic_len), inbox_topic(m));
        return drop_head(DROP_REJECTED, now);
    case DELIVERY_RETRY: break;
    }
    if (gw.max_attempts != 0 && gw.attempts >= gw.max_attempts) {
        edge_logf(EDGE_LOG_WARN, "giving up on %.*s after %u attempts: %s (%d)",
                  (int)(m->topic_len > 200 ? 200 : m->topic_len), inbox_topic(m), gw.attempts,
                  delivery_describe(rc), (int)rc);
        return drop_head(DROP_GAVE_UP, now);
    }
    uint64_t wait = delivery_backoff_ms(gw.attempts, gw.retry_initial_ms, gw.retry_max_ms);
    gw.retries++;
    gw.next_attempt_ms = now + wait;
    edge_logf(EDGE_LOG_WARN, "POST of %.*s failed: %s (%d); attempt %u, retrying in %llu ms",
              (int)(m->topic_len > 200 ? 200 : m->topic_len), inbox_topic(m), delivery_describe(rc), (int)rc,
              gw.attempts, (unsigned long long)wait);
}

int main(void) {
    char filter[256] = "#";
    edge_config_string("topic_filter", filter, sizeof filter);
    uint32_t queue_max = (uint32_t)edge_config_uint("queue_max", 256, 1, 1000000);
    uint64_t queue_bytes = edge_config_uint("queue_max_bytes", 4u * 1024 * 1024, 1024, 1024u * 1024 * 1024);
    gw.timeout_ms = (uint32_t)edge_config_uint("timeout_ms", 5000, 1, 600000);
    gw.retry_initial_ms = edge_config_uint("retry_initial_ms", 500, 1, 3600000);
    gw.retry_max_ms = edge_config_uint("retry_max_ms", 30000, 1, 86400000);
    gw.max_attempts = (uint32_t)edge_config_uint("max_attempts", 10, 0, UINT32_MAX);
    gw.max_body = edge_config_uint("max_body", 1024u * 1024, 64, 1024u * 1024 * 1024);
    uint64_t stats_interval = edge_config_uint("stats_interval_ms", 60000, 0, UINT32_MAX);
    if (!inbox_init(&gw.queue, queue_max, queue_bytes)) {
        edge_logf(EDGE_LOG_ERROR, "out of memory for a queue of %u messages", queue_max);
        return 1;
    }
    bool enabled = edge_config_string("endpoint", gw.endpoint, sizeof gw.endpoint) && gw.endpoint[0] != '\0';
    if (!enabled) {
        edge_logf(EDGE_LOG_ERROR, "no endpoint configured (--set gateway.endpoint=URL): "
                                  "not subscribing, nothing will be forwarded");
    } else if (!edge_subscribe_filter(filter)) {
        edge_logf(EDGE_LOG_ERROR, "subscribe(%s) failed: nothing will be forwarded", filter);
    } else {
        edge_logf(EDGE_LOG_INFO, "forwarding %s to %s (queue %u messages)", filter, gw.endpoint, queue_max);
    }

    uint64_t next_stats = edge_monotonic_ms() + stats_interval;
    for (;;) {
        uint64_t now = edge_monotonic_ms();
        report_drops(now, NULL, 0);
        if (stats_interval > 0 && now >= next_stats) {
            log_stats();
            next_stats = now + stats_interval;
        }
        if (gw.queue.count > 0 && now >= gw.next_attempt_ms) {
            deliver_head(now);
            edge_wait_ms(0); /* let the host deliver what arrived meanwhile */
            continue;
        }
        uint64_t wait = EDGE_MAX_WAIT_MS;
        if (gw.queue.count > 0 && gw.next_attempt_ms - now < wait)
            wait = gw.next_attempt_ms - now;
        edge_wait_ms(wait);
    }
}
