/*
 * mqtt_codec.h — MQTT 3.1.1 packet decoding and encoding on byte buffers.
 *
 * Pure: no I/O, no allocation, no global state. Decoders return views
 * (pointer + length) into the caller's buffer; encoders write into a caller
 * buffer and, like snprintf, return the length they need, writing nothing
 * when it does not fit. Section numbers refer to the OASIS MQTT 3.1.1 spec;
 * the MQTT 5.0 forms (functions and fields marked v5) add property lists,
 * decoded by mqtt_props.h, and reason codes.
 */
#ifndef MQTT_CODEC_H
#define MQTT_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Control packet types (§2.2.1). */
enum mqtt_packet_type {
    MQTT_CONNECT = 1,
    MQTT_CONNACK = 2,
    MQTT_PUBLISH = 3,
    MQTT_PUBACK = 4,
    MQTT_PUBREC = 5,
    MQTT_PUBREL = 6,
    MQTT_PUBCOMP = 7,
    MQTT_SUBSCRIBE = 8,
    MQTT_SUBACK = 9,
    MQTT_UNSUBSCRIBE = 10,
    MQTT_UNSUBACK = 11,
    MQTT_PINGREQ = 12,
    MQTT_PINGRESP = 13,
    MQTT_DISCONNECT = 14,
};

/* CONNACK return codes (§3.2.2.3). */
enum mqtt_connack_code {
    MQTT_CONNACK_ACCEPTED = 0,
    MQTT_CONNACK_BAD_PROTOCOL_LEVEL = 1,
    MQTT_CONNACK_IDENTIFIER_REJECTED = 2,
    MQTT_CONNACK_SERVER_UNAVAILABLE = 3,
    MQTT_CONNACK_BAD_CREDENTIALS = 4,
    MQTT_CONNACK_NOT_AUTHORIZED = 5,
};

/* SUBACK return code for a refused filter (§3.9.3). */
#define MQTT_SUBACK_FAILURE 0x80

/* MQTT 5.0 reason codes the broker sends (MQTT 5.0 §2.4). */
enum mqtt5_reason {
    MQTT5_SUCCESS = 0x00,
    MQTT5_DISCONNECT_WITH_WILL = 0x04,
    MQTT5_NO_SUBSCRIPTION_EXISTED = 0x11,
    MQTT5_UNSPECIFIED_ERROR = 0x80,
    MQTT5_MALFORMED_PACKET = 0x81,
    MQTT5_PROTOCOL_ERROR = 0x82,
    MQTT5_UNSUPPORTED_PROTOCOL_VERSION = 0x84,
    MQTT5_CLIENT_ID_NOT_VALID = 0x85,
    MQTT5_SERVER_UNAVAILABLE = 0x88,
    MQTT5_BAD_AUTHENTICATION_METHOD = 0x8C,
    MQTT5_KEEP_ALIVE_TIMEOUT = 0x8D,
    MQTT5_SESSION_TAKEN_OVER = 0x8E,
    MQTT5_TOPIC_FILTER_INVALID = 0x8F,
    MQTT5_TOPIC_NAME_INVALID = 0x90,
    MQTT5_PACKET_TOO_LARGE = 0x95,
    MQTT5_QUOTA_EXCEEDED = 0x97,
    MQTT5_TOPIC_ALIAS_INVALID = 0x94,
    MQTT5_SUBSCRIPTION_IDS_NOT_SUPPORTED = 0xA1,
};

/* Largest Remaining Length a 4-byte varint can carry (§2.2.3). */
#define MQTT_MAX_REMAINING_LENGTH 268435455u

/* Result of a decode step. */
typedef enum mqtt_status {
    MQTT_OK = 0,
    MQTT_NEED_MORE = 1,         /* the buffer holds only part of the packet */
    MQTT_ERR_MALFORMED = -1,    /* violates the packet format: close the connection */
    MQTT_ERR_TOO_LARGE = -2,    /* larger than the caller's limit */
    MQTT_ERR_BAD_PROTOCOL = -3, /* CONNECT with an unsupported protocol name/level */
} mqtt_status;

/* A byte string inside a decoded buffer. */
typedef struct mqtt_bytes {
    const uint8_t *data;
    size_t len;
} mqtt_bytes;

/* The fixed header (§2.2) of the packet at the start of a buffer. */
typedef struct mqtt_fixed_header {
    uint8_t type;  /* mqtt_packet_type */
    uint8_t flags; /* low 4 bits of byte 1 */
    uint32_t remaining_length;
    uint32_t header_length; /* 2..5: bytes before the variable header */
} mqtt_fixed_header;

