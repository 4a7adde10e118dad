/* inbox.c — see inbox.h. */
#include "inbox.h"

#include <stdlib.h>
#include <string.h>

bool inbox_init(inbox *q, uint32_t max_count, uint64_t max_bytes) {
    memset(q, 0, sizeof *q);
    q->ring = calloc(max_count ? max_count : 1, sizeof *q->ring);
    q->capacity = max_count ? max_count : 1;
    q->max_bytes = max_bytes;
    return q->ring != NULL;
}

bool inbox_push(inbox *q, const inbox_message *m) {
    uint64_t size = (uint64_t)m->topic_len + m->payload_len;
    if (q->count == q->capacity || q->bytes + size > q->max_bytes)
        return false;
    q->ring[(q->head + q->count) % q->capacity] = *m;
    q->count++;
    q->bytes += size;
    return true;
}

bool inbox_pop(inbox *q, inbox_message *m) {
    if (q->count == 0)
        return false;
    *m = q->ring[q->head];
    q->head = (q->head + 1) % q->capacity;
    q->count--;
    q->bytes -= (uint64_t)m->topic_len + m->payload_len;
    return true;
}

const inbox_message *inbox_peek(const inbox *q) { return q->count ? &q->ring[q->head] : NULL; }

void inbox_message_free(inbox_message *m) {
    free(m->block);
    m->block = NULL;
}
