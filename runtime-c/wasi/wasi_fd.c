/*
 * Descriptor operations other than reading and writing: status, flags,
 * rights, sizes, times, sync, seek, pre-open names, close and renumber.
 * Which descriptor kinds each accepts, and the errno for the others, follow
 * wasmtime's preview1 host (e.g. seeking stdio is ESPIPE, a directory EBADF).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_internal.h"

wasi_errno wasip1_need(const wasi_fd *entry, uint64_t rights) {
  uint64_t missing = rights & ~entry->rights_base;
  if (missing == 0)
    return WASI_ESUCCESS;
  if (missing & (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE))
    return WASI_EBADF;
  return WASI_ENOTCAPABLE;
}

static uint64_t wasi_stat_ns(struct timespec ts) {
  if (ts.tv_sec < 0)
    return 0;
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void wasip1_write_filestat(uint8_t *out, int host_fd, const struct stat *st) {
  memset(out, 0, WASI_FILESTAT_SIZE);
  wasi_store64(out + 0, (uint64_t)st->st_dev);
  wasi_store64(out + 8, (uint64_t)st->st_ino);
  out[16] = wasip1_filetype(host_fd, st->st_mode);
  wasi_store64(out + 24, (uint64_t)st->st_nlink);
  wasi_store64(out + 32, (uint64_t)st->st_size);
  wasi_store64(out + 40, wasi_stat_ns(st->st_atim));
  wasi_store64(out + 48, wasi_stat_ns(st->st_mtim));
  wasi_store64(out + 56, wasi_stat_ns(st->st_ctim));
}

static wasi_errno wasi_time(uint64_t ns, bool set, bool now, struct timespec *out) {
  if (set && now)
    return WASI_EINVAL;
  if (set) {
    out->tv_sec = (time_t)(ns / 1000000000u);
    out->tv_nsec = (long)(ns % 1000000000u);
  } else {
    out->tv_sec = 0;
    out->tv_nsec = now ? UTIME_NOW : UTIME_OMIT;
  }
  return WASI_ESUCCESS;
}

wasi_errno wasip1_times(uint64_t atim, uint64_t mtim, uint32_t fst_flags, struct timespec times[2]) {
  if (fst_flags & ~(uint32_t)0xf)
    return WASI_EINVAL;
  wasi_errno error =
      wasi_time(atim, fst_flags & WASI_FSTFLAG_ATIM, fst_flags & WASI_FSTFLAG_ATIM_NOW, &times[0]);
  if (error == WASI_ESUCCESS)
    error = wasi_time(mtim, fst_flags & WASI_FSTFLAG_MTIM, fst_flags & WASI_FSTFLAG_MTIM_NOW, &times[1]);
  return error;
}

/* The entry if it is a file opened by path_open; else EBADF. */
static wasi_fd *wasi_file(wasmc_wasi *wasi, uint32_t fd, wasi_errno *error) {
  wasi_fd *entry = wasip1_fd(wasi, fd);
  if (entry == NULL || entry->kind != WASI_FD_FILE) {
    *error = WASI_EBADF;
    return NULL;
  }
  return entry;
}

/* A seekable file; stdio and sockets are streams (ESPIPE). */
static wasi_fd *wasi_seekable(wasmc_wasi *wasi, uint32_t fd, wasi_errno *error) {
  wasi_fd *entry = wasip1_fd(wasi, fd);
  if (entry == NULL) {
    *error = WASI_EBADF;
    return NULL;
  }
  switch (entry->kind) {
  case WASI_FD_FILE: return entry;
  case WASI_FD_STDIN:
  case WASI_FD_STDOUT:
  case WASI_FD_SOCKET:
  case WASI_FD_LISTENER: *error = WASI_ESPIPE; return NULL;
  default: *error = WASI_EBADF; return NULL;
  }
}

