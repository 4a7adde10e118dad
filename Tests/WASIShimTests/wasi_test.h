/*
 * Test harness for the WASI preview1 host (runtime-c/wasi): a fixture with
 * a guest memory, a temp directory tree and a context, and one
 * typed wrapper per preview1 function that calls it exactly as generated
 * code would: through the resolved wasmc_func's code pointer, with guest
 * addresses. Checks are those of Tests/Support/check.h.
 */
#ifndef WASI_TEST_H
#define WASI_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "wasmc_rt.h"
#include "wasmc_wasi.h"

/* ------------------------------------------------------------------------ */
/* WASI values the tests use                                                */
/* ------------------------------------------------------------------------ */

enum {
  E_SUCCESS = 0,
  E_AGAIN = 6,
  E_BADF = 8,
  E_BUSY = 10,
  E_EXIST = 20,
  E_FAULT = 21,
  E_ILSEQ = 25,
  E_INVAL = 28,
  E_ISDIR = 31,
  E_LOOP = 32,
  E_NAMETOOLONG = 37,
  E_NOENT = 44,
  E_NOTDIR = 54,
  E_NOTEMPTY = 55,
  E_NOTSOCK = 57,
  E_NOTSUP = 58,
  E_PERM = 63,
  E_PIPE = 64,
  E_SPIPE = 70,
  E_NOTCAPABLE = 76,
};

#define R_FD_READ (1ull << 1)
#define R_FD_SEEK (1ull << 2)
#define R_FD_TELL (1ull << 5)
#define R_FD_WRITE (1ull << 6)
#define R_FD_ALLOCATE (1ull << 8)
#define R_FD_FILESTAT_SET_SIZE (1ull << 22)
#define R_FD_READDIR (1ull << 14)
#define R_PATH_OPEN (1ull << 13)
#define R_ALL ((1ull << 30) - 1)
#define O_CREAT_ 1
#define O_DIRECTORY_ 2
#define O_EXCL_ 4
#define O_TRUNC_ 8
#define FD_APPEND_ 1
#define FD_DSYNC_ 2
#define FD_NONBLOCK_ 4
#define FOLLOW 1
#define NOFOLLOW 0

/* Guest fds of the fixture's pre-opens. */
enum { FD_SANDBOX = 3, FD_RO = 4, FD_LISTENER = 5 };

/* Guest addresses of scratch areas. */
enum {
  A_PATH = 1024,   /* first path argument */
  A_PATH2 = 2048,  /* second path argument */
  A_OUT = 4096,    /* results: fd, sizes, stat structs (64-byte slots) */
  A_IOV = 8192,    /* iovec arrays */
  A_BUF = 16384,   /* data buffers (16 KiB) */
  A_SUBS = 32768,  /* poll subscriptions */
  A_EVENTS = 49152 /* poll events */
};
#define GUEST_MEMORY_SIZE (2u * WASMC_PAGE_SIZE)
/* A guest address whose range runs past the end of memory. */
#define A_BAD (GUEST_MEMORY_SIZE - 2)

/* ------------------------------------------------------------------------ */
/* Fixture                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct fixture {
  wasmc_wasi *wasi;
  wasmc_memory memory;
  char dir[256];     /* temp root holding sandbox/, ro/, outside/ */
  char sandbox[300]; /* pre-opened read-write as /sandbox (fd 3) */
  char ro[300];      /* pre-opened read-only as /ro (fd 4) */
  char outside[300]; /* never pre-opened */
  int stdin_write;   /* test end of the guest's stdin pipe */
  int stdout_read;   /* test end of the guest's stdout pipe */
  int listener;      /* host listening socket when asked for, else -1 */
} fixture;

typedef struct fixture_options {
  bool with_listener; /* a 127.0.0.1 listener as guest fd 5 */
  bool no_openat2;    /* resolve every path component by component */
} fixture_options;

/* The fixture the wrappers below act on; one per thread. */
extern _Thread_local fixture *T;

fixture *fixture_create(fixture_options options);
void fixture_destroy(fixture *fx);
/* Host path of a file in the fixture tree, e.g. fx_path("sandbox/f"). */
const char *fx_path(const char *relative);
void write_host_file(const char *path, const char *content);
/* The file's content (static buffer), or "<missing>". */
const char *read_host_file(const char *path);

