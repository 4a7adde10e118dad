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

/* MQTT 5: the properties a PUBLISH carries to a subscriber: the remaining
 * Message Expiry, then the forwarded ones. *owned is set when allocated. */
static const uint8_t *publish_props(broker *b, const message *m, size_t *len, uint8_t **owned) {
    *owned = NULL;
    *len = m->props_len;
    if (m->expires_ms == 0) return message_props(m);
    uint8_t *p = malloc(5 + m->props_len);
    if (p == NULL) return NULL;
    uint64_t left_ms = m->expires_ms > b->now_ms ? m->expires_ms - b->now_ms : 0;
    size_t n = mqtt_prop_put_u32(p, MQTT_PROP_MESSAGE_EXPIRY, (uint32_t)((left_ms + 999) / 1000));
    if (m->props_len) memcpy(p + n, message_props(m), m->props_len);
    *len = n + m->props_len;
    *owned = p;
    return p;
}

/* Queue a PUBLISH if it fits within max_output; false if it does not. A
 * message larger than an MQTT 5 client's Maximum Packet Size is discarded as
 * if sent (MQTT 5.0 §3.1.2.11.4). */
bool broker_send_publish(broker *b, connection *c, const message *m, uint8_t qos,
                         bool retain, bool dup, uint16_t packet_id) {
    if (c->close == BROKER_CLOSE_NOW) return true; /* discarded with the connection */
    const uint8_t *topic = (const uint8_t *)message_topic(m);
    size_t props_len = 0;
    uint8_t *owned = NULL;
    const uint8_t *props = NULL;
    if (c->version == 5) {
        props = publish_props(b, m, &props_len, &owned);
        if (props == NULL) return false;
    }
    size_t need = c->version == 5
                      ? mqtt_encode_publish_v5(NULL, 0, topic, m->topic_len, message_payload(m),
                                               m->payload_len, qos, retain, dup, packet_id,
                                               props, props_len)
                      : mqtt_encode_publish(NULL, 0, topic, m->topic_len, message_payload(m),
                                            m->payload_len, qos, retain, dup, packet_id);
    if (c->max_packet_out != 0 && need > c->max_packet_out) {
        free(owned);
        return true;
    }
    uint8_t *p = need == 0 || c->out_len + need > b->limits.max_output ? NULL
                                                                       : out_reserve(c, need);
    if (p == NULL) {
        free(owned);
        return false;
    }
    if (c->version == 5)
        mqtt_encode_publish_v5(p, need, topic, m->topic_len, message_payload(m), m->payload_len,
                               qos, retain, dup, packet_id, props, props_len);
    else
        mqtt_encode_publish(p, need, topic, m->topic_len, message_payload(m), m->payload_len, qos,
                            retain, dup, packet_id);
    free(owned);
    c->out_len += need;
    b->stats.messages_out++;
    return true;
}



/* Shared subscriptions (MQTT 5.0 §4.8.2): each (group, filter) that matches
 * gets the message once, at the next of its sessions in turn. */
static void route_shared(broker *b, message *m) {
    typedef struct { session *s; const subscription *sub; bool done; } candidate;
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
                if (grown == NULL) break;
                memcpy(grown, all, count * sizeof *grown);
                if (all != stack) free(all);
                all = grown;
                cap *= 2;
            }
            all[count++] = (candidate){s, sub, false};
        }
    }
    for (uint32_t i = 0; i < count; i++) {
        if (all[i].done) continue;
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
            if (seen++ != pick) continue;
            uint8_t qos = m->qos < o->qos ? m->qos : o->qos;
            session_deliver(b, all[k].s, m, qos, false);
        }
    }
    if (all != stack) free(all);
}

static void route(broker *b, message *m, bool retain, const session *from) {
    for (uint32_t i = 0; i < b->session_count; i++) {
        session *s = b->sessions[i];
        bool keep_retain = false;
        int granted = session_match(s, message_topic(m), m->topic_len, s == from, &keep_retain);
        if (granted < 0) continue;
        uint8_t qos = m->qos < granted ? m->qos : (uint8_t)granted; /* §3.8.4 */
        /* RETAIN is cleared [MQTT-3.3.1-9] unless Retain As Published (MQTT 5.0). */
        session_deliver(b, s, m, qos, retain && keep_retain);
    }
    route_shared(b, m);
}

