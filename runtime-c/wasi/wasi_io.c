/*
 * Reading and writing descriptors (fd_read, fd_write, fd_pread, fd_pwrite)
 * and listing directories (fd_readdir).
 *
 * Blocking: a guest descriptor without NONBLOCK blocks the calling thread
 * only. Sockets are O_NONBLOCK on the host and wait on the context's own
 * libuv loop; a stream that turns out non-blocking on the host (a shared
 * stdin) waits the same way. No lock is held while waiting.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_internal.h"

static bool wasi_is_socket(const wasi_fd *entry) {
  return entry->kind == WASI_FD_SOCKET || entry->kind == WASI_FD_LISTENER;
}

/*
 * writev that cannot kill the process with SIGPIPE: the signal is blocked
 * for this thread only and a SIGPIPE the write raised is consumed, so the
 * guest sees EPIPE (as under wasmtime, which ignores SIGPIPE).
 */
static ssize_t wasi_writev_nosigpipe(int fd, const struct iovec *iov, int count) {
  sigset_t pipe_set, old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  ssize_t n = writev(fd, iov, count);
  int saved = errno;
  if (n < 0 && saved == EPIPE) {
    struct timespec zero = {0, 0};
    sigtimedwait(&pipe_set, NULL, &zero);
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  errno = saved;
  return n;
}

wasi_errno wasip1_stream_read(wasmc_wasi *wasi, wasi_fd *entry, struct iovec *iov, int iov_count,
                              int msg_flags, size_t *nread) {
  for (;;) {
    ssize_t n;
    if (wasi_is_socket(entry)) {
      struct msghdr msg = {.msg_iov = iov, .msg_iovlen = (size_t)iov_count};
      n = recvmsg(entry->host, &msg, msg_flags | MSG_DONTWAIT);
    } else {
      n = readv(entry->host, iov, iov_count);
    }
    if (n >= 0) {
      *nread = (size_t)n;
      return WASI_ESUCCESS;
    }
    if (errno == EINTR)
      continue;
    if ((errno != EAGAIN && errno != EWOULDBLOCK) || (entry->flags & WASI_FDFLAG_NONBLOCK))
      return wasip1_errno(errno);
    wasi_errno error = wasip1_wait_fd(wasi, wasi_poll_fd(entry), UV_READABLE);
    if (error)
      return error;
  }
}

wasi_errno wasip1_stream_write(wasmc_wasi *wasi, wasi_fd *entry, const struct iovec *iov_in, int iov_count,
                               size_t *nwritten) {
  struct iovec iov[WASI_MAX_IOVS];
  memcpy(iov, iov_in, (size_t)iov_count * sizeof *iov);
  struct iovec *next = iov;
  size_t total = 0;
  bool blocking = !(entry->flags & WASI_FDFLAG_NONBLOCK);
  for (;;) {
    while (iov_count > 0 && next->iov_len == 0)
      next++, iov_count--;
    if (iov_count == 0)
      break;
    ssize_t n;
    if (wasi_is_socket(entry)) {
      struct msghdr msg = {.msg_iov = next, .msg_iovlen = (size_t)iov_count};
      n = sendmsg(entry->host, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    } else if (entry->may_sigpipe) {
      n = wasi_writev_nosigpipe(entry->host, next, iov_count);
    } else {
      n = writev(entry->host, next, iov_count);
    }
    if (n < 0) {
      if (errno == EINTR)
        continue;
      bool would_block = errno == EAGAIN || errno == EWOULDBLOCK;
      if (total > 0 && (!blocking || !would_block))
        break; /* report what was written; the error comes next call */
      if (!would_block || !blocking)
        return wasip1_errno(errno);
      wasi_errno error = wasip1_wait_fd(wasi, wasi_poll_fd(entry), UV_WRITABLE);
      if (error)
        return error;
      continue;
    }
    total += (size_t)n;
    /* Regular files write everything or fail; streams may come up short. */
    if (!blocking || entry->filetype == WASI_FILETYPE_REGULAR_FILE)
      break;
    size_t left = (size_t)n;
    while (iov_count > 0 && left >= next->iov_len)
      left -= next->iov_len, next++, iov_count--;
    if (iov_count > 0) {
      next->iov_base = (uint8_t *)next->iov_base + left;
      next->iov_len -= left;
    }
  }
  *nwritten = total;
  return WASI_ESUCCESS;
}

/* The guest's iovec array and the address its byte count goes to, checked. */
static wasi_errno guest_buffers(wasmc_wasi *wasi, uint32_t iovs, uint32_t iovs_len, uint32_t count_ptr,
                                struct iovec *iov, int *count) {
  if (wasi_mem(wasi, count_ptr, 4) == NULL)
    return WASI_EFAULT;
  return wasip1_iovecs(wasi, iovs, iovs_len, iov, count);
}

/*
 * The descriptor of fd_pread/fd_pwrite: a regular file with `right`.
 * Streams (`stream_kind` and sockets) cannot seek.
 */
static wasi_fd *positioned_file(wasmc_wasi *wasi, uint32_t fd, wasi_fd_kind stream_kind, uint64_t right,
                                uint64_t offset, wasi_errno *error) {
  wasi_fd *entry = wasip1_fd(wasi, fd);
  *error = WASI_EBADF;
  if (entry == NULL)
    return NULL;
  if (entry->kind == stream_kind || wasi_is_socket(entry)) {
    *error = WASI_ESPIPE;
    return NULL;
  }
  if (entry->kind != WASI_FD_FILE)
    return NULL;
  if ((*error = wasip1_need(entry, right)))
    return NULL;
  if (offset > INT64_MAX) {
    *error = WASI_EINVAL;
    return NULL;
  }
  return entry;
}

uint32_t wasip1_fd_read(void *env, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nread) {
  wasmc_wasi *wasi = env;
  wasi_fd *entry = wasip1_fd(wasi, fd);
  if (entry == NULL || entry->kind == WASI_FD_STDOUT || entry->kind == WASI_FD_DIR)
    return WASI_EBADF;
  wasi_errno error = wasip1_need(entry, WASI_RIGHT_FD_READ);
  if (error)
    return error;
  struct iovec iov[WASI_MAX_IOVS];
  int count;
  if ((error = guest_buffers(wasi, iovs, iovs_len, nread, iov, &count)))
    return error;
  size_t n;
  if ((error = wasip1_stream_read(wasi, entry, iov, count, 0, &n)))
    return error;
  return wasip1_store_u32(wasi, nread, (uint32_t)n);
}

uint32_t wasip1_fd_pread(void *env, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
                         uint32_t nread) {
  wasmc_wasi *wasi = env;
  wasi_errno error;
  wasi_fd *entry = positioned_file(wasi, fd, WASI_FD_STDIN, WASI_RIGHT_FD_READ, offset, &error);
  if (entry == NULL)
    return error;
  struct iovec iov[WASI_MAX_IOVS];
  int count;
  if ((error = guest_buffers(wasi, iovs, iovs_len, nread, iov, &count)))
    return error;
  ssize_t n;
  do {
    n = preadv(entry->host, iov, count, (off_t)offset);
  } while (n < 0 && errno == EINTR);
  if (n < 0)
    return wasip1_errno(errno);
  return wasip1_store_u32(wasi, nread, (uint32_t)n);
}

uint32_t wasip1_fd_write(void *env, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nwritten) {
  wasmc_wasi *wasi = env;
  wasi_fd *entry = wasip1_fd(wasi, fd);
  if (entry == NULL || entry->kind == WASI_FD_STDIN || entry->kind == WASI_FD_DIR)
    return WASI_EBADF;
  wasi_errno error = wasip1_need(entry, WASI_RIGHT_FD_WRITE);
  if (error)
    return error;
  struct iovec iov[WASI_MAX_IOVS];
  int count;
  if ((error = guest_buffers(wasi, iovs, iovs_len, nwritten, iov, &count)))
    return error;
  size_t n;
  if ((error = wasip1_stream_write(wasi, entry, iov, count, &n)))
    return error;
  return wasip1_store_u32(wasi, nwritten, (uint32_t)n);
}

uint32_t wasip1_fd_pwrite(void *env, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
                          uint32_t nwritten) {
  wasmc_wasi *wasi = env;
  wasi_errno error;
  wasi_fd *entry = positioned_file(wasi, fd, WASI_FD_STDOUT, WASI_RIGHT_FD_WRITE, offset, &error);
  if (entry == NULL)
    return error;
  struct iovec iov[WASI_MAX_IOVS];
  int count;
  if ((error = guest_buffers(wasi, iovs, iovs_len, nwritten, iov, &count)))
    return error;
  ssize_t n;
  do {
    /* On an O_APPEND file Linux appends and ignores the offset (wasmtime
     * keeps that behaviour). */
    n = pwritev(entry->host, iov, count, (off_t)offset);
  } while (n < 0 && errno == EINTR);
  if (n < 0)
    return wasip1_errno(errno);
  return wasip1_store_u32(wasi, nwritten, (uint32_t)n);
}

/* ------------------------------------------------------------------------ */
/* fd_readdir                                                               */
/* ------------------------------------------------------------------------ */

/*
 * Cookies number the entries: 0 is ".", 1 is "..", 2 the first entry the
 * host lists, and an entry's d_next is its own number plus one (as
 * wasmtime). The stream is kept open with the host positions of the last
 * entries handed out, so reading on from where the guest stopped doesn't
 * rescan the directory.
 */
typedef struct wasi_dirent_writer {
  uint8_t *out;
  uint32_t capacity; /* bytes left */
} wasi_dirent_writer;

/* Append one entry, truncated at the end of the buffer; false when full. */
static bool wasi_dirent_put(wasi_dirent_writer *w, uint64_t next, uint64_t ino, uint8_t type,
                            const char *name) {
  uint8_t header[WASI_DIRENT_SIZE] = {0};
  uint32_t name_len = (uint32_t)strlen(name);
  wasi_store64(header, next);
  wasi_store64(header + 8, ino);
  wasi_store32(header + 16, name_len);
  header[20] = type;
  uint32_t n = w->capacity < WASI_DIRENT_SIZE ? w->capacity : WASI_DIRENT_SIZE;
  memcpy(w->out, header, n);
  w->out += n, w->capacity -= n;
  if (w->capacity == 0)
    return false;
  n = w->capacity < name_len ? w->capacity : name_len;
  memcpy(w->out, name, n);
  w->out += n, w->capacity -= n;
  return w->capacity > 0;
}

static uint8_t wasi_dirent_type(DIR *dir, const struct dirent *ent) {
  switch (ent->d_type) {
  case DT_REG: return WASI_FILETYPE_REGULAR_FILE;
  case DT_DIR: return WASI_FILETYPE_DIRECTORY;
  case DT_LNK: return WASI_FILETYPE_SYMBOLIC_LINK;
  case DT_CHR: return WASI_FILETYPE_CHARACTER_DEVICE;
  case DT_BLK: return WASI_FILETYPE_BLOCK_DEVICE;
  case DT_SOCK: return WASI_FILETYPE_SOCKET_STREAM;
  case DT_FIFO: return WASI_FILETYPE_UNKNOWN;
  default: {
    struct stat st;
    if (fstatat(dirfd(dir), ent->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
      return WASI_FILETYPE_UNKNOWN;
    return wasip1_filetype(-1, st.st_mode);
  }
  }
}

/*
 * Position the stream at entry number `cookie` (>= 2); its index there.
 * Where long is 32 bits, telldir cannot hold the 64-bit hash positions of
 * ext4 or overlayfs directories; glibc maps them to small numbers, but
 * seekdir then lands on the wrong entry (seen on armhf under qemu-arm: entries
 * listed twice or skipped). There the stream is rewound and the entries before
 * `cookie` skipped instead, which is slower on large directories but exact.
 */
static uint64_t wasi_dir_seek(wasi_fd *entry, uint64_t cookie) {
  for (int i = 0; i < 2 && sizeof(long) >= sizeof(uint64_t); i++) {
    if (cookie >= 2 && entry->dir_positions[i].cookie == cookie) {
      seekdir(entry->dir_stream, entry->dir_positions[i].location);
      return cookie;
    }
  }
  rewinddir(entry->dir_stream);
  return 2;
}

uint32_t wasip1_fd_readdir(void *env, uint32_t fd, uint32_t buf, uint32_t buf_len, uint64_t cookie,
                           uint32_t bufused) {
  wasmc_wasi *wasi = env;
  wasi_fd *entry = wasip1_fd(wasi, fd);
  if (entry == NULL || entry->kind != WASI_FD_DIR)
    return WASI_EBADF;
  wasi_errno error = wasip1_need(entry, WASI_RIGHT_FD_READDIR);
  if (error)
    return error;
  uint8_t *out = wasi_mem(wasi, buf, buf_len);
  if (out == NULL || wasi_mem(wasi, bufused, 4) == NULL)
    return WASI_EFAULT;
  if (entry->dir_stream == NULL) {
    /* A separate open file description, so the stream owns its offset. */
    int copy = openat(entry->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (copy < 0)
      return wasip1_errno(errno);
    entry->dir_stream = fdopendir(copy);
    if (entry->dir_stream == NULL) {
      int saved = errno;
      close(copy);
      return wasip1_errno(saved);
    }
    memset(entry->dir_positions, 0, sizeof entry->dir_positions);
  }
  struct stat self;
  if (fstat(entry->host, &self) != 0)
    return wasip1_errno(errno);

  wasi_dirent_writer w = {out, buf_len};
  bool room = true;
  if (cookie == 0)
    room = wasi_dirent_put(&w, 1, self.st_ino, WASI_FILETYPE_DIRECTORY, ".");
  if (room && cookie <= 1)
    room = wasi_dirent_put(&w, 2, self.st_ino, WASI_FILETYPE_DIRECTORY, "..");
  uint64_t index = wasi_dir_seek(entry, cookie);
  while (room) {
    long location = telldir(entry->dir_stream);
    errno = 0;
    struct dirent *ent = readdir(entry->dir_stream);
    if (ent == NULL) {
      if (errno != 0)
        return wasip1_errno(errno);
      break;
    }
    if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
      continue;
    if (index < cookie) {
      index++;
      continue;
    }
    entry->dir_positions[0] = (wasi_dir_position){index, location};
    room = wasi_dirent_put(&w, index + 1, ent->d_ino, wasi_dirent_type(entry->dir_stream, ent), ent->d_name);
    index++;
    entry->dir_positions[1] = (wasi_dir_position){index, telldir(entry->dir_stream)};
  }
  return wasip1_store_u32(wasi, bufused, buf_len - w.capacity);
}
