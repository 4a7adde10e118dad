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
#include "mqtt_codec.h"
#include "retained.h"

/* Inbound QoS 2 packet ids awaiting PUBREL, per session. */
#define MAX_QOS2_PENDING 32

/* Topic aliases an MQTT 5 client may use towards the broker (CONNACK says so). */
#define TOPIC_ALIAS_MAX 16

/* A session that never expires (MQTT 3.1.1 clean session 0). */
#define SESSION_NEVER_EXPIRES UINT32_MAX

/* MQTT 5 subscription options (§3.8.3.1), as stored. */
#define SUB_NO_LOCAL 0x04
#define SUB_RETAIN_AS_PUBLISHED 0x08
#define SUB_RETAIN_HANDLING(options) (((options) >> 4) & 3)

typedef struct subscription {
    char *filter; /* the filter proper (after "$share/GROUP/" for a shared one) */
    uint16_t len;
    uint8_t qos;     /* granted: 0 or 1 */
    uint8_t options; /* SUB_* bits */
    char *group;     /* shared subscription group (§4.8.2), NULL if not shared */
    uint16_t group_len;
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
    uint32_t expiry_s;    /* after disconnection; 0 ends with the connection */
    uint16_t receive_max; /* the client's Receive Maximum (MQTT 5), 0 = none */
    int conn;             /* -1 while offline */
    uint64_t offline_since_ms;
    message *will; /* a delayed will (MQTT 5 Will Delay), due at will_due_ms */
    bool will_retain;
    uint64_t will_due_ms;
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
    uint8_t version;         /* 4 (3.1.1) or 5 */
    uint32_t max_packet_out; /* the client's Maximum Packet Size (MQTT 5), 0 = none */
    uint32_t will_delay_s;
    char *alias[TOPIC_ALIAS_MAX + 1]; /* topic aliases the client set (MQTT 5) */
    uint16_t alias_len[TOPIC_ALIAS_MAX + 1];
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
    uint64_t now_ms;      /* the latest time the caller gave */
    uint32_t shared_turn; /* round robin among a shared subscription's sessions */
};

/* printf-style line to hooks.on_log. */
void broker_log(broker *b, uint32_t level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- broker.c, for broker_packets.c ---- */

int broker_conn_index(const broker *b, const connection *c);
/* Close once the pending output is written (or after a short grace period). */
void broker_close_later(connection *c, uint64_t now_ms);
/* A bad packet: count it, log it, close the connection now. */
void broker_protocol_error(broker *b, connection *c, const char *why);
/* Queue a small control packet (CONNACK, SUBACK, PUBACK, ...). */
void broker_send_control(broker *b, connection *c, const uint8_t *bytes, size_t n);
/* Store if retained, deliver to matching sessions (`from`: the publisher's
 * session, for No Local), and hand a client's message to hooks.on_publish;
 * false when that hook could not take it. */
bool broker_publish(broker *b, message *m, bool retain, bool from_client, const session *from);

/* ---- broker_packets.c ---- */

/* One whole packet from c. */
void broker_handle_packet(broker *b, connection *c, const mqtt_fixed_header *h, const uint8_t *body,
                          uint64_t now_ms);

/* Queue a PUBLISH on c if it fits within max_output; false if it does not. */
bool broker_send_publish(broker *b, connection *c, const message *m, uint8_t qos, bool retain, bool dup,
                         uint16_t packet_id);

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

/* Highest granted QoS among s's non-shared subscriptions matching topic, or
 * -1; `from_self` skips No Local ones; *retain_as_published is set when a
 * matching one asks for it. */
int session_match(const session *s, const char *topic, size_t len, bool from_self, bool *retain_as_published);

/* Add or replace the subscription to filter ("$share/GROUP/F" is shared):
 * 1 added, 0 replaced, -1 when the limit is reached or out of memory. */
int session_subscribe(session *s, const uint8_t *filter, size_t len, uint8_t qos, uint8_t options,
                      uint32_t max);

/* Remove the subscription to exactly this filter; false if there was none. */
bool session_unsubscribe(session *s, const uint8_t *filter, size_t len);

/* Split "$share/GROUP/FILTER" (§4.8.2): true with the parts when it is one. */
bool shared_filter_split(const uint8_t *filter, size_t len, mqtt_bytes *group, mqtt_bytes *rest);

#endif
