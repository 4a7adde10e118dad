/* test_broker.c — the broker core driven with packet bytes, as a socket
 * layer would (broker.h). */
#include <stdlib.h>

#include "broker.h"
#include "check.h"
#include "mqtt_codec.h"

/* ---- a client-side packet builder -------------------------------------- */

typedef struct buf {
    uint8_t d[8192];
    size_t n;
} buf;

static void put8(buf *b, uint8_t v) { b->d[b->n++] = v; }
static void put16(buf *b, uint16_t v) {
    put8(b, (uint8_t)(v >> 8));
    put8(b, (uint8_t)v);
}
static void putraw(buf *b, const void *p, size_t n) {
    if (n == 0)
        return;
    memcpy(b->d + b->n, p, n);
    b->n += n;
}
static void putstr(buf *b, const char *s) {
    put16(b, (uint16_t)strlen(s));
    putraw(b, s, strlen(s));
}

static buf packet(uint8_t first, const buf *body) {
    buf p = {.n = 0};
    put8(&p, first);
    size_t len = body->n;
    do {
        uint8_t byte = len & 0x7F;
        len >>= 7;
        put8(&p, (uint8_t)(byte | (len ? 0x80 : 0)));
    } while (len);
    putraw(&p, body->d, body->n);
    return p;
}

static buf connect_pkt(const char *id, bool clean, uint16_t keep_alive, const char *will_topic,
                       const char *will_msg) {
    buf b = {.n = 0};
    putstr(&b, "MQTT");
    put8(&b, 4);
    put8(&b, (uint8_t)((clean ? 0x02 : 0) | (will_topic ? 0x04 : 0)));
    put16(&b, keep_alive);
    putstr(&b, id);
    if (will_topic) {
        putstr(&b, will_topic);
        putstr(&b, will_msg);
    }
    return packet(0x10, &b);
}

static buf subscribe_pkt(uint16_t pid, const char *filter, uint8_t qos) {
    buf b = {.n = 0};
    put16(&b, pid);
    putstr(&b, filter);
    put8(&b, qos);
    return packet(0x82, &b);
}

static buf unsubscribe_pkt(uint16_t pid, const char *filter) {
    buf b = {.n = 0};
    put16(&b, pid);
    putstr(&b, filter);
    return packet(0xA2, &b);
}

static buf publish_pkt(const char *topic, const char *payload, uint8_t qos, bool retain, uint16_t pid) {
    buf b = {.n = 0};
    putstr(&b, topic);
    if (qos)
        put16(&b, pid);
    putraw(&b, payload, strlen(payload));
    return packet((uint8_t)(0x30 | (qos << 1) | (retain ? 1 : 0)), &b);
}

static buf raw(const void *p, size_t n) {
    buf b = {.n = 0};
    putraw(&b, p, n);
    return b;
}

/* ---- driving the broker ------------------------------------------------ */

typedef struct bus_capture {
    int count;
    char topic[256];
    char payload[256];
    uint8_t qos;
    bool retain;
    bool refuse; /* the host cannot store messages (say, a full disk) */
} bus_capture;

static bool on_publish(void *ctx, const char *topic, size_t topic_len, const uint8_t *payload,
                       size_t payload_len, uint8_t qos, bool retain) {
    bus_capture *c = ctx;
    c->count++;
    snprintf(c->topic, sizeof c->topic, "%.*s", (int)topic_len, topic);
    snprintf(c->payload, sizeof c->payload, "%.*s", (int)payload_len, (const char *)payload);
    c->qos = qos;
    c->retain = retain;
    return !c->refuse;
}

static bool verbose_log;
static void on_log(void *ctx, uint32_t level, const char *line) {
    (void)ctx;
    if (verbose_log)
        fprintf(stderr, "  broker[%u]: %s\n", level, line);
}

static bus_capture captured;

static broker *new_broker(broker_limits *override) {
    broker_limits l = override ? *override : broker_default_limits();
    memset(&captured, 0, sizeof captured);
    broker_hooks hooks = {.ctx = &captured, .on_publish = on_publish, .on_log = on_log};
    return broker_create(&l, &hooks);
}

static void feed(broker *b, int conn, buf p, uint64_t now) { broker_input(b, conn, p.d, p.n, now); }

/* Take all pending output of conn. */
static buf output(broker *b, int conn) {
    buf out = {.n = 0};
    const uint8_t *data;
    size_t n;
    while ((n = broker_output(b, conn, &data)) > 0) {
        if (n > sizeof out.d - out.n)
            n = sizeof out.d - out.n;
        putraw(&out, data, n);
        broker_output_consumed(b, conn, n);
        if (out.n == sizeof out.d)
            break;
    }
    return out;
}