uint32_t wasip1_fd_advise(void *env, uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice) {
  wasi_errno error;
  if (advice > 5) /* normal, sequential, random, willneed, dontneed, noreuse */
    return WASI_EINVAL;
  wasi_fd *entry = wasi_file(env, fd, &error);
  if (entry == NULL)
    return error;
  if ((error = wasip1_need(entry, WASI_RIGHT_FD_ADVISE)))
    return error;
  if (offset > INT64_MAX || len > INT64_MAX)
    return WASI_EINVAL;
  /* The preview1 advice values are Linux's POSIX_FADV_* values. */
  return wasip1_errno(posix_fadvise(entry->host, (off_t)offset, (off_t)len, (int)advice));
}

uint32_t wasip1_fd_allocate(void *env, uint32_t fd, uint64_t offset, uint64_t len) {
  wasi_errno error;
  wasi_fd *entry = wasi_file(env, fd, &error);
  if (entry == NULL)
    return error;
  if (entry->read_only)
    return WASI_EREADONLY;
  if ((error = wasip1_need(entry, WASI_RIGHT_FD_ALLOCATE)))
    return error;
  if (offset > INT64_MAX || len > INT64_MAX - offset)
    return WASI_EFBIG;
  int result;
  do {
    result = posix_fallocate(entry->host, (off_t)offset, (off_t)len);
  } while (result == EINTR);
  return wasip1_errno(result);
}

uint32_t wasip1_fd_close(void *env, uint32_t fd) {
  wasmc_wasi *wasi = env;
  if (wasip1_fd(wasi, fd) == NULL)
    return WASI_EBADF;
  wasip1_fd_remove(wasi, fd);
  return WASI_ESUCCESS;
}

static uint32_t wasi_sync(wasmc_wasi *wasi, uint32_t fd, uint64_t right, int (*sync)(int)) {
  wasi_errno error;
  wasi_fd *entry = wasi_file(wasi, fd, &error);
  if (entry == NULL)
    return error;
  if ((error = wasip1_need(entry, right)))
    return error;
  return sync(entry->host) == 0 ? WASI_ESUCCESS : wasip1_errno(errno);
}

uint32_t wasip1_fd_datasync(void *env, uint32_t fd) {
  return wasi_sync(env, fd, WASI_RIGHT_FD_DATASYNC, fdatasync);
}

uint32_t wasip1_fd_sync(void *env, uint32_t fd) { return wasi_sync(env, fd, WASI_RIGHT_FD_SYNC, fsync); }

uint32_t wasip1_fd_fdstat_get(void *env, uint32_t fd, uint32_t result) {
  wasmc_wasi *wasi = env;
  wasi_fd *entry = wasip1_fd(wasi, fd);
  if (entry == NULL)
    return WASI_EBADF;
  uint8_t *out = wasi_mem(wasi, result, WASI_FDSTAT_SIZE);
  if (out == NULL)
    return WASI_EFAULT;
  memset(out, 0, WASI_FDSTAT_SIZE);
  out[0] = entry->filetype;
  wasi_store16(out + 2, entry->flags);
  wasi_store64(out + 8, entry->rights_base);
  wasi_store64(out + 16, entry->rights_inheriting);
  return WASI_ESUCCESS;
}

