/* broker.c — see broker.h. Section numbers refer to MQTT 3.1.1. */
#include "broker.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker_internal.h"
#include "mqtt_codec.h"
#include "mqtt_topic.h"

/* How long a connection told to close may take to flush its output. */
#define CLOSE_FLUSH_MS 2000u

broker_limits broker_default_limits(void) {
    broker_limits l = {
        .max_connections = 64,
        .max_packet = 256 * 1024,
        .max_output = 1024 * 1024,
        .max_subscriptions = 64,
        .max_inflight = 32,
        .max_queued = 256,
        .max_sessions = 128,
        .max_retained = 1024,
        .max_retained_bytes = 4u * 1024 * 1024,
        .connect_timeout_ms = 10000,
    };
    return l;
}

void broker_log(broker *b, uint32_t level, const char *fmt, ...) {
    if (b->hooks.on_log == NULL) return;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    b->hooks.on_log(b->hooks.ctx, level, line);
}

static int conn_index(const broker *b, const connection *c) { return (int)(c - b->conns); }

static connection *conn_get(broker *b, int conn) {
    if (conn < 0 || (uint32_t)conn >= b->limits.max_connections) return NULL;
    connection *c = &b->conns[conn];
    return c->phase == CONN_FREE ? NULL : c;
}

static void close_later(connection *c, uint64_t now_ms) {
    if (c->close == BROKER_OPEN) {
        c->close = BROKER_CLOSE_AFTER_FLUSH;
        c->close_deadline_ms = now_ms + CLOSE_FLUSH_MS;
    }
}

static void protocol_error(broker *b, connection *c, const char *why) {
    b->stats.protocol_errors++;
    broker_log(b, 2, "conn %d: closing: %s", conn_index(b, c), why);
    c->close = BROKER_CLOSE_NOW;
}

/* ---- output ------------------------------------------------------------ */

/* Make room for n more bytes at the end of the pending output. */
static uint8_t *out_reserve(connection *c, size_t n) {
    if (c->out_start > 0 && c->out_start + c->out_len + n > c->out_cap) {
        memmove(c->out, c->out + c->out_start, c->out_len);
        c->out_start = 0;
    }
    if (c->out_len + n > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 1024;
        while (cap < c->out_len + n) cap *= 2;
        uint8_t *p = realloc(c->out, cap);
        if (p == NULL) return NULL;
        c->out = p;
        c->out_cap = cap;
    }
    return c->out + c->out_start + c->out_len;
}

/* Queue a small control packet. Always accepted unless the client has left
 * far more than max_output unread, in which case it is disconnected. */
static void send_control(broker *b, connection *c, const uint8_t *bytes, size_t n) {
    if (c->close == BROKER_CLOSE_NOW) return;
    if (c->out_len > 2 * (size_t)b->limits.max_output) {
        protocol_error(b, c, "client does not read its socket");
        return;
    }
    uint8_t *p = out_reserve(c, n);
    if (p == NULL) {
        protocol_error(b, c, "out of memory");
        return;
    }
    memcpy(p, bytes, n);
    c->out_len += n;
}

/* Queue a PUBLISH if it fits within max_output; false if it does not. */
bool broker_send_publish(broker *b, connection *c, const message *m, uint8_t qos,
                         bool retain, bool dup, uint16_t packet_id) {
    if (c->close == BROKER_CLOSE_NOW) return true; /* discarded with the connection */
    size_t need = mqtt_encode_publish(NULL, 0, (const uint8_t *)message_topic(m), m->topic_len,
                                      message_payload(m), m->payload_len, qos, retain, dup,
                                      packet_id);
    if (need == 0 || c->out_len + need > b->limits.max_output) return false;
    uint8_t *p = out_reserve(c, need);
    if (p == NULL) return false;
    mqtt_encode_publish(p, need, (const uint8_t *)message_topic(m), m->topic_len,
                        message_payload(m), m->payload_len, qos, retain, dup, packet_id);
    c->out_len += need;
    b->stats.messages_out++;
    return true;
}



