/*
 * message.h — an immutable, reference-counted application message (topic +
 * payload + QoS, and for MQTT 5 the properties forwarded to subscribers and
 * an expiry time). One copy is shared by every session queue and the
 * retained store that hold it.
 */
#ifndef MESSAGE_H
#define MESSAGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct message {
    uint32_t refs;
    uint8_t qos; /* QoS the publisher used */
    uint16_t topic_len;
    uint32_t payload_len;
    uint32_t props_len;  /* MQTT 5 properties forwarded as they came */
    uint64_t expires_ms; /* MQTT 5 Message Expiry: monotonic ms, 0 = never */
    uint8_t data[];      /* topic bytes, payload bytes, then property bytes */
} message;

/* A new message with one reference, or NULL (out of memory, topic too long). */
message *message_new(const char *topic, size_t topic_len, const uint8_t *payload, size_t payload_len,
                     uint8_t qos);

/* The same with MQTT 5 properties to forward and an expiry time (0: none). */
message *message_new_v5(const char *topic, size_t topic_len, const uint8_t *payload, size_t payload_len,
                        uint8_t qos, const uint8_t *props, size_t props_len, uint64_t expires_ms);

static inline const char *message_topic(const message *m) { return (const char *)m->data; }
static inline const uint8_t *message_payload(const message *m) { return m->data + m->topic_len; }
static inline const uint8_t *message_props(const message *m) {
    return m->data + m->topic_len + m->payload_len;
}
/* True once an MQTT 5 Message Expiry has passed. */
static inline int message_expired(const message *m, uint64_t now_ms) {
    return m->expires_ms != 0 && now_ms >= m->expires_ms;
}
/* Bytes the message accounts for in stores (topic + payload). */
static inline uint64_t message_size(const message *m) { return (uint64_t)m->topic_len + m->payload_len; }

message *message_ref(message *m);
void message_unref(message *m);

#endif
