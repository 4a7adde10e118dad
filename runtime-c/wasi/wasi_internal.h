/*
 * Internals of the WASI preview1 host: the types of the preview1 ABI
 * (witx "wasi_snapshot_preview1"), the context and its descriptor table,
 * guest-memory helpers and the functions shared between the wasi_*.c files.
 * Nothing here is part of the runtime's public ABI.
 */
#ifndef WASMC_WASI_INTERNAL_H
#define WASMC_WASI_INTERNAL_H

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <sys/uio.h>
#include <uv.h>

#include "wasmc_rt.h"
#include "wasmc_wasi.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the WASI host copies guest structs as little-endian memory"
#endif

/* ------------------------------------------------------------------------ */
/* Preview1 ABI types                                                       */
/* ------------------------------------------------------------------------ */

typedef uint16_t wasi_errno;

enum {
  WASI_ESUCCESS = 0,
  WASI_E2BIG = 1,
  WASI_EACCES = 2,
  WASI_EADDRINUSE = 3,
  WASI_EADDRNOTAVAIL = 4,
  WASI_EAFNOSUPPORT = 5,
  WASI_EAGAIN = 6,
  WASI_EALREADY = 7,
  WASI_EBADF = 8,
  WASI_EBADMSG = 9,
  WASI_EBUSY = 10,
  WASI_ECANCELED = 11,
  WASI_ECHILD = 12,
  WASI_ECONNABORTED = 13,
  WASI_ECONNREFUSED = 14,
  WASI_ECONNRESET = 15,
  WASI_EDEADLK = 16,
  WASI_EDESTADDRREQ = 17,
  WASI_EDOM = 18,
  WASI_EDQUOT = 19,
  WASI_EEXIST = 20,
  WASI_EFAULT = 21,
  WASI_EFBIG = 22,
  WASI_EHOSTUNREACH = 23,
  WASI_EIDRM = 24,
  WASI_EILSEQ = 25,
  WASI_EINPROGRESS = 26,
  WASI_EINTR = 27,
  WASI_EINVAL = 28,
  WASI_EIO = 29,
  WASI_EISCONN = 30,
  WASI_EISDIR = 31,
  WASI_ELOOP = 32,
  WASI_EMFILE = 33,
  WASI_EMLINK = 34,
  WASI_EMSGSIZE = 35,
  WASI_EMULTIHOP = 36,
  WASI_ENAMETOOLONG = 37,
  WASI_ENETDOWN = 38,
  WASI_ENETRESET = 39,
  WASI_ENETUNREACH = 40,
  WASI_ENFILE = 41,
  WASI_ENOBUFS = 42,
  WASI_ENODEV = 43,
  WASI_ENOENT = 44,
  WASI_ENOEXEC = 45,
  WASI_ENOLCK = 46,
  WASI_ENOLINK = 47,
  WASI_ENOMEM = 48,
  WASI_ENOMSG = 49,
  WASI_ENOPROTOOPT = 50,
  WASI_ENOSPC = 51,
  WASI_ENOSYS = 52,
  WASI_ENOTCONN = 53,
  WASI_ENOTDIR = 54,
  WASI_ENOTEMPTY = 55,
  WASI_ENOTRECOVERABLE = 56,
  WASI_ENOTSOCK = 57,
  WASI_ENOTSUP = 58,
  WASI_ENOTTY = 59,
  WASI_ENXIO = 60,
  WASI_EOVERFLOW = 61,
  WASI_EOWNERDEAD = 62,
  WASI_EPERM = 63,
  WASI_EPIPE = 64,
  WASI_EPROTO = 65,
  WASI_EPROTONOSUPPORT = 66,
  WASI_EPROTOTYPE = 67,
  WASI_ERANGE = 68,
  WASI_EROFS = 69,
  WASI_ESPIPE = 70,
  WASI_ESRCH = 71,
  WASI_ESTALE = 72,
  WASI_ETIMEDOUT = 73,
  WASI_ETXTBSY = 74,
  WASI_EXDEV = 75,
  WASI_ENOTCAPABLE = 76,
};

