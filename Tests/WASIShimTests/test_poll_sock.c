/*
 * poll_oneoff (clocks, descriptors, several at once, errors), sockets
 * (accept/recv/send/shutdown, blocking and non-blocking, a guest-style event
 * loop serving several clients) and instances blocking independently.
 * Network traffic stays on 127.0.0.1.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "wasi_test.h"

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
  nanosleep(&ts, NULL);
}

/* Poll A_SUBS[0..n); the number of events, or -errno. */
static int poll_n(u32 n) {
  u32 error = poll_oneoff(A_SUBS, A_EVENTS, n, A_OUT);
  return error ? -(int)error : (int)rd32(A_OUT);
}
static u64 ev_userdata(int i) { return rd64(A_EVENTS + 32 * (u32)i); }
static u32 ev_error(int i) { return rd16(A_EVENTS + 32 * (u32)i + 8); }
static u32 ev_type(int i) { return mem(A_EVENTS + 32 * (u32)i)[10]; }
static u64 ev_nbytes(int i) { return rd64(A_EVENTS + 32 * (u32)i + 16); }
static u32 ev_flags(int i) { return rd16(A_EVENTS + 32 * (u32)i + 24); }

void test_poll_clocks(void) {
  fixture *fx = fixture_create((fixture_options){0});
  u64 start = now_ns();
  sub_clock(0, 7, 1, 20000000, 0);
  CHECK_EQ(poll_n(1), 1);
  CHECK(now_ns() - start >= 20000000);
  CHECK(now_ns() - start < 1000000000);
  CHECK_EQ(ev_userdata(0), 7);
  CHECK_EQ(ev_type(0), 0);
  CHECK_EQ(ev_error(0), 0);

  start = now_ns();
  sub_clock(0, 8, 1, start + 15000000, 1); /* absolute monotonic */
  CHECK_EQ(poll_n(1), 1);
  CHECK(now_ns() >= start + 15000000);

  CHECK_EQ(clock_time_get(0, 0, A_OUT + 64), 0);
  start = now_ns();
  sub_clock(0, 9, 0, rd64(A_OUT + 64) + 10000000, 1); /* absolute realtime */
  CHECK_EQ(poll_n(1), 1);
  CHECK(now_ns() - start >= 5000000);
  sub_clock(0, 10, 0, 1, 1); /* realtime in the past: at once */
  start = now_ns();
  CHECK_EQ(poll_n(1), 1);
  CHECK(now_ns() - start < 100000000);

  /* Two clocks: only the earlier fires. */
  start = now_ns();
  sub_clock(0, 11, 1, 500000000, 0);
  sub_clock(1, 12, 0, 10000000, 0);
  CHECK_EQ(poll_n(2), 1);
  CHECK_EQ(ev_userdata(0), 12);
  CHECK(now_ns() - start < 400000000);
  sub_clock(0, 13, 1, 0, 0);
  sub_clock(1, 14, 1, 0, 0);
  CHECK_EQ(poll_n(2), 2);
  CHECK_EQ(ev_userdata(1), 14);
  fixture_destroy(fx);
}

/* ---- the host's poll hook (message delivery inside poll_oneoff) ---- */

typedef struct hook_state {
  int calls;
  int answer_after; /* return 1 from this call on (1-based); 0: never */
  int answer;
} hook_state;

static int count_hook(void *data) {
  hook_state *state = data;
  state->calls++;
  return state->answer_after && state->calls >= state->answer_after ? state->answer : 0;
}

static void *wake_later(void *arg) {
  sleep_ms(50);
  wasmc_wasi_wake(arg);
  return NULL;
}

