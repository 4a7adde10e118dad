/* mqtt_codec.c — see mqtt_codec.h. */
#include "mqtt_codec.h"

#include <string.h>

#include "mqtt_props.h"
#include "utf8.h"

/* A bounds-checked reader over one packet body. */
typedef struct reader {
    const uint8_t *p;
    const uint8_t *end;
} reader;

static bool read_u8(reader *r, uint8_t *v) {
    if (r->p >= r->end)
        return false;
    *v = *r->p++;
    return true;
}

static bool read_u16(reader *r, uint16_t *v) {
    if (r->end - r->p < 2)
        return false;
    *v = (uint16_t)((r->p[0] << 8) | r->p[1]);
    r->p += 2;
    return true;
}

/* A length-prefixed field (§1.5.3 strings, §3.1.3 binary data). */
static bool read_field(reader *r, mqtt_bytes *out) {
    uint16_t n;
    if (!read_u16(r, &n))
        return false;
    if ((size_t)(r->end - r->p) < n)
        return false;
    out->data = r->p;
    out->len = n;
    r->p += n;
    return true;
}

/* v5: a property list, its Variable Byte Integer length first (§2.2.2.1). */
static bool read_properties(reader *r, mqtt_bytes *out) {
    uint32_t n;
    size_t used = mqtt_varint_read(r->p, (size_t)(r->end - r->p), &n);
    if (used == 0)
        return false;
    r->p += used;
    if ((size_t)(r->end - r->p) < n)
        return false;
    out->data = r->p;
    out->len = n;
    r->p += n;
    return true;
}

/* A length-prefixed UTF-8 string that must be well-formed (§1.5.3). */
static bool read_string(reader *r, mqtt_bytes *out) {
    return read_field(r, out) && mqtt_string_is_valid(out->data, out->len);
}

bool mqtt_string_is_valid(const uint8_t *s, size_t len) {
    if (memchr(s, 0, len) != NULL)
        return false; /* U+0000 [MQTT-1.5.3-2] */
    return utf8_is_valid(s, len);
}

/* Fixed-header flags each type must carry (§2.2.2); -1 = any (PUBLISH). */
static int required_flags(uint8_t type) {
    switch (type) {
    case MQTT_PUBLISH: return -1;
    case MQTT_PUBREL:
    case MQTT_SUBSCRIBE:
    case MQTT_UNSUBSCRIBE: return 0x2;
    default: return 0x0;
    }
}

mqtt_status mqtt_read_fixed_header(const uint8_t *buf, size_t len, size_t max_packet,
                                   mqtt_fixed_header *out) {
    if (len < 1)
        return MQTT_NEED_MORE;
    uint8_t type = buf[0] >> 4, flags = buf[0] & 0x0F;
    if (type == 0 || type == 15)
        return MQTT_ERR_MALFORMED; /* reserved */
    int want = required_flags(type);
    if (want >= 0 && flags != want)
        return MQTT_ERR_MALFORMED;
    uint32_t value = 0;
    size_t i = 1;
    for (;; i++) {
        if (i > 4)
            return MQTT_ERR_MALFORMED; /* more than 4 length bytes */
        if (i >= len)
            return MQTT_NEED_MORE;
        value |= (uint32_t)(buf[i] & 0x7F) << (7 * (i - 1));
        if ((buf[i] & 0x80) == 0)
            break;
    }
    size_t header_length = i + 1;
    /* A non-minimal encoding (e.g. 0x80 0x00) still decodes to the right value;
     * the spec does not forbid it for receivers, so accept it. */
    out->type = type;
    out->flags = flags;
    out->remaining_length = value;
    out->header_length = (uint32_t)header_length;
    if ((uint64_t)header_length + value > max_packet)
        return MQTT_ERR_TOO_LARGE;
    if (len < header_length + value)
        return MQTT_NEED_MORE;
    return MQTT_OK;
}

