/*
 * message.h — an immutable, reference-counted application message (topic +
 * payload + QoS). One copy is shared by every session queue and the retained
 * store that hold it.
 */
#ifndef MESSAGE_H
#define MESSAGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct message {
    uint32_t refs;
    uint8_t qos;          /* QoS the publisher used */
    uint16_t topic_len;
    uint32_t payload_len;
    uint8_t data[];       /* topic bytes, then payload bytes */
} message;

/* A new message with one reference, or NULL (out of memory, topic too long). */
message *message_new(const char *topic, size_t topic_len, const uint8_t *payload,
                     size_t payload_len, uint8_t qos);

static inline const char *message_topic(const message *m) { return (const char *)m->data; }
static inline const uint8_t *message_payload(const message *m) {
    return m->data + m->topic_len;
}
/* Bytes the message accounts for in stores (topic + payload). */
static inline uint64_t message_size(const message *m) {
    return (uint64_t)m->topic_len + m->payload_len;
}

message *message_ref(message *m);
void message_unref(message *m);

#endif
