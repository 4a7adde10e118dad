/*
 * Blocking sockets: sock_accept without NONBLOCK waits for a client;
 * sock_recv waits for data, gathers a message sent in two parts with
 * RECV_WAITALL and looks ahead with RECV_PEEK; sock_shutdown of both
 * directions ends the stream. A second client resets its connection while
 * the guest is blocked in sock_recv, which must then answer ECONNRESET.
 * The client is socket_client.run_blocking_client.
 *
 * run: --listen 127.0.0.1:$PORT --
 * exit: 0
 * wasmc-only: sockets
 * client: blocking
 */
#include "guest.h"

static int receive(__wasi_fd_t fd, char *buf, size_t size, __wasi_riflags_t flags, size_t *got) {
  __wasi_iovec_t iov = {(uint8_t *)buf, size};
  __wasi_size_t n = 0;
  __wasi_roflags_t roflags = 0;
  int error = __wasi_sock_recv(fd, &iov, 1, flags, &n, &roflags);
  *got = n;
  return error;
}

int main(void) {
  __wasi_fd_t listener = 3, client;
  __wasi_fdstat_t st;
  expect("listener filetype", __wasi_fd_fdstat_get(listener, &st), 0);
  say("listener is a stream socket", "%s",
      st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM ? "yes" : "no FAIL");
  say("ready", "blocking");
  fflush(stdout);

  expect("blocking sock_accept", __wasi_sock_accept(listener, 0, &client), 0);
  MUST(__wasi_fd_fdstat_get(client, &st));
  say("accepted socket is blocking", "%s", st.fs_flags & __WASI_FDFLAGS_NONBLOCK ? "no FAIL" : "yes");

  /* One socket subscribed for reading and writing in the same call: writing is ready. */
  __wasi_subscription_t subs[3];
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 1;
  subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  subs[0].u.u.fd_read.file_descriptor = client;
  subs[1].userdata = 2;
  subs[1].u.tag = __WASI_EVENTTYPE_FD_WRITE;
  subs[1].u.u.fd_write.file_descriptor = client;
  subs[2].userdata = 3;
  subs[2].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[2].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[2].u.u.clock.timeout = 5000000000ull;
  __wasi_event_t events[3];
  __wasi_size_t count = 0;
  expect("poll read+write on one socket", __wasi_poll_oneoff(subs, events, 3, &count), 0);
  int writable = 0;
  for (__wasi_size_t i = 0; i < count; i++)
    writable |= events[i].userdata == 2 && events[i].error == 0;
  say("fd_write event among them", "%s", writable ? "yes" : "no FAIL");

  char buf[32] = {0};
  size_t got = 0;
  expect("sock_recv waitall 10 bytes sent in two parts",
         receive(client, buf, 10, __WASI_RIFLAGS_RECV_WAITALL, &got), 0);
  say("received", "[%.*s] (%zu bytes)", (int)got, buf, got);
  memset(buf, 0, sizeof buf);
  expect("sock_recv peek", receive(client, buf, 5, __WASI_RIFLAGS_RECV_PEEK, &got), 0);
  say("peeked", "[%.*s]", (int)got, buf);
  memset(buf, 0, sizeof buf);
  expect("sock_recv after peek", receive(client, buf, 5, __WASI_RIFLAGS_RECV_WAITALL, &got), 0);
  say("received after peek", "[%.*s]", (int)got, buf);
  __wasi_ciovec_t pong = {(const uint8_t *)"pong\n", 5};
  __wasi_size_t sent = 0;
  expect("sock_send pong", __wasi_sock_send(client, &pong, 1, 0, &sent), 0);
  say("sent", "%u", (unsigned)sent);
  expect("sock_shutdown both", __wasi_sock_shutdown(client, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR), 0);
  expect("sock_recv after shutdown", receive(client, buf, 5, 0, &got), 0);
  say("sock_recv after shutdown got", "%zu bytes", got);
  MUST(__wasi_fd_close(client));

  expect("second blocking sock_accept", __wasi_sock_accept(listener, 0, &client), 0);
  expect("blocking sock_recv when the peer resets", receive(client, buf, sizeof buf, 0, &got),
         __WASI_ERRNO_CONNRESET);
  MUST(__wasi_fd_close(client));
  return 0;
}