/*
 * Read the fixed header at buf[0..len). MQTT_OK when the whole packet
 * (header_length + remaining_length bytes) is in the buffer, MQTT_NEED_MORE
 * when more bytes are needed, MQTT_ERR_MALFORMED for a bad length encoding or
 * reserved type/flags (§2.2.2), MQTT_ERR_TOO_LARGE when the packet would be
 * longer than max_packet bytes in total (header included). On NEED_MORE the
 * header fields are filled in if the length bytes were complete.
 */
mqtt_status mqtt_read_fixed_header(const uint8_t *buf, size_t len, size_t max_packet, mqtt_fixed_header *out);

/* CONNECT (§3.1). */
typedef struct mqtt_connect {
    uint8_t protocol_level;
    bool clean_session;
    bool will_flag;
    uint8_t will_qos;
    bool will_retain;
    bool has_username;
    bool has_password;
    uint16_t keep_alive; /* seconds; 0 = none */
    mqtt_bytes client_id;
    mqtt_bytes will_topic;
    mqtt_bytes will_message;
    mqtt_bytes username;
    mqtt_bytes password;
    mqtt_bytes properties;      /* v5 (level 5): the CONNECT property list */
    mqtt_bytes will_properties; /* v5: the will's property list */
} mqtt_connect;

/*
 * Decode a CONNECT body (the remaining_length bytes after the fixed header).
 * Levels 4 (3.1.1) and 5 (5.0, with its property lists; clean_session is then
 * Clean Start). MQTT_ERR_BAD_PROTOCOL: any other level, or "MQIsdp"/3; the
 * server answers CONNACK 1 and closes (§3.1.2.2).
 * out->protocol_level is set in that case.
 */
mqtt_status mqtt_decode_connect(const uint8_t *body, size_t len, mqtt_connect *out);

/* PUBLISH (§3.3). */
typedef struct mqtt_publish {
    bool dup;
    uint8_t qos;
    bool retain;
    uint16_t packet_id; /* 0 for QoS 0 */
    mqtt_bytes topic;
    mqtt_bytes payload;
    mqtt_bytes properties; /* v5 */
} mqtt_publish;

/* Decode a PUBLISH given its fixed-header flags and body. */
mqtt_status mqtt_decode_publish(uint8_t flags, const uint8_t *body, size_t len, mqtt_publish *out);

/* v5: the same with a property list after the packet id; the topic may be
 * empty (a topic alias stands for it). */
mqtt_status mqtt_decode_publish_v5(uint8_t flags, const uint8_t *body, size_t len, mqtt_publish *out);

/* v5 PUBACK, PUBREC, PUBREL, PUBCOMP: a packet id, then optionally a reason
 * code and a property list (*reason is 0 when absent). */
mqtt_status mqtt_decode_ack_v5(const uint8_t *body, size_t len, uint16_t *packet_id, uint8_t *reason);

/* v5 DISCONNECT: optionally a reason code and a property list. */
mqtt_status mqtt_decode_disconnect_v5(const uint8_t *body, size_t len, uint8_t *reason,
                                      mqtt_bytes *properties);

/*
 * Decode the body of PUBACK, PUBREC, PUBREL, PUBCOMP or UNSUBACK: exactly a
 * non-zero packet identifier.
 */
mqtt_status mqtt_decode_packet_id(const uint8_t *body, size_t len, uint16_t *packet_id);

/*
 * SUBSCRIBE (§3.8) and UNSUBSCRIBE (§3.10) carry a list. mqtt_decode_subscribe
 * / mqtt_decode_unsubscribe check the whole packet (flags, packet id, at least
 * one entry, well-formed UTF-8 filters, reserved bits) and set up an iterator;
 * mqtt_topic_list_next then yields the entries in order.
 * A filter that is well-formed UTF-8 but not a valid filter (§4.7) is NOT a
 * decode error: the broker refuses it in the SUBACK.
 */
typedef struct mqtt_topic_list {
    uint16_t packet_id;
    uint32_t count;
    bool with_qos;         /* SUBSCRIBE entries carry a requested QoS byte */
    bool v5;               /* v5: that byte is the subscription options */
    mqtt_bytes properties; /* v5 */
    const uint8_t *next;
    const uint8_t *end;
} mqtt_topic_list;

