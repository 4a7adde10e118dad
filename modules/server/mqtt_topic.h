/*
 * mqtt_topic.h — MQTT 3.1.1 topic names, topic filters and matching (§4.7).
 * Pure functions over byte strings (not NUL-terminated).
 */
#ifndef MQTT_TOPIC_H
#define MQTT_TOPIC_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A topic name a client may PUBLISH to: at least one byte, valid MQTT UTF-8,
 * no wildcard characters [MQTT-3.3.2-2], at most 65535 bytes.
 */
bool mqtt_topic_name_is_valid(const char *topic, size_t len);

/*
 * A topic filter a client may SUBSCRIBE to: at least one byte, valid MQTT
 * UTF-8, `+` only as a whole level, `#` only as the whole last level
 * [MQTT-4.7.1-2], [MQTT-4.7.1-3].
 */
bool mqtt_topic_filter_is_valid(const char *filter, size_t len);

/*
 * True if the (valid) filter matches the (valid) topic name. `#` also
 * matches the parent level ("a/#" matches "a"); filters that start with a
 * wildcard do not match topics starting with `$` [MQTT-4.7.2-1].
 */
bool mqtt_topic_matches(const char *filter, size_t filter_len, const char *topic, size_t topic_len);

#endif
