/* mqtt_topic.c — see mqtt_topic.h. */
#include "mqtt_topic.h"

#include <string.h>

#include "mqtt_codec.h"

bool mqtt_topic_name_is_valid(const char *topic, size_t len) {
    if (len == 0 || len > 0xFFFF)
        return false;
    if (memchr(topic, '+', len) || memchr(topic, '#', len))
        return false;
    return mqtt_string_is_valid((const uint8_t *)topic, len);
}

bool mqtt_topic_filter_is_valid(const char *filter, size_t len) {
    if (len == 0 || len > 0xFFFF)
        return false;
    if (!mqtt_string_is_valid((const uint8_t *)filter, len))
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = filter[i];
        if (c != '+' && c != '#')
            continue;
        bool starts_level = i == 0 || filter[i - 1] == '/';
        bool ends_level = i + 1 == len || filter[i + 1] == '/';
        if (!starts_level || !ends_level)
            return false;
        if (c == '#' && i + 1 != len)
            return false;
    }
    return true;
}

bool mqtt_topic_matches(const char *filter, size_t filter_len, const char *topic, size_t topic_len) {
    if (topic_len > 0 && topic[0] == '$' && filter_len > 0 && (filter[0] == '+' || filter[0] == '#'))
        return false;
    size_t f = 0, t = 0;
    for (;;) {
        /* Here f and t are at the start of a level of each. */
        if (f < filter_len && filter[f] == '#')
            return true; /* rest, incl. parent */
        size_t fe = f;
        while (fe < filter_len && filter[fe] != '/')
            fe++;
        size_t te = t;
        while (te < topic_len && topic[te] != '/')
            te++;
        bool wildcard = fe - f == 1 && filter[f] == '+';
        if (!wildcard && (fe - f != te - t || memcmp(filter + f, topic + t, fe - f) != 0))
            return false;
        bool filter_done = fe == filter_len, topic_done = te == topic_len;
        if (filter_done && topic_done)
            return true;
        if (topic_done) {
            /* "a/#" matches "a": the filter's next (last) level is "#". */
            return filter_len - fe == 2 && filter[fe + 1] == '#';
        }
        if (filter_done)
            return false;
        f = fe + 1;
        t = te + 1;
    }
}