static void route(broker *b, message *m) {
    for (uint32_t i = 0; i < b->session_count; i++) {
        session *s = b->sessions[i];
        int granted = session_match(s, message_topic(m), m->topic_len);
        if (granted < 0) continue;
        uint8_t qos = m->qos < granted ? m->qos : (uint8_t)granted; /* §3.8.4 */
        session_deliver(b, s, m, qos, false);                        /* [MQTT-3.3.1-9] */
    }
}

static void publish(broker *b, message *m, bool retain, bool from_client) {
    if (retain) {
        if (retained_put(&b->retained, m) == RETAINED_FULL) {
            if (b->stats.retained_rejected++ % 100 == 0)
                broker_log(b, 2, "retained store full (%u topics): not retaining '%.*s'",
                         b->retained.count, (int)m->topic_len, message_topic(m));
        }
    }
    route(b, m);
    if (from_client && b->hooks.on_publish)
        b->hooks.on_publish(b->hooks.ctx, message_topic(m), m->topic_len, message_payload(m),
                            m->payload_len, m->qos, retain);
}

/* ---- packets ----------------------------------------------------------- */

static void handle_connect(broker *b, connection *c, const uint8_t *body, size_t len,
                           uint64_t now_ms) {
    uint8_t ack[4];
    mqtt_connect ck;
    mqtt_status st = mqtt_decode_connect(body, len, &ck);
    if (st == MQTT_ERR_BAD_PROTOCOL) {
        broker_log(b, 2, "conn %d: unsupported protocol level %u", conn_index(b, c),
                 ck.protocol_level);
        send_control(b, c, ack, mqtt_encode_connack(ack, sizeof ack, false,
                                                    MQTT_CONNACK_BAD_PROTOCOL_LEVEL));
        close_later(c, now_ms);
        return;
    }
    if (st != MQTT_OK) return protocol_error(b, c, "malformed CONNECT");
    if (ck.will_flag && !mqtt_topic_name_is_valid((const char *)ck.will_topic.data,
                                                  ck.will_topic.len))
        return protocol_error(b, c, "invalid will topic");

    char auto_id[32];
    mqtt_bytes id = ck.client_id;
    if (id.len == 0) {
        if (!ck.clean_session) { /* [MQTT-3.1.3-8] */
            send_control(b, c, ack, mqtt_encode_connack(ack, sizeof ack, false,
                                                        MQTT_CONNACK_IDENTIFIER_REJECTED));
            close_later(c, now_ms);
            return;
        }
        /* A server-assigned id [MQTT-3.1.3-6]. A client could send the same
         * bytes; that would only mean a takeover, as for any shared id. */
        int n = snprintf(auto_id, sizeof auto_id, "\x01" "auto-%llu",
                         (unsigned long long)++b->auto_ids);
        id.data = (const uint8_t *)auto_id;
        id.len = (size_t)n;
    }

    session *s = session_find(b, id.data, id.len);
    if (s != NULL && s->conn >= 0) { /* takeover [MQTT-3.1.4-2] */
        connection *old = &b->conns[s->conn];
        broker_log(b, 1, "client '%.*s' reconnected: closing its old connection %d",
                 (int)id.len, (const char *)id.data, s->conn);
        old->session = NULL;
        old->close = BROKER_CLOSE_NOW;
        s->conn = -1;
    }
    if (s != NULL && (ck.clean_session || s->clean)) { /* [MQTT-3.1.2-6] */
        session_destroy(b, s);
        s = NULL;
    }
    bool session_present = s != NULL;
    if (s == NULL) s = session_create(b, id.data, id.len);
    if (s == NULL) {
        send_control(b, c, ack, mqtt_encode_connack(ack, sizeof ack, false,
                                                    MQTT_CONNACK_SERVER_UNAVAILABLE));
        close_later(c, now_ms);
        return;
    }
    if (ck.will_flag) {
        c->will = message_new((const char *)ck.will_topic.data, ck.will_topic.len,
                              ck.will_message.data, ck.will_message.len,
                              ck.will_qos > 1 ? 1 : ck.will_qos);
        c->will_retain = ck.will_retain;
    }
    s->clean = ck.clean_session;
    s->conn = conn_index(b, c);
    c->session = s;
    c->keep_alive = ck.keep_alive;
    c->phase = CONN_CONNECTED;
    send_control(b, c, ack, mqtt_encode_connack(ack, sizeof ack, session_present,
                                                MQTT_CONNACK_ACCEPTED));
    if (session_present) { /* resend unacknowledged messages [MQTT-4.4.0-1] */
        for (uint32_t i = 0; i < s->inflight; i++)
            broker_send_publish(b, c, s->out[i].msg, 1, s->out[i].retain, true, s->out[i].packet_id);
        session_pump(b, s);
    }
    sessions_evict(b);
}

