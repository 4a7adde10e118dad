/*
 * mqtt_props.h — MQTT 5.0 properties (OASIS MQTT 5.0 §2.2.2): decoding the
 * ones the broker acts on, checking every one is allowed where it appears
 * and appears at most once, and collecting those a PUBLISH forwards to
 * subscribers. Pure: no I/O, no allocation.
 */
#ifndef MQTT_PROPS_H
#define MQTT_PROPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mqtt_codec.h"

/* Property identifiers (§2.2.2.2). */
enum mqtt_property {
    MQTT_PROP_PAYLOAD_FORMAT = 0x01,
    MQTT_PROP_MESSAGE_EXPIRY = 0x02,
    MQTT_PROP_CONTENT_TYPE = 0x03,
    MQTT_PROP_RESPONSE_TOPIC = 0x08,
    MQTT_PROP_CORRELATION_DATA = 0x09,
    MQTT_PROP_SUBSCRIPTION_ID = 0x0B,
    MQTT_PROP_SESSION_EXPIRY = 0x11,
    MQTT_PROP_ASSIGNED_CLIENT_ID = 0x12,
    MQTT_PROP_SERVER_KEEP_ALIVE = 0x13,
    MQTT_PROP_AUTH_METHOD = 0x15,
    MQTT_PROP_AUTH_DATA = 0x16,
    MQTT_PROP_REQUEST_PROBLEM_INFO = 0x17,
    MQTT_PROP_WILL_DELAY = 0x18,
    MQTT_PROP_REQUEST_RESPONSE_INFO = 0x19,
    MQTT_PROP_RESPONSE_INFO = 0x1A,
    MQTT_PROP_SERVER_REFERENCE = 0x1C,
    MQTT_PROP_REASON_STRING = 0x1F,
    MQTT_PROP_RECEIVE_MAXIMUM = 0x21,
    MQTT_PROP_TOPIC_ALIAS_MAXIMUM = 0x22,
    MQTT_PROP_TOPIC_ALIAS = 0x23,
    MQTT_PROP_MAXIMUM_QOS = 0x24,
    MQTT_PROP_RETAIN_AVAILABLE = 0x25,
    MQTT_PROP_USER_PROPERTY = 0x26,
    MQTT_PROP_MAXIMUM_PACKET_SIZE = 0x27,
    MQTT_PROP_WILDCARD_AVAILABLE = 0x28,
    MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE = 0x29,
    MQTT_PROP_SHARED_AVAILABLE = 0x2A,
};

/* Where a property list appears: it decides which properties are allowed. */
typedef enum mqtt_props_context {
    MQTT_PROPS_CONNECT,
    MQTT_PROPS_WILL,
    MQTT_PROPS_PUBLISH,
    MQTT_PROPS_ACK, /* PUBACK, PUBREC, PUBREL, PUBCOMP */
    MQTT_PROPS_SUBSCRIBE,
    MQTT_PROPS_UNSUBSCRIBE,
    MQTT_PROPS_DISCONNECT,
} mqtt_props_context;

/* The properties the broker acts on; `has_*` says whether each was present. */
typedef struct mqtt_props {
    bool has_session_expiry, has_message_expiry, has_topic_alias;
    bool has_receive_maximum, has_maximum_packet_size, has_subscription_id, has_auth;
    bool payload_is_utf8;         /* payload format indicator 1 */
    uint32_t session_expiry;      /* seconds */
    uint32_t message_expiry;      /* seconds */
    uint32_t will_delay;          /* seconds */
    uint16_t receive_maximum;     /* > 0 when present */
    uint32_t maximum_packet_size; /* > 0 when present */
    uint16_t topic_alias_maximum;
    uint16_t topic_alias; /* > 0 when present */
    uint32_t subscription_id;
    /* PUBLISH and will: the properties forwarded to subscribers as they came
     * (payload format, content type, response topic, correlation data, user
     * properties), in order, copied into the caller's buffer. */
    size_t forward_len;
} mqtt_props;

/*
 * Decode the property list props[0..len) (without its length prefix) found
 * in `context`. MQTT_ERR_MALFORMED for a bad encoding, a property not
 * allowed there, a repeated one, or a value out of range (a zero receive
 * maximum, say). When forward != NULL (room for len bytes), the forwardable
 * properties of a PUBLISH or will are copied there (out->forward_len).
 */
mqtt_status mqtt_props_decode(const uint8_t *props, size_t len, mqtt_props_context context, mqtt_props *out,
                              uint8_t *forward);

/* A Variable Byte Integer (§1.5.5) at p[0..len): its value and size; 0 when
 * malformed or truncated. */
size_t mqtt_varint_read(const uint8_t *p, size_t len, uint32_t *value);

/* Write value as a Variable Byte Integer; returns its size (1..4). */
size_t mqtt_varint_write(uint8_t *p, uint32_t value);

/* Append one property of each shape to out (room assumed); returns its size. */
size_t mqtt_prop_put_u16(uint8_t *out, uint8_t id, uint16_t value);
size_t mqtt_prop_put_u32(uint8_t *out, uint8_t id, uint32_t value);
size_t mqtt_prop_put_string(uint8_t *out, uint8_t id, const uint8_t *s, size_t len);
size_t mqtt_prop_put_byte(uint8_t *out, uint8_t id, uint8_t value);

#endif