void test_poll_hook(void) {
  fixture *fx = fixture_create((fixture_options){0});
  /* A hook with nothing to deliver changes nothing. */
  hook_state idle = {0, 0, 0};
  wasmc_wasi_set_poll_hook(fx->wasi, count_hook, &idle);
  u64 start = now_ns();
  sub_clock(0, 1, 1, 20000000, 0);
  CHECK_EQ(poll_n(1), 1);
  CHECK(now_ns() - start >= 20000000);
  CHECK(idle.calls >= 1);

  /* Delivering at the start returns at once, the clock reported as fired. */
  hook_state eager = {0, 1, 1};
  wasmc_wasi_set_poll_hook(fx->wasi, count_hook, &eager);
  start = now_ns();
  sub_clock(0, 2, 1, 10000000000ull, 0);
  CHECK_EQ(poll_n(1), 1);
  CHECK_EQ(ev_userdata(0), 2);
  CHECK(now_ns() - start < 1000000000);

  /* A wake-up from another thread runs the hook during the wait. */
  hook_state later = {0, 2, 1};
  wasmc_wasi_set_poll_hook(fx->wasi, count_hook, &later);
  pthread_t thread;
  pthread_create(&thread, NULL, wake_later, fx->wasi);
  start = now_ns();
  sub_clock(0, 3, 1, 10000000000ull, 0);
  CHECK_EQ(poll_n(1), 1);
  CHECK(now_ns() - start < 2000000000);
  CHECK_EQ(later.calls, 2);
  pthread_join(thread, NULL);

  /* A hook that says stop traps the instance. */
  hook_state stop = {0, 1, -1};
  wasmc_wasi_set_poll_hook(fx->wasi, count_hook, &stop);
  sub_clock(0, 4, 1, 10000000000ull, 0);
  wasmc_trap_frame frame;
  CHECK(!WASMC_TRY(frame, poll_n(1)));
  CHECK_EQ(frame.info.kind, WASMC_TRAP_HOST);
  wasmc_wasi_set_poll_hook(fx->wasi, NULL, NULL);
  fixture_destroy(fx);
}

static void *write_later(void *arg) {
  sleep_ms(60);
  CHECK_EQ(write(*(int *)arg, "late", 4), 4);
  return NULL;
}

void test_poll_fds(void) {
  fixture *fx = fixture_create((fixture_options){0});
  /* Nothing to read yet: the clock fires. */
  sub_fd(0, 1, 1, 0);
  sub_clock(1, 2, 1, 30000000, 0);
  CHECK_EQ(poll_n(2), 1);
  CHECK_EQ(ev_userdata(0), 2);
  /* Data arrives: stdin is reported, the clock is not. */
  CHECK_EQ(write(fx->stdin_write, "hello", 5), 5);
  sub_clock(1, 2, 1, 1000000000, 0);
  u64 start = now_ns();
  CHECK_EQ(poll_n(2), 1);
  CHECK(now_ns() - start < 500000000);
  CHECK_EQ(ev_userdata(0), 1);
  CHECK_EQ(ev_type(0), 1);
  CHECK_EQ(ev_nbytes(0), 5);
  /* The same descriptor twice, and stdout writable. */
  sub_fd(0, 3, 1, 0);
  sub_fd(1, 4, 1, 0);
  sub_fd(2, 5, 2, 1);
  CHECK_EQ(poll_n(3), 3);
  CHECK_EQ(ev_userdata(2), 5);
  CHECK_EQ(ev_type(2), 2);
  char text[16];
  CHECK_EQ(read_str(0, text, sizeof text), 0);
  CHECK_STR(text, "hello");

  /* After polling, a blocking read still blocks until data comes. */
  pthread_t thread;
  pthread_create(&thread, NULL, write_later, &fx->stdin_write);
  CHECK_EQ(read_str(0, text, sizeof text), 0);
  CHECK_STR(text, "late");
  pthread_join(thread, NULL);

  /* Regular files are always ready; nbytes is what's left to read. */
  u32 fd;
  CHECK_EQ(open_at(FD_SANDBOX, "f", FOLLOW, 0, R_ALL, 0, &fd), 0);
  CHECK_EQ(fd_seek(fd, 4, 0, A_OUT), 0);
  sub_clock(0, 6, 1, 1000000000, 0);
  sub_fd(1, 7, 1, fd);
  sub_fd(2, 8, 2, fd);
  start = now_ns();
  CHECK_EQ(poll_n(3), 2);
  CHECK(now_ns() - start < 500000000);
  CHECK_EQ(ev_userdata(0), 7);
  CHECK_EQ(ev_nbytes(0), 7);
  CHECK_EQ(ev_userdata(1), 8);

  /* The writer goes away: a read subscription reports hangup. */
  close(fx->stdin_write);
  fx->stdin_write = open("/dev/null", O_WRONLY);
  sub_fd(0, 9, 1, 0);
  CHECK_EQ(poll_n(1), 1);
  CHECK_EQ(ev_flags(0), 1);
  fixture_destroy(fx);
}

/* Polling stdio must not leave the host's stream non-blocking (uv_poll sets
 * O_NONBLOCK on what it polls; a user's terminal would stay that way). */