/* The i-th packet in a captured output stream. */
static bool nth_packet(const buf *out, int i, mqtt_fixed_header *h, const uint8_t **body) {
    size_t off = 0;
    for (;;) {
        if (mqtt_read_fixed_header(out->d + off, out->n - off, sizeof out->d, h) != MQTT_OK)
            return false;
        if (i-- == 0) {
            *body = out->d + off + h->header_length;
            return true;
        }
        off += h->header_length + h->remaining_length;
    }
}

static int count_packets(const buf *out) {
    mqtt_fixed_header h;
    const uint8_t *body;
    int n = 0;
    while (nth_packet(out, n, &h, &body))
        n++;
    return n;
}

/* Decode the i-th packet of out as a PUBLISH. */
static bool nth_publish(const buf *out, int i, mqtt_publish *p) {
    mqtt_fixed_header h;
    const uint8_t *body;
    if (!nth_packet(out, i, &h, &body) || h.type != MQTT_PUBLISH)
        return false;
    return mqtt_decode_publish(h.flags, body, h.remaining_length, p) == MQTT_OK;
}

#define CHECK_PUBLISH(p, want_topic, want_payload)                    \
    do {                                                              \
        CHECK_BYTES((p).topic.data, (p).topic.len, want_topic);       \
        CHECK_BYTES((p).payload.data, (p).payload.len, want_payload); \
    } while (0)

/* Open a connection and complete CONNECT; checks the CONNACK. */
static int connect_client(broker *b, const char *id, bool clean, bool expect_session) {
    int c = broker_open(b, 0);
    CHECK(c >= 0);
    feed(b, c, connect_pkt(id, clean, 0, NULL, NULL), 0);
    buf out = output(b, c);
    CHECK_EQ(out.n, 4);
    CHECK(out.d[0] == 0x20 && out.d[1] == 2 && out.d[2] == (expect_session ? 1 : 0) && out.d[3] == 0);
    return c;
}

static void subscribe(broker *b, int c, const char *filter, uint8_t qos, uint8_t granted) {
    feed(b, c, subscribe_pkt(1, filter, qos), 0);
    buf out = output(b, c);
    CHECK(out.n >= 5);
    CHECK(out.d[0] == 0x90 && out.d[1] == 3 && out.d[4] == granted);
}

/* ---- tests ------------------------------------------------------------- */

static void test_connect_rules(void) {
    broker *b = new_broker(NULL);
    CHECK(b != NULL);
    /* Protocol level 3 under the name MQTT: CONNACK 1, then close. */
    int c = broker_open(b, 0);
    static const uint8_t lvl3[] = {0x10, 12, 0, 4, 'M', 'Q', 'T', 'T', 3, 2, 0, 60, 0, 0};
    feed(b, c, raw(lvl3, sizeof lvl3), 0);
    buf out = output(b, c);
    CHECK_BYTES(out.d, out.n, "\x20\x02\x00\x01");
    CHECK_EQ(broker_close_state_of(b, c), BROKER_CLOSE_AFTER_FLUSH);
    broker_close(b, c, 0);
    /* Empty client id with clean session 0: identifier rejected. */
    c = broker_open(b, 0);
    feed(b, c, connect_pkt("", false, 0, NULL, NULL), 0);
    out = output(b, c);
    CHECK_BYTES(out.d, out.n, "\x20\x02\x00\x02");
    broker_close(b, c, 0);
    /* Empty client id with clean session: accepted. */
    c = connect_client(b, "", true, false);
    broker_close(b, c, 0);
    /* First packet not CONNECT: closed at once, nothing sent. */
    c = broker_open(b, 0);
    feed(b, c, subscribe_pkt(1, "a", 0), 0);
    CHECK_EQ(broker_close_state_of(b, c), BROKER_CLOSE_NOW);
    CHECK_EQ(output(b, c).n, 0);
    broker_close(b, c, 0);
    /* A second CONNECT is a protocol violation. */
    c = connect_client(b, "twice", true, false);
    feed(b, c, connect_pkt("twice", true, 0, NULL, NULL), 0);
    CHECK_EQ(broker_close_state_of(b, c), BROKER_CLOSE_NOW);
    broker_close(b, c, 0);
    /* CONNECT split across reads, byte by byte. */
    c = broker_open(b, 0);
    buf ck = connect_pkt("slow", true, 30, NULL, NULL);
    for (size_t i = 0; i < ck.n; i++)
        broker_input(b, c, ck.d + i, 1, 0);
    out = output(b, c);
    CHECK_BYTES(out.d, out.n, "\x20\x02\x00\x00");
    broker_close(b, c, 0);
    CHECK_EQ(broker_get_stats(b).connections_open, 0);
    CHECK_EQ(broker_get_stats(b).sessions, 0);
    broker_destroy(b);
}