/* ------------------------------------------------------------------------ */
/* Guest memory helpers                                                     */
/* ------------------------------------------------------------------------ */

static inline uint8_t *mem(uint32_t addr) { return T->memory.data + addr; }
static inline uint32_t rd32(uint32_t addr) {
  uint32_t v;
  memcpy(&v, mem(addr), 4);
  return v;
}
static inline uint64_t rd64(uint32_t addr) {
  uint64_t v;
  memcpy(&v, mem(addr), 8);
  return v;
}
static inline uint16_t rd16(uint32_t addr) {
  uint16_t v;
  memcpy(&v, mem(addr), 2);
  return v;
}
static inline void wr32(uint32_t addr, uint32_t v) { memcpy(mem(addr), &v, 4); }
static inline void wr64(uint32_t addr, uint64_t v) { memcpy(mem(addr), &v, 8); }
/* Put a string at addr (no NUL); its length. */
static inline uint32_t put(uint32_t addr, const char *s) {
  size_t n = strlen(s);
  memcpy(mem(addr), s, n);
  return (uint32_t)n;
}
/* One iovec {buf, len} at A_IOV + 8 * index. */
static inline void iov(int index, uint32_t buf, uint32_t len) {
  wr32(A_IOV + 8 * index, buf);
  wr32(A_IOV + 8 * index + 4, len);
}

/* ------------------------------------------------------------------------ */
/* Calling preview1 functions the way generated code does                   */
/* ------------------------------------------------------------------------ */

/* The resolved function; aborts the test run if resolution fails. */
const wasmc_func *wasi_fn(const char *name);

typedef uint32_t u32;
typedef uint64_t u64;
#define WCALL(name, TYPES, ...) (((u32(*) TYPES)wasi_fn(#name)->code)(wasi_fn(#name)->env, __VA_ARGS__))

