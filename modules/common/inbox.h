/*
 * inbox.h — a bounded FIFO of bus messages handed over by the host through
 * edge_message_received. The queue owns each message block until
 * it is popped; the popper frees it with inbox_message_free.
 *
 * Safe to use from edge_message_received: pushing never allocates (the ring is
 * allocated once by inbox_init) and never blocks.
 */
#ifndef EDGE_INBOX_H
#define EDGE_INBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct inbox_message {
    char *block; /* malloc'd: topic, then payload */
    uint32_t topic_len;
    uint32_t payload_len;
    uint32_t flags; /* EDGE_MSG_* (edge_support.h) */
} inbox_message;

static inline const char *inbox_topic(const inbox_message *m) { return m->block; }
static inline const uint8_t *inbox_payload(const inbox_message *m) {
    return (const uint8_t *)m->block + m->topic_len;
}

typedef struct inbox {
    inbox_message *ring;
    uint32_t capacity, head, count;
    uint64_t bytes, max_bytes;
} inbox;

/* Room for max_count messages totalling max_bytes. False if out of memory. */
bool inbox_init(inbox *q, uint32_t max_count, uint64_t max_bytes);

/* Append m (taking ownership) if it fits; false (m still the caller's) if
 * the queue is full by count or bytes. */
bool inbox_push(inbox *q, const inbox_message *m);

/* Remove the oldest message into *m (ownership passes); false if empty. */
bool inbox_pop(inbox *q, inbox_message *m);

/* The oldest message, still owned by the queue; NULL if empty. */
const inbox_message *inbox_peek(const inbox *q);

void inbox_message_free(inbox_message *m);

#endif