static void test_publish_subscribe(void) {
    broker *b = new_broker(NULL);
    int pub = connect_client(b, "pub", true, false);
    int s0 = connect_client(b, "s0", true, false);
    int s1 = connect_client(b, "s1", true, false);
    int other = connect_client(b, "other", true, false);
    subscribe(b, s0, "sensors/+/temp", 0, 0);
    subscribe(b, s1, "sensors/#", 2, 1); /* QoS 2 requested, 1 granted */
    subscribe(b, other, "actuators/#", 1, 1);
    /* An invalid filter is refused with 0x80. */
    feed(b, other, subscribe_pkt(9, "bad#", 0), 0);
    buf out = output(b, other);
    CHECK_BYTES(out.d, out.n, "\x90\x03\x00\x09\x80");

    /* QoS 1 publish: PUBACK to the publisher, QoS 0 to s0, QoS 1 to s1. */
    feed(b, pub, publish_pkt("sensors/a/temp", "21.5", 1, false, 77), 0);
    out = output(b, pub);
    CHECK_BYTES(out.d, out.n, "\x40\x02\x00\x4D");
    mqtt_publish p;
    out = output(b, s0);
    CHECK(nth_publish(&out, 0, &p));
    CHECK_PUBLISH(p, "sensors/a/temp", "21.5");
    CHECK(p.qos == 0 && !p.retain);
    out = output(b, s1);
    CHECK(nth_publish(&out, 0, &p));
    CHECK_PUBLISH(p, "sensors/a/temp", "21.5");
    CHECK(p.qos == 1 && p.packet_id != 0);
    feed(b, s1, raw("\x40\x02\x00\x01", 4), 0); /* PUBACK */
    CHECK_EQ(broker_close_state_of(b, s1), BROKER_OPEN);
    CHECK_EQ(output(b, other).n, 0);
    /* The bus saw it once, with its QoS. */
    CHECK_EQ(captured.count, 1);
    CHECK(strcmp(captured.topic, "sensors/a/temp") == 0 && strcmp(captured.payload, "21.5") == 0);
    CHECK_EQ(captured.qos, 1);

    /* QoS 0 publish to a QoS 1 subscription arrives at QoS 0 (min). */
    feed(b, pub, publish_pkt("sensors/b/hum", "50", 0, false, 0), 0);
    CHECK_EQ(output(b, pub).n, 0); /* no ack for QoS 0 */
    out = output(b, s1);
    CHECK(nth_publish(&out, 0, &p));
    CHECK_EQ(p.qos, 0);
    CHECK_EQ(output(b, s0).n, 0); /* does not match sensors/+/temp */

    /* Overlapping subscriptions deliver one copy at the highest QoS. */
    subscribe(b, s0, "sensors/#", 1, 1);
    feed(b, pub, publish_pkt("sensors/c/temp", "x", 1, false, 2), 0);
    output(b, pub);
    out = output(b, s0);
    CHECK_EQ(count_packets(&out), 1);
    CHECK(nth_publish(&out, 0, &p) && p.qos == 1);

    /* UNSUBSCRIBE: UNSUBACK, no further deliveries. */
    feed(b, s0, unsubscribe_pkt(5, "sensors/#"), 0);
    feed(b, s0, unsubscribe_pkt(6, "sensors/+/temp"), 0);
    out = output(b, s0);
    CHECK_BYTES(out.d, out.n, "\xB0\x02\x00\x05\xB0\x02\x00\x06");
    feed(b, pub, publish_pkt("sensors/d/temp", "y", 0, false, 0), 0);
    CHECK_EQ(output(b, s0).n, 0);

    /* PINGREQ → PINGRESP. */
    feed(b, s0, raw("\xC0\x00", 2), 0);
    out = output(b, s0);
    CHECK_BYTES(out.d, out.n, "\xD0\x00");

    /* $-topics do not match filters starting with a wildcard. */
    output(b, s1); /* sensors/c/temp, sensors/d/temp */
    subscribe(b, s0, "#", 0, 0);
    subscribe(b, s1, "$SYS/#", 0, 0);
    feed(b, pub, publish_pkt("$SYS/uptime", "1", 0, false, 0), 0);
    CHECK_EQ(output(b, s0).n, 0);
    out = output(b, s1);
    CHECK(nth_publish(&out, 0, &p));
    CHECK_PUBLISH(p, "$SYS/uptime", "1");

    /* A publish with a wildcard in its topic closes the publisher. */
    feed(b, pub, publish_pkt("a/+", "z", 0, false, 0), 0);
    CHECK_EQ(broker_close_state_of(b, pub), BROKER_CLOSE_NOW);
    broker_destroy(b);
}