static void publish(broker *b, message *m, bool retain, bool from_client, const session *from) {
    if (retain) {
        if (retained_put(&b->retained, m) == RETAINED_FULL) {
            if (b->stats.retained_rejected++ % 100 == 0)
                broker_log(b, 2, "retained store full (%u topics): not retaining '%.*s'",
                         b->retained.count, (int)m->topic_len, message_topic(m));
        }
    }
    route(b, m, retain, from);
    if (from_client && b->hooks.on_publish)
        b->hooks.on_publish(b->hooks.ctx, message_topic(m), m->topic_len, message_payload(m),
                            m->payload_len, m->qos, retain);
}

/* ---- packets ----------------------------------------------------------- */

/* CONNACK in the connection's version: the 3.1.1 return code, or the
 * MQTT 5 reason code with `props`. */
static void send_connack(broker *b, connection *c, bool present, uint8_t code, uint8_t reason,
                         const uint8_t *props, size_t props_len) {
    uint8_t packet[512];
    size_t n = c->version == 5
                   ? mqtt_encode_connack_v5(packet, sizeof packet, present, reason, props, props_len)
                   : mqtt_encode_connack(packet, sizeof packet, present, code);
    if (n <= sizeof packet) send_control(b, c, packet, n);
}

/* Refuse a CONNECT: CONNACK with the code, then close. */
static void refuse(broker *b, connection *c, uint8_t code, uint8_t reason, uint64_t now_ms) {
    send_connack(b, c, false, code, reason, NULL, 0);
    close_later(c, now_ms);
}

