/*
 * envelope.h — the JSON body the gateway POSTs for one bus message:
 *
 *   {"topic":"<topic>","payload":"<payload>"}                     UTF-8 payload
 *   {"topic":"<topic>","payload":"<base64>","encoding":"base64"}  otherwise
 *
 * Strings are escaped per RFC 8259 §7: `"` and `\` are backslash-escaped,
 * control characters U+0000..U+001F become \b \f \n \r \t or \u00XX; all
 * other characters are copied as UTF-8. A topic that is not valid UTF-8
 * (a host bug) has each bad byte replaced by U+FFFD. Pure; no allocation
 * except the result.
 */
#ifndef ENVELOPE_H
#define ENVELOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The body as a malloc'd buffer (not NUL-terminated) of *len bytes, and
 * *base64 tells which form. NULL if the body would be longer than max_len
 * (then *len > max_len: the bytes it would need) or if out of memory
 * (then *len <= max_len). */
char *envelope_json(const char *topic, size_t topic_len, const uint8_t *payload, size_t payload_len,
                    size_t max_len, size_t *len, bool *base64);

#endif