static void test_qos2_inbound(void) {
    broker *b = new_broker(NULL);
    int pub = connect_client(b, "pub", true, false);
    int sub = connect_client(b, "sub", true, false);
    subscribe(b, sub, "q2", 2, 1);
    feed(b, pub, publish_pkt("q2", "once", 2, false, 10), 0);
    buf out = output(b, pub);
    CHECK_BYTES(out.d, out.n, "\x50\x02\x00\x0A"); /* PUBREC */
    /* A duplicate before PUBREL is acknowledged but not delivered again. */
    buf dup = publish_pkt("q2", "once", 2, false, 10);
    dup.d[0] |= 0x08;
    feed(b, pub, dup, 0);
    CHECK_BYTES(output(b, pub).d, 4, "\x50\x02\x00\x0A");
    feed(b, pub, raw("\x62\x02\x00\x0A", 4), 0); /* PUBREL */
    out = output(b, pub);
    CHECK_BYTES(out.d, out.n, "\x70\x02\x00\x0A"); /* PUBCOMP */
    out = output(b, sub);
    CHECK_EQ(count_packets(&out), 1);
    mqtt_publish p;
    CHECK(nth_publish(&out, 0, &p) && p.qos == 1);
    broker_destroy(b);
}

static void test_retained(void) {
    broker *b = new_broker(NULL);
    int pub = connect_client(b, "pub", true, false);
    int early = connect_client(b, "early", true, false);
    subscribe(b, early, "status/#", 1, 1);
    feed(b, pub, publish_pkt("status/door", "open", 1, true, 3), 0);
    output(b, pub);
    mqtt_publish p;
    /* Established subscription: RETAIN 0 [MQTT-3.3.1-9]. */
    buf out = output(b, early);
    CHECK(nth_publish(&out, 0, &p) && !p.retain);
    CHECK_EQ(captured.retain, 1);
    /* New subscription: the retained message with RETAIN 1, after the SUBACK. */
    int late = connect_client(b, "late", true, false);
    feed(b, late, subscribe_pkt(4, "status/+", 1), 0);
    out = output(b, late);
    CHECK_EQ(count_packets(&out), 2);
    CHECK_EQ(out.d[0], 0x90);
    CHECK(nth_publish(&out, 1, &p) && p.retain && p.qos == 1);
    CHECK_PUBLISH(p, "status/door", "open");
    /* Replace, then clear with an empty payload. */
    feed(b, pub, publish_pkt("status/door", "closed", 0, true, 0), 0);
    int l2 = connect_client(b, "l2", true, false);
    feed(b, l2, subscribe_pkt(1, "status/door", 0), 0);
    out = output(b, l2);
    CHECK(nth_publish(&out, 1, &p) && p.retain);
    CHECK_PUBLISH(p, "status/door", "closed");
    feed(b, pub, publish_pkt("status/door", "", 0, true, 0), 0);
    out = output(b, early); /* the empty message itself is still delivered */
    CHECK_EQ(count_packets(&out), 2);
    int l3 = connect_client(b, "l3", true, false);
    feed(b, l3, subscribe_pkt(1, "status/#", 0), 0);
    out = output(b, l3);
    CHECK_EQ(count_packets(&out), 1); /* SUBACK only */
    CHECK_EQ(broker_get_stats(b).retained, 0);
    /* Retained messages from the bus too. */
    broker_publish_from_bus(b, "telemetry/uptime", 16, (const uint8_t *)"{}", 2, 0, true);
    int l4 = connect_client(b, "l4", true, false);
    feed(b, l4, subscribe_pkt(1, "telemetry/#", 1), 0);
    out = output(b, l4);
    CHECK(nth_publish(&out, 1, &p) && p.retain && p.qos == 0);
    CHECK_PUBLISH(p, "telemetry/uptime", "{}");
    broker_destroy(b);
}