mqtt_status mqtt_decode_connect(const uint8_t *body, size_t len, mqtt_connect *out) {
    memset(out, 0, sizeof *out);
    reader r = {body, body + len};
    mqtt_bytes name;
    uint8_t level, flags;
    if (!read_field(&r, &name) || !read_u8(&r, &level))
        return MQTT_ERR_MALFORMED;
    out->protocol_level = level;
    if (name.len == 4 && memcmp(name.data, "MQTT", 4) == 0) {
        if (level != 4 && level != 5)
            return MQTT_ERR_BAD_PROTOCOL;
    } else if (name.len == 6 && memcmp(name.data, "MQIsdp", 6) == 0) {
        return MQTT_ERR_BAD_PROTOCOL; /* MQTT 3.1 */
    } else {
        return MQTT_ERR_MALFORMED; /* not MQTT at all [MQTT-3.1.2-1] */
    }
    if (!read_u8(&r, &flags) || !read_u16(&r, &out->keep_alive))
        return MQTT_ERR_MALFORMED;
    bool v5 = level == 5;
    if (v5 && !read_properties(&r, &out->properties))
        return MQTT_ERR_MALFORMED;
    if (flags & 0x01)
        return MQTT_ERR_MALFORMED; /* reserved [MQTT-3.1.2-3] */
    out->clean_session = (flags & 0x02) != 0;
    out->will_flag = (flags & 0x04) != 0;
    out->will_qos = (flags >> 3) & 0x3;
    out->will_retain = (flags & 0x20) != 0;
    out->has_password = (flags & 0x40) != 0;
    out->has_username = (flags & 0x80) != 0;
    if (out->will_qos == 3)
        return MQTT_ERR_MALFORMED; /* [MQTT-3.1.2-14] */
    if (!out->will_flag && (out->will_qos || out->will_retain))
        return MQTT_ERR_MALFORMED;
    if (out->has_password && !out->has_username)
        return MQTT_ERR_MALFORMED; /* [MQTT-3.1.2-22] */
    if (!read_string(&r, &out->client_id))
        return MQTT_ERR_MALFORMED;
    if (out->will_flag) {
        if (v5 && !read_properties(&r, &out->will_properties))
            return MQTT_ERR_MALFORMED;
        if (!read_string(&r, &out->will_topic) || !read_field(&r, &out->will_message))
            return MQTT_ERR_MALFORMED;
    }
    if (out->has_username && !read_string(&r, &out->username))
        return MQTT_ERR_MALFORMED;
    if (out->has_password && !read_field(&r, &out->password))
        return MQTT_ERR_MALFORMED;
    if (r.p != r.end)
        return MQTT_ERR_MALFORMED; /* trailing bytes */
    return MQTT_OK;
}

static mqtt_status decode_publish(uint8_t flags, const uint8_t *body, size_t len, bool v5,
                                  mqtt_publish *out) {
    memset(out, 0, sizeof *out);
    out->dup = (flags & 0x8) != 0;
    out->qos = (flags >> 1) & 0x3;
    out->retain = (flags & 0x1) != 0;
    if (out->qos == 3)
        return MQTT_ERR_MALFORMED; /* [MQTT-3.3.1-4] */
    if (out->qos == 0 && out->dup)
        return MQTT_ERR_MALFORMED; /* [MQTT-3.3.1-2] */
    reader r = {body, body + len};
    if (!read_string(&r, &out->topic))
        return MQTT_ERR_MALFORMED;
    if (out->qos > 0) {
        if (!read_u16(&r, &out->packet_id) || out->packet_id == 0)
            return MQTT_ERR_MALFORMED;
    }
    if (v5 && !read_properties(&r, &out->properties))
        return MQTT_ERR_MALFORMED;
    out->payload.data = r.p;
    out->payload.len = (size_t)(r.end - r.p);
    return MQTT_OK;
}

mqtt_status mqtt_decode_publish(uint8_t flags, const uint8_t *body, size_t len, mqtt_publish *out) {
    return decode_publish(flags, body, len, false, out);
}

