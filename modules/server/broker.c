/* broker.c — see broker.h. Section numbers refer to MQTT 3.1.1 unless they
 * say MQTT 5.0; a connection speaks the version its CONNECT asked for. */
#include "broker.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker_internal.h"
#include "mqtt_codec.h"
#include "mqtt_props.h"
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
    if (b->hooks.on_log == NULL)
        return;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    b->hooks.on_log(b->hooks.ctx, level, line);
}

int broker_conn_index(const broker *b, const connection *c) { return (int)(c - b->conns); }

static connection *conn_get(broker *b, int conn) {
    if (conn < 0 || (uint32_t)conn >= b->limits.max_connections)
        return NULL;
    connection *c = &b->conns[conn];
    return c->phase == CONN_FREE ? NULL : c;
}

void broker_close_later(connection *c, uint64_t now_ms) {
    if (c->close == BROKER_OPEN) {
        c->close = BROKER_CLOSE_AFTER_FLUSH;
        c->close_deadline_ms = now_ms + CLOSE_FLUSH_MS;
    }
}

void broker_protocol_error(broker *b, connection *c, const char *why) {
    b->stats.protocol_errors++;
    broker_log(b, 2, "conn %d: closing: %s", broker_conn_index(b, c), why);
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
        while (cap < c->out_len + n)
            cap *= 2;
        uint8_t *p = realloc(c->out, cap);
        if (p == NULL)
            return NULL;
        c->out = p;
        c->out_cap = cap;
    }
    return c->out + c->out_start + c->out_len;
}

/* Queue a small control packet. Always accepted unless the client has left
 * far more than max_output unread, in which case it is disconnected. */
void broker_send_control(broker *b, connection *c, const uint8_t *bytes, size_t n) {
    if (c->close == BROKER_CLOSE_NOW)
        return;
    if (c->out_len > 2 * (size_t)b->limits.max_output) {
        broker_protocol_error(b, c, "client does not read its socket");
        return;
    }
    uint8_t *p = out_reserve(c, n);
    if (p == NULL) {
        broker_protocol_error(b, c, "out of memory");
        return;
    }
    memcpy(p, bytes, n);
    c->out_len += n;
}

/* MQTT 5: the properties a PUBLISH carries to a subscriber: the remaining
 * Message Expiry, then the forwarded ones. *owned is set when allocated. */
static const uint8_t *publish_props(broker *b, const message *m, size_t *len, uint8_t **owned) {
    *owned = NULL;
    *len = m->props_len;
    if (m->expires_ms == 0)
        return message_props(m);
    uint8_t *p = malloc(5 + m->props_len);
    if (p == NULL)
        return NULL;
    uint64_t left_ms = m->expires_ms > b->now_ms ? m->expires_ms - b->now_ms : 0;
    size_t n = mqtt_prop_put_u32(p, MQTT_PROP_MESSAGE_EXPIRY, (uint32_t)((left_ms + 999) / 1000));
    if (m->props_len)
        memcpy(p + n, message_props(m), m->props_len);
    *len = n + m->props_len;
    *owned = p;
    return p;
}

/* Queue a PUBLISH if it fits within max_output; false if it does not. A
 * message larger than an MQTT 5 client's Maximum Packet Size is discarded as
 * if sent (MQTT 5.0 §3.1.2.11.4). */
bool broker_send_publish(broker *b, connection *c, const message *m, uint8_t qos, bool retain, bool dup,
                         uint16_t packet_id) {
    if (c->close == BROKER_CLOSE_NOW)
        return true; /* discarded with the connection */
    const uint8_t *topic = (const uint8_t *)message_topic(m);
    size_t props_len = 0;
    uint8_t *owned = NULL;
    const uint8_t *props = NULL;
    if (c->version == 5) {
        props = publish_props(b, m, &props_len, &owned);
        if (props == NULL)
            return false;
    }
    size_t need = c->version == 5
                      ? mqtt_encode_publish_v5(NULL, 0, topic, m->topic_len, message_payload(m),
                                               m->payload_len, qos, retain, dup, packet_id, props, props_len)
                      : mqtt_encode_publish(NULL, 0, topic, m->topic_len, message_payload(m), m->payload_len,
                                            qos, retain, dup, packet_id);
    if (c->max_packet_out != 0 && need > c->max_packet_out) {
        free(owned);
        return true;
    }
    uint8_t *p = need == 0 || c->out_len + need > b->limits.max_output ? NULL : out_reserve(c, need);
    if (p == NULL) {
        free(owned);
        return false;
    }
    if (c->version == 5)
        mqtt_encode_publish_v5(p, need, topic, m->topic_len, message_payload(m), m->payload_len, qos, retain,
                               dup, packet_id, props, props_len);
    else
        mqtt_encode_publish(p, need, topic, m->topic_len, message_payload(m), m->payload_len, qos, retain,
                            dup, packet_id);
    free(owned);
    c->out_len += need;
    b->stats.messages_out++;
    return true;
}

/* Shared subscriptions (MQTT 5.0 §4.8.2): each (group, filter) that matches
 * gets the message once, at the next of its sessions in turn. */
