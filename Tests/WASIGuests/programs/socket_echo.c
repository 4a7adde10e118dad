/*
 * A small echo server on the pre-opened listening socket: non-blocking
 * accept, one poll_oneoff loop over the listener and every client (with a
 * safety timeout), sock_recv/sock_send with partial sends retried when the
 * socket is writable again, sock_shutdown when a client is done. Serves
 * argv[1] clients, then prints a summary and exits 0. The listening socket
 * comes after the pre-opened directories even though --listen is given
 * first.
 *
 * The client (socket_client.py) connects every client first, waits for each
 * greeting, resets one connection (the server must see it as readable or
 * as ECONNRESET in poll_oneoff, get ECONNRESET from sock_recv and EPIPE
 * from a later sock_send, and never die of SIGPIPE), then
 * interleaves its messages across the others, sends one large payload,
 * half-closes and checks each echo. Because a client sends nothing before
 * its greeting arrives, the server's first sock_recv on each connection
 * must answer EAGAIN. argv[1] counts every connection, the reset one too.
 *
 * wasmtime-py cannot pre-open sockets, so this runs under wasmc only and its
 * output is compared with socket_echo.expected.
 *
 * run: --listen 127.0.0.1:$PORT --dir $SANDBOX::/sandbox -- 4
 * exit: 0
 * wasmc-only: sockets
 */
#include <stdlib.h>

#include "guest.h"

#define MAX_CLIENTS 8
#define MS 1000000ull

typedef struct {
  __wasi_fd_t fd;
  int open;
} client;

static client clients[MAX_CLIENTS];
static int open_clients, max_open, accepted, served, first_recv_again, shutdowns_ok, stream_clients;
static int reset_seen, send_after_reset = -1, bad_event_errors;
static unsigned long long echoed;

static int find_listener(void) {
  for (__wasi_fd_t fd = 3; fd < 32; fd++) {
    __wasi_fdstat_t st;
    if (__wasi_fd_fdstat_get(fd, &st) == 0 && st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM)
      return (int)fd;
  }
  return -1;
}

/* Wait until `fd` is writable (or 10 s pass). */
static int wait_writable(__wasi_fd_t fd) {
  __wasi_subscription_t subs[2];
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 1;
  subs[0].u.tag = __WASI_EVENTTYPE_FD_WRITE;
  subs[0].u.u.fd_write.file_descriptor = fd;
  subs[1].userdata = 2;
  subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[1].u.u.clock.timeout = 10000 * MS;
  __wasi_event_t events[2];
  __wasi_size_t n = 0;
  int error = __wasi_poll_oneoff(subs, events, 2, &n);
  if (error)
    return error;
  for (__wasi_size_t i = 0; i < n; i++)
    if (events[i].userdata == 1)
      return events[i].error;
  return __WASI_ERRNO_TIMEDOUT;
}

/* Send all of buf, waiting for writability whenever the socket is full. */
static int send_all(__wasi_fd_t fd, const uint8_t *buf, size_t len) {
  while (len > 0) {
    __wasi_ciovec_t iov = {buf, len};
    __wasi_size_t sent = 0;
    int error = __wasi_sock_send(fd, &iov, 1, 0, &sent);
    if (error == __WASI_ERRNO_AGAIN) {
      if ((error = wait_writable(fd)))
        return error;
      continue;
    }
    if (error)
      return error;
    buf += sent;
    len -= sent;
  }
  return 0;
}

static void accept_one(__wasi_fd_t listener) {
  __wasi_fd_t fd;
  int error = __wasi_sock_accept(listener, __WASI_FDFLAGS_NONBLOCK, &fd);
  if (error == __WASI_ERRNO_AGAIN)
    return; /* another poll round */
  if (error) {
    say("sock_accept", "%s FAIL", errname(error));
    return;
  }
  int slot = 0;
  while (slot < MAX_CLIENTS && clients[slot].open)
    slot++;
  if (slot == MAX_CLIENTS) {
    say("too many clients", "FAIL");
    MUST(__wasi_fd_close(fd));
    return;
  }
  clients[slot] = (client){fd, 1};
  accepted++;
  if (++open_clients > max_open)
    max_open = open_clients;
  __wasi_fdstat_t st;
  if (__wasi_fd_fdstat_get(fd, &st) == 0 && st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM &&
      (st.fs_flags & __WASI_FDFLAGS_NONBLOCK))
    stream_clients++;

  /* Nothing can have arrived yet: the client waits for the greeting. */
  uint8_t byte;
  __wasi_iovec_t iov = {&byte, 1};
  __wasi_size_t got = 0;
  __wasi_roflags_t roflags = 0;
  if (__wasi_sock_recv(fd, &iov, 1, 0, &got, &roflags) == __WASI_ERRNO_AGAIN)
    first_recv_again++;

  /* The greeting goes through fd_write: sockets are streams like any other. */
  const char *greeting = "hello from wasi\n";
  MUST(write_text(fd, greeting));
}

/* Returns 1 when the client is finished. */
static int serve(client *c) {
  static uint8_t buffer[16384];
  __wasi_iovec_t iovs[2] = {{buffer, 4096}, {buffer + 4096, sizeof buffer - 4096}};
  __wasi_size_t got = 0;
  __wasi_roflags_t roflags = 0;
  int error = __wasi_sock_recv(c->fd, iovs, 2, 0, &got, &roflags);
  if (error == __WASI_ERRNO_AGAIN)
    return 0;
  if (error == 0 && got > 0) {
    error = send_all(c->fd, buffer, got);
    if (error == 0) {
      echoed += got;
      return 0;
    }
  }
  if (error == __WASI_ERRNO_CONNRESET) {
    /* The reset connection. Sending now must fail with EPIPE, not raise SIGPIPE. */
    reset_seen++;
    __wasi_ciovec_t bye = {(const uint8_t *)"bye\n", 4};
    __wasi_size_t sent = 0;
    send_after_reset = __wasi_sock_send(c->fd, &bye, 1, 0, &sent);
  } else if (error) {
    say("client error", "%s FAIL", errname(error));
  }
  /* End of stream (or an error): half-close our side too, then close. */
  if (__wasi_sock_shutdown(c->fd, __WASI_SDFLAGS_WR) == 0)
    shutdowns_ok++;
  MUST(__wasi_fd_close(c->fd));
  c->open = 0;
  open_clients--;
  served++;
  return 1;
}