mqtt_status mqtt_decode_publish_v5(uint8_t flags, const uint8_t *body, size_t len, mqtt_publish *out) {
    return decode_publish(flags, body, len, true, out);
}

mqtt_status mqtt_decode_ack_v5(const uint8_t *body, size_t len, uint16_t *packet_id, uint8_t *reason) {
    if (len < 2)
        return MQTT_ERR_MALFORMED;
    *packet_id = (uint16_t)((body[0] << 8) | body[1]);
    *reason = len > 2 ? body[2] : 0;
    if (len > 3) {
        reader r = {body + 3, body + len};
        mqtt_bytes props;
        if (!read_properties(&r, &props) || r.p != r.end)
            return MQTT_ERR_MALFORMED;
    }
    return *packet_id == 0 ? MQTT_ERR_MALFORMED : MQTT_OK;
}

mqtt_status mqtt_decode_disconnect_v5(const uint8_t *body, size_t len, uint8_t *reason,
                                      mqtt_bytes *properties) {
    *reason = len > 0 ? body[0] : 0;
    properties->data = body;
    properties->len = 0;
    if (len > 1) {
        reader r = {body + 1, body + len};
        if (!read_properties(&r, properties) || r.p != r.end)
            return MQTT_ERR_MALFORMED;
    }
    return MQTT_OK;
}

mqtt_status mqtt_decode_packet_id(const uint8_t *body, size_t len, uint16_t *packet_id) {
    if (len != 2)
        return MQTT_ERR_MALFORMED;
    *packet_id = (uint16_t)((body[0] << 8) | body[1]);
    return *packet_id == 0 ? MQTT_ERR_MALFORMED : MQTT_OK;
}

static mqtt_status decode_topic_list(uint8_t flags, const uint8_t *body, size_t len, bool with_qos, bool v5,
                                     mqtt_topic_list *out) {
    memset(out, 0, sizeof *out);
    if (flags != 0x2)
        return MQTT_ERR_MALFORMED; /* [MQTT-3.8.1-1], [MQTT-3.10.1-1] */
    reader r = {body, body + len};
    if (!read_u16(&r, &out->packet_id) || out->packet_id == 0)
        return MQTT_ERR_MALFORMED;
    if (v5 && !read_properties(&r, &out->properties))
        return MQTT_ERR_MALFORMED;
    out->with_qos = with_qos;
    out->v5 = v5;
    out->next = r.p;
    out->end = r.end;
    while (r.p < r.end) {
        mqtt_bytes filter;
        if (!read_string(&r, &filter))
            return MQTT_ERR_MALFORMED;
        if (with_qos) {
            uint8_t qos;
            if (!read_u8(&r, &qos))
                return MQTT_ERR_MALFORMED;
            if (v5) { /* reserved bits, QoS 3, Retain Handling 3 (MQTT 5.0 §3.8.3.1) */
                if ((qos & 0xC0) || (qos & 3) == 3 || ((qos >> 4) & 3) == 3)
                    return MQTT_ERR_MALFORMED;
            } else if (qos > 2) {
                return MQTT_ERR_MALFORMED; /* reserved bits/QoS 3 [MQTT-3.8.3-4] */
            }
        }
        out->count++;
    }
    if (out->count == 0)
        return MQTT_ERR_MALFORMED; /* [MQTT-3.8.3-3], [MQTT-3.10.3-2] */
    return MQTT_OK;
}

mqtt_status mqtt_decode_subscribe(uint8_t flags, const uint8_t *body, size_t len, mqtt_topic_list *out) {
    return decode_topic_list(flags, body, len, true, false, out);
}

mqtt_status mqtt_decode_subscribe_v5(uint8_t flags, const uint8_t *body, size_t len, mqtt_topic_list *out) {
    return decode_topic_list(flags, body, len, true, true, out);
}