static void handle_connect(broker *b, connection *c, const uint8_t *body, size_t len,
                           uint64_t now_ms) {
    mqtt_connect ck;
    mqtt_status st = mqtt_decode_connect(body, len, &ck);
    if (st == MQTT_ERR_BAD_PROTOCOL) {
        broker_log(b, 2, "conn %d: unsupported protocol level %u", conn_index(b, c),
                 ck.protocol_level);
        return refuse(b, c, MQTT_CONNACK_BAD_PROTOCOL_LEVEL, 0, now_ms);
    }
    if (st != MQTT_OK) return protocol_error(b, c, "malformed CONNECT");
    c->version = ck.protocol_level;
    if (ck.will_flag && !mqtt_topic_name_is_valid((const char *)ck.will_topic.data,
                                                  ck.will_topic.len))
        return protocol_error(b, c, "invalid will topic");
    mqtt_props props = {0}, will_props = {0};
    uint8_t *will_forward = NULL;
    if (c->version == 5) {
        if (mqtt_props_decode(ck.properties.data, ck.properties.len, MQTT_PROPS_CONNECT, &props,
                              NULL) != MQTT_OK)
            return protocol_error(b, c, "malformed CONNECT properties");
        if (props.has_auth) /* enhanced authentication is not supported */
            return refuse(b, c, 0, MQTT5_BAD_AUTHENTICATION_METHOD, now_ms);
        if (ck.will_flag) {
            will_forward = malloc(ck.will_properties.len + 1);
            if (will_forward == NULL ||
                mqtt_props_decode(ck.will_properties.data, ck.will_properties.len,
                                  MQTT_PROPS_WILL, &will_props, will_forward) != MQTT_OK) {
                free(will_forward);
                return protocol_error(b, c, "malformed will properties");
            }
        }
    }

    char auto_id[32];
    mqtt_bytes id = ck.client_id;
    bool assigned = false;
    if (id.len == 0) {
        if (!ck.clean_session && c->version != 5) { /* [MQTT-3.1.3-8] */
            free(will_forward);
            return refuse(b, c, MQTT_CONNACK_IDENTIFIER_REJECTED, 0, now_ms);
        }
        /* A server-assigned id [MQTT-3.1.3-6]. For 3.1.1 it starts with a byte
         * no client sends, for MQTT 5 it is told to the client. */
        int n = snprintf(auto_id, sizeof auto_id, c->version == 5 ? "edge-auto-%llu" : "\x01" "auto-%llu",
                         (unsigned long long)++b->auto_ids);
        id.data = (const uint8_t *)auto_id;
        id.len = (size_t)n;
        assigned = c->version == 5;
    }

    session *s = session_find(b, id.data, id.len);
    if (s != NULL && s->conn >= 0) { /* takeover [MQTT-3.1.4-2] */
        connection *old = &b->conns[s->conn];
        broker_log(b, 1, "client '%.*s' reconnected: closing its old connection %d",
                 (int)id.len, (const char *)id.data, s->conn);
        if (old->version == 5) {
            uint8_t bye[4];
            send_control(b, old, bye, mqtt_encode_disconnect_v5(bye, sizeof bye,
                                                                MQTT5_SESSION_TAKEN_OVER));
            close_later(old, now_ms);
        } else {
            old->close = BROKER_CLOSE_NOW;
        }
        old->session = NULL;
        s->conn = -1;
    }
    if (s != NULL && (ck.clean_session || s->expiry_s == 0)) { /* [MQTT-3.1.2-6] */
        session_destroy(b, s);
        s = NULL;
    }
    bool session_present = s != NULL;
    if (s == NULL) s = session_create(b, id.data, id.len);
    if (s == NULL) {
        free(will_forward);
        return refuse(b, c, MQTT_CONNACK_SERVER_UNAVAILABLE, MQTT5_SERVER_UNAVAILABLE, now_ms);
    }
    /* A pending delayed will is not sent when the client is back (MQTT 5.0 §3.1.3.2.2). */
    message_unref(s->will);
    s->will = NULL;
    if (ck.will_flag) {
        uint64_t expires = will_props.has_message_expiry
                               ? now_ms + (uint64_t)will_props.message_expiry * 1000 : 0;
        c->will = message_new_v5((const char *)ck.will_topic.data, ck.will_topic.len,
                                 ck.will_message.data, ck.will_message.len,
                                 ck.will_qos > 1 ? 1 : ck.will_qos, will_forward,
                                 will_props.forward_len, expires);
        c->will_retain = ck.will_retain;
        c->will_delay_s = will_props.will_delay;
    }
    free(will_forward);
    if (c->version == 5) {
        s->expiry_s = props.has_session_expiry ? props.session_expiry : 0;
        s->receive_max = props.has_receive_maximum ? props.receive_maximum : 0;
        c->max_packet_out = props.has_maximum_packet_size ? props.maximum_packet_size : 0;
    } else {
        s->expiry_s = ck.clean_session ? 0 : SESSION_NEVER_EXPIRES;
        s->receive_max = 0;
    }
    s->conn = conn_index(b, c);
    c->session = s;
    c->keep_alive = ck.keep_alive;
    c->phase = CONN_CONNECTED;
    uint8_t out_props[128];
    size_t n = 0;
    if (c->version == 5) {
        n += mqtt_prop_put_u16(out_props + n, MQTT_PROP_TOPIC_ALIAS_MAXIMUM, TOPIC_ALIAS_MAX);
        n += mqtt_prop_put_byte(out_props + n, MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE, 0);
        if (assigned)
            n += mqtt_prop_put_string(out_props + n, MQTT_PROP_ASSIGNED_CLIENT_ID, id.data, id.len);
    }
    send_connack(b, c, session_present, MQTT_CONNACK_ACCEPTED, MQTT5_SUCCESS, out_props, n);
    if (session_present) { /* resend unacknowledged messages [MQTT-4.4.0-1] */
        for (uint32_t i = 0; i < s->inflight; i++)
            broker_send_publish(b, c, s->out[i].msg, 1, s->out[i].retain, true, s->out[i].packet_id);
        session_pump(b, s);
    }
    sessions_evict(b);
}

/* MQTT 5 Topic Alias (§3.3.2.3.4): set it from a PUBLISH with a topic, or
 * put the topic it stands for in *topic. False: a protocol error. */
static bool resolve_alias(connection *c, uint16_t alias, mqtt_bytes *topic) {
    if (alias == 0 || alias > TOPIC_ALIAS_MAX) return false;
    if (topic->len == 0) {
        if (c->alias[alias] == NULL) return false;
        topic->data = (const uint8_t *)c->alias[alias];
        topic->len = c->alias_len[alias];
        return true;
    }
    char *copy = malloc(topic->len);
    if (copy == NULL) return false;
    memcpy(copy, topic->data, topic->len);
    free(c->alias[alias]);
    c->alias[alias] = copy;
    c->alias_len[alias] = (uint16_t)topic->len;
    return true;
}

