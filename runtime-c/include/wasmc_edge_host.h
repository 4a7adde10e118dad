/*
 * C services for the edge host (Sources/EdgeHost, Swift): HTTP through
 * libcurl, whose variadic API Swift cannot call, and a module map entry so
 * Swift sees this header, wasmc_rt.h and wasmc_wasi.h as one module.
 */
#ifndef WASMC_EDGE_HOST_H
#define WASMC_EDGE_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Results of wasmc_edge_http_post besides an HTTP status (100..599). */
#define WASMC_EDGE_HTTP_CONNECT (-2) /* refused, reset or timed out */
#define WASMC_EDGE_HTTP_OTHER (-3)   /* bad URL, out of memory, ... */
/* The TLS handshake failed: the server's certificate was refused (untrusted,
   wrong name, expired) or the CA bundle could not be read. Hosts log it and
   give the guest WASMC_EDGE_HTTP_OTHER. */
#define WASMC_EDGE_HTTP_TLS (-4)

/*
 * Once per process, before any thread posts. `ca_bundle` is a PEM file of the
 * CAs HTTPS servers must chain to, or NULL for the system's (libcurl's
 * built-in path). Certificate and host-name verification are always on.
 * False if libcurl cannot start.
 */
bool wasmc_edge_http_init(const char *ca_bundle);

/*
 * POST `body` to `url` with `Content-Type: content_type` (and
 * `Idempotency-Key: idempotency_key` unless it is NULL), taking at most
 * timeout_ms for the whole exchange. Redirects are not followed (the host's
 * allow-list applies to the URL given). Returns the HTTP status or a
 * negative WASMC_EDGE_HTTP_* with `error` set.
 */
int wasmc_edge_http_post(const char *url, const char *content_type, const void *body, size_t body_length,
                         uint32_t timeout_ms, const char *idempotency_key, char *error, size_t error_size);

/*
 * The "host:port" a URL connects to, lowercased, with the scheme's default
 * port filled in ("http://Example.com/x" -> "example.com:80"). Only http and
 * https are accepted. False when the URL does not parse.
 */
bool wasmc_edge_url_authority(const char *url, char *out, size_t out_size);

#ifdef __cplusplus
}
#endif

#endif
