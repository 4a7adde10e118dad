/* broker_packets.c — the broker's handling of each control packet, in the
 * version the connection speaks (3.1.1, or MQTT 5 with properties and reason
 * codes). Section numbers refer to MQTT 3.1.1 unless they say MQTT 5.0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker_internal.h"
#include "mqtt_codec.h"
#include "mqtt_props.h"
#include "mqtt_topic.h"

/* CONNACK in the connection's version: the 3.1.1 return code, or the
 * MQTT 5 reason code with `props`. */
static void send_connack(broker *b, connection *c, bool present, uint8_t code, uint8_t reason,
                         const uint8_t *props, size_t props_len) {
    uint8_t packet[512];
    size_t n = c->version == 5
                   ? mqtt_encode_connack_v5(packet, sizeof packet, present, reason, props, props_len)
                   : mqtt_encode_connack(packet, sizeof packet, present, code);
    if (n <= sizeof packet)
        broker_send_control(b, c, packet, n);
}

/* Refuse a CONNECT: CONNACK with the code, then close. */
static void refuse(broker *b, connection *c, uint8_t code, uint8_t reason, uint64_t now_ms) {
    send_connack(b, c, false, code, reason, NULL, 0);
    broker_close_later(c, now_ms);
}

static void handle_connect(broker *b, connection *c, const uint8_t *body, size_t len, uint64_t now_ms) {
    mqtt_connect ck;
    mqtt_status st = mqtt_decode_connect(body, len, &ck);
    if (st == MQTT_ERR_BAD_PROTOCOL) {
        broker_log(b, 2, "conn %d: unsupported protocol level %u", broker_conn_index(b, c),
                   ck.protocol_level);
        return refuse(b, c, MQTT_CONNACK_BAD_PROTOCOL_LEVEL, 0, now_ms);
    }
    if (st != MQTT_OK)
        return broker_protocol_error(b, c, "malformed CONNECT");
    c->version = ck.protocol_level;
    if (ck.will_flag && !mqtt_topic_name_is_valid((const char *)ck.will_topic.data, ck.will_topic.len))
        return broker_protocol_error(b, c, "invalid will topic");
    mqtt_props props = {0}, will_props = {0};
    uint8_t *will_forward = NULL;
    if (c->version == 5) {
        if (mqtt_props_decode(ck.properties.data, ck.properties.len, MQTT_PROPS_CONNECT, &props, NULL) !=
            MQTT_OK)
            return broker_protocol_error(b, c, "malformed CONNECT properties");
        if (props.has_auth) /* enhanced authentication is not supported */
            return refuse(b, c, 0, MQTT5_BAD_AUTHENTICATION_METHOD, now_ms);
        if (ck.will_flag) {
            will_forward = malloc(ck.will_properties.len + 1);
            if (will_forward == NULL ||
                mqtt_props_decode(ck.will_properties.data, ck.will_properties.len, MQTT_PROPS_WILL,
                                  &will_props, will_forward) != MQTT_OK) {
                free(will_forward);
                return broker_protocol_error(b, c, "malformed will properties");
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
        int n = snprintf(auto_id, sizeof auto_id,
                         c->version == 5 ? "edge-auto-%llu"
                                         : "\x01"
                                           "auto-%llu",
                         (unsigned long long)++b->auto_ids);
        id.data = (const uint8_t *)auto_id;
        id.len = (size_t)n;
        assigned = c->version == 5;
    }

    session *s = session_find(b, id.data, id.len);
    if (s != NULL && s->conn >= 0) { /* takeover [MQTT-3.1.4-2] */
        connection *old = &b->conns[s->conn];
        broker_log(b, 1, "client '%.*s' reconnected: closing its old connection %d", (int)id.len,
                   (const char *)id.data, s->conn);
        if (old->version == 5) {
            uint8_t bye[4];
            broker_send_control(b, old, bye,
                                mqtt_encode_disconnect_v5(bye, sizeof bye, MQTT5_SESSION_TAKEN_OVER));
            broker_close_later(old, now_ms);
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
    if (s == NULL)
        s = session_create(b, id.data, id.len);
    if (s == NULL) {
        free(will_forward);
        return refuse(b, c, MQTT_CONNACK_SERVER_UNAVAILABLE, MQTT5_SERVER_UNAVAILABLE, now_ms);
    }
    /* A pending delayed will is not sent when the client is back (MQTT 5.0 §3.1.3.2.2). */
    message_unref(s->will);
    s->will = NULL;
    if (ck.will_flag) {
        uint64_t expires =
            will_props.has_message_expiry ? now_ms + (uint64_t)will_props.message_expiry * 1000 : 0;
        c->will = message_new_v5((const char *)ck.will_topic.data, ck.will_topic.len, ck.will_message.data,
                                 ck.will_message.len, ck.will_qos > 1 ? 1 : ck.will_qos, will_forward,
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
    s->conn = broker_conn_index(b, c);
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
    if (alias == 0 || alias > TOPIC_ALIAS_MAX)
        return false;
    if (topic->len == 0) {
        if (c->alias[alias] == NULL)
            return false;
        topic->data = (const uint8_t *)c->alias[alias];
        topic->len = c->alias_len[alias];
        return true;
    }
    char *copy = malloc(topic->len);
    if (copy == NULL)
        return false;
    memcpy(copy, topic->data, topic->len);
    free(c->alias[alias]);
    c->alias[alias] = copy;
    c->alias_len[alias] = (uint16_t)topic->len;
    return true;
}

static void handle_publish(broker *b, connection *c, uint8_t flags, const uint8_t *body, size_t len) {
    mqtt_publish pub;
    bool v5 = c->version == 5;
    if ((v5 ? mqtt_decode_publish_v5(flags, body, len, &pub) : mqtt_decode_publish(flags, body, len, &pub)) !=
        MQTT_OK)
        return broker_protocol_error(b, c, "malformed PUBLISH");
    mqtt_props props = {0};
    uint8_t forward_stack[256], *forward = forward_stack;
    if (v5) {
        if (pub.properties.len > sizeof forward_stack && (forward = malloc(pub.properties.len)) == NULL)
            return broker_protocol_error(b, c, "out of memory");
        bool ok = mqtt_props_decode(pub.properties.data, pub.properties.len, MQTT_PROPS_PUBLISH, &props,
                                    forward) == MQTT_OK &&
                  (!props.has_topic_alias || resolve_alias(c, props.topic_alias, &pub.topic));
        if (!ok) {
            if (forward != forward_stack)
                free(forward);
            return broker_protocol_error(b, c, "malformed PUBLISH properties or topic alias");
        }
    }
    if (!mqtt_topic_name_is_valid((const char *)pub.topic.data, pub.topic.len)) {
        if (forward != forward_stack)
            free(forward);
        return broker_protocol_error(b, c, "invalid topic name in PUBLISH");
    }
    b->stats.publishes_in++;
    session *s = c->session;
    uint8_t ack[4];
    if (pub.qos == 2) {
        for (uint32_t i = 0; i < s->qos2_count; i++) {
            if (s->qos2_pending[i] == pub.packet_id) { /* duplicate: already delivered */
                if (forward != forward_stack)
                    free(forward);
                broker_send_control(b, c, ack, mqtt_encode_ack(ack, sizeof ack, MQTT_PUBREC, pub.packet_id));
                return;
            }
        }
        if (s->qos2_count == MAX_QOS2_PENDING) {
            if (forward != forward_stack)
                free(forward);
            return broker_protocol_error(b, c, "too many QoS 2 messages awaiting PUBREL");
        }
        s->qos2_pending[s->qos2_count++] = pub.packet_id;
    }
    uint64_t expires = props.has_message_expiry ? b->now_ms + (uint64_t)props.message_expiry * 1000 : 0;
    message *m =
        message_new_v5((const char *)pub.topic.data, pub.topic.len, pub.payload.data, pub.payload.len,
                       pub.qos > 1 ? 1 : pub.qos, forward, props.forward_len, expires);
    if (forward != forward_stack)
        free(forward);
    if (m == NULL)
        return broker_protocol_error(b, c, "out of memory");
    bool taken = broker_publish(b, m, pub.retain, true, s);
    message_unref(m);
    if (!taken && pub.qos == 1) {
        /* Not stored where the host keeps messages for later: no PUBACK promise. */
        if (!v5)
            return broker_protocol_error(b, c, "the host could not store a QoS 1 message");
        uint8_t refusal[5] = {MQTT_PUBACK << 4, 3, (uint8_t)(pub.packet_id >> 8), (uint8_t)pub.packet_id,
                              MQTT5_UNSPECIFIED_ERROR};
        return broker_send_control(b, c, refusal, sizeof refusal);
    }
    if (pub.qos == 1)
        broker_send_control(b, c, ack, mqtt_encode_ack(ack, sizeof ack, MQTT_PUBACK, pub.packet_id));
    else if (pub.qos == 2)
        broker_send_control(b, c, ack, mqtt_encode_ack(ack, sizeof ack, MQTT_PUBREC, pub.packet_id));
}

/* A subscription's filter is valid: plain, or "$share/GROUP/FILTER" with a
 * group of at least one character and no wildcards (MQTT 5.0 §4.8.2). */
static bool subscription_filter_is_valid(const uint8_t *filter, size_t len, bool *shared) {
    mqtt_bytes group, rest;
    *shared = shared_filter_split(filter, len, &group, &rest);
    if (!*shared)
        return mqtt_topic_filter_is_valid((const char *)filter, len);
    return group.len > 0 && !memchr(group.data, '+', group.len) && !memchr(group.data, '#', group.len) &&
           mqtt_topic_filter_is_valid((const char *)rest.data, rest.len);
}

static void handle_subscribe(broker *b, connection *c, uint8_t flags, const uint8_t *body, size_t len) {
    mqtt_topic_list list;
    bool v5 = c->version == 5;
    if ((v5 ? mqtt_decode_subscribe_v5(flags, body, len, &list)
            : mqtt_decode_subscribe(flags, body, len, &list)) != MQTT_OK)
        return broker_protocol_error(b, c, "malformed SUBSCRIBE");
    mqtt_props props = {0};
    if (v5 && mqtt_props_decode(list.properties.data, list.properties.len, MQTT_PROPS_SUBSCRIBE, &props,
                                NULL) != MQTT_OK)
        return broker_protocol_error(b, c, "malformed SUBSCRIBE properties");
    session *s = c->session;
    uint8_t *codes = malloc(list.count);
    int *added = malloc(list.count * sizeof *added);
    if (codes == NULL || added == NULL) {
        free(codes);
        free(added);
        return broker_protocol_error(b, c, "out of memory");
    }
    mqtt_topic_list again = list;
    mqtt_bytes filter;
    uint8_t options;
    for (uint32_t i = 0; mqtt_topic_list_next(&list, &filter, &options); i++) {
        uint8_t requested = options & 3, granted = requested > 1 ? 1 : requested;
        if (!v5)
            options = 0;
        bool shared;
        added[i] = -1;
        if (props.has_subscription_id) {
            codes[i] = MQTT5_SUBSCRIPTION_IDS_NOT_SUPPORTED;
        } else if (!subscription_filter_is_valid(filter.data, filter.len, &shared)) {
            codes[i] = v5 ? MQTT5_TOPIC_FILTER_INVALID : MQTT_SUBACK_FAILURE;
        } else if (shared && (options & SUB_NO_LOCAL)) { /* [MQTT-3.8.3-4] */
            free(codes);
            free(added);
            return broker_protocol_error(b, c, "No Local on a shared subscription");
        } else {
            added[i] = session_subscribe(s, filter.data, filter.len, granted, options & ~3u,
                                         b->limits.max_subscriptions);
            codes[i] = added[i] >= 0 ? granted : v5 ? MQTT5_QUOTA_EXCEEDED : MQTT_SUBACK_FAILURE;
        }
    }
    size_t need = v5 ? mqtt_encode_suback_v5(NULL, 0, MQTT_SUBACK, list.packet_id, codes, list.count)
                     : mqtt_encode_suback(NULL, 0, list.packet_id, codes, list.count);
    uint8_t *packet = malloc(need);
    if (packet == NULL) {
        free(codes);
        free(added);
        return broker_protocol_error(b, c, "out of memory");
    }
    if (v5)
        mqtt_encode_suback_v5(packet, need, MQTT_SUBACK, list.packet_id, codes, list.count);
    else
        mqtt_encode_suback(packet, need, list.packet_id, codes, list.count);
    broker_send_control(b, c, packet, need);
    free(packet);
    /* Retained messages for each new subscription, RETAIN set [MQTT-3.3.1-8];
     * not for shared ones, and as Retain Handling says (MQTT 5.0 §3.8.3.1). */
    for (uint32_t i = 0; mqtt_topic_list_next(&again, &filter, &options); i++) {
        if (added[i] < 0 || (filter.len > 7 && memcmp(filter.data, "$share/", 7) == 0))
            continue;
        uint8_t handling = v5 ? SUB_RETAIN_HANDLING(options) : 0;
        if (handling == 2 || (handling == 1 && added[i] == 0))
            continue;
        for (uint32_t r = 0; r < b->retained.count; r++) {
            message *m = b->retained.items[r];
            if (!mqtt_topic_matches((const char *)filter.data, filter.len, message_topic(m), m->topic_len))
                continue;
            session_deliver(b, s, m, m->qos < codes[i] ? m->qos : codes[i], true);
        }
    }
    free(codes);
    free(added);
}

static void handle_unsubscribe(broker *b, connection *c, uint8_t flags, const uint8_t *body, size_t len) {
    mqtt_topic_list list;
    bool v5 = c->version == 5;
    mqtt_props props;
    if ((v5 ? mqtt_decode_unsubscribe_v5(flags, body, len, &list)
            : mqtt_decode_unsubscribe(flags, body, len, &list)) != MQTT_OK ||
        (v5 && mqtt_props_decode(list.properties.data, list.properties.len, MQTT_PROPS_UNSUBSCRIBE, &props,
                                 NULL) != MQTT_OK))
        return broker_protocol_error(b, c, "malformed UNSUBSCRIBE");
    session *s = c->session;
    uint8_t *codes = malloc(list.count);
    if (codes == NULL)
        return broker_protocol_error(b, c, "out of memory");
    mqtt_bytes filter;
    for (uint32_t i = 0; mqtt_topic_list_next(&list, &filter, NULL); i++)
        codes[i] =
            session_unsubscribe(s, filter.data, filter.len) ? MQTT5_SUCCESS : MQTT5_NO_SUBSCRIPTION_EXISTED;
    if (v5) {
        size_t need = mqtt_encode_suback_v5(NULL, 0, MQTT_UNSUBACK, list.packet_id, codes, list.count);
        uint8_t *packet = malloc(need);
        if (packet != NULL) {
            mqtt_encode_suback_v5(packet, need, MQTT_UNSUBACK, list.packet_id, codes, list.count);
            broker_send_control(b, c, packet, need);
        }
        free(packet);
    } else {
        uint8_t ack[4];
        broker_send_control(b, c, ack, mqtt_encode_ack(ack, sizeof ack, MQTT_UNSUBACK, list.packet_id));
    }
    free(codes);
}

/* A packet id of PUBACK, PUBREL, PUBREC or PUBCOMP (MQTT 5 adds a reason and properties). */
static bool decode_ack(const connection *c, const uint8_t *body, size_t len, uint16_t *id) {
    uint8_t reason;
    return (c->version == 5 ? mqtt_decode_ack_v5(body, len, id, &reason)
                            : mqtt_decode_packet_id(body, len, id)) == MQTT_OK;
}

void broker_handle_packet(broker *b, connection *c, const mqtt_fixed_header *h, const uint8_t *body,
                          uint64_t now_ms) {
    b->stats.packets_in++;
    size_t len = h->remaining_length;
    if (c->phase == CONN_AWAIT_CONNECT) {
        if (h->type != MQTT_CONNECT)
            return broker_protocol_error(b, c, "first packet is not CONNECT");
        return handle_connect(b, c, body, len, now_ms);
    }
    uint16_t id;
    uint8_t ack[4];
    switch (h->type) {
    case MQTT_CONNECT: return broker_protocol_error(b, c, "second CONNECT"); /* [MQTT-3.1.0-2] */
    case MQTT_PUBLISH: return handle_publish(b, c, h->flags, body, len);
    case MQTT_PUBACK:
        if (!decode_ack(c, body, len, &id))
            return broker_protocol_error(b, c, "malformed PUBACK");
        return session_acked(b, c->session, id);
    case MQTT_PUBREL: {
        if (!decode_ack(c, body, len, &id))
            return broker_protocol_error(b, c, "malformed PUBREL");
        session *s = c->session;
        for (uint32_t i = 0; i < s->qos2_count; i++) {
            if (s->qos2_pending[i] == id) {
                s->qos2_pending[i] = s->qos2_pending[--s->qos2_count];
                break;
            }
        }
        return broker_send_control(b, c, ack, mqtt_encode_ack(ack, sizeof ack, MQTT_PUBCOMP, id));
    }
    case MQTT_PUBREC:
    case MQTT_PUBCOMP: /* the broker never sends QoS 2; ignore stray acks */
        if (!decode_ack(c, body, len, &id))
            return broker_protocol_error(b, c, "malformed acknowledgement");
        return;
    case MQTT_SUBSCRIBE: return handle_subscribe(b, c, h->flags, body, len);
    case MQTT_UNSUBSCRIBE: return handle_unsubscribe(b, c, h->flags, body, len);
    case MQTT_PINGREQ:
        if (len != 0)
            return broker_protocol_error(b, c, "malformed PINGREQ");
        return broker_send_control(b, c, ack, mqtt_encode_pingresp(ack, sizeof ack));
    case MQTT_DISCONNECT: {
        uint8_t reason = 0;
        mqtt_bytes props_bytes;
        mqtt_props props = {0};
        if (c->version == 5 ? mqtt_decode_disconnect_v5(body, len, &reason, &props_bytes) != MQTT_OK ||
                                  mqtt_props_decode(props_bytes.data, props_bytes.len, MQTT_PROPS_DISCONNECT,
                                                    &props, NULL) != MQTT_OK
                            : len != 0)
            return broker_protocol_error(b, c, "malformed DISCONNECT");
        if (props.has_session_expiry && c->session != NULL)
            c->session->expiry_s = props.session_expiry;
        if (reason != MQTT5_DISCONNECT_WITH_WILL) {
            message_unref(c->will); /* discard the will [MQTT-3.14.4-3] */
            c->will = NULL;
        }
        c->close = BROKER_CLOSE_NOW;
        return;
    }
    default: /* CONNACK, SUBACK, UNSUBACK, PINGRESP: server-to-client only */
        return broker_protocol_error(b, c, "unexpected packet type from client");
    }
}