static void test_bus(void) {
    broker *b = new_broker(NULL);
    int sub = connect_client(b, "sub", true, false);
    subscribe(b, sub, "telemetry/#", 1, 1);
    broker_publish_from_bus(b, "telemetry/clock", 15, (const uint8_t *)"t", 1, 1, false);
    buf out = output(b, sub);
    mqtt_publish p;
    CHECK(nth_publish(&out, 0, &p) && p.qos == 1);
    CHECK_PUBLISH(p, "telemetry/clock", "t");
    CHECK_EQ(captured.count, 0); /* bus messages are not echoed back to the bus */
    broker_publish_from_bus(b, "bad/+", 5, (const uint8_t *)"t", 1, 0, false);
    CHECK_EQ(broker_get_stats(b).publishes_bus, 1);
    broker_destroy(b);
}

static void test_malformed_isolated(void) {
    broker *b = new_broker(NULL);
    int good = connect_client(b, "good", true, false);
    int bad = connect_client(b, "bad", true, false);
    subscribe(b, good, "x", 0, 0);
    feed(b, bad, raw("\x30\xFF\xFF\xFF\xFF\x7F", 6), 0); /* 5-byte length */
    CHECK_EQ(broker_close_state_of(b, bad), BROKER_CLOSE_NOW);
    broker_close(b, bad, 0);
    int bad2 = connect_client(b, "bad2", true, false);
    feed(b, bad2, raw("\x20\x02\x00\x00", 4), 0); /* CONNACK from a client */
    CHECK_EQ(broker_close_state_of(b, bad2), BROKER_CLOSE_NOW);
    broker_close(b, bad2, 0);
    broker_publish_from_bus(b, "x", 1, (const uint8_t *)"still", 5, 0, false);
    buf out = output(b, good);
    mqtt_publish p;
    CHECK(nth_publish(&out, 0, &p));
    CHECK_PUBLISH(p, "x", "still");
    CHECK_EQ(broker_close_state_of(b, good), BROKER_OPEN);
    CHECK_EQ(broker_get_stats(b).protocol_errors, 2);
    broker_destroy(b);
}

static void test_keepalive(void) {
    broker *b = new_broker(NULL);
    int c = broker_open(b, 1000);
    feed(b, c, connect_pkt("ka", true, 2, NULL, NULL), 1000);
    output(b, c);
    CHECK_EQ(broker_tick(b, 1000), 3000); /* 1.5 × 2 s */
    broker_tick(b, 3999);
    CHECK_EQ(broker_close_state_of(b, c), BROKER_OPEN);
    feed(b, c, raw("\xC0\x00", 2), 3999); /* PINGREQ resets the timer */
    output(b, c);
    broker_tick(b, 6998);
    CHECK_EQ(broker_close_state_of(b, c), BROKER_OPEN);
    broker_tick(b, 6999);
    CHECK_EQ(broker_close_state_of(b, c), BROKER_CLOSE_NOW);
    broker_close(b, c, 7000);
    /* keep-alive 0: never expires; no CONNECT at all: connect timeout. */
    int idle = broker_open(b, 0);
    feed(b, idle, connect_pkt("idle", true, 0, NULL, NULL), 0);
    int silent = broker_open(b, 0);
    broker_tick(b, 10 * 60 * 1000);
    CHECK_EQ(broker_close_state_of(b, idle), BROKER_OPEN);
    CHECK_EQ(broker_close_state_of(b, silent), BROKER_CLOSE_NOW);
    CHECK_EQ(broker_get_stats(b).keepalive_timeouts, 2);
    broker_destroy(b);
}

static void test_will_and_takeover(void) {
    broker *b = new_broker(NULL);
    int watcher = connect_client(b, "watcher", true, false);
    subscribe(b, watcher, "wills/#", 0, 0);
    /* Closed without DISCONNECT: the will is published (and sent to the bus). */
    int c = broker_open(b, 0);
    feed(b, c, connect_pkt("dies", true, 0, "wills/dies", "gone"), 0);
    output(b, c);
    broker_close(b, c, 0);
    buf out = output(b, watcher);
    mqtt_publish p;
    CHECK(nth_publish(&out, 0, &p));
    CHECK_PUBLISH(p, "wills/dies", "gone");
    CHECK(strcmp(captured.topic, "wills/dies") == 0);
    /* DISCONNECT first: no will. */
    c = broker_open(b, 0);
    feed(b, c, connect_pkt("polite", true, 0, "wills/polite", "gone"), 0);
    feed(b, c, raw("\xE0\x00", 2), 0);
    broker_close(b, c, 0);
    out = output(b, watcher);
    CHECK_EQ(out.n, 0);
    /* Same client id again: the first connection is closed [MQTT-3.1.4-2]. */
    int first = connect_client(b, "dup", true, false);
    int second = connect_client(b, "dup", true, false);
    CHECK_EQ(broker_close_state_of(b, first), BROKER_CLOSE_NOW);
    CHECK_EQ(broker_close_state_of(b, second), BROKER_OPEN);
    broker_close(b, first, 0);
    subscribe(b, second, "t", 0, 0); /* the session survives the old socket closing */
    broker_publish_from_bus(b, "t", 1, (const uint8_t *)"v", 1, 0, false);
    out = output(b, second);
    CHECK(nth_publish(&out, 0, &p));
    broker_destroy(b);
}