uint32_t wasip1_fd_fdstat_set_flags(void *env, uint32_t fd, uint32_t flags) {
  wasmc_wasi *wasi = env;
  if (flags & ~(uint32_t)WASI_FDFLAGS_ALL)
    return WASI_EINVAL;
  wasi_fd *entry = wasip1_fd(wasi, fd);
  if (entry == NULL)
    return WASI_EBADF;
  bool is_socket = entry->kind == WASI_FD_SOCKET || entry->kind == WASI_FD_LISTENER;
  if (entry->kind != WASI_FD_FILE && !is_socket)
    return WASI_EBADF; /* as wasmtime: stdio and directories can't change */
  wasi_errno error = wasip1_need(entry, WASI_RIGHT_FD_FDSTAT_SET_FLAGS);
  if (error)
    return error;
  /* Only APPEND and NONBLOCK can change after open (as wasmtime). */
  if (flags & (WASI_FDFLAG_DSYNC | WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC))
    return WASI_EINVAL;
  uint16_t keep = entry->flags & (WASI_FDFLAG_DSYNC | WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC);
  if (is_socket) {
    /* Host sockets stay O_NONBLOCK; blocking is done on the context loop. */
    entry->flags = keep | (uint16_t)(flags & WASI_FDFLAG_NONBLOCK);
    return WASI_ESUCCESS;
  }
  int host_flags = fcntl(entry->host, F_GETFL);
  if (host_flags < 0)
    return wasip1_errno(errno);
  host_flags = (flags & WASI_FDFLAG_APPEND) ? host_flags | O_APPEND : host_flags & ~O_APPEND;
  if (fcntl(entry->host, F_SETFL, host_flags) != 0)
    return wasip1_errno(errno);
  /* NONBLOCK is recorded only: file I/O blocks anyway (as wasmtime). */
  entry->flags = keep | (uint16_t)(flags & (WASI_FDFLAG_APPEND | WASI_FDFLAG_NONBLOCK));
  return WASI_ESUCCESS;
}

uint32_t wasip1_fd_fdstat_set_rights(void *env, uint32_t fd, uint64_t base, uint64_t inheriting) {
  wasi_fd *entry = wasip1_fd(env, fd);
  if (entry == NULL)
    return WASI_EBADF;
  /* Rights only ever shrink. */
  if ((base & ~entry->rights_base) || (inheriting & ~entry->rights_inheriting))
    return WASI_ENOTCAPABLE;
  entry->rights_base = base;
  entry->rights_inheriting = inheriting;
  return WASI_ESUCCESS;
}

uint32_t wasip1_fd_filestat_get(void *env, uint32_t fd, uint32_t result) {
  wasmc_wasi *wasi = env;
  wasi_fd *entry = wasip1_fd(wasi, fd);
  if (entry == NULL)
    return WASI_EBADF;
  uint8_t *out = wasi_mem(wasi, result, WASI_FILESTAT_SIZE);
  if (out == NULL)
    return WASI_EFAULT;
  if (entry->kind == WASI_FD_STDIN || entry->kind == WASI_FD_STDOUT) {
    /* As wasmtime: stdio is a stream with nothing to report. */
    memset(out, 0, WASI_FILESTAT_SIZE);
    out[16] = entry->filetype;
    return WASI_ESUCCESS;
  }
  wasi_errno error = wasip1_need(entry, WASI_RIGHT_FD_FILESTAT_GET);
  if (error)
    return error;
  struct stat st;
  if (fstat(entry->host, &st) != 0)
    return wasip1_errno(errno);
  wasip1_write_filestat(out, entry->host, &st);
  return WASI_ESUCCESS;
}

uint32_t wasip1_fd_filestat_set_size(void *env, uint32_t fd, uint64_t size) {
  wasi_errno error;
  wasi_fd *entry = wasi_file(env, fd, &error);
  if (entry == NULL)
    return error;
  if (entry->read_only)
    return WASI_EREADONLY;
  if ((error = wasip1_need(entry, WASI_RIGHT_FD_FILESTAT_SET_SIZE)))
    return error;
  if (size > INT64_MAX)
    return WASI_EFBIG;
  int result;
  do {
    result = ftruncate(entry->host, (off_t)size);
  } while (result != 0 && errno == EINTR);
  return result == 0 ? WASI_ESUCCESS : wasip1_errno(errno);
}

uint32_t wasip1_fd_filestat_set_times(void *env, uint32_t fd, uint64_t atim, uint64_t mtim,
                                      uint32_t fst_flags) {
  struct timespec times[2];
  wasi_errno error = wasip1_times(atim, mtim, fst_flags, times);
  if (error)
    return error;
  wasi_fd *entry = wasip1_fd(env, fd);
  if (entry == NULL || (entry->kind != WASI_FD_FILE && entry->kind != WASI_FD_DIR))
    return WASI_EBADF;
  if (entry->read_only)
    return WASI_EREADONLY;
  if ((error = wasip1_need(entry, WASI_RIGHT_FD_FILESTAT_SET_TIMES)))
    return error;
  return futimens(entry->host, times) == 0 ? WASI_ESUCCESS : wasip1_errno(errno);
}

