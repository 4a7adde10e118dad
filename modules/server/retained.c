/* retained.c — see retained.h. A flat array: lookups are linear, which is
 * fine for the few hundred topics an edge broker retains. */
#include "retained.h"

#include <stdlib.h>
#include <string.h>

void retained_init(retained_store *rs, uint32_t max_count, uint64_t max_bytes) {
    memset(rs, 0, sizeof *rs);
    rs->max_count = max_count;
    rs->max_bytes = max_bytes;
}

void retained_free(retained_store *rs) {
    for (uint32_t i = 0; i < rs->count; i++)
        message_unref(rs->items[i]);
    free(rs->items);
    memset(rs, 0, sizeof *rs);
}

static int find(const retained_store *rs, const message *m) {
    for (uint32_t i = 0; i < rs->count; i++) {
        const message *o = rs->items[i];
        if (o->topic_len == m->topic_len && memcmp(message_topic(o), message_topic(m), m->topic_len) == 0)
            return (int)i;
    }
    return -1;
}

retained_result retained_put(retained_store *rs, message *m) {
    int at = find(rs, m);
    if (m->payload_len == 0) {
        if (at >= 0) {
            rs->bytes -= message_size(rs->items[at]);
            message_unref(rs->items[at]);
            rs->items[at] = rs->items[--rs->count];
        }
        return RETAINED_CLEARED;
    }
    uint64_t old = at >= 0 ? message_size(rs->items[at]) : 0;
    if (rs->bytes - old + message_size(m) > rs->max_bytes)
        return RETAINED_FULL;
    if (at >= 0) {
        message_unref(rs->items[at]);
        rs->items[at] = message_ref(m);
        rs->bytes = rs->bytes - old + message_size(m);
        return RETAINED_STORED;
    }
    if (rs->count >= rs->max_count)
        return RETAINED_FULL;
    if (rs->count == rs->capacity) {
        uint32_t cap = rs->capacity ? rs->capacity * 2 : 16;
        if (cap > rs->max_count)
            cap = rs->max_count;
        message **items = realloc(rs->items, (size_t)cap * sizeof *items);
        if (items == NULL)
            return RETAINED_FULL;
        rs->items = items;
        rs->capacity = cap;
    }
    rs->items[rs->count++] = message_ref(m);
    rs->bytes += message_size(m);
    return RETAINED_STORED;
}