void test_poll_stdio_flags(void) {
  fixture *fx = fixture_create((fixture_options){0});
  int in[2], out[2];
  CHECK_EQ(pipe(in), 0);
  CHECK_EQ(pipe(out), 0);
  wasmc_wasi_config config;
  wasmc_wasi_config_init(&config);
  config.stdin_fd = in[0];
  config.stdout_fd = out[1];
  char error[128];
  wasmc_wasi *wasi = wasmc_wasi_create(&config, error, sizeof error);
  CHECK(wasi != NULL);
  wasmc_wasi_bind_memory(wasi, &fx->memory);
  wasmc_wasi *saved = fx->wasi;
  fx->wasi = wasi;
  sub_fd(0, 1, 1, 0);
  sub_fd(1, 2, 2, 1);
  sub_clock(2, 3, 1, 10000000, 0);
  CHECK_EQ(poll_n(3), 1); /* stdout is writable */
  sub_fd(0, 1, 1, 0);
  sub_clock(1, 3, 1, 10000000, 0);
  CHECK_EQ(poll_n(2), 1); /* stdin has nothing: the clock */
  pthread_t thread;
  pthread_create(&thread, NULL, write_later, &in[1]);
  char text[16];
  CHECK_EQ(read_str(0, text, sizeof text), 0);
  CHECK_STR(text, "late");
  pthread_join(thread, NULL);
  CHECK_EQ(fcntl(in[0], F_GETFL) & O_NONBLOCK, 0);
  CHECK_EQ(fcntl(out[1], F_GETFL) & O_NONBLOCK, 0);
  /* A stream the host made non-blocking: blocking guest reads still wait. */
  fcntl(in[0], F_SETFL, fcntl(in[0], F_GETFL) | O_NONBLOCK);
  pthread_create(&thread, NULL, write_later, &in[1]);
  CHECK_EQ(read_str(0, text, sizeof text), 0);
  CHECK_STR(text, "late");
  pthread_join(thread, NULL);
  CHECK(fcntl(in[0], F_GETFL) & O_NONBLOCK); /* left as the host had it */
  fx->wasi = saved;
  wasmc_wasi_destroy(wasi);
  close(in[0]), close(in[1]), close(out[0]), close(out[1]);
  fixture_destroy(fx);
}

void test_poll_errors(void) {
  fixture *fx = fixture_create((fixture_options){0});
  CHECK_EQ(poll_n(0), -E_INVAL);
  sub_fd(0, 1, 1, 99);
  CHECK_EQ(poll_n(1), -E_BADF);
  sub_fd(0, 1, 1, FD_SANDBOX);
  CHECK_EQ(poll_n(1), -E_BADF);
  sub_fd(0, 1, 2, 0); /* writing stdin */
  CHECK_EQ(poll_n(1), -E_BADF);
  sub_fd(0, 1, 1, 1); /* reading stdout */
  CHECK_EQ(poll_n(1), -E_BADF);
  sub_clock(0, 1, 2, 1000, 0); /* process CPU time can't be waited on */
  CHECK_EQ(poll_n(1), -E_INVAL);
  sub_clock(0, 1, 1, 1000, 2);
  CHECK_EQ(poll_n(1), -E_INVAL);
  sub_fd(0, 1, 3, 0);
  CHECK_EQ(poll_n(1), -E_INVAL);
  sub_clock(0, 1, 1, 0, 0);
  CHECK_EQ(poll_oneoff(GUEST_MEMORY_SIZE - 40, A_EVENTS, 1, A_OUT), E_FAULT);
  CHECK_EQ(poll_oneoff(A_SUBS, GUEST_MEMORY_SIZE - 16, 1, A_OUT), E_FAULT);
  CHECK_EQ(poll_oneoff(A_SUBS, A_EVENTS, 1, A_BAD), E_FAULT);
  CHECK_EQ(poll_oneoff(A_SUBS, A_EVENTS, 0x10000000, A_OUT), E_FAULT);
  /* In bounds but huge: refused before the host allocates anything. */
  uint8_t *small = fx->memory.data;
  u32 n = 1u << 20;
  fx->memory.size = (u64)n * 80 + 4096;
  fx->memory.data = calloc(1, fx->memory.size);
  CHECK_EQ(poll_oneoff(0, n * 48, n, n * 80), E_INVAL);
  free(fx->memory.data);
  fx->memory.data = small;
  fx->memory.size = GUEST_MEMORY_SIZE;
  fixture_destroy(fx);
}