uint32_t wasip1_fd_prestat_get(void *env, uint32_t fd, uint32_t result) {
  wasmc_wasi *wasi = env;
  wasi_fd *entry = wasip1_fd(wasi, fd);
  if (entry == NULL || entry->preopen_name == NULL)
    return WASI_EBADF; /* wasi-libc stops scanning pre-opens at EBADF */
  uint8_t *out = wasi_mem(wasi, result, WASI_PRESTAT_SIZE);
  if (out == NULL)
    return WASI_EFAULT;
  memset(out, 0, WASI_PRESTAT_SIZE); /* tag 0: a directory */
  wasi_store32(out + 4, (uint32_t)strlen(entry->preopen_name));
  return WASI_ESUCCESS;
}

uint32_t wasip1_fd_prestat_dir_name(void *env, uint32_t fd, uint32_t path, uint32_t path_len) {
  wasmc_wasi *wasi = env;
  wasi_fd *entry = wasip1_fd(wasi, fd);
  if (entry == NULL)
    return WASI_EBADF;
  if (entry->preopen_name == NULL)
    return WASI_ENOTDIR;
  size_t len = strlen(entry->preopen_name);
  if (len > path_len)
    return WASI_ENAMETOOLONG;
  uint8_t *out = wasi_mem(wasi, path, len);
  if (out == NULL)
    return WASI_EFAULT;
  memcpy(out, entry->preopen_name, len); /* no NUL, as wasmtime */
  return WASI_ESUCCESS;
}

uint32_t wasip1_fd_renumber(void *env, uint32_t from, uint32_t to) {
  wasmc_wasi *wasi = env;
  wasi_fd *entry = wasip1_fd(wasi, from);
  /* As wasmtime: both must be open. */
  if (entry == NULL || wasip1_fd(wasi, to) == NULL)
    return WASI_EBADF;
  if (from == to)
    return WASI_ESUCCESS;
  wasip1_fd_remove(wasi, to);
  wasi->fds[to] = entry;
  wasi->fds[from] = NULL;
  return WASI_ESUCCESS;
}

uint32_t wasip1_fd_seek(void *env, uint32_t fd, uint64_t offset, uint32_t whence, uint32_t result) {
  wasmc_wasi *wasi = env;
  static const int host_whence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  if (whence > 2)
    return WASI_EINVAL;
  wasi_errno error;
  wasi_fd *entry = wasi_seekable(wasi, fd, &error);
  if (entry == NULL)
    return error;
  /* Asking where we are needs only FD_TELL. */
  uint64_t right = (offset == 0 && whence == 1) ? WASI_RIGHT_FD_TELL : WASI_RIGHT_FD_SEEK;
  if ((error = wasip1_need(entry, right)))
    return error;
  if (wasi_mem(wasi, result, 8) == NULL)
    return WASI_EFAULT;
  off_t position = lseek(entry->host, (off_t)(int64_t)offset, host_whence[whence]);
  if (position < 0)
    return wasip1_errno(errno);
  return wasip1_store_u64(wasi, result, (uint64_t)position);
}

uint32_t wasip1_fd_tell(void *env, uint32_t fd, uint32_t result) {
  wasmc_wasi *wasi = env;
  wasi_errno error;
  wasi_fd *entry = wasi_seekable(wasi, fd, &error);
  if (entry == NULL)
    return error;
  if ((error = wasip1_need(entry, WASI_RIGHT_FD_TELL)))
    return error;
  if (wasi_mem(wasi, result, 8) == NULL)
    return WASI_EFAULT;
  off_t position = lseek(entry->host, 0, SEEK_CUR);
  if (position < 0)
    return wasip1_errno(errno);
  return wasip1_store_u64(wasi, result, (uint64_t)position);
}