static inline u32 args_get(u32 a, u32 b) { return WCALL(args_get, (void *, u32, u32), a, b); }
static inline u32 args_sizes_get(u32 a, u32 b) { return WCALL(args_sizes_get, (void *, u32, u32), a, b); }
static inline u32 environ_get(u32 a, u32 b) { return WCALL(environ_get, (void *, u32, u32), a, b); }
static inline u32 environ_sizes_get(u32 a, u32 b) {
  return WCALL(environ_sizes_get, (void *, u32, u32), a, b);
}
static inline u32 clock_res_get(u32 id, u32 out) { return WCALL(clock_res_get, (void *, u32, u32), id, out); }
static inline u32 clock_time_get(u32 id, u64 precision, u32 out) {
  return WCALL(clock_time_get, (void *, u32, u64, u32), id, precision, out);
}
static inline u32 fd_advise(u32 fd, u64 off, u64 len, u32 advice) {
  return WCALL(fd_advise, (void *, u32, u64, u64, u32), fd, off, len, advice);
}
static inline u32 fd_allocate(u32 fd, u64 off, u64 len) {
  return WCALL(fd_allocate, (void *, u32, u64, u64), fd, off, len);
}
static inline u32 fd_close(u32 fd) { return WCALL(fd_close, (void *, u32), fd); }
static inline u32 fd_datasync(u32 fd) { return WCALL(fd_datasync, (void *, u32), fd); }
static inline u32 fd_fdstat_get(u32 fd, u32 out) { return WCALL(fd_fdstat_get, (void *, u32, u32), fd, out); }
static inline u32 fd_fdstat_set_flags(u32 fd, u32 flags) {
  return WCALL(fd_fdstat_set_flags, (void *, u32, u32), fd, flags);
}
static inline u32 fd_fdstat_set_rights(u32 fd, u64 base, u64 inh) {
  return WCALL(fd_fdstat_set_rights, (void *, u32, u64, u64), fd, base, inh);
}
static inline u32 fd_filestat_get(u32 fd, u32 out) {
  return WCALL(fd_filestat_get, (void *, u32, u32), fd, out);
}
static inline u32 fd_filestat_set_size(u32 fd, u64 size) {
  return WCALL(fd_filestat_set_size, (void *, u32, u64), fd, size);
}
static inline u32 fd_filestat_set_times(u32 fd, u64 atim, u64 mtim, u32 flags) {
  return WCALL(fd_filestat_set_times, (void *, u32, u64, u64, u32), fd, atim, mtim, flags);
}
static inline u32 fd_pread(u32 fd, u32 iovs, u32 n, u64 off, u32 out) {
  return WCALL(fd_pread, (void *, u32, u32, u32, u64, u32), fd, iovs, n, off, out);
}
static inline u32 fd_prestat_get(u32 fd, u32 out) {
  return WCALL(fd_prestat_get, (void *, u32, u32), fd, out);
}
static inline u32 fd_prestat_dir_name(u32 fd, u32 buf, u32 len) {
  return WCALL(fd_prestat_dir_name, (void *, u32, u32, u32), fd, buf, len);
}
static inline u32 fd_pwrite(u32 fd, u32 iovs, u32 n, u64 off, u32 out) {
  return WCALL(fd_pwrite, (void *, u32, u32, u32, u64, u32), fd, iovs, n, off, out);
}
static inline u32 fd_read(u32 fd, u32 iovs, u32 n, u32 out) {
  return WCALL(fd_read, (void *, u32, u32, u32, u32), fd, iovs, n, out);
}
static inline u32 fd_readdir(u32 fd, u32 buf, u32 len, u64 cookie, u32 out) {
  return WCALL(fd_readdir, (void *, u32, u32, u32, u64, u32), fd, buf, len, cookie, out);
}
static inline u32 fd_renumber(u32 from, u32 to) { return WCALL(fd_renumber, (void *, u32, u32), from, to); }
static inline u32 fd_seek(u32 fd, int64_t off, u32 whence, u32 out) {
  return WCALL(fd_seek, (void *, u32, u64, u32, u32), fd, (u64)off, whence, out);
}
static inline u32 fd_sync(u32 fd) { return WCALL(fd_sync, (void *, u32), fd); }
static inline u32 fd_tell(u32 fd, u32 out) { return WCALL(fd_tell, (void *, u32, u32), fd, out); }
static inline u32 fd_write(u32 fd, u32 iovs, u32 n, u32 out) {
  return WCALL(fd_write, (void *, u32, u32, u32, u32), fd, iovs, n, out);
}
static inline u32 path_create_directory(u32 fd, u32 p, u32 n) {
  return WCALL(path_create_directory, (void *, u32, u32, u32), fd, p, n);
}
static inline u32 path_filestat_get(u32 fd, u32 flags, u32 p, u32 n, u32 out) {
  return WCALL(path_filestat_get, (void *, u32, u32, u32, u32, u32), fd, flags, p, n, out);
}
static inline u32 path_filestat_set_times(u32 fd, u32 flags, u32 p, u32 n, u64 atim, u64 mtim, u32 fst) {
  return WCALL(path_filestat_set_times, (void *, u32, u32, u32, u32, u64, u64, u32), fd, flags, p, n, atim,
               mtim, fst);
}
static inline u32 path_link(u32 ofd, u32 oflags, u32 op, u32 on, u32 nfd, u32 np, u32 nn) {
  return WCALL(path_link, (void *, u32, u32, u32, u32, u32, u32, u32), ofd, oflags, op, on, nfd, np, nn);
}
static inline u32 path_open(u32 fd, u32 dirflags, u32 p, u32 n, u32 oflags, u64 base, u64 inh, u32 fdflags,
                            u32 out) {
  return WCALL(path_open, (void *, u32, u32, u32, u32, u32, u64, u64, u32, u32), fd, dirflags, p, n, oflags,
               base, inh, fdflags, out);
}
static inline u32 path_readlink(u32 fd, u32 p, u32 n, u32 buf, u32 len, u32 out) {
  return WCALL(path_readlink, (void *, u32, u32, u32, u32, u32, u32), fd, p, n, buf, len, out);
}
static inline u32 path_remove_directory(u32 fd, u32 p, u32 n) {
  return WCALL(path_remove_directory, (void *, u32, u32, u32), fd, p, n);
}
static inline u32 path_rename(u32 fd, u32 op, u32 on, u32 nfd, u32 np, u32 nn) {
  return WCALL(path_rename, (void *, u32, u32, u32, u32, u32, u32), fd, op, on, nfd, np, nn);
}
static inline u32 path_symlink(u32 op, u32 on, u32 fd, u32 np, u32 nn) {
  return WCALL(path_symlink, (void *, u32, u32, u32, u32, u32), op, on, fd, np, nn);
}
static inline u32 path_unlink_file(u32 fd, u32 p, u32 n) {
  return WCALL(path_unlink_file, (void *, u32, u32, u32), fd, p, n);
}
static inline u32 poll_oneoff(u32 in, u32 out, u32 n, u32 nevents) {
  return WCALL(poll_oneoff, (void *, u32, u32, u32, u32), in, out, n, nevents);
}
static inline u32 proc_raise(u32 sig) { return WCALL(proc_raise, (void *, u32), sig); }
static inline u32 sched_yield_(void) {
  return ((u32(*)(void *))wasi_fn("sched_yield")->code)(wasi_fn("sched_yield")->env);
}
static inline u32 random_get(u32 buf, u32 len) { return WCALL(random_get, (void *, u32, u32), buf, len); }
static inline u32 sock_accept(u32 fd, u32 flags, u32 out) {
  return WCALL(sock_accept, (void *, u32, u32, u32), fd, flags, out);
}
static inline u32 sock_recv(u32 fd, u32 iovs, u32 n, u32 flags, u32 len_out, u32 flags_out) {
  return WCALL(sock_recv, (void *, u32, u32, u32, u32, u32, u32), fd, iovs, n, flags, len_out, flags_out);
}
static inline u32 sock_send(u32 fd, u32 iovs, u32 n, u32 flags, u32 out) {
  return WCALL(sock_send, (void *, u32, u32, u32, u32, u32), fd, iovs, n, flags, out);
}
static inline u32 sock_shutdown(u32 fd, u32 how) { return WCALL(sock_shutdown, (void *, u32, u32), fd, how); }
void proc_exit_(u32 code); /* see test_main.c: returns after catching the exit */