static void handle_publish(broker *b, connection *c, uint8_t flags, const uint8_t *body,
                           size_t len) {
    mqtt_publish pub;
    if (mqtt_decode_publish(flags, body, len, &pub) != MQTT_OK)
        return protocol_error(b, c, "malformed PUBLISH");
    if (!mqtt_topic_name_is_valid((const char *)pub.topic.data, pub.topic.len))
        return protocol_error(b, c, "invalid topic name in PUBLISH");
    b->stats.publishes_in++;
    session *s = c->session;
    uint8_t ack[4];
    if (pub.qos == 2) {
        for (uint32_t i = 0; i < s->qos2_count; i++) {
            if (s->qos2_pending[i] == pub.packet_id) { /* duplicate: already delivered */
                send_control(b, c, ack, mqtt_encode_ack(ack, sizeof ack, MQTT_PUBREC,
                                                        pub.packet_id));
                return;
            }
        }
        if (s->qos2_count == MAX_QOS2_PENDING)
            return protocol_error(b, c, "too many QoS 2 messages awaiting PUBREL");
        s->qos2_pending[s->qos2_count++] = pub.packet_id;
    }
    message *m = message_new((const char *)pub.topic.data, pub.topic.len, pub.payload.data,
                             pub.payload.len, pub.qos > 1 ? 1 : pub.qos);
    if (m == NULL) return protocol_error(b, c, "out of memory");
    publish(b, m, pub.retain, true);
    message_unref(m);
    if (pub.qos == 1)
        send_control(b, c, ack, mqtt_encode_ack(ack, sizeof ack, MQTT_PUBACK, pub.packet_id));
    else if (pub.qos == 2)
        send_control(b, c, ack, mqtt_encode_ack(ack, sizeof ack, MQTT_PUBREC, pub.packet_id));
}

static void handle_subscribe(broker *b, connection *c, uint8_t flags, const uint8_t *body,
                             size_t len) {
    mqtt_topic_list list;
    if (mqtt_decode_subscribe(flags, body, len, &list) != MQTT_OK)
        return protocol_error(b, c, "malformed SUBSCRIBE");
    session *s = c->session;
    uint8_t *codes = malloc(list.count);
    if (codes == NULL) return protocol_error(b, c, "out of memory");
    mqtt_topic_list again = list;
    mqtt_bytes filter;
    uint8_t qos;
    for (uint32_t i = 0; mqtt_topic_list_next(&list, &filter, &qos); i++) {
        uint8_t granted = qos > 1 ? 1 : qos;
        bool ok = mqtt_topic_filter_is_valid((const char *)filter.data, filter.len) &&
                  session_subscribe(s, filter.data, filter.len, granted,
                                   b->limits.max_subscriptions);
        codes[i] = ok ? granted : MQTT_SUBACK_FAILURE;
    }
    size_t need = mqtt_encode_suback(NULL, 0, list.packet_id, codes, list.count);
    uint8_t *packet = malloc(need);
    if (packet == NULL) {
        free(codes);
        return protocol_error(b, c, "out of memory");
    }
    mqtt_encode_suback(packet, need, list.packet_id, codes, list.count);
    send_control(b, c, packet, need);
    free(packet);
    /* Retained messages for each new subscription, RETAIN set [MQTT-3.3.1-8]. */
    for (uint32_t i = 0; mqtt_topic_list_next(&again, &filter, &qos); i++) {
        if (codes[i] == MQTT_SUBACK_FAILURE) continue;
        for (uint32_t r = 0; r < b->retained.count; r++) {
            message *m = b->retained.items[r];
            if (!mqtt_topic_matches((const char *)filter.data, filter.len, message_topic(m),
                                    m->topic_len))
                continue;
            session_deliver(b, s, m, m->qos < codes[i] ? m->qos : codes[i], true);
        }
    }
    free(codes);
}

