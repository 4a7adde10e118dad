/*
 * The upstream bridge of the edge host: see wasmc_edge_uplink.h.
 *
 * One thread owns the connection. It connects (non-blocking, with a timeout),
 * sends CONNECT, waits for CONNACK, publishes the retained state "1", subscribes
 * to the `in` filters, then sends queued `out` records in order with at most
 * max_inflight unacknowledged. A record leaves the queue when its PUBACK comes
 * (QoS 0 ones once written). After any failure (refused, reset, a malformed
 * packet, a keep-alive timeout) the connection is dropped and retried after
 * retry_initial_ms, doubling up to retry_max_ms; unacknowledged records are
 * sent again, with DUP, from the oldest.
 *
 * Loop prevention: the CONNECT carries protocol level 0x84, mosquitto's bridge
 * extension, so a mosquitto upstream never echoes this bridge's publishes back
 * to it; messages that came from upstream are published locally by the host
 * without being offered to the bridge again. An upstream that refuses level
 * 0x84 (CONNACK 1) is retried at level 4, and an echo of a message we just sent
 * (same topic and payload) is then dropped once.
 *
 * The codec is the broker module's own (modules/server/mqtt_codec.c).
 *
 * TLS (mqtts://) is OpenSSL on the same non-blocking socket: the handshake
 * runs with the connect timeout, the peer's certificate must chain to the CA
 * file (or the system's CAs) and name the host, and SSL_read/SSL_write stand
 * in for recv/send (their WANT_READ/WANT_WRITE become EAGAIN).
 */
#include "wasmc_edge_uplink.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "mqtt_codec.h"
#include "mqtt_topic.h"

#define MAX_INCOMING_PACKET (16u << 20)
#define CONNECT_TIMEOUT_MS 5000
#define ECHO_RING 256

typedef struct inflight {
  uint64_t seq;
  uint16_t packet_id;
} inflight;

struct wasmc_bridge {
  /* configuration, copied */
  char *host, *client_id, *username, *password, *state_topic;
  uint16_t port, keep_alive_s;
  wasmc_bridge_topic *topics;
  int topic_count;
  uint32_t retry_initial_ms, retry_max_ms, max_inflight;

  wasmc_queue *queue;
  wasmc_bridge_receive receive;
  wasmc_uplink_log log;
  void *ctx;

  SSL_CTX *tls; /* mqtts: the client context, else NULL */
  SSL *ssl;     /* the connection's TLS session */

  pthread_t thread;
  int wake_fd;          /* eventfd */
  pthread_mutex_t lock; /* stop flag and stats */
  bool stopping;
  wasmc_bridge_stats stats;

  /* connection state, touched only by the bridge thread */
  int fd;
  uint8_t protocol_level; /* 0x84, or 4 after the upstream refused it */
  uint8_t *in;
  size_t in_length, in_capacity;
  uint8_t *out;
  size_t out_length, out_capacity;
  inflight *window;
  uint32_t window_count;
  uint64_t next_seq;     /* the next queue record to send */
  uint64_t highest_sent; /* records up to this one go again with DUP */
  uint16_t next_packet_id;
  uint64_t last_sent_ms, last_received_ms;
  bool ping_outstanding;
  uint8_t *record; /* scratch for one queue record */
  size_t record_capacity;
  uint32_t echo[ECHO_RING]; /* hashes of recent sends, level 4 only */
  uint32_t echo_next;
};

static uint64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static void logf_(wasmc_bridge *b, uint32_t level, const char *format, ...) {
  if (b->log == NULL)
    return;
  char line[512];
  va_list args;
  va_start(args, format);
  vsnprintf(line, sizeof line, format, args);
  va_end(args);
  b->log(b->ctx, level, line);
}

static bool stopping(wasmc_bridge *b) {
  pthread_mutex_lock(&b->lock);
  bool s = b->stopping;
  pthread_mutex_unlock(&b->lock);
  return s;
}

#define STAT_ADD(b, field, n)         \
  do {                                \
    pthread_mutex_lock(&(b)->lock);   \
    (b)->stats.field += (n);          \
    pthread_mutex_unlock(&(b)->lock); \
  } while (0)

static void wake(wasmc_bridge *b) {
  uint64_t one = 1;
  ssize_t ignored = write(b->wake_fd, &one, sizeof one);
  (void)ignored;
}

