/* test_codec.c — MQTT 3.1.1 packet decoding/encoding (mqtt_codec.h). */
#include "check.h"
#include "mqtt_codec.h"
#include "mqtt_props.h"
#include "utf8.h"

#define LIT(s) (const uint8_t *)(s), sizeof(s) - 1

static void test_fixed_header(void) {
    mqtt_fixed_header h;
    /* Remaining-length boundaries from §2.2.3. */
    static const struct {
        uint8_t bytes[5];
        size_t n;
        uint32_t value;
    } cases[] = {
        {{0x30, 0x00}, 2, 0},
        {{0x30, 0x7F}, 2, 127},
        {{0x30, 0x80, 0x01}, 3, 128},
        {{0x30, 0xFF, 0x7F}, 3, 16383},
        {{0x30, 0x80, 0x80, 0x01}, 4, 16384},
        {{0x30, 0xFF, 0xFF, 0x7F}, 4, 2097151},
        {{0x30, 0x80, 0x80, 0x80, 0x01}, 5, 2097152},
        {{0x30, 0xFF, 0xFF, 0xFF, 0x7F}, 5, 268435455},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mqtt_status st = mqtt_read_fixed_header(cases[i].bytes, cases[i].n, 0xFFFFFFFFu, &h);
        CHECK_EQ(st, cases[i].value == 0 ? MQTT_OK : MQTT_NEED_MORE);
        CHECK_EQ(h.remaining_length, cases[i].value);
        CHECK_EQ(h.header_length, cases[i].n);
        CHECK_EQ(h.type, MQTT_PUBLISH);
    }
    /* A fifth length byte with the continuation bit is malformed. */
    static const uint8_t five[] = {0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
    CHECK_EQ(mqtt_read_fixed_header(five, sizeof five, 0xFFFFFFFFu, &h), MQTT_ERR_MALFORMED);
    /* Incomplete header and body. */
    CHECK_EQ(mqtt_read_fixed_header(five, 0, 100, &h), MQTT_NEED_MORE);
    CHECK_EQ(mqtt_read_fixed_header(five, 3, 0xFFFFFFFFu, &h), MQTT_NEED_MORE);
    static const uint8_t ping[] = {0xC0, 0x00};
    CHECK_EQ(mqtt_read_fixed_header(ping, 2, 100, &h), MQTT_OK);
    CHECK_EQ(h.type, MQTT_PINGREQ);
    /* Reserved types 0 and 15, and wrong fixed flags (§2.2.2). */
    static const uint8_t t0[] = {0x00, 0x00}, t15[] = {0xF0, 0x00};
    static const uint8_t sub_flags0[] = {0x80, 0x00}, pubrel_ok[] = {0x62, 0x02, 0, 1};
    static const uint8_t ping_flags[] = {0xC1, 0x00}, unsub_ok[] = {0xA2, 0x00};
    CHECK_EQ(mqtt_read_fixed_header(t0, 2, 100, &h), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_read_fixed_header(t15, 2, 100, &h), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_read_fixed_header(sub_flags0, 2, 100, &h), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_read_fixed_header(ping_flags, 2, 100, &h), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_read_fixed_header(pubrel_ok, 4, 100, &h), MQTT_OK);
    CHECK_EQ(mqtt_read_fixed_header(unsub_ok, 2, 100, &h), MQTT_OK);
    /* Size limit applies as soon as the length is known. */
    static const uint8_t big[] = {0x30, 0xFF, 0x7F};
    CHECK_EQ(mqtt_read_fixed_header(big, 3, 1000, &h), MQTT_ERR_TOO_LARGE);
    CHECK_EQ(mqtt_read_fixed_header(big, 3, 16386, &h), MQTT_NEED_MORE);
}

static void test_connect(void) {
    mqtt_connect c;
    /* mosquitto_pub's CONNECT body: "MQTT", level 4, clean, keep-alive 60, id "p1". */
    static const uint8_t basic[] = {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 2, 'p', '1'};
    CHECK_EQ(mqtt_decode_connect(basic, sizeof basic, &c), MQTT_OK);
    CHECK(c.clean_session);
    CHECK(!c.will_flag);
    CHECK_EQ(c.keep_alive, 60);
    CHECK_BYTES(c.client_id.data, c.client_id.len, "p1");

    /* Will (QoS 1, retain), username and password. */
    static const uint8_t full[] = {0,   4,   'M', 'Q', 'T', 'T', 4,   0xEE, 0x01, 0x00, 0, 1, 'c',  0,   3,
                                   'w', '/', 't', 0,   2,   'b', 'y', 0,    1,    'u',  0, 2, 0xFF, 0x00};
    CHECK_EQ(mqtt_decode_connect(full, sizeof full, &c), MQTT_OK);
    CHECK(c.will_flag && c.will_retain && c.has_username && c.has_password);
    CHECK_EQ(c.will_qos, 1);
    CHECK_EQ(c.keep_alive, 256);
    CHECK_BYTES(c.will_topic.data, c.will_topic.len, "w/t");
    CHECK_BYTES(c.will_message.data, c.will_message.len, "by");
    CHECK_BYTES(c.username.data, c.username.len, "u");
    CHECK_EQ(c.password.len, 2); /* binary: 0xFF 0x00 allowed */

    /* Unsupported protocol levels answer CONNACK 1 (§3.1.2.2). */
    static const uint8_t lvl3[] = {0, 4, 'M', 'Q', 'T', 'T', 3, 0x02, 0, 60, 0, 0};
    static const uint8_t lvl6[] = {0, 4, 'M', 'Q', 'T', 'T', 6, 0x02, 0, 60, 0};
    static const uint8_t v31[] = {0, 6, 'M', 'Q', 'I', 's', 'd', 'p', 3, 0x02, 0, 60, 0, 1, 'x'};
    CHECK_EQ(mqtt_decode_connect(lvl3, sizeof lvl3, &c), MQTT_ERR_BAD_PROTOCOL);
    CHECK_EQ(c.protocol_level, 3);
    CHECK_EQ(mqtt_decode_connect(lvl6, sizeof lvl6, &c), MQTT_ERR_BAD_PROTOCOL);
    /* MQTT 5: a property list after the keep-alive (here Session Expiry 60). */
    static const uint8_t v5[] = {0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60, 5, 0x11, 0, 0, 0, 60, 0, 1, 'x'};
    CHECK_EQ(mqtt_decode_connect(v5, sizeof v5, &c), MQTT_OK);
    CHECK(c.protocol_level == 5 && c.properties.len == 5 && c.client_id.len == 1);
    mqtt_props props;
    CHECK_EQ(mqtt_props_decode(c.properties.data, c.properties.len, MQTT_PROPS_CONNECT, &props, NULL),
             MQTT_OK);
    CHECK(props.has_session_expiry && props.session_expiry == 60);
    /* Properties out of place, repeated, or out of range are malformed. */
    static const uint8_t alias_in_connect[] = {0x23, 0, 1};
    static const uint8_t twice[] = {0x11, 0, 0, 0, 1, 0x11, 0, 0, 0, 2};
    static const uint8_t zero_receive_max[] = {0x21, 0, 0};
    static const uint8_t cut_pair[] = {0x26, 0, 3, 'a'};
    CHECK_EQ(mqtt_props_decode(alias_in_connect, 3, MQTT_PROPS_CONNECT, &props, NULL), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_props_decode(twice, sizeof twice, MQTT_PROPS_CONNECT, &props, NULL), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_props_decode(zero_receive_max, 3, MQTT_PROPS_CONNECT, &props, NULL), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_props_decode(cut_pair, sizeof cut_pair, MQTT_PROPS_PUBLISH, &props, NULL),
             MQTT_ERR_MALFORMED);
    /* A PUBLISH's user property and content type are forwarded, its alias is not. */
    static const uint8_t publish_props[] = {0x23, 0, 2, 0x26, 0, 1, 'k', 0, 1, 'v', 0x03, 0, 1, 't'};
    uint8_t forward[sizeof publish_props];
    CHECK_EQ(mqtt_props_decode(publish_props, sizeof publish_props, MQTT_PROPS_PUBLISH, &props, forward),
             MQTT_OK);
    CHECK(props.has_topic_alias && props.topic_alias == 2);
    CHECK_EQ(props.forward_len, 11);
    CHECK_BYTES(forward, props.forward_len, "\x26\x00\x01k\x00\x01v\x03\x00\x01t");
    CHECK_EQ(mqtt_decode_connect(v31, sizeof v31, &c), MQTT_ERR_BAD_PROTOCOL);
    /* Not MQTT at all. */
    static const uint8_t http[] = {0, 4, 'H', 'T', 'T', 'P', 4, 0x02, 0, 60, 0, 0};
    CHECK_EQ(mqtt_decode_connect(http, sizeof http, &c), MQTT_ERR_MALFORMED);

    /* Flag rules. */
    static const uint8_t reserved[] = {0, 4, 'M', 'Q', 'T', 'T', 4, 0x03, 0, 60, 0, 0};
    static const uint8_t pw_no_user[] = {0, 4, 'M', 'Q', 'T', 'T', 4, 0x42, 0, 60, 0, 0, 0, 0};
    static const uint8_t will_qos3[] = {0, 4, 'M', 'Q', 'T', 'T', 4, 0x1E, 0, 60, 0, 0, 0, 1, 'w', 0, 0};
    static const uint8_t qos_no_will[] = {0, 4, 'M', 'Q', 'T', 'T', 4, 0x0A, 0, 60, 0, 0};
    static const uint8_t trailing[] = {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 0, 9};
    static const uint8_t truncated[] = {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 5, 'a'};
    static const uint8_t bad_utf8[] = {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 2, 0xC0, 0x80};
    static const uint8_t nul_id[] = {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 1, 0x00};
    CHECK_EQ(mqtt_decode_connect(reserved, sizeof reserved, &c), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_decode_connect(pw_no_user, sizeof pw_no_user, &c), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_decode_connect(will_qos3, sizeof will_qos3, &c), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_decode_connect(qos_no_will, sizeof qos_no_will, &c), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_decode_connect(trailing, sizeof trailing, &c), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_decode_connect(truncated, sizeof truncated, &c), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_decode_connect(bad_utf8, sizeof bad_utf8, &c), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_decode_connect(nul_id, sizeof nul_id, &c), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_decode_connect(basic, 0, &c), MQTT_ERR_MALFORMED);
}

static void test_publish(void) {
    mqtt_publish p;
    static const uint8_t q0[] = {0, 3, 'a', '/', 'b', 'h', 'i'};
    CHECK_EQ(mqtt_decode_publish(0x1, q0, sizeof q0, &p), MQTT_OK);
    CHECK(p.retain && p.qos == 0 && !p.dup && p.packet_id == 0);
    CHECK_BYTES(p.topic.data, p.topic.len, "a/b");
    CHECK_BYTES(p.payload.data, p.payload.len, "hi");

    static const uint8_t q1[] = {0, 1, 't', 0x12, 0x34};
    CHECK_EQ(mqtt_decode_publish(0x2 | 0x8, q1, sizeof q1, &p), MQTT_OK);
    CHECK(p.qos == 1 && p.dup && p.packet_id == 0x1234 && p.payload.len == 0);

    static const uint8_t pid0[] = {0, 1, 't', 0, 0};
    CHECK_EQ(mqtt_decode_publish(0x2, pid0, sizeof pid0, &p), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_decode_publish(0x6, q1, sizeof q1, &p), MQTT_ERR_MALFORMED); /* QoS 3 */
    CHECK_EQ(mqtt_decode_publish(0x8, q0, sizeof q0, &p), MQTT_ERR_MALFORMED); /* DUP, QoS 0 */
    CHECK_EQ(mqtt_decode_publish(0x2, q1, 3, &p), MQTT_ERR_MALFORMED);         /* no packet id */
    static const uint8_t bad_topic[] = {0, 2, 0xED, 0xA0};
    CHECK_EQ(mqtt_decode_publish(0, bad_topic, sizeof bad_topic, &p), MQTT_ERR_MALFORMED);
    static const uint8_t short_topic[] = {0, 9, 'a'};
    CHECK_EQ(mqtt_decode_publish(0, short_topic, sizeof short_topic, &p), MQTT_ERR_MALFORMED);
}

static void test_subscribe_lists(void) {
    mqtt_topic_list l;
    mqtt_bytes f;
    uint8_t qos;
    static const uint8_t two[] = {0, 7, 0, 3, 'a', '/', '#', 1, 0, 1, '+', 2};
    CHECK_EQ(mqtt_decode_subscribe(0x2, two, sizeof two, &l), MQTT_OK);
    CHECK_EQ(l.packet_id, 7);
    CHECK_EQ(l.count, 2);
    CHECK(mqtt_topic_list_next(&l, &f, &qos));
    CHECK_BYTES(f.data, f.len, "a/#");
    CHECK_EQ(qos, 1);
    CHECK(mqtt_topic_list_next(&l, &f, &qos));
    CHECK_BYTES(f.data, f.len, "+");
    CHECK_EQ(qos, 2);
    CHECK(!mqtt_topic_list_next(&l, &f, &qos));

    static const uint8_t none[] = {0, 7};
    static const uint8_t qos3[] = {0, 7, 0, 1, 'a', 3};
    static const uint8_t reserved[] = {0, 7, 0, 1, 'a', 0x41};
    static const uint8_t no_qos[] = {0, 7, 0, 1, 'a'};
    static const uint8_t pid0[] = {0, 0, 0, 1, 'a', 0};
    CHECK_EQ(mqtt_decode_subscribe(0x2, none, sizeof none, &l), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_decode_subscribe(0x2, qos3, sizeof qos3, &l), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_decode_subscribe(0x2, reserved, sizeof reserved, &l), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_decode_subscribe(0x2, no_qos, sizeof no_qos, &l), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_decode_subscribe(0x2, pid0, sizeof pid0, &l), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_decode_subscribe(0x0, two, sizeof two, &l), MQTT_ERR_MALFORMED);
    /* An invalid filter is not a decode error: the broker refuses it in SUBACK. */
    static const uint8_t bad_filter[] = {0, 7, 0, 2, 'a', '#', 0};
    CHECK_EQ(mqtt_decode_subscribe(0x2, bad_filter, sizeof bad_filter, &l), MQTT_OK);

    static const uint8_t unsub[] = {0, 9, 0, 1, 'x', 0, 3, 'y', '/', '+'};
    CHECK_EQ(mqtt_decode_unsubscribe(0x2, unsub, sizeof unsub, &l), MQTT_OK);
    CHECK_EQ(l.count, 2);
    CHECK(mqtt_topic_list_next(&l, &f, NULL));
    CHECK_BYTES(f.data, f.len, "x");
    CHECK(mqtt_topic_list_next(&l, &f, NULL));
    CHECK_BYTES(f.data, f.len, "y/+");
    CHECK_EQ(mqtt_decode_unsubscribe(0x2, none, sizeof none, &l), MQTT_ERR_MALFORMED);

    uint16_t id;
    static const uint8_t ok[] = {0x01, 0x02}, zero[] = {0, 0}, three[] = {0, 1, 2};
    CHECK_EQ(mqtt_decode_packet_id(ok, 2, &id), MQTT_OK);
    CHECK_EQ(id, 0x0102);
    CHECK_EQ(mqtt_decode_packet_id(zero, 2, &id), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_decode_packet_id(three, 3, &id), MQTT_ERR_MALFORMED);
}

static void test_encoders(void) {
    uint8_t buf[512];
    CHECK_EQ(mqtt_encode_connack(buf, sizeof buf, true, 0), 4);
    CHECK_BYTES(buf, 4, "\x20\x02\x01\x00");
    CHECK_EQ(mqtt_encode_connack(buf, sizeof buf, false, MQTT_CONNACK_BAD_PROTOCOL_LEVEL), 4);
    CHECK_BYTES(buf, 4, "\x20\x02\x00\x01");
    CHECK_EQ(mqtt_encode_ack(buf, sizeof buf, MQTT_PUBACK, 0x0A0B), 4);
    CHECK_BYTES(buf, 4, "\x40\x02\x0A\x0B");
    CHECK_EQ(mqtt_encode_ack(buf, sizeof buf, MQTT_PUBREL, 1), 4);
    CHECK_EQ(buf[0], 0x62);
    CHECK_EQ(mqtt_encode_ack(buf, sizeof buf, MQTT_UNSUBACK, 5), 4);
    CHECK_BYTES(buf, 4, "\xB0\x02\x00\x05");
    CHECK_EQ(mqtt_encode_pingresp(buf, sizeof buf), 2);
    CHECK_BYTES(buf, 2, "\xD0\x00");
    static const uint8_t codes[] = {1, 0x80, 0};
    CHECK_EQ(mqtt_encode_suback(buf, sizeof buf, 7, codes, 3), 7);
    CHECK_BYTES(buf, 7, "\x90\x05\x00\x07\x01\x80\x00");

    /* PUBLISH round trip, with a payload long enough for a 2-byte length. */
    uint8_t payload[200];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)i;
    size_t n = mqtt_encode_publish(buf, sizeof buf, LIT("s/t"), payload, sizeof payload, 1, true, true, 42);
    CHECK_EQ(n, 1 + 2 + 2 + 3 + 2 + 200);
    CHECK_EQ(buf[0], 0x30 | 0x8 | 0x2 | 0x1);
    mqtt_fixed_header h;
    CHECK_EQ(mqtt_read_fixed_header(buf, n, 1000, &h), MQTT_OK);
    mqtt_publish p;
    CHECK_EQ(mqtt_decode_publish(h.flags, buf + h.header_length, h.remaining_length, &p), MQTT_OK);
    CHECK(p.qos == 1 && p.retain && p.dup && p.packet_id == 42);
    CHECK_BYTES(p.topic.data, p.topic.len, "s/t");
    CHECK(p.payload.len == 200 && memcmp(p.payload.data, payload, 200) == 0);
    /* QoS 0 has no packet id. */
    n = mqtt_encode_publish(buf, sizeof buf, LIT("t"), (const uint8_t *)"x", 1, 0, false, false, 9);
    CHECK_EQ(n, 6);
    CHECK_BYTES(buf, 6, "\x30\x04\x00\x01tx");
    /* Too small a buffer: the size is returned and nothing written. */
    memset(buf, 0xEE, sizeof buf);
    CHECK_EQ(mqtt_encode_publish(buf, 3, LIT("t"), (const uint8_t *)"x", 1, 0, false, false, 0), 6);
    CHECK_EQ(buf[0], 0xEE);
    CHECK_EQ(mqtt_varint_size(127), 1);
    CHECK_EQ(mqtt_varint_size(128), 2);
    CHECK_EQ(mqtt_varint_size(268435455), 4);
    CHECK_EQ(mqtt_varint_size(268435456), 0);
}

