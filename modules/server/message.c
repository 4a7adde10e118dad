/* message.c — see message.h. */
#include "message.h"

#include <stdlib.h>
#include <string.h>

message *message_new(const char *topic, size_t topic_len, const uint8_t *payload, size_t payload_len,
                     uint8_t qos) {
    return message_new_v5(topic, topic_len, payload, payload_len, qos, NULL, 0, 0);
}

message *message_new_v5(const char *topic, size_t topic_len, const uint8_t *payload, size_t payload_len,
                        uint8_t qos, const uint8_t *props, size_t props_len, uint64_t expires_ms) {
    if (topic_len > 0xFFFF || payload_len > UINT32_MAX - 0x10000 ||
        props_len > UINT32_MAX - 0x10000 - payload_len)
        return NULL;
    message *m = malloc(sizeof *m + topic_len + payload_len + props_len);
    if (m == NULL)
        return NULL;
    m->refs = 1;
    m->qos = qos;
    m->topic_len = (uint16_t)topic_len;
    m->payload_len = (uint32_t)payload_len;
    m->props_len = (uint32_t)props_len;
    m->expires_ms = expires_ms;
    if (topic_len)
        memcpy(m->data, topic, topic_len);
    if (payload_len)
        memcpy(m->data + topic_len, payload, payload_len);
    if (props_len)
        memcpy(m->data + topic_len + payload_len, props, props_len);
    return m;
}

message *message_ref(message *m) {
    m->refs++;
    return m;
}

void message_unref(message *m) {
    if (m != NULL && --m->refs == 0)
        free(m);
}
