/*
 * main.c — the telemetry module: every interval publishes one JSON event per
 * kind on the bus, under <topic_prefix>/<kind>.
 *
 * Kinds (readings and where they come from):
 *   uptime   uptime_ms            WASI clock_time_get(MONOTONIC) since start
 *   clock    realtime, unix_ms,   WASI clock_time_get(REALTIME), formatted
 *            monotonic_ns         as RFC 3339 UTC
 *   counter  published, failed    this module's own counters
 *            bus_published,       host metrics via host.metric-get
 *            bus_delivered,       ("bus.published", …; null if the host
 *            bus_dropped          does not provide them)
 *   load     load1, rss_bytes     host metrics "host.load1_milli",
 *                                 "host.rss_bytes" (null if absent)
 * Every event also has "kind", "device", "seq" (tick number from 1) and
 * "ts_ms" (realtime at the tick).
 *
 * Config (--set telemetry.KEY=VALUE):
 *   interval_ms   period, ms (default 1000, at least 10)
 *   topic_prefix  (default "telemetry")
 *   device        device name in each event (default "edge")
 *   kinds         comma-separated subset of the kinds (default all four)
 *   qos, retain   publish flags, 0 or 1 (default 0, 0)
 * The schedule is fixed-rate: ticks that fall due while the module could not
 * run are skipped (counted in "skipped" of the counter event), not bunched.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "edge_support.h"

enum kind { KIND_UPTIME = 1, KIND_CLOCK = 2, KIND_COUNTER = 4, KIND_LOAD = 8 };

static const struct {
    const char *name;
    unsigned bit;
} KINDS[] = {
    {"uptime", KIND_UPTIME},
    {"clock", KIND_CLOCK},
    {"counter", KIND_COUNTER},
    {"load", KIND_LOAD},
};
#define KIND_COUNT (sizeof KINDS / sizeof KINDS[0])

typedef struct telemetry {
    char prefix[128];
    char device[64];
    unsigned kinds;
    uint32_t qos, retain;
    uint64_t start_ms;
    uint64_t seq, published, failed, skipped;
} telemetry;

/* This module subscribes to nothing; a message can only come from a host
 * that delivers unasked. Take ownership and free it. */
void edge_message_received(char *block, uint32_t topic_len, uint32_t payload_len, uint32_t flags) {
    (void)topic_len, (void)payload_len, (void)flags;
    free(block);
}

/* Parse "uptime,clock" into kind bits; unknown names are logged. */
static unsigned parse_kinds(const char *list) {
    unsigned bits = 0;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        bool known = false;
        for (size_t k = 0; k < KIND_COUNT; k++) {
            if (strlen(KINDS[k].name) == n && memcmp(KINDS[k].name, p, n) == 0) {
                bits |= KINDS[k].bit;
                known = true;
            }
        }
        if (!known && n > 0)
            edge_logf(EDGE_LOG_WARN, "unknown telemetry kind '%.*s'", (int)n, p);
        p += n;
        if (*p == ',')
            p++;
    }
    return bits;
}

/* A fixed buffer that text is appended to; `overflow` records a cut. */
typedef struct text {
    char buf[768];
    size_t len;
    bool overflow;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(text *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof t->buf - t->len) {
        t->overflow = true;
        t->len = sizeof t->buf - 1;
    } else {
        t->len += (size_t)n;
    }
}

/* Append a JSON member `"name":<u64 or null>` (with a leading comma). */
static void put_metric(text *out, const char *name, const char *metric) {
    uint64_t v;
    if (edge_metric(metric, &v))
        put(out, ",\"%s\":%llu", name, (unsigned long long)v);
    else
        put(out, ",\"%s\":null", name);
}

/* The kind-specific members of one event. */
static void put_readings(telemetry *t, unsigned kind, text *out, uint64_t now_ms, uint64_t unix_ms) {
    switch (kind) {
    case KIND_UPTIME: put(out, ",\"uptime_ms\":%llu", (unsigned long long)(now_ms - t->start_ms)); break;
    case KIND_CLOCK: {
        time_t secs = (time_t)(unix_ms / 1000);
        struct tm tm;
        if (gmtime_r(&secs, &tm) == NULL)
            memset(&tm, 0, sizeof tm);
        put(out,
            ",\"realtime\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03uZ\",\"unix_ms\":%llu,"
            "\"monotonic_ns\":%llu",
            tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
            (unsigned)(unix_ms % 1000), (unsigned long long)unix_ms, (unsigned long long)edge_monotonic_ns());
        break;
    }
    case KIND_COUNTER:
        put(out, ",\"published\":%llu,\"failed\":%llu,\"skipped\":%llu", (unsigned long long)t->published,
            (unsigned long long)t->failed, (unsigned long long)t->skipped);
        put_metric(out, "bus_published", "bus.published");
        put_metric(out, "bus_delivered", "bus.delivered");
        put_metric(out, "bus_dropped", "bus.dropped");
        break;
    case KIND_LOAD: {
        uint64_t milli;
        if (edge_metric("host.load1_milli", &milli))
            put(out, ",\"load1\":%llu.%03u", (unsigned long long)(milli / 1000), (unsigned)(milli % 1000));
        else
            put(out, ",\"load1\":null");
        put_metric(out, "rss_bytes", "host.rss_bytes");
        break;
    }
    }
}

