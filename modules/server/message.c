/* message.c — see message.h. */
#include "message.h"

#include <stdlib.h>
#include <string.h>

message *message_new(const char *topic, size_t topic_len, const uint8_t *payload,
                     size_t payload_len, uint8_t qos) {
    if (topic_len > 0xFFFF || payload_len > UINT32_MAX - 0x10000) return NULL;
    message *m = malloc(sizeof *m + topic_len + payload_len);
    if (m == NULL) return NULL;
    m->refs = 1;
    m->qos = qos;
    m->topic_len = (uint16_t)topic_len;
    m->payload_len = (uint32_t)payload_len;
    if (topic_len) memcpy(m->data, topic, topic_len);
    if (payload_len) memcpy(m->data + topic_len, payload, payload_len);
    return m;
}

message *message_ref(message *m) {
    m->refs++;
    return m;
}

void message_unref(message *m) {
    if (m != NULL && --m->refs == 0) free(m);
}