/* The client side the host's upstream bridge uses: what it encodes, the
 * broker's own decoder must read back. */
static void test_client_side(void) {
    uint8_t buf[256];
    mqtt_connect c = {.protocol_level = 0x84,
                      .clean_session = false,
                      .keep_alive = 30,
                      .will_flag = true,
                      .will_qos = 1,
                      .will_retain = true,
                      .has_username = true,
                      .has_password = true};
    c.client_id = (mqtt_bytes){(const uint8_t *)"edge-1", 6};
    c.will_topic = (mqtt_bytes){(const uint8_t *)"$SYS/s", 6};
    c.will_message = (mqtt_bytes){(const uint8_t *)"0", 1};
    c.username = (mqtt_bytes){(const uint8_t *)"u", 1};
    c.password = (mqtt_bytes){(const uint8_t *)"pw", 2};
    size_t n = mqtt_encode_connect(buf, sizeof buf, &c);
    CHECK_EQ(n, 2 + 10 + 8 + 8 + 3 + 3 + 4);
    CHECK_EQ(buf[0], 0x10);
    CHECK_EQ(buf[8], 0x84);
    CHECK_EQ(buf[9], 0x80 | 0x40 | 0x20 | 0x08 | 0x04);
    /* At level 4 the broker's decoder accepts it with every field intact. */
    c.protocol_level = 4;
    n = mqtt_encode_connect(buf, sizeof buf, &c);
    mqtt_fixed_header h;
    mqtt_connect d;
    CHECK_EQ(mqtt_read_fixed_header(buf, n, 1000, &h), MQTT_OK);
    CHECK_EQ(mqtt_decode_connect(buf + h.header_length, h.remaining_length, &d), MQTT_OK);
    CHECK(!d.clean_session && d.will_flag && d.will_qos == 1 && d.will_retain && d.keep_alive == 30);
    CHECK_BYTES(d.client_id.data, d.client_id.len, "edge-1");
    CHECK_BYTES(d.will_topic.data, d.will_topic.len, "$SYS/s");
    CHECK_BYTES(d.password.data, d.password.len, "pw");
    /* Too small a buffer: nothing written. */
    memset(buf, 0xEE, sizeof buf);
    CHECK_EQ(mqtt_encode_connect(buf, 4, &c), n);
    CHECK_EQ(buf[0], 0xEE);

    bool present;
    uint8_t code;
    CHECK_EQ(mqtt_decode_connack((const uint8_t *)"\x01\x00", 2, &present, &code), MQTT_OK);
    CHECK(present && code == 0);
    CHECK_EQ(mqtt_decode_connack((const uint8_t *)"\x02\x00", 2, &present, &code), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_decode_connack((const uint8_t *)"\x00", 1, &present, &code), MQTT_ERR_MALFORMED);

    n = mqtt_encode_subscribe(buf, sizeof buf, 9, LIT("a/#"), 1);
    CHECK_EQ(n, 10);
    CHECK_BYTES(buf, 10,
                "\x82\x08\x00\x09\x00\x03"
                "a/#\x01");
    mqtt_topic_list list;
    CHECK_EQ(mqtt_read_fixed_header(buf, n, 1000, &h), MQTT_OK);
    CHECK_EQ(mqtt_decode_subscribe(h.flags, buf + h.header_length, h.remaining_length, &list), MQTT_OK);
    CHECK_EQ(list.count, 1);

    uint16_t id;
    mqtt_bytes codes;
    CHECK_EQ(mqtt_decode_suback((const uint8_t *)"\x00\x09\x01\x80", 4, &id, &codes), MQTT_OK);
    CHECK(id == 9 && codes.len == 2 && codes.data[1] == 0x80);
    CHECK_EQ(mqtt_decode_suback((const uint8_t *)"\x00\x09\x05", 3, &id, &codes), MQTT_ERR_MALFORMED);
    CHECK_EQ(mqtt_decode_suback((const uint8_t *)"\x00\x09", 2, &id, &codes), MQTT_ERR_MALFORMED);

    CHECK_EQ(mqtt_encode_empty(buf, sizeof buf, MQTT_PINGREQ), 2);
    CHECK_BYTES(buf, 2, "\xC0\x00");
    CHECK_EQ(mqtt_encode_empty(buf, sizeof buf, MQTT_DISCONNECT), 2);
    CHECK_BYTES(buf, 2, "\xE0\x00");
}

