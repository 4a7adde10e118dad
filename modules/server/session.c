/* session.c — MQTT sessions: subscriptions, the QoS 1 delivery queue with
 * its inflight window, and persistence across reconnects (§3.1.2.4). */
#include <stdlib.h>
#include <string.h>

#include "broker_internal.h"
#include "mqtt_topic.h"

void session_destroy(broker *b, session *s) {
    for (uint32_t i = 0; i < s->sub_count; i++) {
        free(s->subs[i].filter);
        free(s->subs[i].group);
    }
    message_unref(s->will);
    for (uint32_t i = 0; i < s->out_count; i++)
        message_unref(s->out[i].msg);
    free(s->subs);
    free(s->out);
    free(s->client_id);
    for (uint32_t i = 0; i < b->session_count; i++) {
        if (b->sessions[i] == s) {
            b->sessions[i] = b->sessions[--b->session_count];
            break;
        }
    }
    free(s);
}

session *session_find(broker *b, const uint8_t *id, size_t len) {
    for (uint32_t i = 0; i < b->session_count; i++) {
        session *s = b->sessions[i];
        if (s->id_len == len && memcmp(s->client_id, id, len) == 0)
            return s;
    }
    return NULL;
}

session *session_create(broker *b, const uint8_t *id, size_t len) {
    if (b->session_count == b->session_cap) {
        uint32_t cap = b->session_cap ? b->session_cap * 2 : 16;
        session **p = realloc(b->sessions, (size_t)cap * sizeof *p);
        if (p == NULL)
            return NULL;
        b->sessions = p;
        b->session_cap = cap;
    }
    session *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->client_id = malloc(len ? len : 1);
    if (s->client_id == NULL) {
        free(s);
        return NULL;
    }
    memcpy(s->client_id, id, len);
    s->id_len = (uint16_t)len;
    s->conn = -1;
    s->next_packet_id = 1;
    b->sessions[b->session_count++] = s;
    return s;
}

/* Keep at most max_sessions offline persistent sessions: drop the oldest. */
void sessions_evict(broker *b) {
    for (;;) {
        uint32_t offline = 0;
        session *oldest = NULL;
        for (uint32_t i = 0; i < b->session_count; i++) {
            session *s = b->sessions[i];
            if (s->conn >= 0)
                continue;
            offline++;
            if (oldest == NULL || s->offline_since_ms < oldest->offline_since_ms)
                oldest = s;
        }
        if (offline <= b->limits.max_sessions || oldest == NULL)
            return;
        broker_log(b, 2, "evicting offline session '%.*s' (session limit %u)", (int)oldest->id_len,
                   oldest->client_id, b->limits.max_sessions);
        session_destroy(b, oldest);
    }
}

static bool packet_id_in_use(const session *s, uint16_t id) {
    for (uint32_t i = 0; i < s->inflight; i++)
        if (s->out[i].packet_id == id)
            return true;
    return false;
}

static uint16_t session_next_packet_id(session *s) {
    for (;;) {
        uint16_t id = s->next_packet_id;
        s->next_packet_id = id == 0xFFFF ? 1 : (uint16_t)(id + 1);
        if (!packet_id_in_use(s, id))
            return id; /* inflight < 65535 always */
    }
}

/* Send queued QoS 1 messages while the inflight window and output allow. */
void session_pump(broker *b, session *s) {
    if (s->conn < 0)
        return;
    connection *c = &b->conns[s->conn];
    uint32_t window = b->limits.max_inflight;
    if (s->receive_max > 0 && s->receive_max < window)
        window = s->receive_max;
    while (s->inflight < s->out_count && s->inflight < window) {
        outgoing *o = &s->out[s->inflight];
        if (message_expired(o->msg, b->now_ms)) { /* MQTT 5 Message Expiry: never sent */
            message_unref(o->msg);
            memmove(o, o + 1, (s->out_count - s->inflight - 1) * sizeof *o);
            s->out_count--;
            continue;
        }
        uint16_t id = session_next_packet_id(s);
        if (!broker_send_publish(b, c, o->msg, 1, o->retain, false, id))
            return; /* output full */
        o->packet_id = id;
        s->inflight++;
    }
}