static void handle_publish(broker *b, connection *c, uint8_t flags, const uint8_t *body,
                           size_t len) {
    mqtt_publish pub;
    bool v5 = c->version == 5;
    if ((v5 ? mqtt_decode_publish_v5(flags, body, len, &pub)
            : mqtt_decode_publish(flags, body, len, &pub)) != MQTT_OK)
        return protocol_error(b, c, "malformed PUBLISH");
    mqtt_props props = {0};
    uint8_t forward_stack[256], *forward = forward_stack;
    if (v5) {
        if (pub.properties.len > sizeof forward_stack &&
            (forward = malloc(pub.properties.len)) == NULL)
            return protocol_error(b, c, "out of memory");
        bool ok = mqtt_props_decode(pub.properties.data, pub.properties.len, MQTT_PROPS_PUBLISH,
                                    &props, forward) == MQTT_OK &&
                  (!props.has_topic_alias || resolve_alias(c, props.topic_alias, &pub.topic));
        if (!ok) {
            if (forward != forward_stack) free(forward);
            return protocol_error(b, c, "malformed PUBLISH properties or topic alias");
        }
    }
    if (!mqtt_topic_name_is_valid((const char *)pub.topic.data, pub.topic.len)) {
        if (forward != forward_stack) free(forward);
        return protocol_error(b, c, "invalid topic name in PUBLISH");
    }
    b->stats.publishes_in++;
    session *s = c->session;
    uint8_t ack[4];
    if (pub.qos == 2) {
        for (uint32_t i = 0; i < s->qos2_count; i++) {
            if (s->qos2_pending[i] == pub.packet_id) { /* duplicate: already delivered */
                if (forward != forward_stack) free(forward);
                send_control(b, c, ack, mqtt_encode_ack(ack, sizeof ack, MQTT_PUBREC,
                                                        pub.packet_id));
                return;
            }
        }
        if (s->qos2_count == MAX_QOS2_PENDING) {
            if (forward != forward_stack) free(forward);
            return protocol_error(b, c, "too many QoS 2 messages awaiting PUBREL");
        }
        s->qos2_pending[s->qos2_count++] = pub.packet_id;
    }
    uint64_t expires = props.has_message_expiry
                           ? b->now_ms + (uint64_t)props.message_expiry * 1000 : 0;
    message *m = message_new_v5((const char *)pub.topic.data, pub.topic.len, pub.payload.data,
                                pub.payload.len, pub.qos > 1 ? 1 : pub.qos, forward,
                                props.forward_len, expires);
    if (forward != forward_stack) free(forward);
    if (m == NULL) return protocol_error(b, c, "out of memory");
    publish(b, m, pub.retain, true, s);
    message_unref(m);
    if (pub.qos == 1)
        send_control(b, c, ack, mqtt_encode_ack(ack, sizeof ack, MQTT_PUBACK, pub.packet_id));
    else if (pub.qos == 2)
        send_control(b, c, ack, mqtt_encode_ack(ack, sizeof ack, MQTT_PUBREC, pub.packet_id));
}

/* A subscription's filter is valid: plain, or "$share/GROUP/FILTER" with a
 * group of at least one character and no wildcards (MQTT 5.0 §4.8.2). */
static bool subscription_filter_is_valid(const uint8_t *filter, size_t len, bool *shared) {
    mqtt_bytes group, rest;
    *shared = shared_filter_split(filter, len, &group, &rest);
    if (!*shared) return mqtt_topic_filter_is_valid((const char *)filter, len);
    return group.len > 0 && !memchr(group.data, '+', group.len) &&
           !memchr(group.data, '#', group.len) &&
           mqtt_topic_filter_is_valid((const char *)rest.data, rest.len);
}

