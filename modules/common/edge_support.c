/* edge_support.c — see edge_support.h. Also the shared `edge_alloc` export. */
#include "edge_support.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

EDGE_EXPORT("edge_alloc")
void *edge_alloc(uint32_t size) {
    /* The host hands the block over to us; the module's edge_on_message
     * frees it with free(). malloc(0) may return NULL, so ask for 1. */
    return malloc(size == 0 ? 1 : (size_t)size);
}

void edge_logf(uint32_t level, const char *fmt, ...) {
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    edge_log(level, line, (uint32_t)len);
}

bool edge_config_string(const char *key, char *buf, size_t cap) {
    if (cap == 0) return false;
    int32_t n = edge_config_get(key, (uint32_t)strlen(key), buf, (uint32_t)(cap - 1));
    if (n < 0) return false;
    if ((size_t)n > cap - 1) {
        edge_logf(EDGE_LOG_ERROR, "config %s: value of %d bytes is longer than %zu; ignored", key,
                  (int)n, cap - 1);
        return false;
    }
    buf[n] = '\0';
    return true;
}

uint64_t edge_config_uint(const char *key, uint64_t fallback, uint64_t min, uint64_t max) {
    char text[32];
    if (!edge_config_string(key, text, sizeof text)) return fallback;
    uint64_t v = 0;
    size_t i = 0;
    for (; text[i] != '\0'; i++) {
        if (text[i] < '0' || text[i] > '9' || v > (UINT64_MAX - 9) / 10) break;
        v = v * 10 + (uint64_t)(text[i] - '0');
    }
    if (i == 0 || text[i] != '\0' || v < min || v > max) {
        edge_logf(EDGE_LOG_ERROR,
                  "config %s=%s: expected an integer in [%llu, %llu]; using %llu", key, text,
                  (unsigned long long)min, (unsigned long long)max,
                  (unsigned long long)fallback);
        return fallback;
    }
    return v;
}

static uint64_t clock_ns(clockid_t id) {
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0) return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t edge_monotonic_ns(void) { return clock_ns(CLOCK_MONOTONIC); }
uint64_t edge_monotonic_ms(void) { return clock_ns(CLOCK_MONOTONIC) / 1000000u; }
uint64_t edge_realtime_ms(void) { return clock_ns(CLOCK_REALTIME) / 1000000u; }

void edge_wait_ms(uint64_t ms) {
    if (ms > EDGE_MAX_WAIT_MS) ms = EDGE_MAX_WAIT_MS;
    /* With no fds, wasi-libc's poll() becomes one poll_oneoff on a clock
     * subscription: the place where the host delivers messages. */
    (void)poll(NULL, 0, (int)ms);
}
