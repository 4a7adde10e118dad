/*
 * Runner and fixture for the WASI shim tests. Each test runs in a forked
 * child (check_run of Tests/Support/check.h), so a crash fails that test
 * instead of the run. The last line of output is "N passed, M failed",
 * counting checks.
 *
 * The core runtime (runtime-c/core) is linked in: proc_exit and the poll
 * hook's traps go through its trap frames.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wasi_test.h"

CHECK_COUNTERS;
_Thread_local fixture *T;

/* ------------------------------------------------------------------------ */
/* proc_exit through the core runtime's trap frames                         */
/* ------------------------------------------------------------------------ */

void proc_exit_(u32 code) {
  wasmc_trap_frame frame;
  const wasmc_func *proc_exit = wasi_fn("proc_exit");
  bool returned = WASMC_TRY(frame, ((void (*)(void *, u32))proc_exit->code)(proc_exit->env, code));
  CHECK(!returned);
  CHECK_EQ(frame.info.kind, WASMC_TRAP_EXIT);
  CHECK_EQ(frame.info.exit_code, (int)code);
}

/* ------------------------------------------------------------------------ */
/* Fixture                                                                  */
/* ------------------------------------------------------------------------ */

const wasmc_func *wasi_fn(const char *name) {
  wasmc_extern ext;
  if (!wasmc_wasi_resolve(T->wasi, name, wasmc_wasi_func_type(name), &ext)) {
    fprintf(stderr, "cannot resolve %s\n", name);
    abort();
  }
  return ext.as.func;
}

void write_host_file(const char *path, const char *content) {
  FILE *f = fopen(path, "w");
  if (f == NULL) {
    perror(path);
    abort();
  }
  fputs(content, f);
  fclose(f);
}

const char *read_host_file(const char *path) {
  static char buf[4096];
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return "<missing>";
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  buf[n < 0 ? 0 : n] = '\0';
  return buf;
}

const char *fx_path(const char *relative) {
  static _Thread_local char buf[2][600];
  static _Thread_local int which;
  which ^= 1;
  snprintf(buf[which], sizeof buf[which], "%s/%s", T->dir, relative);
  return buf[which];
}

static void must(int result, const char *what) {
  if (result != 0) {
    perror(what);
    abort();
  }
}

/*
 * sandbox/            pre-opened read-write as /sandbox
 *   f                 "hello world"
 *   d/inner.txt       "inner"
 *   link_in -> f, link_dir -> d, link_loop -> link_loop
 *   link_abs -> <abs>/outside/secret, link_up -> ../outside/secret
 *   link_updir -> ../outside, link_dotdot -> ..
 *   link_dangling_out -> ../outside/newfile, link_dangling_in -> made_by_link
 * ro/                 pre-opened read-only as /ro
 *   rf "ro data", rd/
 * outside/secret      "secret" (never reachable)
 */
fixture *fixture_create(fixture_options options) {
  fixture *fx = calloc(1, sizeof *fx);
  T = fx;
  snprintf(fx->dir, sizeof fx->dir, "/tmp/wasi-test-XXXXXX");
  if (mkdtemp(fx->dir) == NULL)
    abort();
  snprintf(fx->sandbox, sizeof fx->sandbox, "%s/sandbox", fx->dir);
  snprintf(fx->ro, sizeof fx->ro, "%s/ro", fx->dir);
  snprintf(fx->outside, sizeof fx->outside, "%s/outside", fx->dir);
  must(mkdir(fx->sandbox, 0755), "mkdir");
  must(mkdir(fx->ro, 0755), "mkdir");
  must(mkdir(fx->outside, 0755), "mkdir");
  must(mkdir(fx_path("sandbox/d"), 0755), "mkdir");
  must(mkdir(fx_path("ro/rd"), 0755), "mkdir");
  write_host_file(fx_path("sandbox/f"), "hello world");
  write_host_file(fx_path("sandbox/d/inner.txt"), "inner");
  write_host_file(fx_path("ro/rf"), "ro data");
  write_host_file(fx_path("outside/secret"), "secret");
  const char *links[][2] = {
      {"f", "sandbox/link_in"},
      {"d", "sandbox/link_dir"},
      {"link_loop", "sandbox/link_loop"},
      {fx_path("outside/secret"), "sandbox/link_abs"},
      {"../outside/secret", "sandbox/link_up"},
      {"../outside", "sandbox/link_updir"},
      {"..", "sandbox/link_dotdot"},
      {"../outside/newfile", "sandbox/link_dangling_out"},
      {"made_by_link", "sandbox/link_dangling_in"},
  };
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
    char target[600];
    snprintf(target, sizeof target, "%s", links[i][0]);
    must(symlink(target, fx_path(links[i][1])), "symlink");
  }

  int in_pipe[2], out_pipe[2];
  must(pipe2(in_pipe, O_CLOEXEC), "pipe");
  must(pipe2(out_pipe, O_CLOEXEC), "pipe");
  fx->stdin_write = in_pipe[1];
  fx->stdout_read = out_pipe[0];
  fx->listener = -1;
  char error[256];
  if (options.with_listener) {
    fx->listener = wasmc_wasi_listen_tcp("127.0.0.1:0", error, sizeof error);
    if (fx->listener < 0) {
      fprintf(stderr, "%s\n", error);
      abort();
    }
  }

  fx->memory.data = calloc(1, GUEST_MEMORY_SIZE);
  fx->memory.size = GUEST_MEMORY_SIZE;
  fx->memory.pages = GUEST_MEMORY_SIZE / WASMC_PAGE_SIZE;
  fx->memory.max_pages = fx->memory.pages;
  fx->memory.has_max = true;

  static const char *const argv[] = {"prog", "a b", ""};
  static const char *const envp[] = {"K=V", "EMPTY="};
  wasmc_wasi_preopen preopens[] = {
      {fx->sandbox, "/sandbox", false},
      {fx->ro, "/ro", true},
  };
  wasmc_wasi_config config;
  wasmc_wasi_config_init(&config);
  config.argc = 3;
  config.argv = argv;
  config.envc = 2;
  config.envp = envp;
  config.preopen_count = 2;
  config.preopens = preopens;
  config.socket_count = options.with_listener ? 1 : 0;
  config.listen_sockets = &fx->listener;
  config.stdin_fd = in_pipe[0];
  config.stdout_fd = out_pipe[1];
  config.stderr_fd = out_pipe[1];
  if (options.no_openat2)
    setenv("WASMC_WASI_NO_OPENAT2", "1", 1);
  fx->wasi = wasmc_wasi_create(&config, error, sizeof error);
  if (options.no_openat2)
    unsetenv("WASMC_WASI_NO_OPENAT2");
  if (fx->wasi == NULL) {
    fprintf(stderr, "wasmc_wasi_create: %s\n", error);
    abort();
  }
  /* The context holds duplicates; the guest's ends are closed here. */
  close(in_pipe[0]);
  close(out_pipe[1]);
  wasmc_wasi_bind_memory(fx->wasi, &fx->memory);
  return fx;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(path);
}