mqtt_status mqtt_decode_subscribe(uint8_t flags, const uint8_t *body, size_t len, mqtt_topic_list *out);
mqtt_status mqtt_decode_unsubscribe(uint8_t flags, const uint8_t *body, size_t len, mqtt_topic_list *out);

/* v5: a property list after the packet id; SUBSCRIBE options (§3.8.3.1):
 * bits 0-1 QoS, 2 No Local, 3 Retain As Published, 4-5 Retain Handling. */
mqtt_status mqtt_decode_subscribe_v5(uint8_t flags, const uint8_t *body, size_t len, mqtt_topic_list *out);
mqtt_status mqtt_decode_unsubscribe_v5(uint8_t flags, const uint8_t *body, size_t len, mqtt_topic_list *out);

/* Next entry; false at the end. *qos is set for SUBSCRIBE lists only (the
 * whole options byte for v5). */
bool mqtt_topic_list_next(mqtt_topic_list *list, mqtt_bytes *filter, uint8_t *qos);

/*
 * True if s is a valid MQTT UTF-8 string payload (§1.5.3): well-formed
 * UTF-8 without U+0000.
 */
bool mqtt_string_is_valid(const uint8_t *s, size_t len);

/* ---- encoders: return bytes needed; write only when needed <= cap ---- */

size_t mqtt_encode_connack(uint8_t *out, size_t cap, bool session_present, uint8_t code);

/* PUBLISH with the given flags; packet_id is written only when qos > 0. */
size_t mqtt_encode_publish(uint8_t *out, size_t cap, const uint8_t *topic, size_t topic_len,
                           const uint8_t *payload, size_t payload_len, uint8_t qos, bool retain, bool dup,
                           uint16_t packet_id);

/* PUBACK, PUBREC, PUBREL (flags 0b0010 added), PUBCOMP, UNSUBACK. */
size_t mqtt_encode_ack(uint8_t *out, size_t cap, uint8_t type, uint16_t packet_id);

size_t mqtt_encode_suback(uint8_t *out, size_t cap, uint16_t packet_id, const uint8_t *codes, size_t count);

size_t mqtt_encode_pingresp(uint8_t *out, size_t cap);

/* ---- v5 encoders (props: an encoded property list, without its length) -- */

size_t mqtt_encode_connack_v5(uint8_t *out, size_t cap, bool session_present, uint8_t reason,
                              const uint8_t *props, size_t props_len);
size_t mqtt_encode_publish_v5(uint8_t *out, size_t cap, const uint8_t *topic, size_t topic_len,
                              const uint8_t *payload, size_t payload_len, uint8_t qos, bool retain, bool dup,
                              uint16_t packet_id, const uint8_t *props, size_t props_len);
/* SUBACK or UNSUBACK (type) with no properties and one reason code per entry. */
size_t mqtt_encode_suback_v5(uint8_t *out, size_t cap, uint8_t type, uint16_t packet_id, const uint8_t *codes,
                             size_t count);
size_t mqtt_encode_disconnect_v5(uint8_t *out, size_t cap, uint8_t reason);

/* ---- the client side (the host's upstream bridge uses these) ---------- */

/*
 * CONNECT from the fields of `c`: protocol name "MQTT", level
 * c->protocol_level (4, or 0x84 for mosquitto's bridge extension, which asks
 * the server not to echo the bridge's own publishes back to it), the flags,
 * keep-alive, client id, will, username and password as set.
 */
size_t mqtt_encode_connect(uint8_t *out, size_t cap, const mqtt_connect *c);

/* CONNACK body (§3.2): exactly 2 bytes, reserved flag bits zero. */
mqtt_status mqtt_decode_connack(const uint8_t *body, size_t len, bool *session_present, uint8_t *code);

/* SUBSCRIBE with one filter at the requested QoS. */
size_t mqtt_encode_subscribe(uint8_t *out, size_t cap, uint16_t packet_id, const uint8_t *filter,
                             size_t filter_len, uint8_t qos);

/* SUBACK body (§3.9): packet id and at least one return code, each 0..2 or
 * 0x80. *codes points into body. */
mqtt_status mqtt_decode_suback(const uint8_t *body, size_t len, uint16_t *packet_id, mqtt_bytes *codes);

/* A packet without a body: PINGREQ, PINGRESP or DISCONNECT. */
size_t mqtt_encode_empty(uint8_t *out, size_t cap, uint8_t type);

/* Bytes needed to encode remaining_length as a varint (1..4); 0 if too big. */
size_t mqtt_varint_size(uint32_t value);

#endif