static void handle_unsubscribe(broker *b, connection *c, uint8_t flags, const uint8_t *body,
                               size_t len) {
    mqtt_topic_list list;
    if (mqtt_decode_unsubscribe(flags, body, len, &list) != MQTT_OK)
        return protocol_error(b, c, "malformed UNSUBSCRIBE");
    session *s = c->session;
    mqtt_bytes filter;
    while (mqtt_topic_list_next(&list, &filter, NULL))
        session_unsubscribe(s, filter.data, filter.len);
    uint8_t ack[4];
    send_control(b, c, ack, mqtt_encode_ack(ack, sizeof ack, MQTT_UNSUBACK, list.packet_id));
}

static void handle_packet(broker *b, connection *c, const mqtt_fixed_header *h,
                          const uint8_t *body, uint64_t now_ms) {
    b->stats.packets_in++;
    size_t len = h->remaining_length;
    if (c->phase == CONN_AWAIT_CONNECT) {
        if (h->type != MQTT_CONNECT) return protocol_error(b, c, "first packet is not CONNECT");
        return handle_connect(b, c, body, len, now_ms);
    }
    uint16_t id;
    uint8_t ack[4];
    switch (h->type) {
    case MQTT_CONNECT:
        return protocol_error(b, c, "second CONNECT"); /* [MQTT-3.1.0-2] */
    case MQTT_PUBLISH:
        return handle_publish(b, c, h->flags, body, len);
    case MQTT_PUBACK:
        if (mqtt_decode_packet_id(body, len, &id) != MQTT_OK)
            return protocol_error(b, c, "malformed PUBACK");
        return session_acked(b, c->session, id);
    case MQTT_PUBREL: {
        if (mqtt_decode_packet_id(body, len, &id) != MQTT_OK)
            return protocol_error(b, c, "malformed PUBREL");
        session *s = c->session;
        for (uint32_t i = 0; i < s->qos2_count; i++) {
            if (s->qos2_pending[i] == id) {
                s->qos2_pending[i] = s->qos2_pending[--s->qos2_count];
                break;
            }
        }
        return send_control(b, c, ack, mqtt_encode_ack(ack, sizeof ack, MQTT_PUBCOMP, id));
    }
    case MQTT_PUBREC:
    case MQTT_PUBCOMP: /* the broker never sends QoS 2; ignore stray acks */
        if (mqtt_decode_packet_id(body, len, &id) != MQTT_OK)
            return protocol_error(b, c, "malformed acknowledgement");
        return;
    case MQTT_SUBSCRIBE:
        return handle_subscribe(b, c, h->flags, body, len);
    case MQTT_UNSUBSCRIBE:
        return handle_unsubscribe(b, c, h->flags, body, len);
    case MQTT_PINGREQ:
        if (len != 0) return protocol_error(b, c, "malformed PINGREQ");
        return send_control(b, c, ack, mqtt_encode_pingresp(ack, sizeof ack));
    case MQTT_DISCONNECT:
        if (len != 0) return protocol_error(b, c, "malformed DISCONNECT");
        message_unref(c->will); /* discard the will [MQTT-3.14.4-3] */
        c->will = NULL;
        c->close = BROKER_CLOSE_NOW;
        return;
    default: /* CONNACK, SUBACK, UNSUBACK, PINGRESP: server-to-client only */
        return protocol_error(b, c, "unexpected packet type from client");
    }
}