static void route_shared(broker *b, message *m) {
    typedef struct {
        session *s;
        const subscription *sub;
        bool done;
    } candidate;
    candidate stack[32], *all = stack;
    uint32_t count = 0, cap = 32;
    for (uint32_t i = 0; i < b->session_count; i++) {
        session *s = b->sessions[i];
        for (uint32_t k = 0; k < s->sub_count; k++) {
            const subscription *sub = &s->subs[k];
            if (sub->group == NULL ||
                !mqtt_topic_matches(sub->filter, sub->len, message_topic(m), m->topic_len))
                continue;
            if (count == cap) {
                candidate *grown = malloc(2 * cap * sizeof *grown);
                if (grown == NULL)
                    break;
                memcpy(grown, all, count * sizeof *grown);
                if (all != stack)
                    free(all);
                all = grown;
                cap *= 2;
            }
            all[count++] = (candidate){s, sub, false};
        }
    }
    for (uint32_t i = 0; i < count; i++) {
        if (all[i].done)
            continue;
        const subscription *first = all[i].sub;
        uint32_t members = 0;
        for (uint32_t k = i; k < count; k++) {
            const subscription *o = all[k].sub;
            if (!all[k].done && o->group_len == first->group_len && o->len == first->len &&
                memcmp(o->group, first->group, o->group_len) == 0 &&
                memcmp(o->filter, first->filter, o->len) == 0)
                members++;
        }
        uint32_t pick = b->shared_turn++ % members, seen = 0;
        for (uint32_t k = i; k < count; k++) {
            const subscription *o = all[k].sub;
            if (all[k].done || o->group_len != first->group_len || o->len != first->len ||
                memcmp(o->group, first->group, o->group_len) != 0 ||
                memcmp(o->filter, first->filter, o->len) != 0)
                continue;
            all[k].done = true;
            if (seen++ != pick)
                continue;
            uint8_t qos = m->qos < o->qos ? m->qos : o->qos;
            session_deliver(b, all[k].s, m, qos, false);
        }
    }
    if (all != stack)
        free(all);
}

static void route(broker *b, message *m, bool retain, const session *from) {
    for (uint32_t i = 0; i < b->session_count; i++) {
        session *s = b->sessions[i];
        bool keep_retain = false;
        int granted = session_match(s, message_topic(m), m->topic_len, s == from, &keep_retain);
        if (granted < 0)
            continue;
        uint8_t qos = m->qos < granted ? m->qos : (uint8_t)granted; /* §3.8.4 */
        /* RETAIN is cleared [MQTT-3.3.1-9] unless Retain As Published (MQTT 5.0). */
        session_deliver(b, s, m, qos, retain && keep_retain);
    }
    route_shared(b, m);
}

bool broker_publish(broker *b, message *m, bool retain, bool from_client, const session *from) {
    if (retain) {
        if (retained_put(&b->retained, m) == RETAINED_FULL) {
            if (b->stats.retained_rejected++ % 100 == 0)
                broker_log(b, 2, "retained store full (%u topics): not retaining '%.*s'", b->retained.count,
                           (int)m->topic_len, message_topic(m));
        }
    }
    route(b, m, retain, from);
    if (from_client && b->hooks.on_publish)
        return b->hooks.on_publish(b->hooks.ctx, message_topic(m), m->topic_len, message_payload(m),
                                   m->payload_len, m->qos, retain);
    return true;
}

/* ---- public API -------------------------------------------------------- */

broker *broker_create(const broker_limits *limits, const broker_hooks *hooks) {
    const broker_limits *l = limits;
    if (l->max_connections == 0 || l->max_packet < 16 || l->max_output < 1024 || l->max_subscriptions == 0 ||
        l->max_inflight == 0 || l->max_inflight > 60000)
        return NULL;
    broker *b = calloc(1, sizeof *b);
    if (b == NULL)
        return NULL;
    b->limits = *l;
    if (hooks != NULL)
        b->hooks = *hooks;
    b->conns = calloc(l->max_connections, sizeof *b->conns);
    if (b->conns == NULL) {
        free(b);
        return NULL;
    }
    retained_init(&b->retained, l->max_retained, l->max_retained_bytes);
    return b;
}

void broker_destroy(broker *b) {
    if (b == NULL)
        return;
    for (uint32_t i = 0; i < b->limits.max_connections; i++) {
        connection *c = &b->conns[i];
        free(c->in);
        free(c->out);
        message_unref(c->will);
        for (int k = 0; k <= TOPIC_ALIAS_MAX; k++)
            free(c->alias[k]);
    }
    while (b->session_count)
        session_destroy(b, b->sessions[0]);
    free(b->sessions);
    free(b->conns);
    retained_free(&b->retained);
    free(b);
}

