/*
 * Shared helpers for the WASI guest programs. Every program prints one line
 * per check, "key: value", with values that are the same under every
 * correct runtime (errno names, sizes, contents, yes/no), never timestamps,
 * rights masks or fd numbers that runtimes may choose differently. A line
 * containing "FAIL" is a check the program itself judged wrong; run.sh
 * fails the program for it even when both runtimes agree.
 *
 * Calls go straight to the preview1 functions (<wasi/api.h>) where the
 * errno matters, so what is printed is exactly what the runtime answered.
 */
#ifndef WASI_GUEST_H
#define WASI_GUEST_H

#include <stdarg.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

/* All rights a descriptor can carry; runtimes narrow them to what applies. */
#define RIGHTS_ALL ((__wasi_rights_t)((1ull << 30) - 1))

static const char *const errno_names[] = {
    "ESUCCESS",     "E2BIG",           "EACCES",       "EADDRINUSE",   "EADDRNOTAVAIL",
    "EAFNOSUPPORT", "EAGAIN",          "EALREADY",     "EBADF",        "EBADMSG",
    "EBUSY",        "ECANCELED",       "ECHILD",       "ECONNABORTED", "ECONNREFUSED",
    "ECONNRESET",   "EDEADLK",         "EDESTADDRREQ", "EDOM",         "EDQUOT",
    "EEXIST",       "EFAULT",          "EFBIG",        "EHOSTUNREACH", "EIDRM",
    "EILSEQ",       "EINPROGRESS",     "EINTR",        "EINVAL",       "EIO",
    "EISCONN",      "EISDIR",          "ELOOP",        "EMFILE",       "EMLINK",
    "EMSGSIZE",     "EMULTIHOP",       "ENAMETOOLONG", "ENETDOWN",     "ENETRESET",
    "ENETUNREACH",  "ENFILE",          "ENOBUFS",      "ENODEV",       "ENOENT",
    "ENOEXEC",      "ENOLCK",          "ENOLINK",      "ENOMEM",       "ENOMSG",
    "ENOPROTOOPT",  "ENOSPC",          "ENOSYS",       "ENOTCONN",     "ENOTDIR",
    "ENOTEMPTY",    "ENOTRECOVERABLE", "ENOTSOCK",     "ENOTSUP",      "ENOTTY",
    "ENXIO",        "EOVERFLOW",       "EOWNERDEAD",   "EPERM",        "EPIPE",
    "EPROTO",       "EPROTONOSUPPORT", "EPROTOTYPE",   "ERANGE",       "EROFS",
    "ESPIPE",       "ESRCH",           "ESTALE",       "ETIMEDOUT",    "ETXTBSY",
    "EXDEV",        "ENOTCAPABLE",
};

/* The WASI name of an errno ("ok" for success). wasi-libc's errno values are WASI's. */
static inline const char *errname(int error) {
  static char unknown[24];
  if (error == 0)
    return "ok";
  if (error > 0 && error < (int)(sizeof errno_names / sizeof *errno_names))
    return errno_names[error];
  snprintf(unknown, sizeof unknown, "errno%d", error);
  return unknown;
}

/* "key: <formatted value>" */
__attribute__((format(printf, 2, 3))) static inline void say(const char *key, const char *format, ...) {
  va_list args;
  va_start(args, format);
  printf("%s: ", key);
  vprintf(format, args);
  printf("\n");
  va_end(args);
}

/* "key: ENAME" (or "ok"); any answer is acceptable, the reference runtime decides. */
static inline void show(const char *key, int error) { say(key, "%s", errname(error)); }

/* "key: ENAME", flagged when it is not the errno the spec and POSIX call for. */
static inline void expect(const char *key, int error, int wanted) {
  if (error == wanted)
    say(key, "%s", errname(error));
  else
    say(key, "%s FAIL (expected %s)", errname(error), errname(wanted));
}

/* A sandbox escape attempt: any error is a refusal; success is a breach. */
static inline void refused(const char *key, int error) {
  if (error != 0)
    say(key, "refused %s", errname(error));
  else
    say(key, "ALLOWED FAIL (sandbox breached)");
}

/* "key: yes" / "key: no FAIL (detail)" for a property the program checks itself. */
static inline void check(const char *key, int ok, const char *detail) {
  if (ok)
    say(key, "yes");
  else
    say(key, "no FAIL (%s)", detail);
}

/* A set-up call that must succeed; its failure is printed as a failed check. */
#define MUST(call) must_succeed(#call, (call))
static inline void must_succeed(const char *what, int error) {
  if (error != 0)
    printf("set-up %s: %s FAIL\n", what, errname(error));
}

/* path_open with every right, the way a program that only cares about errnos opens. */
static inline int open_at(int dir, const char *path, int follow, __wasi_oflags_t oflags,
                          __wasi_fdflags_t fdflags, __wasi_fd_t *fd) {
  return __wasi_path_open(dir, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, path, oflags, RIGHTS_ALL,
                          RIGHTS_ALL, fdflags, fd);
}

/*
 * Rights for opening a directory. wasmtime opens for writing (and then fails
 * with EISDIR) when any write-like right is asked for.
 */