/* ---- public API -------------------------------------------------------- */

broker *broker_create(const broker_limits *limits, const broker_hooks *hooks) {
    const broker_limits *l = limits;
    if (l->max_connections == 0 || l->max_packet < 16 || l->max_output < 1024 ||
        l->max_subscriptions == 0 || l->max_inflight == 0 || l->max_inflight > 60000)
        return NULL;
    broker *b = calloc(1, sizeof *b);
    if (b == NULL) return NULL;
    b->limits = *l;
    if (hooks != NULL) b->hooks = *hooks;
    b->conns = calloc(l->max_connections, sizeof *b->conns);
    if (b->conns == NULL) {
        free(b);
        return NULL;
    }
    retained_init(&b->retained, l->max_retained, l->max_retained_bytes);
    return b;
}

void broker_destroy(broker *b) {
    if (b == NULL) return;
    for (uint32_t i = 0; i < b->limits.max_connections; i++) {
        connection *c = &b->conns[i];
        free(c->in);
        free(c->out);
        message_unref(c->will);
    }
    while (b->session_count) session_destroy(b, b->sessions[0]);
    free(b->sessions);
    free(b->conns);
    retained_free(&b->retained);
    free(b);
}

int broker_open(broker *b, uint64_t now_ms) {
    for (uint32_t i = 0; i < b->limits.max_connections; i++) {
        connection *c = &b->conns[i];
        if (c->phase != CONN_FREE) continue;
        memset(c, 0, sizeof *c);
        c->phase = CONN_AWAIT_CONNECT;
        c->opened_ms = c->last_input_ms = now_ms;
        b->stats.connections_accepted++;
        return (int)i;
    }
    b->stats.connections_refused++;
    return -1;
}

void broker_input(broker *b, int conn, const uint8_t *data, size_t len, uint64_t now_ms) {
    connection *c = conn_get(b, conn);
    if (c == NULL || c->close != BROKER_OPEN || len == 0) return;
    c->last_input_ms = now_ms;
    if (c->in_len + len > c->in_cap) {
        size_t cap = c->in_cap ? c->in_cap : 512;
        while (cap < c->in_len + len) cap *= 2;
        uint8_t *p = realloc(c->in, cap);
        if (p == NULL) return protocol_error(b, c, "out of memory");
        c->in = p;
        c->in_cap = cap;
    }
    memcpy(c->in + c->in_len, data, len);
    c->in_len += len;

    size_t off = 0;
    while (c->close == BROKER_OPEN) {
        mqtt_fixed_header h;
        mqtt_status st = mqtt_read_fixed_header(c->in + off, c->in_len - off,
                                                b->limits.max_packet, &h);
        if (st == MQTT_NEED_MORE) break;
        if (st == MQTT_ERR_TOO_LARGE) {
            protocol_error(b, c, "packet larger than max_packet");
            break;
        }
        if (st != MQTT_OK) {
            protocol_error(b, c, "malformed fixed header");
            break;
        }
        handle_packet(b, c, &h, c->in + off + h.header_length, now_ms);
        off += h.header_length + h.remaining_length;
    }
    if (c->close != BROKER_OPEN) {
        c->in_len = 0;
    } else if (off > 0) {
        memmove(c->in, c->in + off, c->in_len - off);
        c->in_len -= off;
    }
    /* Give back a big buffer once it is idle. */
    if (c->in_len == 0 && c->in_cap > 64 * 1024) {
        free(c->in);
        c->in = NULL;
        c->in_cap = 0;
    }
}

size_t broker_output(broker *b, int conn, const uint8_t **data) {
    connection *c = conn_get(b, conn);
    if (c == NULL || c->out_len == 0) {
        *data = NULL;
        return 0;
    }
    *data = c->out + c->out_start;
    return c->out_len;
}