int main(int argc, char **argv) {
  int want = argc > 1 ? atoi(argv[1]) : 3;
  int listener = find_listener();
  say("pre-opened listening socket", "%s", listener >= 0 ? "yes" : "no FAIL");
  if (listener < 0)
    return 1;
  int sandbox = preopen_fd("/sandbox");
  say("the socket's fd follows the directory's", "%s",
      sandbox >= 3 && listener == sandbox + 1 ? "yes" : "no FAIL");
  __wasi_prestat_t prestat;
  show("fd_prestat_get on the socket", __wasi_fd_prestat_get(listener, &prestat));
  expect("fd_fdstat_set_flags nonblock", __wasi_fd_fdstat_set_flags(listener, __WASI_FDFLAGS_NONBLOCK), 0);
  __wasi_fd_t none;
  expect("sock_accept with no client waiting", __wasi_sock_accept(listener, __WASI_FDFLAGS_NONBLOCK, &none),
         __WASI_ERRNO_AGAIN);
  show("sock_recv on the listener", __wasi_sock_recv(listener, &(__wasi_iovec_t){(uint8_t[1]){0}, 1}, 1, 0,
                                                     &(__wasi_size_t){0}, &(__wasi_roflags_t){0}));
  show("fd_seek on the socket", __wasi_fd_seek(listener, 0, __WASI_WHENCE_CUR, &(__wasi_filesize_t){0}));
  say("ready", "serving %d clients", want);
  fflush(stdout);

  __wasi_timestamp_t deadline = 0;
  MUST(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &deadline));
  deadline += 20000 * MS;
  int timed_out = 0;
  while (served < want && !timed_out) {
    __wasi_subscription_t subs[MAX_CLIENTS + 2];
    size_t count = 0;
    memset(subs, 0, sizeof subs);
    subs[count].userdata = 1000;
    subs[count].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[count].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[count].u.u.clock.timeout = deadline;
    subs[count].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
    count++;
    subs[count].userdata = 999;
    subs[count].u.tag = __WASI_EVENTTYPE_FD_READ;
    subs[count].u.u.fd_read.file_descriptor = listener;
    count++;
    for (int i = 0; i < MAX_CLIENTS; i++) {
      if (!clients[i].open)
        continue;
      subs[count].userdata = i;
      subs[count].u.tag = __WASI_EVENTTYPE_FD_READ;
      subs[count].u.u.fd_read.file_descriptor = clients[i].fd;
      count++;
    }
    __wasi_event_t events[MAX_CLIENTS + 2];
    __wasi_size_t n = 0;
    int error = __wasi_poll_oneoff(subs, events, count, &n);
    if (error) {
      say("poll_oneoff", "%s FAIL", errname(error));
      break;
    }
    for (__wasi_size_t i = 0; i < n; i++) {
      /*
       * A reset connection may be reported as readable or with ECONNRESET;
       * an errno that names a problem with a descriptor still open (EBADF)
       * is wrong. Either way serve() reads the real state.
       */
      if (events[i].error && events[i].error != __WASI_ERRNO_CONNRESET) {
        __wasi_fd_t fd = events[i].userdata == 999          ? (__wasi_fd_t)listener
                         : events[i].userdata < MAX_CLIENTS ? clients[events[i].userdata].fd
                                                            : (__wasi_fd_t)-1;
        __wasi_fdstat_t st;
        int open = __wasi_fd_fdstat_get(fd, &st) == 0;
        say("poll_oneoff event error", "%s for %s socket FAIL", errname(events[i].error),
            open ? "an open" : "a closed");
        bad_event_errors++;
      }
      if (events[i].userdata == 1000)
        timed_out = 1;
      else if (events[i].userdata == 999)
        accept_one(listener);
      else if (events[i].userdata < MAX_CLIENTS && clients[events[i].userdata].open)
        serve(&clients[events[i].userdata]);
    }
  }
  if (timed_out)
    say("timed out after 20 s", "FAIL");
  say("accepted", "%d", accepted);
  say("served", "%d", served);
  say("clients were non-blocking streams", "%d", stream_clients);
  say("first sock_recv answered EAGAIN", "%d", first_recv_again);
  say("most clients open at once", "%d", max_open);
  say("shutdowns ok", "%d", shutdowns_ok);
  say("sock_recv answered ECONNRESET for the reset connection", "%d", reset_seen);
  say("sock_send after ECONNRESET", "%s",
      send_after_reset < 0 ? "not tried FAIL" : errname(send_after_reset));
  say("poll_oneoff event errors other than ECONNRESET on open sockets", "%d", bad_event_errors);
  say("bytes echoed", "%llu", echoed);
  expect("sock_accept after the last client", __wasi_sock_accept(listener, __WASI_FDFLAGS_NONBLOCK, &none),
         __WASI_ERRNO_AGAIN);
  expect(
      "sock_send on a closed fd",
      __wasi_sock_send(clients[0].fd, &(__wasi_ciovec_t){(const uint8_t *)"x", 1}, 1, 0, &(__wasi_size_t){0}),
      __WASI_ERRNO_BADF);
  return served == want && !timed_out ? 0 : 1;
}