static uint32_t fnv1a(uint32_t h, const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

/* ---- records ------------------------------------------------------------------ */

size_t wasmc_bridge_encode_record(uint8_t *out, size_t cap, const char *topic, size_t topic_length,
                                  const uint8_t *payload, size_t payload_length, uint8_t qos, bool retain) {
  size_t need = 3 + topic_length + payload_length;
  if (topic_length > 0xFFFF || need > cap)
    return topic_length > 0xFFFF ? 0 : need;
  out[0] = (uint8_t)((qos & 3) | (retain ? 4 : 0));
  out[1] = (uint8_t)(topic_length >> 8);
  out[2] = (uint8_t)topic_length;
  memcpy(out + 3, topic, topic_length);
  if (payload_length)
    memcpy(out + 3 + topic_length, payload, payload_length);
  return need;
}

/* The forwarding QoS of a local topic: the largest over matching out filters, -1 if none. */
static int out_qos(const wasmc_bridge *b, const char *topic, size_t length) {
  int qos = -1;
  for (int i = 0; i < b->topic_count; i++) {
    const wasmc_bridge_topic *t = &b->topics[i];
    if ((t->direction & WASMC_BRIDGE_OUT) &&
        mqtt_topic_matches(t->filter, strlen(t->filter), topic, length) && t->qos > qos)
      qos = t->qos;
  }
  return qos;
}

static bool is_in_topic(const wasmc_bridge *b, const char *topic, size_t length) {
  for (int i = 0; i < b->topic_count; i++) {
    const wasmc_bridge_topic *t = &b->topics[i];
    if ((t->direction & WASMC_BRIDGE_IN) && mqtt_topic_matches(t->filter, strlen(t->filter), topic, length))
      return true;
  }
  return false;
}

int wasmc_bridge_offer(wasmc_bridge *b, const char *topic, size_t topic_length, const uint8_t *payload,
                       size_t payload_length, uint8_t qos, bool retain) {
  int limit = out_qos(b, topic, topic_length);
  if (limit < 0)
    return 0;
  uint8_t small[4096];
  size_t need = wasmc_bridge_encode_record(NULL, 0, topic, topic_length, payload, payload_length, 0, false);
  if (need == 0)
    return -1;
  uint8_t *record = need <= sizeof small ? small : malloc(need);
  if (record == NULL)
    return -1;
  uint8_t forwarded = qos < (uint8_t)limit ? qos : (uint8_t)limit;
  wasmc_bridge_encode_record(record, need, topic, topic_length, payload, payload_length, forwarded, retain);
  uint64_t seq = wasmc_queue_append(b->queue, record, need);
  if (record != small)
    free(record);
  if (seq == 0)
    return -1;
  wake(b);
  return 1;
}

bool wasmc_bridge_sync(wasmc_bridge *b) { return wasmc_queue_sync(b->queue); }

/* ---- transport: the socket, or TLS over it ------------------------------------------ */

/* An OpenSSL result as send/recv would give it: -1 with errno EAGAIN to wait, 0 closed. */
static ssize_t tls_result(wasmc_bridge *b, int n) {
  if (n > 0)
    return n;
  switch (SSL_get_error(b->ssl, n)) {
  case SSL_ERROR_WANT_READ:
  case SSL_ERROR_WANT_WRITE: errno = EAGAIN; return -1;
  case SSL_ERROR_ZERO_RETURN: return 0;
  default: errno = EIO; return -1;
  }
}

static ssize_t transport_send(wasmc_bridge *b, const uint8_t *data, size_t length) {
  if (b->ssl == NULL)
    return send(b->fd, data, length, MSG_NOSIGNAL);
  ERR_clear_error();
  return tls_result(b, SSL_write(b->ssl, data, length > INT32_MAX ? INT32_MAX : (int)length));
}

static ssize_t transport_recv(wasmc_bridge *b, uint8_t *data, size_t length) {
  if (b->ssl == NULL)
    return recv(b->fd, data, length, 0);
  ERR_clear_error();
  return tls_result(b, SSL_read(b->ssl, data, length > INT32_MAX ? INT32_MAX : (int)length));
}

static void transport_close(wasmc_bridge *b) {
  if (b->ssl != NULL) {
    SSL_free(b->ssl);
    b->ssl = NULL;
  }
  close(b->fd);
  b->fd = -1;
}

/* ---- output ------------------------------------------------------------------- */

static bool out_reserve(wasmc_bridge *b, size_t n) {
  if (b->out_length + n <= b->out_capacity)
    return true;
  size_t capacity = b->out_capacity ? b->out_capacity : 4096;
  while (capacity < b->out_length + n)
    capacity *= 2;
  uint8_t *grown = realloc(b->out, capacity);
  if (grown == NULL)
    return false;
  b->out = grown;
  b->out_capacity = capacity;
  return true;
}

/* Appends one encoded packet; encode(NULL, 0) gives its size. */
#define OUT_PACKET(b, size_expr, write_expr)           \
  do {                                                 \
    size_t need_ = (size_expr);                        \
    if (need_ == 0 || !out_reserve((b), need_))        \
      return false;                                    \
    uint8_t *at_ = (b)->out + (b)->out_length;         \
    size_t cap_ = (b)->out_capacity - (b)->out_length; \
    (void)at_;                                         \
    (void)cap_;                                        \
    write_expr;                                        \
    (b)->out_length += need_;                          \
    (b)->last_sent_ms = now_ms();                      \
  } while (0)

static bool send_publish(wasmc_bridge *b, const char *topic, size_t topic_length, const uint8_t *payload,
                         size_t payload_length, uint8_t qos, bool retain, bool dup, uint16_t packet_id) {
  OUT_PACKET(b,
             mqtt_encode_publish(NULL, 0, (const uint8_t *)topic, topic_length, payload, payload_length, qos,
                                 retain, dup, packet_id),
             mqtt_encode_publish(at_, cap_, (const uint8_t *)topic, topic_length, payload, payload_length,
                                 qos, retain, dup, packet_id));
  return true;
}

static bool send_ack(wasmc_bridge *b, uint8_t type, uint16_t packet_id) {
  OUT_PACKET(b, 4, mqtt_encode_ack(at_, cap_, type, packet_id));
  return true;
}

static bool send_empty(wasmc_bridge *b, uint8_t type) {
  OUT_PACKET(b, 2, mqtt_encode_empty(at_, cap_, type));
  return true;
}

/* Writes what the socket takes. False when the connection is dead. */
static bool flush_output(wasmc_bridge *b) {
  size_t done = 0;
  while (done < b->out_length) {
    ssize_t n = transport_send(b, b->out + done, b->out_length - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        break;
      return false;
    }
    done += (size_t)n;
  }
  memmove(b->out, b->out + done, b->out_length - done);
  b->out_length -= done;
  return true;
}

/* ---- connection ---------------------------------------------------------------- */

static void drop_connection(wasmc_bridge *b, const char *why) {
  if (b->fd < 0)
    return;
  logf_(b, 2, "connection to %s:%u lost: %s", b->host, b->port, why);
  transport_close(b);
  b->in_length = b->out_length = 0;
  b->window_count = 0; /* unacknowledged records are sent again from the oldest */
  pthread_mutex_lock(&b->lock);
  b->stats.disconnects++;
  b->stats.connected = 0;
  pthread_mutex_unlock(&b->lock);
}

/* Waits until fd is ready for `events` or the time is up; false on timeout or stop. */
static bool wait_fd(wasmc_bridge *b, int fd, short events, uint64_t deadline) {
  for (;;) {
    uint64_t now = now_ms();
    if (now >= deadline || stopping(b))
      return false;
    struct pollfd p[2] = {{.fd = fd, .events = events}, {.fd = b->wake_fd, .events = POLLIN}};
    int n = poll(p, 2, (int)(deadline - now));
    if (n < 0 && errno != EINTR)
      return false;
    if (n > 0 && (p[1].revents & POLLIN)) {
      uint64_t value;
      ssize_t ignored = read(b->wake_fd, &value, sizeof value);
      (void)ignored;
    }
    if (n > 0 && p[0].revents)
      return true;
  }
}

static int open_socket(wasmc_bridge *b, char *why, size_t why_size) {
  char port[8];
  snprintf(port, sizeof port, "%u", b->port);
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *list = NULL;
  int rc = getaddrinfo(b->host, port, &hints, &list);
  if (rc != 0) {
    snprintf(why, why_size, "cannot resolve %s: %s", b->host, gai_strerror(rc));
    return -1;
  }
  int fd = -1;
  snprintf(why, why_size, "no address");
  for (struct addrinfo *a = list; a != NULL && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0)
      continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
      snprintf(why, why_size, "%s", strerror(errno));
      close(fd);
      fd = -1;
      continue;
    }
    int error = 0;
    socklen_t length = sizeof error;
    if (!wait_fd(b, fd, POLLOUT, now_ms() + CONNECT_TIMEOUT_MS) ||
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) {
      snprintf(why, why_size, "%s", error ? strerror(error) : "connect timed out");
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(list);
  if (fd >= 0) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  return fd;
}

/* Reads one whole packet within the deadline (only used before the main loop). */
static bool read_packet_blocking(wasmc_bridge *b, mqtt_fixed_header *h, uint64_t deadline);

/* The TLS handshake on b->fd, verifying the certificate against the CA and the host name. */
static bool start_tls(wasmc_bridge *b, uint64_t deadline, char *why, size_t why_size) {
  b->ssl = SSL_new(b->tls);
  if (b->ssl == NULL || SSL_set_fd(b->ssl, b->fd) != 1) {
    snprintf(why, why_size, "cannot set up TLS");
    return false;
  }
  /* An IP address is checked as one; a name as a DNS name, and sent as SNI. */
  X509_VERIFY_PARAM *param = SSL_get0_param(b->ssl);
  if (X509_VERIFY_PARAM_set1_ip_asc(param, b->host) != 1 &&
      (X509_VERIFY_PARAM_set1_host(param, b->host, 0) != 1 ||
       SSL_set_tlsext_host_name(b->ssl, b->host) != 1)) {
    snprintf(why, why_size, "cannot set up TLS for %s", b->host);
    return false;
  }
  for (;;) {
    ERR_clear_error();
    int rc = SSL_connect(b->ssl);
    if (rc == 1)
      return true;
    int error = SSL_get_error(b->ssl, rc);
    short events = error == SSL_ERROR_WANT_READ ? POLLIN : error == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
    if (events == 0) {
      long verify = SSL_get_verify_result(b->ssl);
      if (verify != X509_V_OK)
        snprintf(why, why_size, "TLS: %s", X509_verify_cert_error_string(verify));
      else
        snprintf(why, why_size, "TLS handshake failed: %s",
                 ERR_reason_error_string(ERR_peek_last_error())
                     ? ERR_reason_error_string(ERR_peek_last_error())
                     : "connection closed");
      return false;
    }
    if (!wait_fd(b, b->fd, events, deadline)) {
      snprintf(why, why_size, "TLS handshake timed out");
      return false;
    }
  }
}

static bool connect_upstream(wasmc_bridge *b, char *why, size_t why_size) {
  b->fd = open_socket(b, why, why_size);
  if (b->fd < 0)
    return false;
  if (b->tls != NULL && !start_tls(b, now_ms() + CONNECT_TIMEOUT_MS, why, why_size))
    goto fail;
  mqtt_connect c = {
      .protocol_level = b->protocol_level, .clean_session = false, .keep_alive = b->keep_alive_s};
  c.client_id = (mqtt_bytes){(const uint8_t *)b->client_id, strlen(b->client_id)};
  if (b->state_topic != NULL) {
    c.will_flag = true;
    c.will_qos = 1;
    c.will_retain = true;
    c.will_topic = (mqtt_bytes){(const uint8_t *)b->state_topic, strlen(b->state_topic)};
    c.will_message = (mqtt_bytes){(const uint8_t *)"0", 1};
  }
  if (b->username != NULL) {
    c.has_username = true;
    c.username = (mqtt_bytes){(const uint8_t *)b->username, strlen(b->username)};
  }
  if (b->password != NULL) {
    c.has_password = true;
    c.password = (mqtt_bytes){(const uint8_t *)b->password, strlen(b->password)};
  }
  size_t need = mqtt_encode_connect(NULL, 0, &c);
  if (need == 0 || !out_reserve(b, need)) {
    snprintf(why, why_size, "CONNECT too large");
    goto fail;
  }
  mqtt_encode_connect(b->out, b->out_capacity, &c);
  b->out_length = need;
  uint64_t deadline = now_ms() + CONNECT_TIMEOUT_MS;
  while (b->out_length > 0) {
    if (!flush_output(b) || (b->out_length > 0 && !wait_fd(b, b->fd, POLLOUT, deadline))) {
      snprintf(why, why_size, "cannot send CONNECT");
      goto fail;
    }
  }
  mqtt_fixed_header h;
  if (!read_packet_blocking(b, &h, deadline)) {
    snprintf(why, why_size, "no CONNACK");
    goto fail;
  }
  bool present = false;
  uint8_t code = 0;
  if (h.type != MQTT_CONNACK ||
      mqtt_decode_connack(b->in + h.header_length, h.remaining_length, &present, &code) != MQTT_OK) {
    snprintf(why, why_size, "expected CONNACK");
    goto fail;
  }
  memmove(b->in, b->in + h.header_length + h.remaining_length,
          b->in_length - h.header_length - h.remaining_length);
  b->in_length -= h.header_length + h.remaining_length;
  if (code == MQTT_CONNACK_BAD_PROTOCOL_LEVEL && b->protocol_level != 4) {
    b->protocol_level = 4;
    snprintf(why, why_size, "the upstream refuses the bridge protocol level: retrying at level 4");
    goto fail;
  }
  if (code != MQTT_CONNACK_ACCEPTED) {
    snprintf(why, why_size, "CONNACK refused with code %u", code);
    goto fail;
  }
  return true;
fail:
  transport_close(b);
  b->in_length = b->out_length = 0;
  return false;
}

/* The packet at the start of b->in: MQTT_OK with *h filled, NEED_MORE, or an error. */
static mqtt_status next_packet(wasmc_bridge *b, mqtt_fixed_header *h) {
  return mqtt_read_fixed_header(b->in, b->in_length, MAX_INCOMING_PACKET, h);
}

/* Reads what is available. False when the peer closed or the socket failed. */
static bool fill_input(wasmc_bridge *b) {
  for (;;) {
    if (b->in_capacity - b->in_length < 16384) {
      size_t capacity = b->in_capacity ? b->in_capacity * 2 : 65536;
      uint8_t *grown = realloc(b->in, capacity);
      if (grown == NULL)
        return false;
      b->in = grown;
      b->in_capacity = capacity;
    }
    ssize_t n = transport_recv(b, b->in + b->in_length, b->in_capacity - b->in_length);
    if (n > 0) {
      b->in_length += (size_t)n;
      b->last_received_ms = now_ms();
      if (b->in_length < b->in_capacity)
        return true;
      continue;
    }
    if (n == 0)
      return false;
    if (errno == EINTR)
      continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

static bool read_packet_blocking(wasmc_bridge *b, mqtt_fixed_header *h, uint64_t deadline) {
  for (;;) {
    mqtt_status st = next_packet(b, h);
    if (st == MQTT_OK)
      return true;
    if (st != MQTT_NEED_MORE)
      return false;
    /* fill_input is false at end of stream; TLS may have read only a session ticket. */
    if (!wait_fd(b, b->fd, POLLIN, deadline) || !fill_input(b))
      return false;
  }
}

/* ---- the session ----------------------------------------------------------------- */

static uint16_t take_packet_id(wasmc_bridge *b) {
  for (;;) {
    uint16_t id = b->next_packet_id++;
    if (b->next_packet_id == 0)
      b->next_packet_id = 1;
    bool used = false;
    for (uint32_t i = 0; i < b->window_count && !used; i++)
      used = b->window[i].packet_id == id;
    if (id != 0 && !used)
      return id;
  }
}

static bool start_session(wasmc_bridge *b) {
  if (b->state_topic != NULL &&
      !send_publish(b, b->state_topic, strlen(b->state_topic), (const uint8_t *)"1", 1, 0, true, false, 0))
    return false;
  for (int i = 0; i < b->topic_count; i++) {
    const wasmc_bridge_topic *t = &b->topics[i];
    if (!(t->direction & WASMC_BRIDGE_IN))
      continue;
    size_t length = strlen(t->filter);
    uint16_t id = take_packet_id(b);
    OUT_PACKET(b, mqtt_encode_subscribe(NULL, 0, id, (const uint8_t *)t->filter, length, t->qos),
               mqtt_encode_subscribe(at_, cap_, id, (const uint8_t *)t->filter, length, t->qos));
  }
  b->next_seq = 0; /* resend from the oldest unacknowledged record */
  b->ping_outstanding = false;
  b->last_received_ms = now_ms();
  return true;
}

/* Sends queued records while the window has room. */
static bool send_queued(wasmc_bridge *b) {
  while (b->window_count < b->max_inflight && b->out_length < (1u << 20)) {
    uint64_t seq;
    int64_t length = wasmc_queue_read(b->queue, b->next_seq, b->record, b->record_capacity, &seq);
    if (length < 0)
      return true;
    if ((size_t)length > b->record_capacity) {
      uint8_t *grown = realloc(b->record, (size_t)length);
      if (grown == NULL)
        return false;
      b->record = grown;
      b->record_capacity = (size_t)length;
      continue;
    }
    b->next_seq = seq + 1;
    if (length < 3) { /* cannot happen for records we wrote; skip it */
      wasmc_queue_ack(b->queue, seq);
      continue;
    }
    uint8_t flags = b->record[0], qos = flags & 3;
    bool retain = (flags & 4) != 0;
    size_t topic_length = ((size_t)b->record[1] << 8) | b->record[2];
    if (3 + topic_length > (size_t)length) {
      wasmc_queue_ack(b->queue, seq);
      continue;
    }
    const char *topic = (const char *)b->record + 3;
    const uint8_t *payload = b->record + 3 + topic_length;
    size_t payload_length = (size_t)length - 3 - topic_length;
    uint16_t id = qos > 0 ? take_packet_id(b) : 0;
    bool dup = qos > 0 && seq <= b->highest_sent;
    if (seq > b->highest_sent)
      b->highest_sent = seq;
    if (!send_publish(b, topic, topic_length, payload, payload_length, qos, retain, dup, id))
      return false;
    if (b->protocol_level == 4)
      b->echo[b->echo_next++ % ECHO_RING] =
          fnv1a(fnv1a(2166136261u, (const uint8_t *)topic, topic_length), payload, payload_length);
    STAT_ADD(b, sent, 1);
    if (qos == 0) {
      wasmc_queue_ack(b->queue, seq);
      STAT_ADD(b, acknowledged, 1);
    } else {
      b->window[b->window_count++] = (inflight){seq, id};
    }
  }
  return true;
}

static bool is_echo(wasmc_bridge *b, const mqtt_publish *p) {
  if (b->protocol_level != 4)
    return false;
  uint32_t h = fnv1a(fnv1a(2166136261u, p->topic.data, p->topic.len), p->payload.data, p->payload.len);
  for (uint32_t i = 0; i < ECHO_RING; i++) {
    if (b->echo[i] == h && h != 0) {
      b->echo[i] = 0;
      return true;
    }
  }
  return false;
}

/* Handles every whole packet in b->in. False: drop the connection (*why set). */
static bool handle_input(wasmc_bridge *b, const char **why) {
  for (;;) {
    mqtt_fixed_header h;
    mqtt_status st = next_packet(b, &h);
    if (st == MQTT_NEED_MORE)
      return true;
    if (st != MQTT_OK) {
      *why = st == MQTT_ERR_TOO_LARGE ? "packet too large" : "malformed packet";
      STAT_ADD(b, protocol_errors, 1);
      return false;
    }
    const uint8_t *body = b->in + h.header_length;
    bool ok = true;
    switch (h.type) {
    case MQTT_PUBLISH: {
      mqtt_publish p;
      if (mqtt_decode_publish(h.flags, body, h.remaining_length, &p) != MQTT_OK ||
          !mqtt_topic_name_is_valid((const char *)p.topic.data, p.topic.len)) {
        *why = "malformed PUBLISH";
        ok = false;
        break;
      }
      STAT_ADD(b, received, 1);
      /* Only what we subscribed to goes local: never a stray or echoed message. */
      if (is_in_topic(b, (const char *)p.topic.data, p.topic.len) && !is_echo(b, &p))
        b->receive(b->ctx, (const char *)p.topic.data, p.topic.len, p.payload.data, p.payload.len,
                   p.qos > 1 ? 1 : p.qos, p.retain);
      if (p.qos == 1)
        ok = send_ack(b, MQTT_PUBACK, p.packet_id);
      if (p.qos == 2)
        ok = send_ack(b, MQTT_PUBREC, p.packet_id);
      break;
    }
    case MQTT_PUBACK: {
      uint16_t id;
      if (mqtt_decode_packet_id(body, h.remaining_length, &id) != MQTT_OK) {
        *why = "malformed PUBACK";
        ok = false;
        break;
      }
      for (uint32_t i = 0; i < b->window_count; i++) {
        if (b->window[i].packet_id != id)
          continue;
        wasmc_queue_ack(b->queue, b->window[i].seq);
        STAT_ADD(b, acknowledged, 1);
        b->window[i] = b->window[--b->window_count];
        break;
      }
      break;
    }
    case MQTT_PUBREL: {
      uint16_t id;
      ok = mqtt_decode_packet_id(body, h.remaining_length, &id) == MQTT_OK && send_ack(b, MQTT_PUBCOMP, id);
      if (!ok)
        *why = "malformed PUBREL";
      break;
    }
    case MQTT_SUBACK: {
      uint16_t id;
      mqtt_bytes codes;
      if (mqtt_decode_suback(body, h.remaining_length, &id, &codes) != MQTT_OK) {
        *why = "malformed SUBACK";
        ok = false;
      } else if (codes.data[0] == MQTT_SUBACK_FAILURE) {
        logf_(b, 2, "the upstream refused a subscription (packet %u)", id);
      }
      break;
    }
    case MQTT_PINGRESP: b->ping_outstanding = false; break;
    case MQTT_PUBREC:
    case MQTT_PUBCOMP:
    case MQTT_UNSUBACK: break; /* we never ask for these: harmless */
    default: *why = "unexpected packet type"; ok = false;
    }
    if (!ok) {
      STAT_ADD(b, protocol_errors, 1);
      return false;
    }
    size_t used = h.header_length + h.remaining_length;
    memmove(b->in, b->in + used, b->in_length - used);
    b->in_length -= used;
  }
}

/* Runs one connection until it fails or the bridge stops. */
static void run_connection(wasmc_bridge *b) {
  const char *why = NULL;
  if (!start_session(b))
    why = "out of memory";
  uint64_t keep_alive_ms = (uint64_t)b->keep_alive_s * 1000;
  while (why == NULL && !stopping(b)) {
    if (!send_queued(b))
      why = "out of memory";
    if (why == NULL && !flush_output(b))
      why = "send failed";
    if (why != NULL)
      break;
    uint64_t now = now_ms();
    if (keep_alive_ms > 0) {
      if (now - b->last_received_ms > keep_alive_ms * 3 / 2) {
        why = "keep-alive timeout";
        break;
      }
      if (!b->ping_outstanding && now - b->last_sent_ms >= keep_alive_ms) {
        b->ping_outstanding = send_empty(b, MQTT_PINGREQ);
        continue;
      }
    }
    /* TLS may hold decrypted bytes the socket no longer shows as readable. */
    int timeout = b->ssl != NULL && SSL_pending(b->ssl) > 0 ? 0
                  : keep_alive_ms > 0                       ? (int)(keep_alive_ms / 4)
                                                            : 1000;
    struct pollfd p[2] = {{.fd = b->fd, .events = (short)(POLLIN | (b->out_length ? POLLOUT : 0))},
                          {.fd = b->wake_fd, .events = POLLIN}};
    int n = poll(p, 2, timeout);
    if (n < 0 && errno != EINTR)
      why = "poll failed";
    if (n <= 0)
      continue;
    if (p[1].revents & POLLIN) {
      uint64_t value;
      ssize_t ignored = read(b->wake_fd, &value, sizeof value);
      (void)ignored;
    }
    if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) || (b->ssl != NULL && SSL_pending(b->ssl) > 0)) {
      bool alive = fill_input(b);
      if (!handle_input(b, &why))
        break;
      if (!alive)
        why = b->in_length > 0 ? "closed in the middle of a packet" : "closed by the upstream";
    }
  }
  if (why == NULL) { /* stopping: a clean DISCONNECT, so the will (state "0") is not sent */
    if (b->state_topic != NULL)
      send_publish(b, b->state_topic, strlen(b->state_topic), (const uint8_t *)"0", 1, 0, true, false, 0);
    send_empty(b, MQTT_DISCONNECT);
    flush_output(b);
    transport_close(b);
    return;
  }
  drop_connection(b, why);
}

static void *bridge_thread(void *argument) {
  wasmc_bridge *b = argument;
  uint32_t backoff = b->retry_initial_ms;
  while (!stopping(b)) {
    char why[256] = "";
    if (connect_upstream(b, why, sizeof why)) {
      pthread_mutex_lock(&b->lock);
      b->stats.connects++;
      b->stats.connected = 1;
      pthread_mutex_unlock(&b->lock);
      logf_(b, 1, "connected to %s:%u as %s", b->host, b->port, b->client_id);
      backoff = b->retry_initial_ms;
      run_connection(b);
      if (stopping(b))
        break;
    } else {
      logf_(b, 2, "cannot connect to %s:%u: %s; retrying in %u ms", b->host, b->port, why, backoff);
    }
    /* Wait out the backoff, waking only to stop. */
    uint64_t deadline = now_ms() + backoff;
    while (!stopping(b) && now_ms() < deadline) {
      struct pollfd p = {.fd = b->wake_fd, .events = POLLIN};
      if (poll(&p, 1, (int)(deadline - now_ms())) > 0) {
        uint64_t value;
        ssize_t ignored = read(b->wake_fd, &value, sizeof value);
        (void)ignored;
      }
    }
    backoff = backoff * 2 > b->retry_max_ms ? b->retry_max_ms : backoff * 2;
  }
  return NULL;
}

/* ---- lifecycle ---------------------------------------------------------------------- */

static void free_bridge(wasmc_bridge *b) {
  for (int i = 0; b->topics != NULL && i < b->topic_count; i++)
    free((char *)b->topics[i].filter);
  free(b->topics);
  free(b->host);
  free(b->client_id);
  free(b->username);
  free(b->password);
  free(b->state_topic);
  free(b->in);
  free(b->out);
  free(b->window);
  free(b->record);
  if (b->wake_fd >= 0)
    close(b->wake_fd);
  if (b->tls != NULL)
    SSL_CTX_free(b->tls);
  pthread_mutex_destroy(&b->lock);
  free(b);
}

static char *copy_or_null(const char *s) { return s ? strdup(s) : NULL; }

wasmc_bridge *wasmc_bridge_start(const wasmc_bridge_config *config, wasmc_queue *queue,
                                 wasmc_bridge_receive receive, wasmc_uplink_log log, void *ctx, char *error,
                                 size_t error_size) {
  if (config->host == NULL || config->client_id == NULL || config->port == 0) {
    snprintf(error, error_size, "the bridge needs a host, a port and a client id");
    return NULL;
  }
  if (strlen(config->client_id) == 0 || strlen(config->client_id) > 65535) {
    snprintf(error, error_size, "the upstream client id must be 1 to 65535 bytes");
    return NULL;
  }
  for (int i = 0; i < config->topic_count; i++) {
    const wasmc_bridge_topic *t = &config->topics[i];
    if (!mqtt_topic_filter_is_valid(t->filter, strlen(t->filter)) || t->qos > 1 ||
        t->direction < WASMC_BRIDGE_OUT || t->direction > WASMC_BRIDGE_BOTH) {
      snprintf(error, error_size, "bad upstream topic %s", t->filter);
      return NULL;
    }
  }
  wasmc_bridge *b = calloc(1, sizeof *b);
  if (b == NULL) {
    snprintf(error, error_size, "out of memory");
    return NULL;
  }
  pthread_mutex_init(&b->lock, NULL);
  b->fd = -1;
  b->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  b->host = strdup(config->host);
  b->client_id = strdup(config->client_id);
  b->username = copy_or_null(config->username);
  b->password = copy_or_null(config->password);
  b->state_topic = copy_or_null(config->state_topic);
  b->port = config->port;
  b->keep_alive_s = config->keep_alive_s;
  b->retry_initial_ms = config->retry_initial_ms ? config->retry_initial_ms : 500;
  b->retry_max_ms = config->retry_max_ms >= b->retry_initial_ms ? config->retry_max_ms : 30000;
  b->max_inflight = config->max_inflight ? config->max_inflight : 64;
  b->protocol_level = 0x84;
  b->next_packet_id = 1;
  b->queue = queue;
  b->receive = receive;
  b->log = log;
  b->ctx = ctx;
  b->topic_count = config->topic_count;
  b->topics = calloc((size_t)config->topic_count + 1, sizeof *b->topics);
  b->window = calloc(b->max_inflight, sizeof *b->window);
  if (config->tls) {
    b->tls = SSL_CTX_new(TLS_client_method());
    bool loaded = b->tls != NULL &&
                  (config->ca_file != NULL ? SSL_CTX_load_verify_locations(b->tls, config->ca_file, NULL)
                                           : SSL_CTX_set_default_verify_paths(b->tls)) == 1;
    if (!loaded) {
      snprintf(error, error_size, "cannot load the CA certificates%s%s", config->ca_file ? " from " : "",
               config->ca_file ? config->ca_file : "");
      free_bridge(b);
      return NULL;
    }
    SSL_CTX_set_verify(b->tls, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_min_proto_version(b->tls, TLS1_2_VERSION);
  }
  b->record_capacity = 65536;
  b->record = malloc(b->record_capacity);
  bool ok = b->wake_fd >= 0 && b->host && b->client_id && b->topics && b->window && b->record;
  for (int i = 0; ok && i < config->topic_count; i++) {
    b->topics[i] = config->topics[i];
    b->topics[i].filter = strdup(config->topics[i].filter);
    ok = b->topics[i].filter != NULL;
  }
  if (!ok || pthread_create(&b->thread, NULL, bridge_thread, b) != 0) {
    snprintf(error, error_size, "cannot start the bridge (out of memory or threads)");
    free_bridge(b);
    return NULL;
  }
  return b;
}

void wasmc_bridge_stop(wasmc_bridge *b) {
  if (b == NULL)
    return;
  pthread_mutex_lock(&b->lock);
  b->stopping = true;
  pthread_mutex_unlock(&b->lock);
  wake(b);
  pthread_join(b->thread, NULL);
  free_bridge(b);
}

wasmc_bridge_stats wasmc_bridge_get_stats(wasmc_bridge *b) {
  pthread_mutex_lock(&b->lock);
  wasmc_bridge_stats stats = b->stats;
  pthread_mutex_unlock(&b->lock);
  return stats;
}