#define RIGHTS_DIR                                                                                 \
  (RIGHTS_ALL & ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_ALLOCATE | \
                  __WASI_RIGHTS_FD_FILESTAT_SET_SIZE))

/* Open a directory beneath `dir`. */
static inline int open_dir(int dir, const char *path, __wasi_fd_t *fd) {
  return __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR,
                          RIGHTS_ALL, 0, fd);
}

/*
 * Write every byte of the iovecs, continuing after short writes as a real
 * program must (runtimes may write only the first iovec). Returns the errno;
 * `total` gets the bytes written.
 */
static inline int write_all(__wasi_fd_t fd, const __wasi_ciovec_t *iovs, size_t count, size_t *total) {
  __wasi_ciovec_t pending[16];
  if (count > 16)
    return __WASI_ERRNO_INVAL;
  memcpy(pending, iovs, count * sizeof *iovs);
  size_t first = 0;
  *total = 0;
  for (;;) {
    while (first < count && pending[first].buf_len == 0)
      first++;
    if (first == count)
      return 0;
    __wasi_size_t n = 0;
    int error = __wasi_fd_write(fd, pending + first, count - first, &n);
    if (error)
      return error;
    if (n == 0)
      return __WASI_ERRNO_IO; /* no progress */
    *total += n;
    for (; first < count && n >= pending[first].buf_len; first++)
      n -= pending[first].buf_len;
    if (first < count) {
      pending[first].buf += n;
      pending[first].buf_len -= n;
    }
  }
}

/* Write all of `text` to fd; returns the errno. */
static inline int write_text(__wasi_fd_t fd, const char *text) {
  __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
  size_t n = 0;
  return write_all(fd, &iov, 1, &n);
}

/* Read up to size-1 bytes into buf as a C string; returns the errno. */
static inline int read_text(__wasi_fd_t fd, char *buf, size_t size) {
  __wasi_iovec_t iov = {(uint8_t *)buf, size - 1};
  __wasi_size_t n = 0;
  int error = __wasi_fd_read(fd, &iov, 1, &n);
  buf[error ? 0 : n] = '\0';
  return error;
}

/* The guest fd of the pre-opened directory named `name`, or -1. */
static inline int preopen_fd(const char *name) {
  for (__wasi_fd_t fd = 3; fd < 64; fd++) {
    __wasi_prestat_t prestat;
    if (__wasi_fd_prestat_get(fd, &prestat) != 0)
      continue;
    char buf[256];
    size_t len = prestat.u.dir.pr_name_len;
    if (len >= sizeof buf || __wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, len) != 0)
      continue;
    buf[len] = '\0';
    if (strcmp(buf, name) == 0)
      return (int)fd;
  }
  return -1;
}

static const char *const filetype_names[] = {"unknown", "block", "char",   "dir",
                                             "file",    "dgram", "stream", "symlink"};

/* A filetype's short name. */
static inline const char *filetype_name(__wasi_filetype_t type) {
  return type < 8 ? filetype_names[type] : "invalid";
}

static int compare_entry_text(const void *a, const void *b) {
  return strcmp((const char *)a, (const char *)b);
}

/*
 * Read a whole directory with fd_readdir through a `chunk`-byte buffer,
 * resuming from each entry's d_next cookie (so small chunks exercise
 * truncated entries), and print "key: name/type name/type ..." sorted.
 * Returns the errno of the first failing call.
 */
static inline int list_dir(const char *key, __wasi_fd_t dir, size_t chunk) {
  enum { MAX_ENTRIES = 64, NAME_MAX_LEN = 120 };
  static char entries[MAX_ENTRIES][NAME_MAX_LEN + 16];
  uint8_t *buffer = malloc(chunk);
  int count = 0, error = 0, rounds = 0;
  __wasi_dircookie_t cookie = __WASI_DIRCOOKIE_START;
  for (;;) {
    __wasi_size_t used = 0;
    error = __wasi_fd_readdir(dir, buffer, chunk, cookie, &used);
    if (error || ++rounds > 10000)
      break;
    size_t at = 0, progress = 0;
    while (at + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t entry;
      memcpy(&entry, buffer + at, sizeof entry);
      if (at + sizeof entry + entry.d_namlen > used)
        break; /* name cut off: re-read from cookie */
      if (count < MAX_ENTRIES && entry.d_namlen <= NAME_MAX_LEN) {
        snprintf(entries[count++], sizeof entries[0], "%.*s/%s", (int)entry.d_namlen,
                 (const char *)buffer + at + sizeof entry, filetype_name(entry.d_type));
      }
      cookie = entry.d_next;
      at += sizeof entry + entry.d_namlen;
      progress++;
    }
    if (used < chunk)
      break;             /* end of directory */
    if (progress == 0) { /* one entry larger than the buffer */
      error = -1;
      break;
    }
  }
  free(buffer);
  if (error > 0) {
    say(key, "%s", errname(error));
    return error;
  }
  if (error < 0) {
    say(key, "FAIL (an entry does not fit in %zu bytes)", chunk);
    return error;
  }
  qsort(entries, count, sizeof entries[0], compare_entry_text);
  printf("%s:", key);
  for (int i = 0; i < count; i++)
    printf(" %s", entries[i]);
  printf("\n");
  return 0;
}

#endif /* WASI_GUEST_H */