static void test_persistent_session(void) {
    broker *b = new_broker(NULL);
    int c = connect_client(b, "keeper", false, false);
    subscribe(b, c, "jobs/#", 1, 1);
    broker_publish_from_bus(b, "jobs/1", 6, (const uint8_t *)"a", 1, 1, false);
    buf out = output(b, c);
    mqtt_publish p;
    CHECK(nth_publish(&out, 0, &p));
    uint16_t unacked = p.packet_id;
    broker_close(b, c, 0); /* gone without PUBACK */
    broker_publish_from_bus(b, "jobs/2", 6, (const uint8_t *)"b", 1, 1, false);
    broker_publish_from_bus(b, "jobs/3", 6, (const uint8_t *)"c", 1, 0, false); /* QoS 0: lost */
    CHECK_EQ(broker_get_stats(b).sessions, 1);
    /* Reconnect: session present, jobs/1 resent with DUP, then jobs/2. */
    c = broker_open(b, 0);
    feed(b, c, connect_pkt("keeper", false, 0, NULL, NULL), 0);
    out = output(b, c);
    CHECK_BYTES(out.d, 4, "\x20\x02\x01\x00");
    CHECK_EQ(count_packets(&out), 3);
    CHECK(nth_publish(&out, 1, &p) && p.dup && p.packet_id == unacked);
    CHECK_PUBLISH(p, "jobs/1", "a");
    CHECK(nth_publish(&out, 2, &p) && !p.dup && p.qos == 1);
    CHECK_PUBLISH(p, "jobs/2", "b");
    /* Clean session discards it. */
    broker_close(b, c, 0);
    c = connect_client(b, "keeper", true, false);
    broker_close(b, c, 0);
    CHECK_EQ(broker_get_stats(b).sessions, 0);
    broker_destroy(b);
}

static void test_limits(void) {
    broker_limits l = broker_default_limits();
    l.max_connections = 2;
    l.max_packet = 64;
    l.max_inflight = 2;
    l.max_queued = 1;
    broker *b = new_broker(&l);
    int a = connect_client(b, "a", true, false);
    int c = connect_client(b, "c", true, false);
    CHECK_EQ(broker_open(b, 0), -1);
    CHECK_EQ(broker_get_stats(b).connections_refused, 1);
    /* Packet over max_packet: closed, even before its body arrives. */
    feed(b, a, raw("\x30\x7F", 2), 0);
    CHECK_EQ(broker_close_state_of(b, a), BROKER_CLOSE_NOW);
    broker_close(b, a, 0);
    /* Inflight window 2 + queue 1: the 4th unacked message is dropped. */
    subscribe(b, c, "q", 1, 1);
    for (int i = 0; i < 4; i++)
        broker_publish_from_bus(b, "q", 1, (const uint8_t *)"m", 1, 1, false);
    buf out = output(b, c);
    CHECK_EQ(count_packets(&out), 2);
    CHECK_EQ(broker_get_stats(b).dropped_queue_full, 1);
    mqtt_publish p;
    CHECK(nth_publish(&out, 0, &p));
    uint8_t ack[4] = {0x40, 2, (uint8_t)(p.packet_id >> 8), (uint8_t)p.packet_id};
    feed(b, c, raw(ack, 4), 0); /* frees a slot: the queued one goes out */
    out = output(b, c);
    CHECK_EQ(count_packets(&out), 1);
    broker_destroy(b);
}

static uint32_t rand_state = 12345;
static uint32_t RAND(void) {
    rand_state = rand_state * 1103515245u + 12345u;
    return (rand_state >> 16) & 0x7FFF;
}

/* Random and mutated input must never crash the broker (run under ASan)
 * and never affect other connections. */
