/* mqtt_props.c — see mqtt_props.h. Section numbers refer to MQTT 5.0. */
#include "mqtt_props.h"

#include <string.h>

size_t mqtt_varint_read(const uint8_t *p, size_t len, uint32_t *value) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; i++) {
        if (i >= len)
            return 0;
        v |= (uint32_t)(p[i] & 0x7F) << (7 * i);
        if ((p[i] & 0x80) == 0) {
            *value = v;
            return i + 1;
        }
    }
    return 0; /* a fifth byte */
}

size_t mqtt_varint_write(uint8_t *p, uint32_t value) {
    size_t n = 0;
    do {
        uint8_t b = value & 0x7F;
        value >>= 7;
        p[n++] = (uint8_t)(b | (value ? 0x80 : 0));
    } while (value && n < 4);
    return n;
}

/* The value shape of each property. */
typedef enum shape { BYTE, U16, U32, VARINT, STRING, BINARY, PAIR } shape;

typedef struct property_rule {
    uint8_t id;
    shape shape;
    uint8_t contexts; /* bit per mqtt_props_context */
} property_rule;

#define IN(c) (1u << (c))
static const property_rule RULES[] = {
    {MQTT_PROP_PAYLOAD_FORMAT, BYTE, IN(MQTT_PROPS_PUBLISH) | IN(MQTT_PROPS_WILL)},
    {MQTT_PROP_MESSAGE_EXPIRY, U32, IN(MQTT_PROPS_PUBLISH) | IN(MQTT_PROPS_WILL)},
    {MQTT_PROP_CONTENT_TYPE, STRING, IN(MQTT_PROPS_PUBLISH) | IN(MQTT_PROPS_WILL)},
    {MQTT_PROP_RESPONSE_TOPIC, STRING, IN(MQTT_PROPS_PUBLISH) | IN(MQTT_PROPS_WILL)},
    {MQTT_PROP_CORRELATION_DATA, BINARY, IN(MQTT_PROPS_PUBLISH) | IN(MQTT_PROPS_WILL)},
    {MQTT_PROP_SUBSCRIPTION_ID, VARINT, IN(MQTT_PROPS_SUBSCRIBE)},
    {MQTT_PROP_SESSION_EXPIRY, U32, IN(MQTT_PROPS_CONNECT) | IN(MQTT_PROPS_DISCONNECT)},
    {MQTT_PROP_AUTH_METHOD, STRING, IN(MQTT_PROPS_CONNECT)},
    {MQTT_PROP_AUTH_DATA, BINARY, IN(MQTT_PROPS_CONNECT)},
    {MQTT_PROP_REQUEST_PROBLEM_INFO, BYTE, IN(MQTT_PROPS_CONNECT)},
    {MQTT_PROP_WILL_DELAY, U32, IN(MQTT_PROPS_WILL)},
    {MQTT_PROP_REQUEST_RESPONSE_INFO, BYTE, IN(MQTT_PROPS_CONNECT)},
    {MQTT_PROP_SERVER_REFERENCE, STRING, IN(MQTT_PROPS_DISCONNECT)},
    {MQTT_PROP_REASON_STRING, STRING, IN(MQTT_PROPS_ACK) | IN(MQTT_PROPS_DISCONNECT)},
    {MQTT_PROP_RECEIVE_MAXIMUM, U16, IN(MQTT_PROPS_CONNECT)},
    {MQTT_PROP_TOPIC_ALIAS_MAXIMUM, U16, IN(MQTT_PROPS_CONNECT)},
    {MQTT_PROP_TOPIC_ALIAS, U16, IN(MQTT_PROPS_PUBLISH)},
    {MQTT_PROP_USER_PROPERTY, PAIR, 0xFF},
    {MQTT_PROP_MAXIMUM_PACKET_SIZE, U32, IN(MQTT_PROPS_CONNECT)},
};

static const property_rule *rule_for(uint8_t id) {
    for (size_t i = 0; i < sizeof RULES / sizeof RULES[0]; i++)
        if (RULES[i].id == id)
            return &RULES[i];
    return NULL;
}

static bool forwarded(uint8_t id) {
    return id == MQTT_PROP_PAYLOAD_FORMAT || id == MQTT_PROP_CONTENT_TYPE || id == MQTT_PROP_RESPONSE_TOPIC ||
           id == MQTT_PROP_CORRELATION_DATA || id == MQTT_PROP_USER_PROPERTY;
}