static void handle_subscribe(broker *b, connection *c, uint8_t flags, const uint8_t *body,
                             size_t len) {
    mqtt_topic_list list;
    bool v5 = c->version == 5;
    if ((v5 ? mqtt_decode_subscribe_v5(flags, body, len, &list)
            : mqtt_decode_subscribe(flags, body, len, &list)) != MQTT_OK)
        return protocol_error(b, c, "malformed SUBSCRIBE");
    mqtt_props props = {0};
    if (v5 && mqtt_props_decode(list.properties.data, list.properties.len, MQTT_PROPS_SUBSCRIBE,
                                &props, NULL) != MQTT_OK)
        return protocol_error(b, c, "malformed SUBSCRIBE properties");
    session *s = c->session;
    uint8_t *codes = malloc(list.count);
    int *added = malloc(list.count * sizeof *added);
    if (codes == NULL || added == NULL) {
        free(codes);
        free(added);
        return protocol_error(b, c, "out of memory");
    }
    mqtt_topic_list again = list;
    mqtt_bytes filter;
    uint8_t options;
    for (uint32_t i = 0; mqtt_topic_list_next(&list, &filter, &options); i++) {
        uint8_t requested = options & 3, granted = requested > 1 ? 1 : requested;
        if (!v5) options = 0;
        bool shared;
        added[i] = -1;
        if (props.has_subscription_id) {
            codes[i] = MQTT5_SUBSCRIPTION_IDS_NOT_SUPPORTED;
        } else if (!subscription_filter_is_valid(filter.data, filter.len, &shared)) {
            codes[i] = v5 ? MQTT5_TOPIC_FILTER_INVALID : MQTT_SUBACK_FAILURE;
        } else if (shared && (options & SUB_NO_LOCAL)) { /* [MQTT-3.8.3-4] */
            free(codes);
            free(added);
            return protocol_error(b, c, "No Local on a shared subscription");
        } else {
            added[i] = session_subscribe(s, filter.data, filter.len, granted,
                                         options & ~3u, b->limits.max_subscriptions);
            codes[i] = added[i] >= 0 ? granted : v5 ? MQTT5_QUOTA_EXCEEDED : MQTT_SUBACK_FAILURE;
        }
    }
    size_t need = v5 ? mqtt_encode_suback_v5(NULL, 0, MQTT_SUBACK, list.packet_id, codes, list.count)
                     : mqtt_encode_suback(NULL, 0, list.packet_id, codes, list.count);
    uint8_t *packet = malloc(need);
    if (packet == NULL) {
        free(codes);
        free(added);
        return protocol_error(b, c, "out of memory");
    }
    if (v5)
        mqtt_encode_suback_v5(packet, need, MQTT_SUBACK, list.packet_id, codes, list.count);
    else
        mqtt_encode_suback(packet, need, list.packet_id, codes, list.count);
    send_control(b, c, packet, need);
    free(packet);
    /* Retained messages for each new subscription, RETAIN set [MQTT-3.3.1-8];
     * not for shared ones, and as Retain Handling says (MQTT 5.0 §3.8.3.1). */
    for (uint32_t i = 0; mqtt_topic_list_next(&again, &filter, &options); i++) {
        if (added[i] < 0 || (filter.len > 7 && memcmp(filter.data, "$share/", 7) == 0)) continue;
        uint8_t handling = v5 ? SUB_RETAIN_HANDLING(options) : 0;
        if (handling == 2 || (handling == 1 && added[i] == 0)) continue;
        for (uint32_t r = 0; r < b->retained.count; r++) {
            message *m = b->retained.items[r];
            if (!mqtt_topic_matches((const char *)filter.data, filter.len, message_topic(m),
                                    m->topic_len))
                continue;
            session_deliver(b, s, m, m->qos < codes[i] ? m->qos : codes[i], true);
        }
    }
    free(codes);
    free(added);
}