void broker_output_consumed(broker *b, int conn, size_t n) {
    connection *c = conn_get(b, conn);
    if (c == NULL) return;
    if (n > c->out_len) n = c->out_len;
    c->out_start += n;
    c->out_len -= n;
    if (c->out_len == 0) {
        c->out_start = 0;
        if (c->out_cap > 256 * 1024) {
            free(c->out);
            c->out = NULL;
            c->out_cap = 0;
        }
    }
    if (c->session != NULL && c->close == BROKER_OPEN) session_pump(b, c->session);
}

broker_close_state broker_close_state_of(broker *b, int conn) {
    connection *c = conn_get(b, conn);
    return c == NULL ? BROKER_CLOSE_NOW : c->close;
}

void broker_close(broker *b, int conn, uint64_t now_ms) {
    connection *c = conn_get(b, conn);
    if (c == NULL) return;
    message *will = c->will;
    c->will = NULL;
    session *s = c->session;
    if (s != NULL) {
        s->conn = -1;
        s->offline_since_ms = now_ms;
        /* Unsent QoS 1 messages stay queued; sent ones are resent on reconnect. */
        if (s->clean) session_destroy(b, s);
    }
    free(c->in);
    free(c->out);
    memset(c, 0, sizeof *c); /* phase = CONN_FREE */
    if (will != NULL) {
        /* Published after the slot is free, so it reaches no half-closed
         * connection. The will is not sent after DISCONNECT [MQTT-3.1.2-10]. */
        publish(b, will, false, true);
        message_unref(will);
    }
    sessions_evict(b);
}

uint64_t broker_tick(broker *b, uint64_t now_ms) {
    uint64_t next = 60000;
    for (uint32_t i = 0; i < b->limits.max_connections; i++) {
        connection *c = &b->conns[i];
        if (c->phase == CONN_FREE) continue;
        uint64_t deadline;
        if (c->close == BROKER_CLOSE_NOW) {
            continue;
        } else if (c->close == BROKER_CLOSE_AFTER_FLUSH) {
            deadline = c->close_deadline_ms;
        } else if (c->phase == CONN_AWAIT_CONNECT) {
            deadline = c->opened_ms + b->limits.connect_timeout_ms;
        } else if (c->keep_alive > 0) {
            deadline = c->last_input_ms + (uint64_t)c->keep_alive * 1500u; /* [MQTT-3.1.2-24] */
        } else {
            continue;
        }
        if (now_ms >= deadline) {
            if (c->close == BROKER_OPEN) {
                b->stats.keepalive_timeouts++;
                broker_log(b, 1, "conn %d: %s", (int)i,
                         c->phase == CONN_AWAIT_CONNECT ? "no CONNECT in time"
                                                        : "keep-alive expired");
            }
            c->close = BROKER_CLOSE_NOW;
        } else if (deadline - now_ms < next) {
            next = deadline - now_ms;
        }
    }
    return next;
}

void broker_publish_from_bus(broker *b, const char *topic, size_t topic_len,
                             const uint8_t *payload, size_t payload_len, uint8_t qos,
                             bool retain) {
    if (!mqtt_topic_name_is_valid(topic, topic_len)) {
        broker_log(b, 2, "bus message with an invalid topic name dropped");
        return;
    }
    message *m = message_new(topic, topic_len, payload, payload_len, qos > 1 ? 1 : qos);
    if (m == NULL) {
        broker_log(b, 3, "out of memory: bus message dropped");
        return;
    }
    b->stats.publishes_bus++;
    publish(b, m, retain, false);
    message_unref(m);
}

broker_stats broker_get_stats(const broker *b) {
    broker_stats st = b->stats;
    st.sessions = b->session_count;
    st.retained = b->retained.count;
    st.connections_open = 0;
    for (uint32_t i = 0; i < b->limits.max_connections; i++)
        if (b->conns[i].phase != CONN_FREE) st.connections_open++;
    return st;
}