/*
 * What a sandbox escape (absolute path, `..` above the pre-open, symlink
 * leading out) and a mutation of a read-only pre-open answer. wasmtime
 * (cap-std) answers EPERM for both; kept in one place in case that changes.
 */
#define WASI_ESCAPE WASI_EPERM
#define WASI_EREADONLY WASI_EPERM

enum {
  WASI_RIGHT_FD_DATASYNC = 1u << 0,
  WASI_RIGHT_FD_READ = 1u << 1,
  WASI_RIGHT_FD_SEEK = 1u << 2,
  WASI_RIGHT_FD_FDSTAT_SET_FLAGS = 1u << 3,
  WASI_RIGHT_FD_SYNC = 1u << 4,
  WASI_RIGHT_FD_TELL = 1u << 5,
  WASI_RIGHT_FD_WRITE = 1u << 6,
  WASI_RIGHT_FD_ADVISE = 1u << 7,
  WASI_RIGHT_FD_ALLOCATE = 1u << 8,
  WASI_RIGHT_PATH_CREATE_DIRECTORY = 1u << 9,
  WASI_RIGHT_PATH_CREATE_FILE = 1u << 10,
  WASI_RIGHT_PATH_LINK_SOURCE = 1u << 11,
  WASI_RIGHT_PATH_LINK_TARGET = 1u << 12,
  WASI_RIGHT_PATH_OPEN = 1u << 13,
  WASI_RIGHT_FD_READDIR = 1u << 14,
  WASI_RIGHT_PATH_READLINK = 1u << 15,
  WASI_RIGHT_PATH_RENAME_SOURCE = 1u << 16,
  WASI_RIGHT_PATH_RENAME_TARGET = 1u << 17,
  WASI_RIGHT_PATH_FILESTAT_GET = 1u << 18,
  WASI_RIGHT_PATH_FILESTAT_SET_SIZE = 1u << 19,
  WASI_RIGHT_PATH_FILESTAT_SET_TIMES = 1u << 20,
  WASI_RIGHT_FD_FILESTAT_GET = 1u << 21,
  WASI_RIGHT_FD_FILESTAT_SET_SIZE = 1u << 22,
  WASI_RIGHT_FD_FILESTAT_SET_TIMES = 1u << 23,
  WASI_RIGHT_PATH_SYMLINK = 1u << 24,
  WASI_RIGHT_PATH_REMOVE_DIRECTORY = 1u << 25,
  WASI_RIGHT_PATH_UNLINK_FILE = 1u << 26,
  WASI_RIGHT_POLL_FD_READWRITE = 1u << 27,
  WASI_RIGHT_SOCK_SHUTDOWN = 1u << 28,
  WASI_RIGHT_SOCK_ACCEPT = 1u << 29,
};
#define WASI_RIGHTS_ALL ((uint64_t)(1u << 30) - 1)

/* Rights of a pre-opened directory: the set wasmtime reports. */
#define WASI_RIGHTS_PREOPEN_BASE                                                                             \
  ((uint64_t)(WASI_RIGHT_PATH_CREATE_DIRECTORY | WASI_RIGHT_PATH_CREATE_FILE | WASI_RIGHT_PATH_LINK_SOURCE | \
              WASI_RIGHT_PATH_LINK_TARGET | WASI_RIGHT_PATH_OPEN | WASI_RIGHT_FD_READDIR |                   \
              WASI_RIGHT_PATH_READLINK | WASI_RIGHT_PATH_RENAME_SOURCE | WASI_RIGHT_PATH_RENAME_TARGET |     \
              WASI_RIGHT_PATH_SYMLINK | WASI_RIGHT_PATH_REMOVE_DIRECTORY | WASI_RIGHT_PATH_UNLINK_FILE |     \
              WASI_RIGHT_PATH_FILESTAT_GET | WASI_RIGHT_PATH_FILESTAT_SET_TIMES |                            \
              WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_SET_TIMES))
