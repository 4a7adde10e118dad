/*
 * broker_internal.h — the broker's data model, shared by broker.c (connections
 * and packets) and session.c (sessions and delivery). Not part of the
 * broker's API (broker.h).
 */
#ifndef BROKER_INTERNAL_H
#define BROKER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "broker.h"
#include "message.h"
#include "retained.h"

/* Inbound QoS 2 packet ids awaiting PUBREL, per session. */
#define MAX_QOS2_PENDING 32

typedef struct subscription {
    char *filter;
    uint16_t len;
    uint8_t qos; /* granted: 0 or 1 */
} subscription;

/* A QoS 1 message owed to a session. Entries are kept in delivery order;
 * the sent ones (packet_id != 0) always form a prefix. */
typedef struct outgoing {
    message *msg;
    uint16_t packet_id;
    bool retain;
} outgoing;

typedef struct session {
    char *client_id;
    uint16_t id_len;
    bool clean;
    int conn; /* -1 while offline */
    uint64_t offline_since_ms;
    subscription *subs;
    uint32_t sub_count, sub_cap;
    outgoing *out;
    uint32_t out_count, out_cap, inflight;
    uint16_t next_packet_id;
    uint16_t qos2_pending[MAX_QOS2_PENDING];
    uint32_t qos2_count;
} session;

typedef enum conn_phase { CONN_FREE = 0, CONN_AWAIT_CONNECT, CONN_CONNECTED } conn_phase;

typedef struct connection {
    conn_phase phase;
    broker_close_state close;
    uint16_t keep_alive;
    uint64_t opened_ms, last_input_ms, close_deadline_ms;
    session *session;
    message *will;
    bool will_retain;
    uint8_t *in;
    size_t in_len, in_cap;
    uint8_t *out;
    size_t out_start, out_len, out_cap;
} connection;

struct broker {
    broker_limits limits;
    broker_hooks hooks;
    connection *conns;
    session **sessions;
    uint32_t session_count, session_cap;
    retained_store retained;
    broker_stats stats;
    uint64_t auto_ids;
};

/* printf-style line to hooks.on_log. */
void broker_log(broker *b, uint32_t level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Queue a PUBLISH on c if it fits within max_output; false if it does not. */
bool broker_send_publish(broker *b, connection *c, const message *m, uint8_t qos,
                         bool retain, bool dup, uint16_t packet_id);

/* ---- session.c ---- */

session *session_create(broker *b, const uint8_t *id, size_t len);
session *session_find(broker *b, const uint8_t *id, size_t len);
void session_destroy(broker *b, session *s);

/* Keep at most max_sessions offline persistent sessions: drop the oldest. */
void sessions_evict(broker *b);

/* Deliver m at qos: QoS 0 straight to the connection (or nowhere while
 * offline), QoS 1 through the session's queue. */
void session_deliver(broker *b, session *s, message *m, uint8_t qos, bool retain);

/* Send queued QoS 1 messages while the inflight window and output allow. */
void session_pump(broker *b, session *s);

/* PUBACK for packet_id: forget that message and send the next. */
void session_acked(broker *b, session *s, uint16_t packet_id);

/* Highest granted QoS among s's subscriptions matching topic, or -1. */
int session_match(const session *s, const char *topic, size_t len);

/* Add or replace the subscription to filter; false when the limit is reached
 * or out of memory. */
bool session_subscribe(session *s, const uint8_t *filter, size_t len, uint8_t qos,
                       uint32_t max);

/* Remove the subscription to exactly this filter, if there is one. */
void session_unsubscribe(session *s, const uint8_t *filter, size_t len);

#endif
