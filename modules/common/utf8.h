/*
 * utf8.h — strict UTF-8 validation (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF). Pure; used by the MQTT codec and the
 * gateway's JSON envelope.
 */
#ifndef EDGE_UTF8_H
#define EDGE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True if s[0..n) is well-formed UTF-8. U+0000 is allowed here. */
bool utf8_is_valid(const uint8_t *s, size_t n);

/*
 * Decode one code point at s[0..n). Returns its length in bytes (1..4) and
 * stores the code point in *cp, or returns 0 if the sequence there is
 * ill-formed or truncated.
 */
size_t utf8_decode(const uint8_t *s, size_t n, uint32_t *cp);

#endif