/* ------------------------------------------------------------------------ */
/* Sockets                                                                  */
/* ------------------------------------------------------------------------ */

static int connect_client(int listener) {
  struct sockaddr_in addr;
  socklen_t len = sizeof addr;
  getsockname(listener, (struct sockaddr *)&addr, &len);
  CHECK_EQ(addr.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
  int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK_EQ(connect(c, (struct sockaddr *)&addr, len), 0);
  return c;
}

static u32 send_str(u32 fd, const char *s) {
  iov(0, A_BUF, put(A_BUF, s));
  return sock_send(fd, A_IOV, 1, 0, A_OUT);
}

static u32 recv_str(u32 fd, u32 flags, char *out, size_t cap) {
  iov(0, A_BUF, (u32)cap - 1);
  wr32(A_OUT + 4, 0xffff);
  u32 error = sock_recv(fd, A_IOV, 1, flags, A_OUT, A_OUT + 4);
  size_t n = error ? 0 : rd32(A_OUT);
  memcpy(out, mem(A_BUF), n);
  out[n] = '\0';
  if (!error)
    CHECK_EQ(rd16(A_OUT + 4), 0);
  return error;
}

static void *send_later(void *arg) {
  sleep_ms(50);
  CHECK_EQ(send(*(int *)arg, "cd", 2, 0), 2);
  return NULL;
}

void test_sockets(void) {
  fixture *fx = fixture_create((fixture_options){.with_listener = true});
  CHECK_EQ(fd_fdstat_get(FD_LISTENER, A_OUT), 0);
  CHECK_EQ(mem(A_OUT)[0], 6);
  CHECK(rd64(A_OUT + 8) & (1ull << 29)); /* SOCK_ACCEPT */
  CHECK_EQ(fd_prestat_get(FD_LISTENER, A_OUT), E_BADF);
  CHECK_EQ(fd_filestat_get(FD_LISTENER, A_OUT), 0);
  CHECK_EQ(mem(A_OUT)[16], 6);
  CHECK_EQ(fd_seek(FD_LISTENER, 0, 0, A_OUT), E_SPIPE);

  int client = connect_client(fx->listener);
  CHECK_EQ(send(client, "ping", 4, 0), 4);
  /* A bad result pointer must not lose the pending connection. */
  CHECK_EQ(sock_accept(FD_LISTENER, 0, A_BAD), E_FAULT);
  CHECK_EQ(sock_accept(FD_LISTENER, 0, A_OUT + 32), 0);
  u32 conn = rd32(A_OUT + 32);
  CHECK_EQ(conn, 6);
  CHECK_EQ(fd_fdstat_get(conn, A_OUT), 0);
  CHECK_EQ(mem(A_OUT)[0], 6);
  CHECK_EQ(rd16(A_OUT + 2), 0);
  char text[64];
  CHECK_EQ(recv_str(conn, 1 /* PEEK */, text, sizeof text), 0);
  CHECK_STR(text, "ping");
  CHECK_EQ(recv_str(conn, 0, text, sizeof text), 0);
  CHECK_STR(text, "ping");
  CHECK_EQ(send_str(conn, "pong"), 0);
  CHECK_EQ(rd32(A_OUT), 4);
  char buf[64] = {0};
  CHECK_EQ(recv(client, buf, sizeof buf, 0), 4);
  CHECK_STR(buf, "pong");
  /* fd_read and fd_write work on sockets too. */
  CHECK_EQ(write_str(conn, "via fd_write"), 0);
  memset(buf, 0, sizeof buf);
  CHECK_EQ(recv(client, buf, sizeof buf, 0), 12);
  CHECK_EQ(send(client, "more", 4, 0), 4);
  CHECK_EQ(read_str(conn, text, sizeof text), 0);
  CHECK_STR(text, "more");
  /* RECV_WAITALL collects data that arrives in pieces. */
  CHECK_EQ(send(client, "ab", 2, 0), 2);
  pthread_t thread;
  pthread_create(&thread, NULL, send_later, &client);
  iov(0, A_BUF, 4);
  CHECK_EQ(sock_recv(conn, A_IOV, 1, 2 /* WAITALL */, A_OUT, A_OUT + 4), 0);
  CHECK_EQ(rd32(A_OUT), 4);
  CHECK(memcmp(mem(A_BUF), "abcd", 4) == 0);
  pthread_join(thread, NULL);
  /* Shutdown: the client sees the end of the stream. */
  CHECK_EQ(sock_shutdown(conn, 0), E_INVAL);
  CHECK_EQ(sock_shutdown(conn, 4), E_INVAL);
  CHECK_EQ(sock_shutdown(conn, 2 /* WR */), 0);
  CHECK_EQ(recv(client, buf, sizeof buf, 0), 0);
  close(client);
  CHECK_EQ(recv_str(conn, 0, text, sizeof text), 0); /* EOF */
  CHECK_STR(text, "");
  /* Writing to a closed peer: EPIPE (or a reset), never SIGPIPE. */
  u32 error = 0;
  for (int i = 0; i < 20 && error == 0; i++) {
    error = fd_write(conn, A_IOV, 1, A_OUT); /* after SHUT_WR: EPIPE */
    sleep_ms(5);
  }
  CHECK_EQ(error, E_PIPE);

  /* Wrong kinds and arguments. */
  u32 file;
  CHECK_EQ(open_at(FD_SANDBOX, "f", FOLLOW, 0, R_ALL, 0, &file), 0);
  CHECK_EQ(sock_accept(file, 0, A_OUT), E_NOTSOCK);
  CHECK_EQ(sock_accept(1, 0, A_OUT), E_NOTSOCK);
  CHECK_EQ(sock_accept(99, 0, A_OUT), E_BADF);
  CHECK_EQ(sock_accept(FD_LISTENER, FD_APPEND_, A_OUT), E_INVAL);
  CHECK_EQ(sock_accept(conn, 0, A_OUT), E_INVAL);
  CHECK_EQ(recv_str(file, 0, text, sizeof text), E_NOTSOCK);
  CHECK_EQ(recv_str(conn, 4, text, sizeof text), E_INVAL);
  CHECK_EQ(send_str(FD_SANDBOX, "x"), E_NOTSOCK);
  CHECK_EQ(sock_shutdown(file, 3), E_NOTSOCK);
  CHECK_EQ(sock_shutdown(99, 3), E_BADF);
  CHECK_EQ(sock_recv(conn, A_IOV, 1, 0, A_BAD, A_OUT), E_FAULT);
  CHECK_EQ(sock_send(conn, A_IOV, 1, 0, A_BAD), E_FAULT);
  fixture_destroy(fx);
}

static void *connect_later(void *arg) {
  sleep_ms(100);
  int c = connect_client(*(int *)arg);
  sleep_ms(200);
  close(c);
  return NULL;
}

void test_socket_nonblocking(void) {
  fixture *fx = fixture_create((fixture_options){.with_listener = true});
  /* Blocking accept waits for the client. */
  pthread_t thread;
  pthread_create(&thread, NULL, connect_later, &fx->listener);
  u64 start = now_ns();
  CHECK_EQ(sock_accept(FD_LISTENER, 0, A_OUT + 32), 0);
  CHECK(now_ns() - start >= 80000000);
  pthread_join(thread, NULL);

  CHECK_EQ(fd_fdstat_set_flags(FD_LISTENER, FD_NONBLOCK_), 0);
  CHECK_EQ(fd_fdstat_get(FD_LISTENER, A_OUT), 0);
  CHECK_EQ(rd16(A_OUT + 2), FD_NONBLOCK_);
  CHECK_EQ(sock_accept(FD_LISTENER, 0, A_OUT), E_AGAIN);
  int client = connect_client(fx->listener);
  CHECK_EQ(sock_accept(FD_LISTENER, FD_NONBLOCK_, A_OUT + 32), 0);
  u32 conn = rd32(A_OUT + 32);
  CHECK_EQ(fd_fdstat_get(conn, A_OUT), 0);
  CHECK_EQ(rd16(A_OUT + 2), FD_NONBLOCK_);
  char text[16];
  CHECK_EQ(recv_str(conn, 0, text, sizeof text), E_AGAIN);
  CHECK_EQ(read_str(conn, text, sizeof text), E_AGAIN);
  /* Back to blocking: recv waits for the data. */
  CHECK_EQ(fd_fdstat_set_flags(conn, 0), 0);
  pthread_create(&thread, NULL, send_later, &client);
  CHECK_EQ(recv_str(conn, 0, text, sizeof text), 0);
  CHECK_STR(text, "cd");
  pthread_join(thread, NULL);
  close(client);
  fixture_destroy(fx);
}

/* A client: connect, say hello, expect the upper-cased echo. */
typedef struct client_job {
  int listener;
  int index;
  bool ok;
} client_job;

static void *client_main(void *arg) {
  client_job *job = arg;
  sleep_ms(10 * job->index);
  int c = connect_client(job->listener);
  char hello[32], reply[32] = {0}, expected[32];
  snprintf(hello, sizeof hello, "hello %d", job->index);
  snprintf(expected, sizeof expected, "HELLO %d", job->index);
  send(c, hello, strlen(hello), 0);
  ssize_t n = recv(c, reply, sizeof reply - 1, 0);
  job->ok = n == (ssize_t)strlen(expected) && strcmp(reply, expected) == 0;
  close(c);
  return NULL;
}

void test_socket_many_clients(void) {
  fixture *fx = fixture_create((fixture_options){.with_listener = true});
  enum { CLIENTS = 6 };
  pthread_t threads[CLIENTS];
  client_job jobs[CLIENTS];
  for (int i = 0; i < CLIENTS; i++) {
    jobs[i] = (client_job){fx->listener, i, false};
    pthread_create(&threads[i], NULL, client_main, &jobs[i]);
  }
  /* The guest: one thread, non-blocking sockets, poll_oneoff. */
  CHECK_EQ(fd_fdstat_set_flags(FD_LISTENER, FD_NONBLOCK_), 0);
  u32 conns[CLIENTS];
  int open_conns = 0, served = 0;
  u64 deadline = now_ns() + 5000000000ull;
  while (served < CLIENTS && now_ns() < deadline) {
    int n = 0;
    sub_fd(n++, FD_LISTENER, 1, FD_LISTENER);
    for (int i = 0; i < open_conns; i++)
      sub_fd(n++, conns[i], 1, conns[i]);
    sub_clock(n++, 0xc10c, 1, 1000000000, 0);
    int events = poll_n((u32)n);
    CHECK(events > 0);
    for (int e = 0; e < events; e++) {
      u64 who = ev_userdata(e);
      if (who == 0xc10c)
        continue;
      if (who == FD_LISTENER) {
        while (sock_accept(FD_LISTENER, FD_NONBLOCK_, A_OUT + 64) == 0)
          conns[open_conns++] = rd32(A_OUT + 64);
        continue;
      }
      char text[64];
      u32 error = recv_str((u32)who, 0, text, sizeof text);
      if (error == E_AGAIN)
        continue;
      CHECK_EQ(error, 0);
      for (char *p = text; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
      CHECK_EQ(send_str((u32)who, text), 0);
      CHECK_EQ(fd_close((u32)who), 0);
      for (int i = 0; i < open_conns; i++)
        if (conns[i] == who)
          conns[i] = conns[--open_conns];
      served++;
    }
  }
  for (int i = 0; i < CLIENTS; i++) {
    pthread_join(threads[i], NULL);
    CHECK(jobs[i].ok);
  }
  CHECK_EQ(served, CLIENTS);
  fixture_destroy(fx);
}

/* Socket registrations kept between poll_oneoff calls: events that change
 * from call to call, a socket left out of a call (not reported, no busy
 * wait), a blocking recv on a registered socket, and a closed descriptor
 * whose number comes back for a new connection. */
void test_poll_registrations(void) {
  fixture *fx = fixture_create((fixture_options){.with_listener = true});
  int client = connect_client(fx->listener);
  CHECK_EQ(sock_accept(FD_LISTENER, FD_NONBLOCK_, A_OUT + 32), 0);
  u32 conn = rd32(A_OUT + 32);
  /* Writable at once, twice (the registration is kept). */
  for (int round = 0; round < 2; round++) {
    sub_fd(0, 1, 2, conn);
    CHECK_EQ(poll_n(1), 1);
    CHECK_EQ(ev_type(0), 2);
  }
  /* Now for reading only: nothing to read, the clock fires. */
  sub_fd(0, 1, 1, conn);
  sub_clock(1, 0xc10c, 1, 30000000, 0);
  CHECK_EQ(poll_n(2), 1);
  CHECK_EQ(ev_userdata(0), 0xc10c);
  /* Data arrives while the socket is left out of the next call: that call only
   * sleeps for its clock, and the socket is reported when asked again. */
  send(client, "xy", 2, 0);
  sleep_ms(20);
  u64 start = now_ns();
  sub_clock(0, 0xc10c, 1, 30000000, 0);
  CHECK_EQ(poll_n(1), 1);
  CHECK(now_ns() - start >= 30000000);
  sub_fd(0, 1, 1, conn);
  sub_clock(1, 0xc10c, 1, 1000000000, 0);
  CHECK_EQ(poll_n(2), 1);
  CHECK_EQ(ev_userdata(0), 1);
  CHECK_EQ(ev_nbytes(0), 2);
  char text[16];
  CHECK_EQ(recv_str(conn, 0, text, sizeof text), 0);
  CHECK_STR(text, "xy");
  /* A blocking recv on the registered socket waits on its own. */
  CHECK_EQ(fd_fdstat_set_flags(conn, 0), 0);
  pthread_t thread;
  pthread_create(&thread, NULL, send_later, &client);
  CHECK_EQ(recv_str(conn, 0, text, sizeof text), 0);
  CHECK_STR(text, "cd");
  pthread_join(thread, NULL);
  /* Close it; a new connection likely gets the same numbers, and is polled fresh. */
  CHECK_EQ(fd_close(conn), 0);
  close(client);
  client = connect_client(fx->listener);
  CHECK_EQ(sock_accept(FD_LISTENER, FD_NONBLOCK_, A_OUT + 32), 0);
  conn = rd32(A_OUT + 32);
  send(client, "z", 1, 0);
  sub_fd(0, 5, 1, conn);
  sub_clock(1, 0xc10c, 1, 1000000000, 0);
  CHECK_EQ(poll_n(2), 1);
  CHECK_EQ(ev_userdata(0), 5);
  CHECK_EQ(ev_nbytes(0), 1);
  close(client);
  fixture_destroy(fx);
}

/* ------------------------------------------------------------------------ */
/* Instances block independently                                            */
/* ------------------------------------------------------------------------ */

typedef struct blocker {
  fixture *fx;
  atomic_bool ready;
  u64 unblocked_at;
} blocker;

static void *accept_blocker(void *arg) {
  blocker *b = arg;
  b->fx = fixture_create((fixture_options){.with_listener = true});
  atomic_store(&b->ready, true);
  CHECK_EQ(sock_accept(FD_LISTENER, 0, A_OUT), 0);
  b->unblocked_at = now_ns();
  fixture_destroy(b->fx);
  return NULL;
}

static void *read_blocker(void *arg) {
  blocker *b = arg;
  b->fx = fixture_create((fixture_options){0});
  atomic_store(&b->ready, true);
  char text[16];
  CHECK_EQ(read_str(0, text, sizeof text), 0);
  b->unblocked_at = now_ns();
  fixture_destroy(b->fx);
  return NULL;
}

void test_concurrent_contexts(void) {
  blocker accepting = {0}, reading = {0};
  pthread_t a, r;
  pthread_create(&a, NULL, accept_blocker, &accepting);
  pthread_create(&r, NULL, read_blocker, &reading);
  while (!atomic_load(&accepting.ready) || !atomic_load(&reading.ready))
    sleep_ms(1);
  sleep_ms(20);
  /* Meanwhile a third instance gets on with its work. */
  fixture *fx = fixture_create((fixture_options){0});
  u64 start = now_ns();
  for (int i = 0; i < 200; i++) {
    u32 fd;
    CHECK_EQ(open_at(FD_SANDBOX, "work", FOLLOW, O_CREAT_ | O_TRUNC_, R_ALL, 0, &fd), 0);
    CHECK_EQ(write_str(fd, "work"), 0);
    CHECK_EQ(fd_close(fd), 0);
  }
  sub_clock(0, 1, 1, 10000000, 0);
  CHECK_EQ(poll_n(1), 1);
  u64 done = now_ns();
  CHECK(done - start < 2000000000ull);
  sleep_ms(100);
  int client = connect_client(accepting.fx->listener);
  CHECK_EQ(write(reading.fx->stdin_write, "go", 2), 2);
  pthread_join(a, NULL);
  pthread_join(r, NULL);
  close(client);
  CHECK(accepting.unblocked_at > done);
  CHECK(reading.unblocked_at > done);
  fixture_destroy(fx);
}
