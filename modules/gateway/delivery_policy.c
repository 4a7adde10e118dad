/* delivery_policy.c — see delivery_policy.h. */
#include "delivery_policy.h"

delivery_outcome delivery_classify(int32_t result) {
    if (result == EDGE_HTTP_DENIED)
        return DELIVERY_DENIED;
    if (result < 0)
        return DELIVERY_RETRY; /* EDGE_HTTP_CONNECT, EDGE_HTTP_OTHER */
    if (result >= 200 && result <= 299)
        return DELIVERY_DONE;
    if (result == 408 || result == 429 || (result >= 500 && result <= 599))
        return DELIVERY_RETRY;
    if (result < 100 || result > 599)
        return DELIVERY_RETRY; /* not HTTP: host bug, try again */
    return DELIVERY_REJECTED;
}

uint64_t delivery_backoff_ms(uint32_t attempt, uint64_t initial_ms, uint64_t max_ms) {
    if (attempt == 0)
        return 0;
    uint64_t wait = initial_ms;
    for (uint32_t i = 1; i < attempt && wait < max_ms; i++)
        wait *= 2;
    return wait < max_ms ? wait : max_ms;
}

const char *delivery_describe(int32_t result) {
    switch (result) {
    case EDGE_HTTP_DENIED: return "denied by host policy";
    case EDGE_HTTP_CONNECT: return "connect failure or timeout";
    case EDGE_HTTP_OTHER: return "host error";
    default: break;
    }
    if (result >= 200 && result <= 299)
        return "ok";
    return "HTTP error status";
}
