/*
 * retained.h — the retained-message store (§3.3.1.3): at most one message
 * per topic, bounded in count and bytes.
 */
#ifndef RETAINED_H
#define RETAINED_H

#include <stdbool.h>
#include <stdint.h>

#include "message.h"

typedef struct retained_store {
    message **items;
    uint32_t count, capacity;
    uint64_t bytes;
    uint32_t max_count;
    uint64_t max_bytes;
} retained_store;

typedef enum retained_result {
    RETAINED_STORED = 0,  /* added or replaced */
    RETAINED_CLEARED = 1, /* empty payload: the topic's message was removed */
    RETAINED_FULL = -1,   /* would exceed a bound: nothing changed */
} retained_result;

void retained_init(retained_store *rs, uint32_t max_count, uint64_t max_bytes);
void retained_free(retained_store *rs);

/* Store m (taking a new reference) or, if its payload is empty, clear its
 * topic [MQTT-3.3.1-10], [MQTT-3.3.1-11]. */
retained_result retained_put(retained_store *rs, message *m);

#endif
