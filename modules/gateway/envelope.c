/* envelope.c — see envelope.h. Sizes are computed first, then written, so
 * the buffer is allocated once and exactly. */
#include "envelope.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static const char HEX[] = "0123456789abcdef";
static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Escape s into out (if out is non-NULL); returns the escaped length. */
static size_t json_escape(const uint8_t *s, size_t n, char *out) {
    size_t w = 0;
#define EMIT(c)           \
    do {                  \
        if (out)          \
            out[w] = (c); \
        w++;              \
    } while (0)
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c >= 0x80) {
            uint32_t cp;
            size_t k = utf8_decode(s + i, n - i, &cp);
            if (k == 0) { /* ill-formed byte → U+FFFD */
                EMIT('\xEF');
                EMIT('\xBF');
                EMIT('\xBD');
                i++;
            } else {
                for (size_t j = 0; j < k; j++)
                    EMIT((char)s[i + j]);
                i += k;
            }
            continue;
        }
        i++;
        char esc = 0;
        switch (c) {
        case '"': esc = '"'; break;
        case '\\': esc = '\\'; break;
        case '\b': esc = 'b'; break;
        case '\f': esc = 'f'; break;
        case '\n': esc = 'n'; break;
        case '\r': esc = 'r'; break;
        case '\t': esc = 't'; break;
        default: break;
        }
        if (esc) {
            EMIT('\\');
            EMIT(esc);
        } else if (c < 0x20) {
            EMIT('\\');
            EMIT('u');
            EMIT('0');
            EMIT('0');
            EMIT(HEX[c >> 4]);
            EMIT(HEX[c & 0xF]);
        } else {
            EMIT((char)c);
        }
    }
#undef EMIT
    return w;
}

static size_t base64_size(size_t n) { return (n + 2) / 3 * 4; }

static void base64_encode(const uint8_t *s, size_t n, char *out) {
    size_t i = 0, w = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
        out[w++] = B64[v >> 18];
        out[w++] = B64[(v >> 12) & 63];
        out[w++] = B64[(v >> 6) & 63];
        out[w++] = B64[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)s[i] << 16;
        out[w++] = B64[v >> 18];
        out[w++] = B64[(v >> 12) & 63];
        out[w++] = '=';
        out[w++] = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
        out[w++] = B64[v >> 18];
        out[w++] = B64[(v >> 12) & 63];
        out[w++] = B64[(v >> 6) & 63];
        out[w++] = '=';
    }
}

static char *put(char *p, const char *s) {
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

char *envelope_json(const char *topic, size_t topic_len, const uint8_t *payload, size_t payload_len,
                    size_t max_len, size_t *len, bool *base64) {
    static const char A[] = "{\"topic\":\"", B[] = "\",\"payload\":\"", C_TEXT[] = "\"}",
                      C_B64[] = "\",\"encoding\":\"base64\"}";
    const uint8_t *t = (const uint8_t *)topic;
    bool b64 = !utf8_is_valid(payload, payload_len);
    *len = SIZE_MAX;
    if (b64 && payload_len > (SIZE_MAX / 4) * 3 - 3)
        return NULL;
    size_t topic_size = json_escape(t, topic_len, NULL);
    size_t payload_size = b64 ? base64_size(payload_len) : json_escape(payload, payload_len, NULL);
    size_t total = (sizeof A - 1) + topic_size + (sizeof B - 1) + payload_size +
                   (b64 ? sizeof C_B64 - 1 : sizeof C_TEXT - 1);
    *len = total;
    if (total > max_len)
        return NULL;
    char *out = malloc(total ? total : 1);
    if (out == NULL)
        return NULL;
    char *p = put(out, A);
    p += json_escape(t, topic_len, p);
    p = put(p, B);
    if (b64) {
        base64_encode(payload, payload_len, p);
        p += payload_size;
    } else {
        p += json_escape(payload, payload_len, p);
    }
    p = put(p, b64 ? C_B64 : C_TEXT);
    *len = (size_t)(p - out);
    *base64 = b64;
    return out;
}
