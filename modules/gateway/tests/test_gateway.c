/* test_gateway.c — the gateway's JSON envelope and delivery policy. */
#include <stdlib.h>

#include "check.h"
#include "delivery_policy.h"
#include "envelope.h"

CHECK_COUNTERS;

/* Build the envelope and compare with the expected JSON text. */
#define CHECK_ENVELOPE(topic, payload, want, want_b64)                                    \
    do {                                                                                  \
        size_t len_;                                                                      \
        bool b64_;                                                                        \
        char *body_ = envelope_json(topic, sizeof(topic) - 1, (const uint8_t *)(payload), \
                                    sizeof(payload) - 1, 1 << 20, &len_, &b64_);          \
        CHECK(body_ != NULL);                                                             \
        if (body_) {                                                                      \
            CHECK_BYTES(body_, len_, want);                                               \
            if (len_ != sizeof(want) - 1 || memcmp(body_, want, len_) != 0)               \
                fprintf(stderr, "  got: %.*s\n", (int)len_, body_);                       \
            CHECK_EQ(b64_, want_b64);                                                     \
        }                                                                                 \
        free(body_);                                                                      \
    } while (0)

static void test_envelope(void) {
    CHECK_ENVELOPE("a/b", "hello", "{\"topic\":\"a/b\",\"payload\":\"hello\"}", false);
    CHECK_ENVELOPE("t", "", "{\"topic\":\"t\",\"payload\":\"\"}", false);
    /* Escapes: quote, backslash, the short forms, other controls as \u00XX. */
    CHECK_ENVELOPE("q\"t", "a\"b\\c\n\r\t\b\f\x01\x1f\x7f/",
                   "{\"topic\":\"q\\\"t\",\"payload\":\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\x7f/\"}",
                   false);
    /* NUL is valid UTF-8 and is escaped. */
    CHECK_ENVELOPE("t", "a\0b", "{\"topic\":\"t\",\"payload\":\"a\\u0000b\"}", false);
    /* Multi-byte UTF-8 passes through. */
    CHECK_ENVELOPE("caf\xC3\xA9", "\xE2\x82\xAC\xF0\x9F\x98\x80",
                   "{\"topic\":\"caf\xC3\xA9\",\"payload\":\"\xE2\x82\xAC\xF0\x9F\x98\x80\"}", false);
    /* Not UTF-8: base64 (with each padding length). */
    CHECK_ENVELOPE("bin", "\xFF", "{\"topic\":\"bin\",\"payload\":\"/w==\",\"encoding\":\"base64\"}", true);
    CHECK_ENVELOPE("bin", "\xFF\xFE", "{\"topic\":\"bin\",\"payload\":\"//4=\",\"encoding\":\"base64\"}",
                   true);
    CHECK_ENVELOPE("bin", "\xFF\xFE\xFD", "{\"topic\":\"bin\",\"payload\":\"//79\",\"encoding\":\"base64\"}",
                   true);
    CHECK_ENVELOPE("bin", "ab\xC0\x80",
                   "{\"topic\":\"bin\",\"payload\":\"YWLAgA==\",\"encoding\":\"base64\"}", true);
    /* An ill-formed topic byte becomes U+FFFD. */
    CHECK_ENVELOPE("x\xFFy", "p", "{\"topic\":\"x\xEF\xBF\xBDy\",\"payload\":\"p\"}", false);
    /* Size limit. */
    size_t len;
    bool b64;
    CHECK(envelope_json("t", 1, (const uint8_t *)"0123456789", 10, 20, &len, &b64) == NULL);
    CHECK(len > 20);
}

static void test_policy(void) {
    CHECK_EQ(delivery_classify(200), DELIVERY_DONE);
    CHECK_EQ(delivery_classify(204), DELIVERY_DONE);
    CHECK_EQ(delivery_classify(EDGE_HTTP_DENIED), DELIVERY_DENIED);
    CHECK_EQ(delivery_classify(EDGE_HTTP_CONNECT), DELIVERY_RETRY);
    CHECK_EQ(delivery_classify(EDGE_HTTP_OTHER), DELIVERY_RETRY);
    CHECK_EQ(delivery_classify(500), DELIVERY_RETRY);
    CHECK_EQ(delivery_classify(503), DELIVERY_RETRY);
    CHECK_EQ(delivery_classify(408), DELIVERY_RETRY);
    CHECK_EQ(delivery_classify(429), DELIVERY_RETRY);
    CHECK_EQ(delivery_classify(400), DELIVERY_REJECTED);
    CHECK_EQ(delivery_classify(404), DELIVERY_REJECTED);
    CHECK_EQ(delivery_classify(301), DELIVERY_REJECTED);
    CHECK_EQ(delivery_classify(700), DELIVERY_RETRY);
    CHECK_EQ(delivery_backoff_ms(1, 500, 30000), 500);
    CHECK_EQ(delivery_backoff_ms(2, 500, 30000), 1000);
    CHECK_EQ(delivery_backoff_ms(4, 500, 30000), 4000);
    CHECK_EQ(delivery_backoff_ms(7, 500, 30000), 30000);
    CHECK_EQ(delivery_backoff_ms(1000, 500, 30000), 30000);
}

int main(void) {
    test_envelope();
    test_policy();
    return check_summary();
}