/* ------------------------------------------------------------------------ */
/* Shorthands                                                               */
/* ------------------------------------------------------------------------ */

/* path_open of `path` beneath `dirfd`; the new fd in *fd. */
u32 open_at(u32 dirfd, const char *path, u32 lookup, u32 oflags, u64 rights, u32 fdflags, u32 *fd);
/* Write a string / read up to `cap` bytes through fd_write / fd_read. */
u32 write_str(u32 fd, const char *s);
u32 read_str(u32 fd, char *out, size_t cap);
/* path_* with one path: put it at A_PATH and pass (A_PATH, len). */
#define P1(s) A_PATH, put(A_PATH, s)
#define P2(s) A_PATH2, put(A_PATH2, s)
/* Build poll subscriptions at A_SUBS. */
void sub_clock(int index, u64 userdata, u32 clock, u64 timeout, u32 flags);
void sub_fd(int index, u64 userdata, u32 type, u32 fd);
u64 now_ns(void);

/* ------------------------------------------------------------------------ */
/* Tests                                                                    */
/* ------------------------------------------------------------------------ */

typedef void (*test_fn)(void);
// clang-format off
#define TEST_LIST(X)                                                          \
  X(test_resolve) X(test_create_errors) X(test_unbound_memory)                \
  X(test_args_environ) X(test_clocks) X(test_random) X(test_proc)             \
  X(test_fdstat) X(test_prestat) X(test_file_io) X(test_stdio)                \
  X(test_filestat) X(test_advise_allocate_sync) X(test_set_flags)             \
  X(test_rights) X(test_open_rights) X(test_renumber_close) X(test_readdir) X(test_path_ops)      \
  X(test_path_open_flags) X(test_escapes_openat2) X(test_escapes_walker)      \
  X(test_escape_race) X(test_read_only) X(test_memory_moves)                  \
  X(test_poll_clocks) X(test_poll_fds) X(test_poll_stdio_flags)         \
  X(test_poll_errors) X(test_poll_hook)                    \
  X(test_sockets) X(test_socket_nonblocking) X(test_socket_many_clients)      \
  X(test_poll_registrations)                                                  \
  X(test_concurrent_contexts)
// clang-format on
#define DECLARE_TEST(name) void name(void);
TEST_LIST(DECLARE_TEST)

#endif /* WASI_TEST_H */