mqtt_status mqtt_decode_unsubscribe_v5(uint8_t flags, const uint8_t *body, size_t len, mqtt_topic_list *out) {
    return decode_topic_list(flags, body, len, false, true, out);
}

mqtt_status mqtt_decode_unsubscribe(uint8_t flags, const uint8_t *body, size_t len, mqtt_topic_list *out) {
    return decode_topic_list(flags, body, len, false, false, out);
}

bool mqtt_topic_list_next(mqtt_topic_list *list, mqtt_bytes *filter, uint8_t *qos) {
    /* The list was validated by decode_topic_list, so these reads succeed. */
    reader r = {list->next, list->end};
    if (r.p >= r.end || !read_field(&r, filter))
        return false;
    uint8_t q = 0;
    if (list->with_qos && !read_u8(&r, &q))
        return false;
    if (qos != NULL)
        *qos = q;
    list->next = r.p;
    return true;
}

/* ---- encoders ---------------------------------------------------------- */

size_t mqtt_varint_size(uint32_t value) {
    if (value < 128u)
        return 1;
    if (value < 16384u)
        return 2;
    if (value < 2097152u)
        return 3;
    if (value <= MQTT_MAX_REMAINING_LENGTH)
        return 4;
    return 0;
}

static uint8_t *put_fixed_header(uint8_t *p, uint8_t first, uint32_t remaining) {
    *p++ = first;
    do {
        uint8_t b = remaining & 0x7F;
        remaining >>= 7;
        if (remaining)
            b |= 0x80;
        *p++ = b;
    } while (remaining);
    return p;
}

static uint8_t *put_u16(uint8_t *p, uint16_t v) {
    *p++ = (uint8_t)(v >> 8);
    *p++ = (uint8_t)v;
    return p;
}

size_t mqtt_encode_connack(uint8_t *out, size_t cap, bool session_present, uint8_t code) {
    if (cap >= 4) {
        out[0] = MQTT_CONNACK << 4;
        out[1] = 2;
        out[2] = session_present ? 1 : 0;
        out[3] = code;
    }
    return 4;
}

size_t mqtt_encode_publish(uint8_t *out, size_t cap, const uint8_t *topic, size_t topic_len,
                           const uint8_t *payload, size_t payload_len, uint8_t qos, bool retain, bool dup,
                           uint16_t packet_id) {
    if (topic_len > 0xFFFF)
        return 0;
    uint64_t remaining = 2 + (uint64_t)topic_len + (qos > 0 ? 2 : 0) + payload_len;
    if (remaining > MQTT_MAX_REMAINING_LENGTH)
        return 0;
    size_t need = 1 + mqtt_varint_size((uint32_t)remaining) + (size_t)remaining;
    if (need > cap)
        return need;
    uint8_t first = (uint8_t)((MQTT_PUBLISH << 4) | (dup ? 0x8 : 0) | ((qos & 0x3) << 1) | (retain ? 1 : 0));
    uint8_t *p = put_fixed_header(out, first, (uint32_t)remaining);
    p = put_u16(p, (uint16_t)topic_len);
    if (topic_len)
        memcpy(p, topic, topic_len);
    p += topic_len;
    if (qos > 0)
        p = put_u16(p, packet_id);
    if (payload_len)
        memcpy(p, payload, payload_len);
    return need;
}

size_t mqtt_encode_ack(uint8_t *out, size_t cap, uint8_t type, uint16_t packet_id) {
    if (cap >= 4) {
        out[0] = (uint8_t)((type << 4) | (type == MQTT_PUBREL ? 0x2 : 0));
        out[1] = 2;
        put_u16(out + 2, packet_id);
    }
    return 4;
}