static void publish_tick(telemetry *t, uint64_t now_ms) {
    t->seq++;
    uint64_t unix_ms = edge_realtime_ms();
    for (size_t k = 0; k < KIND_COUNT; k++) {
        if (!(t->kinds & KINDS[k].bit))
            continue;
        char topic[200];
        int tn = snprintf(topic, sizeof topic, "%s/%s", t->prefix, KINDS[k].name);
        text body = {.len = 0};
        put(&body, "{\"kind\":\"%s\",\"device\":\"%s\",\"seq\":%llu,\"ts_ms\":%llu", KINDS[k].name, t->device,
            (unsigned long long)t->seq, (unsigned long long)unix_ms);
        put_readings(t, KINDS[k].bit, &body, now_ms, unix_ms);
        put(&body, "}");
        if (body.overflow) { /* cannot happen with the bounded config strings */
            edge_logf(EDGE_LOG_ERROR, "%s event too long; not published", KINDS[k].name);
            continue;
        }
        wasmc_edge_host_publish_error_t err;
        if (edge_publish_bytes(topic, tn, body.buf, body.len, t->qos, t->retain != 0, &err)) {
            t->published++;
        } else if (t->failed++ % 100 == 0) {
            edge_logf(EDGE_LOG_WARN, "publish(%s) failed: error %d (%llu failures so far)", topic, (int)err,
                      (unsigned long long)t->failed);
        }
    }
}

/* A config string made of JSON-safe characters only (it goes into events
 * and topics unescaped). */
static bool is_plain(const char *s) {
    for (; *s; s++)
        if (*s < 0x20 || *s == '"' || *s == '\\' || *s == '+' || *s == '#' || *s > 0x7E)
            return false;
    return true;
}

int main(void) {
    static telemetry t;
    uint64_t interval = edge_config_uint("interval_ms", 1000, 10, 86400000);
    strcpy(t.prefix, "telemetry");
    strcpy(t.device, "edge");
    char kinds[128] = "uptime,clock,counter,load";
    if (edge_config_string("topic_prefix", t.prefix, sizeof t.prefix) &&
        (t.prefix[0] == '\0' || !is_plain(t.prefix))) {
        edge_logf(EDGE_LOG_ERROR, "config topic_prefix: invalid; using \"telemetry\"");
        strcpy(t.prefix, "telemetry");
    }
    if (edge_config_string("device", t.device, sizeof t.device) && !is_plain(t.device)) {
        edge_logf(EDGE_LOG_ERROR, "config device: invalid; using \"edge\"");
        strcpy(t.device, "edge");
    }
    edge_config_string("kinds", kinds, sizeof kinds);
    t.kinds = parse_kinds(kinds);
    t.qos = (uint32_t)edge_config_uint("qos", 0, 0, 1);
    t.retain = (uint32_t)edge_config_uint("retain", 0, 0, 1);
    if (t.kinds == 0) {
        edge_logf(EDGE_LOG_ERROR, "no telemetry kinds selected (kinds=%s); nothing to do", kinds);
        return 1;
    }
    t.start_ms = edge_monotonic_ms();
    edge_logf(EDGE_LOG_INFO, "publishing %s under %s/ every %llu ms", kinds, t.prefix,
              (unsigned long long)interval);

    uint64_t due = t.start_ms + interval;
    for (;;) {
        uint64_t now = edge_monotonic_ms();
        if (now < due) {
            edge_wait_ms(due - now);
            continue;
        }
        publish_tick(&t, now);
        due += interval;
        if (due <= now) { /* fell behind: skip the missed ticks */
            uint64_t missed = (now - due) / interval + 1;
            t.skipped += missed;
            due += missed * interval;
        }
    }
}