#define WASI_RIGHTS_PREOPEN_INHERITING                                                              \
  (WASI_RIGHTS_PREOPEN_BASE | WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK |    \
   WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_TELL | WASI_RIGHT_FD_WRITE | \
   WASI_RIGHT_FD_ADVISE | WASI_RIGHT_FD_ALLOCATE | WASI_RIGHT_FD_FILESTAT_SET_SIZE |                \
   WASI_RIGHT_POLL_FD_READWRITE)
/* A directory can't be written, seeked or truncated. */
#define WASI_RIGHTS_DIRECTORY_MASK \
  (WASI_RIGHTS_ALL & ~(uint64_t)(WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_FILESTAT_SET_SIZE))
#define WASI_RIGHTS_SOCKET                                                                \
  ((uint64_t)(WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_FDSTAT_SET_FLAGS | \
              WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_POLL_FD_READWRITE | WASI_RIGHT_SOCK_SHUTDOWN))

enum {
  WASI_FILETYPE_UNKNOWN = 0,
  WASI_FILETYPE_BLOCK_DEVICE = 1,
  WASI_FILETYPE_CHARACTER_DEVICE = 2,
  WASI_FILETYPE_DIRECTORY = 3,
  WASI_FILETYPE_REGULAR_FILE = 4,
  WASI_FILETYPE_SOCKET_DGRAM = 5,
  WASI_FILETYPE_SOCKET_STREAM = 6,
  WASI_FILETYPE_SYMBOLIC_LINK = 7,
};

enum {
  WASI_FDFLAG_APPEND = 1 << 0,
  WASI_FDFLAG_DSYNC = 1 << 1,
  WASI_FDFLAG_NONBLOCK = 1 << 2,
  WASI_FDFLAG_RSYNC = 1 << 3,
  WASI_FDFLAG_SYNC = 1 << 4,
  WASI_FDFLAGS_ALL = (1 << 5) - 1,
};

enum {
  WASI_OFLAG_CREAT = 1 << 0,
  WASI_OFLAG_DIRECTORY = 1 << 1,
  WASI_OFLAG_EXCL = 1 << 2,
  WASI_OFLAG_TRUNC = 1 << 3,
  WASI_OFLAGS_ALL = (1 << 4) - 1,
};

enum { WASI_LOOKUP_SYMLINK_FOLLOW = 1 << 0 };

enum {
  WASI_FSTFLAG_ATIM = 1 << 0,
  WASI_FSTFLAG_ATIM_NOW = 1 << 1,
  WASI_FSTFLAG_MTIM = 1 << 2,
  WASI_FSTFLAG_MTIM_NOW = 1 << 3,
};

enum {
  WASI_CLOCK_REALTIME = 0,
  WASI_CLOCK_MONOTONIC = 1,
  WASI_CLOCK_PROCESS_CPUTIME = 2,
  WASI_CLOCK_THREAD_CPUTIME = 3,
};

enum {
  WASI_EVENTTYPE_CLOCK = 0,
  WASI_EVENTTYPE_FD_READ = 1,
  WASI_EVENTTYPE_FD_WRITE = 2,
};
enum { WASI_SUBCLOCK_ABSTIME = 1 << 0 };
enum { WASI_EVENT_FD_READWRITE_HANGUP = 1 << 0 };

enum { WASI_RIFLAG_RECV_PEEK = 1 << 0, WASI_RIFLAG_RECV_WAITALL = 1 << 1 };
enum { WASI_ROFLAG_RECV_DATA_TRUNCATED = 1 << 0 };
enum { WASI_SDFLAG_RD = 1 << 0, WASI_SDFLAG_WR = 1 << 1 };