static void test_utf8(void) {
    CHECK(utf8_is_valid(LIT("plain ascii")));
    CHECK(utf8_is_valid(LIT("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80")));
    CHECK(!utf8_is_valid(LIT("\xC0\x80")));         /* overlong NUL */
    CHECK(!utf8_is_valid(LIT("\xE0\x80\xAF")));     /* overlong */
    CHECK(!utf8_is_valid(LIT("\xED\xA0\x80")));     /* surrogate */
    CHECK(!utf8_is_valid(LIT("\xF4\x90\x80\x80"))); /* > U+10FFFF */
    CHECK(!utf8_is_valid(LIT("\xE2\x82")));         /* truncated */
    CHECK(!utf8_is_valid(LIT("\x80")));             /* lone continuation */
    CHECK(!utf8_is_valid(LIT("\xFF")));
    CHECK(utf8_is_valid(LIT("\xF4\x8F\xBF\xBF"))); /* U+10FFFF */
    CHECK(mqtt_string_is_valid(LIT("ok")));
    CHECK(!mqtt_string_is_valid((const uint8_t *)"a\0b", 3)); /* U+0000 */
}

void test_codec(void) {
    test_fixed_header();
    test_connect();
    test_publish();
    test_subscribe_lists();
    test_encoders();
    test_client_side();
    test_utf8();
}