static uint32_t be(const uint8_t *p, size_t n) {
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

mqtt_status mqtt_props_decode(const uint8_t *props, size_t len, mqtt_props_context context, mqtt_props *out,
                              uint8_t *forward) {
    memset(out, 0, sizeof *out);
    uint64_t seen = 0;
    size_t i = 0;
    while (i < len) {
        uint8_t id = props[i];
        const property_rule *rule = rule_for(id);
        if (rule == NULL || !(rule->contexts & IN(context)))
            return MQTT_ERR_MALFORMED;
        if (id != MQTT_PROP_USER_PROPERTY && (seen & (1ull << id)))
            return MQTT_ERR_MALFORMED;
        seen |= 1ull << id;
        size_t start = i++, size = 0;
        const uint8_t *v = props + i;
        size_t left = len - i;
        uint32_t number = 0;
        switch (rule->shape) {
        case BYTE: size = 1; break;
        case U16: size = 2; break;
        case U32: size = 4; break;
        case VARINT:
            size = mqtt_varint_read(v, left, &number);
            if (size == 0 || number == 0)
                return MQTT_ERR_MALFORMED;
            break;
        case STRING:
        case BINARY:
            if (left < 2)
                return MQTT_ERR_MALFORMED;
            size = 2 + be(v, 2);
            if (size <= left && rule->shape == STRING && !mqtt_string_is_valid(v + 2, size - 2))
                return MQTT_ERR_MALFORMED;
            break;
        case PAIR: {
            if (left < 2)
                return MQTT_ERR_MALFORMED;
            size_t key = 2 + be(v, 2);
            if (key + 2 > left)
                return MQTT_ERR_MALFORMED;
            size_t value = 2 + be(v + key, 2);
            size = key + value;
            if (size <= left &&
                (!mqtt_string_is_valid(v + 2, key - 2) || !mqtt_string_is_valid(v + key + 2, value - 2)))
                return MQTT_ERR_MALFORMED;
            break;
        }
        }
        if (size > left)
            return MQTT_ERR_MALFORMED;
        if (rule->shape == BYTE || rule->shape == U16 || rule->shape == U32)
            number = be(v, size);
        switch (id) {
        case MQTT_PROP_PAYLOAD_FORMAT:
            if (number > 1)
                return MQTT_ERR_MALFORMED;
            out->payload_is_utf8 = number == 1;
            break;
        case MQTT_PROP_MESSAGE_EXPIRY:
            out->has_message_expiry = true;
            out->message_expiry = number;
            break;
        case MQTT_PROP_SESSION_EXPIRY:
            out->has_session_expiry = true;
            out->session_expiry = number;
            break;
        case MQTT_PROP_WILL_DELAY: out->will_delay = number; break;
        case MQTT_PROP_RECEIVE_MAXIMUM:
            if (number == 0)
                return MQTT_ERR_MALFORMED; /* [MQTT-3.1.2.11.3] */
            out->has_receive_maximum = true;
            out->receive_maximum = (uint16_t)number;
            break;
        case MQTT_PROP_MAXIMUM_PACKET_SIZE:
            if (number == 0)
                return MQTT_ERR_MALFORMED;
            out->has_maximum_packet_size = true;
            out->maximum_packet_size = number;
            break;
        case MQTT_PROP_TOPIC_ALIAS_MAXIMUM: out->topic_alias_maximum = (uint16_t)number; break;
        case MQTT_PROP_TOPIC_ALIAS:
            if (number == 0)
                return MQTT_ERR_MALFORMED; /* [MQTT-3.3.2-8] */
            out->has_topic_alias = true;
            out->topic_alias = (uint16_t)number;
            break;
        case MQTT_PROP_SUBSCRIPTION_ID:
            out->has_subscription_id = true;
            out->subscription_id = number;
            break;
        case MQTT_PROP_REQUEST_PROBLEM_INFO:
        case MQTT_PROP_REQUEST_RESPONSE_INFO:
            if (number > 1)
                return MQTT_ERR_MALFORMED;
            break;
        case MQTT_PROP_AUTH_METHOD: out->has_auth = true; break;
        default: break;
        }
        i += size;
        if (forward != NULL && forwarded(id)) {
            memcpy(forward + out->forward_len, props + start, i - start);
            out->forward_len += i - start;
        }
    }
    return MQTT_OK;
}

size_t mqtt_prop_put_byte(uint8_t *out, uint8_t id, uint8_t value) {
    out[0] = id;
    out[1] = value;
    return 2;
}

size_t mqtt_prop_put_u16(uint8_t *out, uint8_t id, uint16_t value) {
    out[0] = id;
    out[1] = (uint8_t)(value >> 8);
    out[2] = (uint8_t)value;
    return 3;
}

size_t mqtt_prop_put_u32(uint8_t *out, uint8_t id, uint32_t value) {
    out[0] = id;
    for (int i = 0; i < 4; i++)
        out[1 + i] = (uint8_t)(value >> (24 - 8 * i));
    return 5;
}

size_t mqtt_prop_put_string(uint8_t *out, uint8_t id, const uint8_t *s, size_t len) {
    out[0] = id;
    out[1] = (uint8_t)(len >> 8);
    out[2] = (uint8_t)len;
    memcpy(out + 3, s, len);
    return 3 + len;
}