/* Sizes and field offsets of the guest structs (witx layout). */
enum {
  WASI_IOVEC_SIZE = 8,     /* buf u32 @0, buf_len u32 @4 */
  WASI_FDSTAT_SIZE = 24,   /* filetype u8 @0, flags u16 @2, rights @8, @16 */
  WASI_FILESTAT_SIZE = 64, /* dev, ino, filetype u8 @16, nlink @24, size,
                                atim, mtim, ctim */
  WASI_PRESTAT_SIZE = 8,   /* tag u8 @0, name_len u32 @4 */
  WASI_DIRENT_SIZE = 24,   /* d_next, d_ino, d_namlen u32 @16, d_type @20 */
  WASI_SUBSCRIPTION_SIZE = 48,
  WASI_EVENT_SIZE = 32,
};

/* ------------------------------------------------------------------------ */
/* The context                                                              */
/* ------------------------------------------------------------------------ */

typedef enum wasi_fd_kind {
  WASI_FD_CLOSED = 0,
  WASI_FD_STDIN,    /* a stream the guest reads (guest fd 0) */
  WASI_FD_STDOUT,   /* a stream the guest writes (guest fds 1 and 2) */
  WASI_FD_FILE,     /* anything opened by path_open that isn't a directory */
  WASI_FD_DIR,      /* a pre-opened or opened directory */
  WASI_FD_LISTENER, /* a pre-opened listening socket */
  WASI_FD_SOCKET,   /* a connection from sock_accept */
} wasi_fd_kind;

/* Where fd_readdir left off, so sequential reads don't rescan. */
typedef struct wasi_dir_position {
  uint64_t cookie;
  long location;
} wasi_dir_position;

typedef struct wasi_fd {
  wasi_fd_kind kind;
  int host;         /* owned host descriptor */
  int poll_host;    /* stdio: a private description to poll, else -1 */
  uint8_t filetype; /* what fd_fdstat_get reports */
  uint16_t flags;   /* WASI_FDFLAG_* */
  uint64_t rights_base;
  uint64_t rights_inheriting;
  bool read_only;     /* under a read-only pre-open */
  bool may_sigpipe;   /* a pipe or socket: writes must not raise SIGPIPE */
  char *preopen_name; /* guest path of a pre-opened directory, else NULL */
  DIR *dir_stream;    /* fd_readdir state, lazily opened */
  wasi_dir_position dir_positions[2];
  /* Sockets: the libuv registration poll_oneoff keeps between calls. */
  struct wasi_registration *registration;
} wasi_fd;

#define WASI_FUNC_COUNT 46

/* Runs the host's poll hook: >0 it delivered, <0 stop the guest, 0 nothing. */
int wasi_run_poll_hook(wasmc_wasi *wasi);
#define WASI_MAX_FDS 65536u

struct wasmc_wasi {
  wasmc_memory *memory;
  /* argv and environ as NUL-terminated strings back to back. */
  char *args;
  uint32_t args_count, args_size;
  char *environ;
  uint32_t environ_count, environ_size;
  wasi_fd **fds; /* NULL slots are closed; entries never move */
  uint32_t fd_capacity;
  uv_loop_t loop;
  /* The host's poll hook (see wasmc_wasi_set_poll_hook) and its wake-up. */
  wasmc_wasi_poll_hook poll_hook;
  void *poll_hook_data;
  uv_async_t wakeup;
  bool woken;       /* set on the loop thread by the wake-up's callback */
  bool use_openat2; /* cleared when the kernel lacks it */
  /* Socket registrations started by poll_oneoff (wasi_poll.c), and the call
     that last used them: one not used by the latest call is stopped. */
  struct wasi_registration **registrations;
  uint32_t registration_count, registration_capacity;
  uint32_t poll_generation;
  wasmc_func funcs[WASI_FUNC_COUNT];
};

/* ------------------------------------------------------------------------ */
/* Guest memory                                                             */
/* ------------------------------------------------------------------------ */