void fixture_destroy(fixture *fx) {
  wasmc_wasi_destroy(fx->wasi);
  nftw(fx->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  close(fx->stdin_write);
  close(fx->stdout_read);
  if (fx->listener >= 0)
    close(fx->listener);
  free(fx->memory.data);
  free(fx);
  if (T == fx)
    T = NULL;
}

/* ------------------------------------------------------------------------ */
/* Shorthands                                                               */
/* ------------------------------------------------------------------------ */

u32 open_at(u32 dirfd, const char *path, u32 lookup, u32 oflags, u64 rights, u32 fdflags, u32 *fd) {
  wr32(A_OUT, 0xdeadbeef);
  u32 error = path_open(dirfd, lookup, P1(path), oflags, rights, R_ALL, fdflags, A_OUT);
  if (fd != NULL)
    *fd = error == 0 ? rd32(A_OUT) : 0xffffffffu;
  return error;
}

u32 write_str(u32 fd, const char *s) {
  iov(0, A_BUF, put(A_BUF, s));
  return fd_write(fd, A_IOV, 1, A_OUT);
}

u32 read_str(u32 fd, char *out, size_t cap) {
  iov(0, A_BUF, (u32)cap - 1);
  u32 error = fd_read(fd, A_IOV, 1, A_OUT);
  size_t n = error == 0 ? rd32(A_OUT) : 0;
  memcpy(out, mem(A_BUF), n);
  out[n] = '\0';
  return error;
}

void sub_clock(int index, u64 userdata, u32 clock, u64 timeout, u32 flags) {
  u32 at = A_SUBS + 48 * (u32)index;
  memset(mem(at), 0, 48);
  wr64(at, userdata);
  mem(at)[8] = 0;
  wr32(at + 16, clock);
  wr64(at + 24, timeout);
  wr64(at + 32, 0);
  memcpy(mem(at + 40), &(uint16_t){(uint16_t)flags}, 2);
}

void sub_fd(int index, u64 userdata, u32 type, u32 fd) {
  u32 at = A_SUBS + 48 * (u32)index;
  memset(mem(at), 0, 48);
  wr64(at, userdata);
  mem(at)[8] = (uint8_t)type;
  wr32(at + 16, fd);
}

u64 now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (u64)ts.tv_sec * 1000000000u + (u64)ts.tv_nsec;
}

/* ------------------------------------------------------------------------ */
/* Runner                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct test_case {
  const char *name;
  test_fn fn;
} test_case;

#define TEST_ENTRY(name) {#name, name},
static const test_case tests[] = {TEST_LIST(TEST_ENTRY)};

int main(int argc, char **argv) {
  /* Writes to a closed socket or pipe must come back as EPIPE without a
   * process-wide SIG_IGN; the host masks SIGPIPE per call. */
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    if (argc > 1 && strstr(tests[i].name, argv[1]) == NULL)
      continue;
    check_run(tests[i].name, tests[i].fn);
  }
  return check_summary();
}