int broker_open(broker *b, uint64_t now_ms) {
    for (uint32_t i = 0; i < b->limits.max_connections; i++) {
        connection *c = &b->conns[i];
        if (c->phase != CONN_FREE)
            continue;
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
    if (c == NULL || c->close != BROKER_OPEN || len == 0)
        return;
    c->last_input_ms = now_ms;
    b->now_ms = now_ms;
    if (c->in_len + len > c->in_cap) {
        size_t cap = c->in_cap ? c->in_cap : 512;
        while (cap < c->in_len + len)
            cap *= 2;
        uint8_t *p = realloc(c->in, cap);
        if (p == NULL)
            return broker_protocol_error(b, c, "out of memory");
        c->in = p;
        c->in_cap = cap;
    }
    memcpy(c->in + c->in_len, data, len);
    c->in_len += len;

    size_t off = 0;
    while (c->close == BROKER_OPEN) {
        mqtt_fixed_header h;
        mqtt_status st = mqtt_read_fixed_header(c->in + off, c->in_len - off, b->limits.max_packet, &h);
        if (st == MQTT_NEED_MORE)
            break;
        if (st == MQTT_ERR_TOO_LARGE) {
            broker_protocol_error(b, c, "packet larger than max_packet");
            break;
        }
        if (st != MQTT_OK) {
            broker_protocol_error(b, c, "malformed fixed header");
            break;
        }
        broker_handle_packet(b, c, &h, c->in + off + h.header_length, now_ms);
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
    if (c == NULL)
        return;
    if (n > c->out_len)
        n = c->out_len;
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
    if (c->session != NULL && c->close == BROKER_OPEN)
        session_pump(b, c->session);
}

broker_close_state broker_close_state_of(broker *b, int conn) {
    connection *c = conn_get(b, conn);
    return c == NULL ? BROKER_CLOSE_NOW : c->close;
}

void broker_close(broker *b, int conn, uint64_t now_ms) {
    connection *c = conn_get(b, conn);
    if (c == NULL)
        return;
    b->now_ms = now_ms;
    message *will = c->will;
    bool will_retain = c->will_retain;
    c->will = NULL;
    session *s = c->session;
    if (s != NULL) {
        s->conn = -1;
        s->offline_since_ms = now_ms;
        /* An MQTT 5 Will Delay: the will waits with the session, sent when the
         * delay or the session ends, unless the client comes back first. */
        if (will != NULL && c->will_delay_s > 0 && s->expiry_s > 0) {
            uint32_t delay = c->will_delay_s < s->expiry_s ? c->will_delay_s : s->expiry_s;
            s->will = will;
            s->will_retain = will_retain;
            s->will_due_ms = now_ms + (uint64_t)delay * 1000;
            will = NULL;
        }
        /* Unsent QoS 1 messages stay queued; sent ones are resent on reconnect. */
        if (s->expiry_s == 0)
            session_destroy(b, s);
    }
    free(c->in);
    free(c->out);
    for (int i = 0; i <= TOPIC_ALIAS_MAX; i++)
        free(c->alias[i]);
    memset(c, 0, sizeof *c); /* phase = CONN_FREE */
    if (will != NULL) {
        /* Published after the slot is free, so it reaches no half-closed
         * connection. The will is not sent after DISCONNECT [MQTT-3.1.2-10]. */
        broker_publish(b, will, will_retain, true, NULL);
        message_unref(will);
    }
    sessions_evict(b);
}

/* Offline sessions: delayed wills that are due, sessions that expired (MQTT 5). */
static void expire_sessions(broker *b, uint64_t now_ms) {
    for (uint32_t i = 0; i < b->session_count;) {
        session *s = b->sessions[i];
        bool expired = s->conn < 0 && s->expiry_s != SESSION_NEVER_EXPIRES &&
                       now_ms >= s->offline_since_ms + (uint64_t)s->expiry_s * 1000;
        if (s->will != NULL && (expired || now_ms >= s->will_due_ms)) {
            message *will = s->will;
            s->will = NULL;
            broker_publish(b, will, s->will_retain, true, NULL);
            message_unref(will);
        }
        if (expired) {
            session_destroy(b, s); /* moves the last session into slot i */
            continue;
        }
        i++;
    }
}

uint64_t broker_tick(broker *b, uint64_t now_ms) {
    b->now_ms = now_ms;
    expire_sessions(b, now_ms);
    uint64_t next = 60000;
    for (uint32_t i = 0; i < b->limits.max_connections; i++) {
        connection *c = &b->conns[i];
        if (c->phase == CONN_FREE)
            continue;
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
                           c->phase == CONN_AWAIT_CONNECT ? "no CONNECT in time" : "keep-alive expired");
            }
            c->close = BROKER_CLOSE_NOW;
        } else if (deadline - now_ms < next) {
            next = deadline - now_ms;
        }
    }
    return next;
}

void broker_publish_from_bus(broker *b, const char *topic, size_t topic_len, const uint8_t *payload,
                             size_t payload_len, uint8_t qos, bool retain) {
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
    broker_publish(b, m, retain, false, NULL);
    message_unref(m);
}

broker_stats broker_get_stats(const broker *b) {
    broker_stats st = b->stats;
    st.sessions = b->session_count;
    st.retained = b->retained.count;
    st.connections_open = 0;
    for (uint32_t i = 0; i < b->limits.max_connections; i++)
        if (b->conns[i].phase != CONN_FREE)
            st.connections_open++;
    return st;
}