size_t mqtt_encode_suback(uint8_t *out, size_t cap, uint16_t packet_id, const uint8_t *codes, size_t count) {
    uint64_t remaining = 2 + (uint64_t)count;
    if (remaining > MQTT_MAX_REMAINING_LENGTH)
        return 0;
    size_t need = 1 + mqtt_varint_size((uint32_t)remaining) + (size_t)remaining;
    if (need > cap)
        return need;
    uint8_t *p = put_fixed_header(out, MQTT_SUBACK << 4, (uint32_t)remaining);
    p = put_u16(p, packet_id);
    if (count)
        memcpy(p, codes, count);
    return need;
}

size_t mqtt_encode_pingresp(uint8_t *out, size_t cap) {
    if (cap >= 2) {
        out[0] = MQTT_PINGRESP << 4;
        out[1] = 0;
    }
    return 2;
}

/* ---- v5 encoders ---------------------------------------------------------- */

size_t mqtt_encode_connack_v5(uint8_t *out, size_t cap, bool session_present, uint8_t reason,
                              const uint8_t *props, size_t props_len) {
    uint32_t remaining = (uint32_t)(2 + mqtt_varint_size((uint32_t)props_len) + props_len);
    size_t need = 1 + mqtt_varint_size(remaining) + remaining;
    if (need > cap)
        return need;
    uint8_t *p = put_fixed_header(out, MQTT_CONNACK << 4, remaining);
    *p++ = session_present ? 1 : 0;
    *p++ = reason;
    p += mqtt_varint_write(p, (uint32_t)props_len);
    if (props_len)
        memcpy(p, props, props_len);
    return need;
}

size_t mqtt_encode_publish_v5(uint8_t *out, size_t cap, const uint8_t *topic, size_t topic_len,
                              const uint8_t *payload, size_t payload_len, uint8_t qos, bool retain, bool dup,
                              uint16_t packet_id, const uint8_t *props, size_t props_len) {
    if (topic_len > 0xFFFF || props_len > MQTT_MAX_REMAINING_LENGTH)
        return 0;
    uint64_t remaining = 2 + (uint64_t)topic_len + (qos > 0 ? 2 : 0) + mqtt_varint_size((uint32_t)props_len) +
                         props_len + payload_len;
    if (remaining > MQTT_MAX_REMAINING_LENGTH)
        return 0;
    size_t need = 1 + mqtt_varint_size((uint32_t)remaining) + (size_t)remaining;
    if (need > cap)
        return need;
    uint8_t first = (uint8_t)((MQTT_PUBLISH << 4) | (dup ? 0x8 : 0) | ((qos & 0x3) << 1) | (retain ? 1 : 0));
    uint8_t *p = put_fixed_header(out, first, (uint32_t)remaining);
    p = put_u16(p, (uint16_t)topic_len);
    if (topic_len)
        memcpy(p, topic, topic_len);
    p += topic_len;
    if (qos > 0)
        p = put_u16(p, packet_id);
    p += mqtt_varint_write(p, (uint32_t)props_len);
    if (props_len)
        memcpy(p, props, props_len);
    p += props_len;
    if (payload_len)
        memcpy(p, payload, payload_len);
    return need;
}

size_t mqtt_encode_suback_v5(uint8_t *out, size_t cap, uint8_t type, uint16_t packet_id, const uint8_t *codes,
                             size_t count) {
    uint64_t remaining = 3 + (uint64_t)count;
    if (remaining > MQTT_MAX_REMAINING_LENGTH)
        return 0;
    size_t need = 1 + mqtt_varint_size((uint32_t)remaining) + (size_t)remaining;
    if (need > cap)
        return need;
    uint8_t *p = put_fixed_header(out, (uint8_t)(type << 4), (uint32_t)remaining);
    p = put_u16(p, packet_id);
    *p++ = 0; /* no properties */
    if (count)
        memcpy(p, codes, count);
    return need;
}

size_t mqtt_encode_disconnect_v5(uint8_t *out, size_t cap, uint8_t reason) {
    if (cap >= 4) {
        out[0] = MQTT_DISCONNECT << 4;
        out[1] = 2;
        out[2] = reason;
        out[3] = 0; /* no properties */
    }
    return 4;
}