void session_deliver(broker *b, session *s, message *m, uint8_t qos, bool retain) {
    if (message_expired(m, b->now_ms))
        return;
    if (qos == 0) {
        if (s->conn < 0)
            return; /* QoS 0 is not stored for offline sessions */
        if (!broker_send_publish(b, &b->conns[s->conn], m, 0, retain, false, 0)) {
            if (b->stats.dropped_slow_client++ % 1000 == 0)
                broker_log(b, 2, "client '%.*s' is slow: dropping QoS 0 messages (%llu so far)",
                           (int)s->id_len, s->client_id, (unsigned long long)b->stats.dropped_slow_client);
        }
        return;
    }
    if (s->out_count >= b->limits.max_inflight + b->limits.max_queued) {
        if (b->stats.dropped_queue_full++ % 1000 == 0)
            broker_log(b, 2, "session '%.*s' queue full: dropping QoS 1 messages (%llu so far)",
                       (int)s->id_len, s->client_id, (unsigned long long)b->stats.dropped_queue_full);
        return;
    }
    if (s->out_count == s->out_cap) {
        uint32_t cap = s->out_cap ? s->out_cap * 2 : 8;
        outgoing *p = realloc(s->out, (size_t)cap * sizeof *p);
        if (p == NULL) {
            b->stats.dropped_queue_full++;
            return;
        }
        s->out = p;
        s->out_cap = cap;
    }
    s->out[s->out_count++] = (outgoing){message_ref(m), 0, retain};
    session_pump(b, s);
}

/* PUBACK for packet_id: forget that message and send the next. */
void session_acked(broker *b, session *s, uint16_t packet_id) {
    for (uint32_t i = 0; i < s->inflight; i++) {
        if (s->out[i].packet_id != packet_id)
            continue;
        message_unref(s->out[i].msg);
        memmove(&s->out[i], &s->out[i + 1], (s->out_count - i - 1) * sizeof *s->out);
        s->out_count--;
        s->inflight--;
        session_pump(b, s);
        return;
    }
}

int session_match(const session *s, const char *topic, size_t len, bool from_self,
                  bool *retain_as_published) {
    int best = -1;
    for (uint32_t i = 0; i < s->sub_count; i++) {
        const subscription *sub = &s->subs[i];
        if (sub->group != NULL || (from_self && (sub->options & SUB_NO_LOCAL)))
            continue;
        if (!mqtt_topic_matches(sub->filter, sub->len, topic, len))
            continue;
        if (sub->qos > best)
            best = sub->qos;
        if (sub->options & SUB_RETAIN_AS_PUBLISHED)
            *retain_as_published = true;
    }
    return best;
}

bool shared_filter_split(const uint8_t *filter, size_t len, mqtt_bytes *group, mqtt_bytes *rest) {
    static const char prefix[] = "$share/";
    size_t n = sizeof prefix - 1;
    if (len <= n || memcmp(filter, prefix, n) != 0)
        return false;
    const uint8_t *slash = memchr(filter + n, '/', len - n);
    if (slash == NULL)
        return false;
    group->data = filter + n;
    group->len = (size_t)(slash - group->data);
    rest->data = slash + 1;
    rest->len = len - n - group->len - 1;
    return true;
}

/* Same subscription: the same whole filter, "$share/GROUP/" included [MQTT-3.8.4-3]. */
static bool same_filter(const subscription *sub, const uint8_t *filter, size_t len) {
    mqtt_bytes group, rest;
    if (shared_filter_split(filter, len, &group, &rest))
        return sub->group != NULL && sub->group_len == group.len &&
               memcmp(sub->group, group.data, group.len) == 0 && sub->len == rest.len &&
               memcmp(sub->filter, rest.data, rest.len) == 0;
    return sub->group == NULL && sub->len == len && memcmp(sub->filter, filter, len) == 0;
}

int session_subscribe(session *s, const uint8_t *filter, size_t len, uint8_t qos, uint8_t options,
                      uint32_t max) {
    for (uint32_t i = 0; i < s->sub_count; i++) {
        if (same_filter(&s->subs[i], filter, len)) {
            s->subs[i].qos = qos;
            s->subs[i].options = options;
            return 0;
        }
    }
    if (s->sub_count >= max)
        return -1;
    if (s->sub_count == s->sub_cap) {
        uint32_t cap = s->sub_cap ? s->sub_cap * 2 : 4;
        subscription *p = realloc(s->subs, (size_t)cap * sizeof *p);
        if (p == NULL)
            return -1;
        s->subs = p;
        s->sub_cap = cap;
    }
    subscription sub = {.qos = qos, .options = options};
    mqtt_bytes group = {0}, rest = {filter, len};
    if (shared_filter_split(filter, len, &group, &rest)) {
        sub.group = malloc(group.len ? group.len : 1);
        if (sub.group == NULL)
            return -1;
        memcpy(sub.group, group.data, group.len);
        sub.group_len = (uint16_t)group.len;
    }
    sub.filter = malloc(rest.len ? rest.len : 1);
    if (sub.filter == NULL) {
        free(sub.group);
        return -1;
    }
    memcpy(sub.filter, rest.data, rest.len);
    sub.len = (uint16_t)rest.len;
    s->subs[s->sub_count++] = sub;
    return 1;
}

bool session_unsubscribe(session *s, const uint8_t *filter, size_t len) {
    for (uint32_t i = 0; i < s->sub_count; i++) {
        if (same_filter(&s->subs[i], filter, len)) {
            free(s->subs[i].filter);
            free(s->subs[i].group);
            s->subs[i] = s->subs[--s->sub_count];
            return true;
        }
    }
    return false;
}