/* Host pointer for guest [addr, addr+len), or NULL (answer EFAULT). */
static inline uint8_t *wasi_mem(wasmc_wasi *wasi, uint64_t addr, uint64_t len) {
  return wasi->memory ? (uint8_t *)wasmc_memory_ptr(wasi->memory, addr, len) : NULL;
}
static inline uint16_t wasi_load16(const uint8_t *p) {
  uint16_t v;
  memcpy(&v, p, 2);
  return v;
}
static inline uint32_t wasi_load32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static inline uint64_t wasi_load64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}
static inline void wasi_store16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void wasi_store32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void wasi_store64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* Store a u32/u64 result at a guest address; EFAULT when out of bounds. */
wasi_errno wasip1_store_u32(wasmc_wasi *wasi, uint32_t addr, uint32_t value);
wasi_errno wasip1_store_u64(wasmc_wasi *wasi, uint32_t addr, uint64_t value);

/* Most iovecs one call passes to the host; a longer list is a short transfer. */
#define WASI_MAX_IOVS 256

/*
 * Turn a guest iovec array into host iovecs pointing into guest memory.
 * Checks the array and every buffer; the total is capped at UINT32_MAX.
 */
wasi_errno wasip1_iovecs(wasmc_wasi *wasi, uint32_t iovs, uint32_t iovs_len, struct iovec *out,
                         int *out_count);

/* ------------------------------------------------------------------------ */
/* Descriptor table (wasi_context.c)                                        */
/* ------------------------------------------------------------------------ */

/* The open entry for a guest fd, or NULL (answer EBADF). */
wasi_fd *wasip1_fd(wasmc_wasi *wasi, uint32_t fd);
/*
 * Put a copy of `entry` at the lowest free guest fd. On failure (EMFILE,
 * ENOMEM) the caller still owns entry->host.
 */
wasi_errno wasip1_fd_insert(wasmc_wasi *wasi, const wasi_fd *entry, uint32_t *fd);
/* Close a guest fd: release what it owns and free the slot. */
void wasip1_fd_remove(wasmc_wasi *wasi, uint32_t fd);

/*
 * Rights check: EBADF when FD_READ or FD_WRITE is missing (what wasmtime and
 * POSIX answer for a descriptor not open for it), ENOTCAPABLE otherwise.
 */
wasi_errno wasip1_need(const wasi_fd *entry, uint64_t rights);
/* Fill a guest filestat (64 bytes at `out`) from a host stat. */
void wasip1_write_filestat(uint8_t *out, int host_fd, const struct stat *st);
/* Timestamps for futimens/utimensat from preview1 arguments (EINVAL). */
wasi_errno wasip1_times(uint64_t atim, uint64_t mtim, uint32_t fst_flags, struct timespec times[2]);

/* The WASI errno for a host errno value. */
wasi_errno wasip1_errno(int host_errno);
/* The WASI filetype of a host st_mode (sockets asked for their type). */
uint8_t wasip1_filetype(int host_fd, mode_t mode);

/* ------------------------------------------------------------------------ */
/* Path resolution beneath a directory (wasi_resolve.c)                     */
/* ------------------------------------------------------------------------ */

enum {
  WASI_RESOLVE_FOLLOW = 1 << 0, /* follow a symlink in the last component */
  /* A trailing slash makes the last component followed (queries, open). */
  WASI_RESOLVE_SLASH_FOLLOWS = 1 << 1,
};

/* A guest path resolved to a directory and one last component. */
typedef struct wasi_resolved {
  int dir;                 /* host directory holding `name` */
  bool dir_owned;          /* `dir` must be closed by wasip1_resolved_release */
  bool trailing_slash;     /* the guest path ended in '/' */
  char name[NAME_MAX + 2]; /* last component, "." for the directory itself */
} wasi_resolved;

/*
 * Read a path string from guest memory into a NUL-terminated host buffer:
 * EFAULT, EILSEQ (not UTF-8), EINVAL (embedded NUL), ENAMETOOLONG.
 */
wasi_errno wasip1_read_path(wasmc_wasi *wasi, uint32_t addr, uint32_t len, char **out);
/* Resolve `path` beneath directory entry `base`. */
wasi_errno wasip1_resolve(wasmc_wasi *wasi, const wasi_fd *base, const char *path, unsigned flags,
                          wasi_resolved *out);
