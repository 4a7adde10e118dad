/* HTTP for the edge host, on libcurl: see wasmc_edge_host.h. */
#include "wasmc_edge_host.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

/* Set once by wasmc_edge_http_init, before any thread posts; read-only after. */
static char ca_file[4096];

bool wasmc_edge_http_init(const char *ca_bundle) {
  if (ca_bundle != NULL) {
    if (strlen(ca_bundle) >= sizeof ca_file)
      return false;
    strcpy(ca_file, ca_bundle);
  }
  return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

/* The response body is not needed: count it and drop it. */
static size_t discard(char *data, size_t size, size_t count, void *user) {
  (void)data;
  (void)user;
  return size * count;
}

int wasmc_edge_http_post(const char *url, const char *content_type, const void *body, size_t body_length,
                         uint32_t timeout_ms, const char *idempotency_key, char *error, size_t error_size) {
  error[0] = '\0';
  CURL *curl = curl_easy_init();
  if (curl == NULL) {
    snprintf(error, error_size, "cannot create an HTTP handle");
    return WASMC_EDGE_HTTP_OTHER;
  }
  char content_header[256];
  snprintf(content_header, sizeof content_header, "Content-Type: %s", content_type);
  struct curl_slist *headers = curl_slist_append(NULL, content_header);
  headers = curl_slist_append(headers, "Expect:"); /* no 100-continue round trip */
  if (idempotency_key != NULL) {
    char key_header[256];
    snprintf(key_header, sizeof key_header, "Idempotency-Key: %s", idempotency_key);
    headers = curl_slist_append(headers, key_header);
  }
  char curl_error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_URL, url);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_length);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM timeouts */
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
  /* HTTPS: the peer's certificate must chain to a trusted CA and name the host (libcurl's
     defaults, stated so no build or option can turn them off unnoticed). */
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (ca_file[0] != '\0')
    curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file);
  CURLcode code = curl_easy_perform(curl);
  long status = 0;
  if (code == CURLE_OK)
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (code == CURLE_OK)
    return (int)status;
  snprintf(error, error_size, "%s", curl_error[0] ? curl_error : curl_easy_strerror(code));
  switch (code) {
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_SSL_CERTPROBLEM: return WASMC_EDGE_HTTP_TLS;
  case CURLE_COULDNT_CONNECT:
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_OPERATION_TIMEDOUT:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING: return WASMC_EDGE_HTTP_CONNECT;
  default: return WASMC_EDGE_HTTP_OTHER;
  }
}

bool wasmc_edge_url_authority(const char *url, char *out, size_t out_size) {
  CURLU *parsed = curl_url();
  if (parsed == NULL)
    return false;
  bool ok = false;
  char *scheme = NULL, *host = NULL, *port = NULL;
  if (curl_url_set(parsed, CURLUPART_URL, url, 0) == CURLUE_OK &&
      curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0) &&
      curl_url_get(parsed, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
      curl_url_get(parsed, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
    int written = snprintf(out, out_size, "%s:%s", host, port);
    ok = written > 0 && (size_t)written < out_size;
    for (char *c = out; ok && *c; c++)
      *c = (char)tolower((unsigned char)*c);
  }
  curl_free(scheme);
  curl_free(host);
  curl_free(port);
  curl_url_cleanup(parsed);
  return ok;
}