static void test_fuzz(void) {
    broker_limits l = broker_default_limits();
    l.max_packet = 4096;
    broker *b = new_broker(&l);
    int watcher = connect_client(b, "watcher", true, false);
    subscribe(b, watcher, "#", 1, 1);
    buf seeds[] = {
        connect_pkt("f", true, 5, "w", "x"),       subscribe_pkt(3, "a/+/#", 1),
        publish_pkt("a/b", "payload", 1, true, 9), unsubscribe_pkt(4, "a/#"),
        publish_pkt("a/b", "", 2, false, 8),
    };
    bool all_opened = true;
    for (int round = 0; round < 3000; round++) {
        int c = broker_open(b, 0);
        all_opened = all_opened && c >= 0;
        if (c < 0)
            break;
        if (round % 2)
            feed(b, c, seeds[0], 0); /* half of them get past CONNECT */
        for (int k = 0; k < 4; k++) {
            buf m = seeds[RAND() % (sizeof seeds / sizeof seeds[0])];
            int flips = (int)(RAND() % 4);
            for (int f = 0; f < flips; f++) {
                size_t at = RAND() % m.n;
                m.d[at] = (uint8_t)RAND();
            }
            if (RAND() % 3 == 0)
                m.n = RAND() % (m.n + 1);
            if (RAND() % 5 == 0) {
                m.n = RAND() % 64;
                for (size_t i = 0; i < m.n; i++)
                    m.d[i] = (uint8_t)RAND();
            }
            feed(b, c, m, 0);
        }
        output(b, c);
        broker_close(b, c, 0);
        output(b, watcher);
    }
    CHECK(all_opened); /* every slot was freed again */
    CHECK_EQ(broker_close_state_of(b, watcher), BROKER_OPEN);
    CHECK_EQ(broker_get_stats(b).connections_open, 1);
    broker_publish_from_bus(b, "after/fuzz", 10, (const uint8_t *)"ok", 2, 0, false);
    buf out = output(b, watcher);
    mqtt_publish p;
    CHECK(nth_publish(&out, 0, &p));
    CHECK_PUBLISH(p, "after/fuzz", "ok");
    broker_destroy(b);
}

/* ---- MQTT 5 ------------------------------------------------------------ */

/* A v5 CONNECT with the given property list (already encoded). */
static buf connect5_pkt(const char *id, const uint8_t *props, size_t props_len) {
    buf b = {.n = 0};
    putstr(&b, "MQTT");
    put8(&b, 5);
    put8(&b, 0x02);
    put16(&b, 0);
    put8(&b, (uint8_t)props_len);
    putraw(&b, props, props_len);
    putstr(&b, id);
    return packet(0x10, &b);
}

static buf publish5_pkt(const char *topic, const char *payload, uint8_t qos, uint16_t pid,
                        const uint8_t *props, size_t props_len) {
    buf b = {.n = 0};
    putstr(&b, topic);
    if (qos)
        put16(&b, pid);
    put8(&b, (uint8_t)props_len);
    putraw(&b, props, props_len);
    putraw(&b, payload, strlen(payload));
    return packet((uint8_t)(0x30 | (qos << 1)), &b);
}