void wasip1_resolved_release(wasi_resolved *resolved);
/* `name`, with the guest's trailing slash put back for the kernel to check. */
const char *wasip1_resolved_name_slashed(wasi_resolved *resolved);
/*
 * openat() beneath `base` as one step: openat2(RESOLVE_BENEATH) when the
 * kernel has it, else wasip1_resolve + openat(O_NOFOLLOW). `follow` says
 * whether a symlink in the last component is followed.
 */
int wasip1_open_beneath(wasmc_wasi *wasi, const wasi_fd *base, const char *path, int open_flags, mode_t mode,
                        bool follow, wasi_errno *error);

/* ------------------------------------------------------------------------ */
/* Blocking and I/O helpers (wasi_poll.c, wasi_io.c)                        */
/* ------------------------------------------------------------------------ */

/* The host fd to wait on for an entry (uv_poll makes it O_NONBLOCK). */
static inline int wasi_poll_fd(const wasi_fd *entry) {
  return entry->poll_host >= 0 ? entry->poll_host : entry->host;
}
/* Block on the context's loop until `host_fd` is ready for `uv_events`. */
wasi_errno wasip1_wait_fd(wasmc_wasi *wasi, int host_fd, int uv_events);
/* The entry is going away: stop and free its poll registration (before its
   host descriptor is closed). */
void wasip1_poll_forget(wasmc_wasi *wasi, wasi_fd *entry);
/* readv/writev honoring blocking mode, EINTR and (writes) SIGPIPE. */
wasi_errno wasip1_stream_read(wasmc_wasi *wasi, wasi_fd *entry, struct iovec *iov, int iov_count,
                              int msg_flags, size_t *nread);
wasi_errno wasip1_stream_write(wasmc_wasi *wasi, wasi_fd *entry, const struct iovec *iov, int iov_count,
                               size_t *nwritten);

/* ------------------------------------------------------------------------ */
/* The preview1 functions                                                   */
/* ------------------------------------------------------------------------ */

/* wasi_misc.c */
uint32_t wasip1_args_get(void *env, uint32_t argv, uint32_t argv_buf);
uint32_t wasip1_args_sizes_get(void *env, uint32_t argc, uint32_t size);
uint32_t wasip1_environ_get(void *env, uint32_t environ, uint32_t buf);
uint32_t wasip1_environ_sizes_get(void *env, uint32_t count, uint32_t size);
uint32_t wasip1_clock_res_get(void *env, uint32_t id, uint32_t result);
uint32_t wasip1_clock_time_get(void *env, uint32_t id, uint64_t precision, uint32_t result);
uint32_t wasip1_random_get(void *env, uint32_t buf, uint32_t len);
void wasip1_proc_exit(void *env, uint32_t code);
uint32_t wasip1_proc_raise(void *env, uint32_t signal);
uint32_t wasip1_sched_yield(void *env);

/* wasi_fd.c */
uint32_t wasip1_fd_advise(void *env, uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice);
uint32_t wasip1_fd_allocate(void *env, uint32_t fd, uint64_t offset, uint64_t len);
uint32_t wasip1_fd_close(void *env, uint32_t fd);
uint32_t wasip1_fd_datasync(void *env, uint32_t fd);
uint32_t wasip1_fd_fdstat_get(void *env, uint32_t fd, uint32_t result);
uint32_t wasip1_fd_fdstat_set_flags(void *env, uint32_t fd, uint32_t flags);
uint32_t wasip1_fd_fdstat_set_rights(void *env, uint32_t fd, uint64_t base, uint64_t inheriting);
uint32_t wasip1_fd_filestat_get(void *env, uint32_t fd, uint32_t result);
uint32_t wasip1_fd_filestat_set_size(void *env, uint32_t fd, uint64_t size);
uint32_t wasip1_fd_filestat_set_times(void *env, uint32_t fd, uint64_t atim, uint64_t mtim,
                                      uint32_t fst_flags);