static void handle_unsubscribe(broker *b, connection *c, uint8_t flags, const uint8_t *body,
                               size_t len) {
    mqtt_topic_list list;
    bool v5 = c->version == 5;
    mqtt_props props;
    if ((v5 ? mqtt_decode_unsubscribe_v5(flags, body, len, &list)
            : mqtt_decode_unsubscribe(flags, body, len, &list)) != MQTT_OK ||
        (v5 && mqtt_props_decode(list.properties.data, list.properties.len,
                                 MQTT_PROPS_UNSUBSCRIBE, &props, NULL) != MQTT_OK))
        return protocol_error(b, c, "malformed UNSUBSCRIBE");
    session *s = c->session;
    uint8_t *codes = malloc(list.count);
    if (codes == NULL) return protocol_error(b, c, "out of memory");
    mqtt_bytes filter;
    for (uint32_t i = 0; mqtt_topic_list_next(&list, &filter, NULL); i++)
        codes[i] = session_unsubscribe(s, filter.data, filter.len) ? MQTT5_SUCCESS
                                                                   : MQTT5_NO_SUBSCRIPTION_EXISTED;
    if (v5) {
        size_t need = mqtt_encode_suback_v5(NULL, 0, MQTT_UNSUBACK, list.packet_id, codes, list.count);
        uint8_t *packet = malloc(need);
        if (packet != NULL) {
            mqtt_encode_suback_v5(packet, need, MQTT_UNSUBACK, list.packet_id, codes, list.count);
            send_control(b, c, packet, need);
        }
        free(packet);
    } else {
        uint8_t ack[4];
        send_control(b, c, ack, mqtt_encode_ack(ack, sizeof ack, MQTT_UNSUBACK, list.packet_id));
    }
    free(codes);
}

/* A packet id of PUBACK, PUBREL, PUBREC or PUBCOMP (MQTT 5 adds a reason and properties). */
static bool decode_ack(const connection *c, const uint8_t *body, size_t len, uint16_t *id) {
    uint8_t reason;
    return (c->version == 5 ? mqtt_decode_ack_v5(body, len, id, &reason)
                            : mqtt_decode_packet_id(body, len, id)) == MQTT_OK;
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
        if (!decode_ack(c, body, len, &id))
            return protocol_error(b, c, "malformed PUBACK");
        return session_acked(b, c->session, id);
    case MQTT_PUBREL: {
        if (!decode_ack(c, body, len, &id))
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
        if (!decode_ack(c, body, len, &id))
            return protocol_error(b, c, "malformed acknowledgement");
        return;
    case MQTT_SUBSCRIBE:
        return handle_subscribe(b, c, h->flags, body, len);
    case MQTT_UNSUBSCRIBE:
        return handle_unsubscribe(b, c, h->flags, body, len);
    case MQTT_PINGREQ:
        if (len != 0) return protocol_error(b, c, "malformed PINGREQ");
        return send_control(b, c, ack, mqtt_encode_pingresp(ack, sizeof ack));
    case MQTT_DISCONNECT: {
        uint8_t reason = 0;
        mqtt_bytes props_bytes;
        mqtt_props props = {0};
        if (c->version == 5
                ? mqtt_decode_disconnect_v5(body, len, &reason, &props_bytes) != MQTT_OK ||
                      mqtt_props_decode(props_bytes.data, props_bytes.len, MQTT_PROPS_DISCONNECT,
                                        &props, NULL) != MQTT_OK
                : len != 0)
            return protocol_error(b, c, "malformed DISCONNECT");
        if (props.has_session_expiry && c->session != NULL) c->session->expiry_s = props.session_expiry;
        if (reason != MQTT5_DISCONNECT_WITH_WILL) {
            message_unref(c->will); /* discard the will [MQTT-3.14.4-3] */
            c->will = NULL;
        }
        c->close = BROKER_CLOSE_NOW;
        return;
    }
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
        for (int k = 0; k <= TOPIC_ALIAS_MAX; k++) free(c->alias[k]);
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
    b->now_ms = now_ms;
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
        if (s->expiry_s == 0) session_destroy(b, s);
    }
    free(c->in);
    free(c->out);
    for (int i = 0; i <= TOPIC_ALIAS_MAX; i++) free(c->alias[i]);
    memset(c, 0, sizeof *c); /* phase = CONN_FREE */
    if (will != NULL) {
        /* Published after the slot is free, so it reaches no half-closed
         * connection. The will is not sent after DISCONNECT [MQTT-3.1.2-10]. */
        publish(b, will, will_retain, true, NULL);
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
            publish(b, will, s->will_retain, true, NULL);
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
    publish(b, m, retain, false, NULL);
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
