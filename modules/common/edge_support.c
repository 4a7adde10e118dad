/* edge_support.c — see edge_support.h. Also the shared guest.on-message export. */
#include "edge_support.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One bus message from the host: its topic and payload (strings the host put
 * in our memory with cabi_realloc) go into one block for the module's queue. */
void exports_wasmc_edge_guest_on_message(wasmc_edge_host_message_t *message) {
    size_t topic_len = message->topic.len, payload_len = message->payload.len;
    char *block = malloc(topic_len + payload_len + 1);
    uint32_t flags = (message->qos & EDGE_MSG_QOS_MASK) | (message->retain ? EDGE_MSG_RETAIN : 0);
    if (block != NULL) {
        if (topic_len > 0)
            memcpy(block, message->topic.ptr, topic_len);
        if (payload_len > 0)
            memcpy(block + topic_len, message->payload.ptr, payload_len);
    }
    wasmc_edge_host_message_free(message);
    if (block == NULL) {
        edge_logf(EDGE_LOG_ERROR, "out of memory: dropped a bus message of %zu bytes",
                  topic_len + payload_len);
        return;
    }
    edge_message_received(block, (uint32_t)topic_len, (uint32_t)payload_len, flags);
}

bool edge_publish_bytes(const char *topic, size_t topic_len, const void *payload, size_t payload_len,
                        uint32_t qos, bool retain, wasmc_edge_host_publish_error_t *err) {
    wasmc_edge_host_message_t message = {
        .topic = {(uint8_t *)topic, topic_len},
        .payload = {(uint8_t *)payload, payload_len},
        .qos = (wasmc_edge_host_qos_t)qos,
        .retain = retain,
        .properties = {NULL, 0},
    };
    return wasmc_edge_host_publish(&message, err);
}

bool edge_subscribe_filter(const char *filter) {
    edge_string_t text;
    edge_string_set(&text, filter);
    wasmc_edge_host_subscribe_error_t err;
    if (wasmc_edge_host_subscribe(&text, &err))
        return true;
    edge_logf(EDGE_LOG_ERROR, "subscribe(%s) failed: %s", filter,
              err == WASMC_EDGE_HOST_SUBSCRIBE_ERROR_INVALID_FILTER ? "invalid filter"
                                                                    : "too many subscriptions");
    return false;
}

bool edge_metric(const char *name, uint64_t *value) {
    edge_string_t text;
    edge_string_set(&text, name);
    return wasmc_edge_host_metric_get(&text, value);
}

void edge_logf(uint32_t level, const char *fmt, ...) {
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    edge_string_t text = {(uint8_t *)line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1};
    wasmc_edge_host_log((wasmc_edge_host_log_level_t)(level > EDGE_LOG_ERROR ? EDGE_LOG_ERROR : level),
                        &text);
}

bool edge_config_string(const char *key, char *buf, size_t cap) {
    if (cap == 0)
        return false;
    edge_string_t name, value;
    edge_string_set(&name, key);
    if (!wasmc_edge_host_config_get(&name, &value))
        return false;
    size_t n = value.len;
    bool fits = n <= cap - 1;
    if (fits) {
        if (n > 0)
            memcpy(buf, value.ptr, n);
        buf[n] = '\0';
    }
    edge_string_free(&value);
    if (!fits)
        edge_logf(EDGE_LOG_ERROR, "config %s: value of %zu bytes is longer than %zu; ignored", key, n,
                  cap - 1);
    return fits;
}

uint64_t edge_config_uint(const char *key, uint64_t fallback, uint64_t min, uint64_t max) {
    char text[32];
    if (!edge_config_string(key, text, sizeof text))
        return fallback;
    uint64_t v = 0;
    size_t i = 0;
    for (; text[i] != '\0'; i++) {
        if (text[i] < '0' || text[i] > '9' || v > (UINT64_MAX - 9) / 10)
            break;
        v = v * 10 + (uint64_t)(text[i] - '0');
    }
    if (i == 0 || text[i] != '\0' || v < min || v > max) {
        edge_logf(EDGE_LOG_ERROR, "config %s=%s: expected an integer in [%llu, %llu]; using %llu", key, text,
                  (unsigned long long)min, (unsigned long long)max, (unsigned long long)fallback);
        return fallback;
    }
    return v;
}

static uint64_t clock_ns(clockid_t id) {
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t edge_monotonic_ns(void) { return clock_ns(CLOCK_MONOTONIC); }
uint64_t edge_monotonic_ms(void) { return clock_ns(CLOCK_MONOTONIC) / 1000000u; }
uint64_t edge_realtime_ms(void) { return clock_ns(CLOCK_REALTIME) / 1000000u; }

void edge_wait_ms(uint64_t ms) {
    if (ms > EDGE_MAX_WAIT_MS)
        ms = EDGE_MAX_WAIT_MS;
    /* With no fds, wasi-libc's poll() becomes one poll_oneoff on a clock
     * subscription: the place where the host delivers messages. */
    (void)poll(NULL, 0, (int)ms);
}