uint32_t wasip1_fd_prestat_get(void *env, uint32_t fd, uint32_t result);
uint32_t wasip1_fd_prestat_dir_name(void *env, uint32_t fd, uint32_t path, uint32_t path_len);
uint32_t wasip1_fd_renumber(void *env, uint32_t from, uint32_t to);
uint32_t wasip1_fd_seek(void *env, uint32_t fd, uint64_t offset, uint32_t whence, uint32_t result);
uint32_t wasip1_fd_sync(void *env, uint32_t fd);
uint32_t wasip1_fd_tell(void *env, uint32_t fd, uint32_t result);

/* wasi_io.c */
uint32_t wasip1_fd_read(void *env, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nread);
uint32_t wasip1_fd_pread(void *env, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
                         uint32_t nread);
uint32_t wasip1_fd_write(void *env, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nwritten);
uint32_t wasip1_fd_pwrite(void *env, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
                          uint32_t nwritten);
uint32_t wasip1_fd_readdir(void *env, uint32_t fd, uint32_t buf, uint32_t buf_len, uint64_t cookie,
                           uint32_t bufused);

/* wasi_path.c */
uint32_t wasip1_path_create_directory(void *env, uint32_t fd, uint32_t path, uint32_t path_len);
uint32_t wasip1_path_filestat_get(void *env, uint32_t fd, uint32_t flags, uint32_t path, uint32_t path_len,
                                  uint32_t result);
uint32_t wasip1_path_filestat_set_times(void *env, uint32_t fd, uint32_t flags, uint32_t path,
                                        uint32_t path_len, uint64_t atim, uint64_t mtim, uint32_t fst_flags);
uint32_t wasip1_path_link(void *env, uint32_t old_fd, uint32_t old_flags, uint32_t old_path,
                          uint32_t old_path_len, uint32_t new_fd, uint32_t new_path, uint32_t new_path_len);
uint32_t wasip1_path_open(void *env, uint32_t fd, uint32_t dirflags, uint32_t path, uint32_t path_len,
                          uint32_t oflags, uint64_t rights_base, uint64_t rights_inheriting, uint32_t fdflags,
                          uint32_t result);
uint32_t wasip1_path_readlink(void *env, uint32_t fd, uint32_t path, uint32_t path_len, uint32_t buf,
                              uint32_t buf_len, uint32_t bufused);
uint32_t wasip1_path_remove_directory(void *env, uint32_t fd, uint32_t path, uint32_t path_len);
uint32_t wasip1_path_rename(void *env, uint32_t fd, uint32_t old_path, uint32_t old_path_len, uint32_t new_fd,
                            uint32_t new_path, uint32_t new_path_len);
uint32_t wasip1_path_symlink(void *env, uint32_t old_path, uint32_t old_path_len, uint32_t fd,
                             uint32_t new_path, uint32_t new_path_len);
uint32_t wasip1_path_unlink_file(void *env, uint32_t fd, uint32_t path, uint32_t path_len);

/* wasi_poll.c */
uint32_t wasip1_poll_oneoff(void *env, uint32_t in, uint32_t out, uint32_t nsubscriptions, uint32_t nevents);

/* wasi_sock.c */
uint32_t wasip1_sock_accept(void *env, uint32_t fd, uint32_t flags, uint32_t result);
uint32_t wasip1_sock_recv(void *env, uint32_t fd, uint32_t ri_data, uint32_t ri_data_len, uint32_t ri_flags,
                          uint32_t ro_datalen, uint32_t ro_flags);
uint32_t wasip1_sock_send(void *env, uint32_t fd, uint32_t si_data, uint32_t si_data_len, uint32_t si_flags,
                          uint32_t so_datalen);
uint32_t wasip1_sock_shutdown(void *env, uint32_t fd, uint32_t how);

#endif /* WASMC_WASI_INTERNAL_H */