static void test_mqtt5_flow_control(void) {
    broker *b = new_broker(NULL);
    /* Receive Maximum 2: at most two unacknowledged QoS 1 messages in flight. */
    static const uint8_t receive_max_2[] = {0x21, 0, 2};
    int sub = broker_open(b, 0);
    feed(b, sub, connect5_pkt("rm", receive_max_2, sizeof receive_max_2), 0);
    buf out = output(b, sub);
    CHECK(out.n > 4 && out.d[0] == 0x20 && out.d[3] == 0); /* CONNACK v5, reason 0 */
    buf body = {.n = 0};
    put16(&body, 1);
    put8(&body, 0); /* no properties */
    putstr(&body, "fc/#");
    put8(&body, 1); /* options: QoS 1 */
    feed(b, sub, packet(0x82, &body), 0);
    out = output(b, sub);
    CHECK(out.n == 6 && out.d[0] == 0x90 && out.d[4] == 0 && out.d[5] == 1); /* SUBACK v5 */
    int pub = connect_client(b, "pub", true, false);
    for (int i = 0; i < 5; i++)
        feed(b, pub, publish_pkt("fc/x", "m", 1, false, (uint16_t)(i + 1)), 0);
    output(b, pub);
    out = output(b, sub);
    CHECK_EQ(count_packets(&out), 2);
    /* Each PUBACK lets one more out. */
    uint8_t ack[4];
    mqtt_fixed_header h;
    const uint8_t *pkt;
    CHECK(nth_packet(&out, 0, &h, &pkt));
    uint16_t first_id = (uint16_t)((pkt[2 + 4] << 8) | pkt[2 + 4 + 1]); /* after "fc/x" */
    mqtt_encode_ack(ack, sizeof ack, MQTT_PUBACK, first_id);
    feed(b, sub, raw(ack, 4), 0);
    out = output(b, sub);
    CHECK_EQ(count_packets(&out), 1);

    /* Maximum Packet Size 20: a larger message is not sent to that client. */
    static const uint8_t max_packet_20[] = {0x27, 0, 0, 0, 20};
    int small = broker_open(b, 0);
    feed(b, small, connect5_pkt("small", max_packet_20, sizeof max_packet_20), 0);
    output(b, small);
    body.n = 0;
    put16(&body, 1);
    put8(&body, 0);
    putstr(&body, "mp/#");
    put8(&body, 0);
    feed(b, small, packet(0x82, &body), 0);
    output(b, small);
    feed(b, pub, publish_pkt("mp/a", "short", 0, false, 0), 0);
    feed(b, pub, publish_pkt("mp/b", "a payload far longer than twenty bytes", 0, false, 0), 0);
    out = output(b, small);
    CHECK_EQ(count_packets(&out), 1);

    /* A topic alias above the maximum, or unknown, closes the connection. */
    static const uint8_t alias_99[] = {0x23, 0, 99};
    static const uint8_t alias_5[] = {0x23, 0, 5};
    int bad = broker_open(b, 0);
    feed(b, bad, connect5_pkt("alias", NULL, 0), 0);
    output(b, bad);
    feed(b, bad, publish5_pkt("t", "x", 0, 0, alias_99, sizeof alias_99), 0);
    CHECK_EQ(broker_close_state_of(b, bad), BROKER_CLOSE_NOW);
    broker_close(b, bad, 0);
    bad = broker_open(b, 0);
    feed(b, bad, connect5_pkt("alias2", NULL, 0), 0);
    output(b, bad);
    feed(b, bad, publish5_pkt("", "x", 0, 0, alias_5, sizeof alias_5), 0);
    CHECK_EQ(broker_close_state_of(b, bad), BROKER_CLOSE_NOW);
    /* The other clients are unaffected. */
    CHECK_EQ(broker_close_state_of(b, sub), BROKER_OPEN);
    broker_destroy(b);
}

/* When the host cannot store a QoS 1 message, no PUBACK promises it is kept. */
static void test_store_failure_withholds_puback(void) {
    broker *b = new_broker(NULL);
    int c311 = connect_client(b, "old", true, false);
    int c5 = broker_open(b, 0);
    feed(b, c5, connect5_pkt("new", NULL, 0), 0);
    output(b, c5);
    captured.refuse = true;
    feed(b, c311, publish_pkt("s/t", "x", 1, false, 7), 0);
    buf out = output(b, c311);
    CHECK_EQ(out.n, 0);                                         /* no PUBACK... */
    CHECK_EQ(broker_close_state_of(b, c311), BROKER_CLOSE_NOW); /* ...the client resends */
    feed(b, c5, publish5_pkt("s/t", "x", 1, 8, NULL, 0), 0);
    out = output(b, c5);
    CHECK_EQ(out.n, 5);
    CHECK_BYTES(out.d, 5, "\x40\x03\x00\x08\x80"); /* PUBACK, reason 0x80 */
    CHECK_EQ(broker_close_state_of(b, c5), BROKER_OPEN);
    /* QoS 0 is not acknowledged anyway; the connection stays. */
    feed(b, c5, publish5_pkt("s/t", "y", 0, 0, NULL, 0), 0);
    CHECK_EQ(broker_close_state_of(b, c5), BROKER_OPEN);
    captured.refuse = false;
    feed(b, c5, publish5_pkt("s/t", "z", 1, 9, NULL, 0), 0);
    out = output(b, c5);
    CHECK_BYTES(out.d, 4, "\x40\x02\x00\x09");
    broker_destroy(b);
}

void test_broker(void) {
    verbose_log = getenv("BROKER_LOG") != NULL;
    test_connect_rules();
    test_publish_subscribe();
    test_qos2_inbound();
    test_retained();
    test_bus();
    test_malformed_isolated();
    test_keepalive();
    test_will_and_takeover();
    test_persistent_session();
    test_limits();
    test_fuzz();
    test_mqtt5_flow_control();
    test_store_failure_withholds_puback();
}