/* ---- the client side ---------------------------------------------------- */

static uint8_t *put_field(uint8_t *p, const uint8_t *data, size_t len) {
    p = put_u16(p, (uint16_t)len);
    if (len)
        memcpy(p, data, len);
    return p + len;
}

size_t mqtt_encode_connect(uint8_t *out, size_t cap, const mqtt_connect *c) {
    const mqtt_bytes *fields[] = {&c->client_id, &c->will_topic, &c->will_message, &c->username,
                                  &c->password};
    const bool present[] = {true, c->will_flag, c->will_flag, c->has_username, c->has_password};
    uint64_t remaining = 6 + 1 + 1 + 2; /* "MQTT", level, flags, keep-alive */
    for (size_t i = 0; i < 5; i++) {
        if (!present[i])
            continue;
        if (fields[i]->len > 0xFFFF)
            return 0;
        remaining += 2 + fields[i]->len;
    }
    if (remaining > MQTT_MAX_REMAINING_LENGTH)
        return 0;
    size_t need = 1 + mqtt_varint_size((uint32_t)remaining) + (size_t)remaining;
    if (need > cap)
        return need;
    uint8_t flags = (uint8_t)((c->clean_session ? 0x02 : 0) | (c->will_flag ? 0x04 : 0) |
                              (c->will_flag ? (c->will_qos & 0x3) << 3 : 0) |
                              (c->will_flag && c->will_retain ? 0x20 : 0) | (c->has_password ? 0x40 : 0) |
                              (c->has_username ? 0x80 : 0));
    uint8_t *p = put_fixed_header(out, MQTT_CONNECT << 4, (uint32_t)remaining);
    p = put_field(p, (const uint8_t *)"MQTT", 4);
    *p++ = c->protocol_level;
    *p++ = flags;
    p = put_u16(p, c->keep_alive);
    for (size_t i = 0; i < 5; i++)
        if (present[i])
            p = put_field(p, fields[i]->data, fields[i]->len);
    return need;
}

mqtt_status mqtt_decode_connack(const uint8_t *body, size_t len, bool *session_present, uint8_t *code) {
    if (len != 2 || (body[0] & 0xFE) != 0)
        return MQTT_ERR_MALFORMED; /* [MQTT-3.2.2-1] */
    *session_present = (body[0] & 1) != 0;
    *code = body[1];
    return MQTT_OK;
}

size_t mqtt_encode_subscribe(uint8_t *out, size_t cap, uint16_t packet_id, const uint8_t *filter,
                             size_t filter_len, uint8_t qos) {
    if (filter_len > 0xFFFF)
        return 0;
    uint32_t remaining = (uint32_t)(2 + 2 + filter_len + 1);
    size_t need = 1 + mqtt_varint_size(remaining) + remaining;
    if (need > cap)
        return need;
    uint8_t *p = put_fixed_header(out, (MQTT_SUBSCRIBE << 4) | 0x2, remaining);
    p = put_u16(p, packet_id);
    p = put_field(p, filter, filter_len);
    *p = qos & 0x3;
    return need;
}

mqtt_status mqtt_decode_suback(const uint8_t *body, size_t len, uint16_t *packet_id, mqtt_bytes *codes) {
    if (len < 3)
        return MQTT_ERR_MALFORMED;
    *packet_id = (uint16_t)((body[0] << 8) | body[1]);
    for (size_t i = 2; i < len; i++)
        if (body[i] > 2 && body[i] != MQTT_SUBACK_FAILURE)
            return MQTT_ERR_MALFORMED;
    codes->data = body + 2;
    codes->len = len - 2;
    return *packet_id == 0 ? MQTT_ERR_MALFORMED : MQTT_OK;
}

size_t mqtt_encode_empty(uint8_t *out, size_t cap, uint8_t type) {
    if (cap >= 2) {
        out[0] = (uint8_t)(type << 4);
        out[1] = 0;
    }
    return 2;
}
