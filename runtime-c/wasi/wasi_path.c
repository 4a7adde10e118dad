/*
 * The path_* functions. Each resolves its guest path beneath the directory
 * descriptor it is given (wasi_resolve.c) and then acts on the last
 * component with a *at() call that does not follow it. Mutations under a
 * read-only pre-open answer EPERM before any path is looked at.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_internal.h"

/*
 * The directory entry for `fd`, holding `right`; EBADF when it isn't a
 * directory, ENOTCAPABLE without the right, EPERM when `mutates` and the
 * directory is read-only.
 */
static wasi_fd *wasi_dir(wasmc_wasi *wasi, uint32_t fd, uint64_t right, bool mutates, wasi_errno *error) {
  wasi_fd *entry = wasip1_fd(wasi, fd);
  if (entry == NULL || entry->kind != WASI_FD_DIR) {
    *error = WASI_EBADF;
    return NULL;
  }
  if ((*error = wasip1_need(entry, right)))
    return NULL;
  if (mutates && entry->read_only) {
    *error = WASI_EREADONLY;
    return NULL;
  }
  return entry;
}

/* Read a guest path and resolve it beneath `dir`. */
static wasi_errno wasi_lookup(wasmc_wasi *wasi, const wasi_fd *dir, uint32_t path, uint32_t path_len,
                              unsigned flags, wasi_resolved *out) {
  char *text;
  wasi_errno error = wasip1_read_path(wasi, path, path_len, &text);
  if (error)
    return error;
  error = wasip1_resolve(wasi, dir, text, flags, out);
  free(text);
  return error;
}

/* Lookup flags: only SYMLINK_FOLLOW is defined. */
static bool wasi_lookup_flags(uint32_t lookup, unsigned *flags) {
  if (lookup & ~(uint32_t)WASI_LOOKUP_SYMLINK_FOLLOW)
    return false;
  *flags = WASI_RESOLVE_SLASH_FOLLOWS | ((lookup & WASI_LOOKUP_SYMLINK_FOLLOW) ? WASI_RESOLVE_FOLLOW : 0);
  return true;
}

uint32_t wasip1_path_create_directory(void *env, uint32_t fd, uint32_t path, uint32_t path_len) {
  wasi_errno error;
  wasi_fd *dir = wasi_dir(env, fd, WASI_RIGHT_PATH_CREATE_DIRECTORY, true, &error);
  if (dir == NULL)
    return error;
  wasi_resolved r;
  if ((error = wasi_lookup(env, dir, path, path_len, 0, &r)))
    return error;
  if (mkdirat(r.dir, wasip1_resolved_name_slashed(&r), 0777) != 0)
    error = wasip1_errno(errno);
  wasip1_resolved_release(&r);
  return error;
}

uint32_t wasip1_path_filestat_get(void *env, uint32_t fd, uint32_t flags, uint32_t path, uint32_t path_len,
                                  uint32_t result) {
  wasmc_wasi *wasi = env;
  unsigned resolve_flags;
  if (!wasi_lookup_flags(flags, &resolve_flags))
    return WASI_EINVAL;
  wasi_errno error;
  wasi_fd *dir = wasi_dir(wasi, fd, WASI_RIGHT_PATH_FILESTAT_GET, false, &error);
  if (dir == NULL)
    return error;
  if (wasi_mem(wasi, result, WASI_FILESTAT_SIZE) == NULL)
    return WASI_EFAULT;
  wasi_resolved r;
  if ((error = wasi_lookup(wasi, dir, path, path_len, resolve_flags, &r)))
    return error;
  struct stat st;
  if (fstatat(r.dir, r.name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    error = wasip1_errno(errno);
  else if (r.trailing_slash && !S_ISDIR(st.st_mode))
    error = WASI_ENOTDIR;
  wasip1_resolved_release(&r);
  if (error)
    return error;
  uint8_t *out = wasi_mem(wasi, result, WASI_FILESTAT_SIZE);
  wasip1_write_filestat(out, -1, &st);
  return WASI_ESUCCESS;
}

uint32_t wasip1_path_filestat_set_times(void *env, uint32_t fd, uint32_t flags, uint32_t path,
                                        uint32_t path_len, uint64_t atim, uint64_t mtim, uint32_t fst_flags) {
  unsigned resolve_flags;
  if (!wasi_lookup_flags(flags, &resolve_flags))
    return WASI_EINVAL;
  struct timespec times[2];
  wasi_errno error = wasip1_times(atim, mtim, fst_flags, times);
  if (error)
    return error;
  wasi_fd *dir = wasi_dir(env, fd, WASI_RIGHT_PATH_FILESTAT_SET_TIMES, true, &error);
  if (dir == NULL)
    return error;
  wasi_resolved r;
  if ((error = wasi_lookup(env, dir, path, path_len, resolve_flags, &r)))
    return error;
  struct stat st;
  if (r.trailing_slash) {
    if (fstatat(r.dir, r.name, &st, AT_SYMLINK_NOFOLLOW) != 0)
      error = wasip1_errno(errno);
    else if (!S_ISDIR(st.st_mode))
      error = WASI_ENOTDIR;
  }
  if (!error && utimensat(r.dir, r.name, times, AT_SYMLINK_NOFOLLOW) != 0)
    error = wasip1_errno(errno);
  wasip1_resolved_release(&r);
  return error;
}

uint32_t wasip1_path_link(void *env, uint32_t old_fd, uint32_t old_flags, uint32_t old_path,
                          uint32_t old_path_len, uint32_t new_fd, uint32_t new_path, uint32_t new_path_len) {
  unsigned unused;
  if (!wasi_lookup_flags(old_flags, &unused))
    return WASI_EINVAL;
  wasi_errno error;
  /* Linking out of a read-only pre-open would make its files writable. */
  wasi_fd *old_dir = wasi_dir(env, old_fd, WASI_RIGHT_PATH_LINK_SOURCE, true, &error);
  if (old_dir == NULL)
    return error;
  wasi_fd *new_dir = wasi_dir(env, new_fd, WASI_RIGHT_PATH_LINK_TARGET, true, &error);
  if (new_dir == NULL)
    return error;
  /* As wasmtime: following a symlink source is not supported. */
  if (old_flags & WASI_LOOKUP_SYMLINK_FOLLOW)
    return WASI_EINVAL;
  wasi_resolved from, to;
  if ((error = wasi_lookup(env, old_dir, old_path, old_path_len, 0, &from)))
    return error;
  if ((error = wasi_lookup(env, new_dir, new_path, new_path_len, 0, &to))) {
    wasip1_resolved_release(&from);
    return error;
  }
  if (linkat(from.dir, wasip1_resolved_name_slashed(&from), to.dir, wasip1_resolved_name_slashed(&to), 0) !=
      0)
    error = wasip1_errno(errno);
  wasip1_resolved_release(&from);
  wasip1_resolved_release(&to);
  return error;
}

uint32_t wasip1_path_open(void *env, uint32_t fd, uint32_t dirflags, uint32_t path, uint32_t path_len,
                          uint32_t oflags, uint64_t rights_base, uint64_t rights_inheriting, uint32_t fdflags,
                          uint32_t result) {
  wasmc_wasi *wasi = env;
  if ((dirflags & ~(uint32_t)WASI_LOOKUP_SYMLINK_FOLLOW) || (oflags & ~(uint32_t)WASI_OFLAGS_ALL) ||
      (fdflags & ~(uint32_t)WASI_FDFLAGS_ALL))
    return WASI_EINVAL;
  wasi_fd *dir = wasip1_fd(wasi, fd);
  if (dir == NULL)
    return WASI_EBADF;
  if (dir->kind != WASI_FD_DIR)
    return dir->kind == WASI_FD_FILE ? WASI_ENOTDIR : WASI_EBADF;
  uint64_t needed = WASI_RIGHT_PATH_OPEN;
  if (oflags & WASI_OFLAG_CREAT)
    needed |= WASI_RIGHT_PATH_CREATE_FILE;
  wasi_errno error = wasip1_need(dir, needed);
  if (error)
    return error;
  if ((oflags & WASI_OFLAG_DIRECTORY) && (oflags & (WASI_OFLAG_CREAT | WASI_OFLAG_EXCL | WASI_OFLAG_TRUNC)))
    return WASI_EINVAL;
  /*
   * The descriptor gets the requested rights that apply to its file type,
   * within what the directory hands down (so rights dropped with
   * fd_fdstat_set_rights stay dropped), whatever the oflags: O_CREAT and
   * O_TRUNC need rights on the directory, never extra ones on the file.
   * The read and write rights also choose the host access mode.
   */
  uint64_t requested = rights_base & dir->rights_inheriting;
  uint64_t inheriting = rights_inheriting & dir->rights_inheriting;
  bool read = requested & (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR);
  bool write = requested & WASI_RIGHT_FD_WRITE;
  if (dir->read_only && (write || (oflags & (WASI_OFLAG_CREAT | WASI_OFLAG_TRUNC))))
    return WASI_EREADONLY;
  if (wasi_mem(wasi, result, 4) == NULL)
    return WASI_EFAULT;

  int flags = O_NOCTTY;
  flags |= write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (oflags & WASI_OFLAG_CREAT)
    flags |= O_CREAT;
  if (oflags & WASI_OFLAG_EXCL)
    flags |= O_EXCL;
  if (oflags & WASI_OFLAG_TRUNC)
    flags |= O_TRUNC;
  if (oflags & WASI_OFLAG_DIRECTORY)
    flags |= O_DIRECTORY;
  if (fdflags & WASI_FDFLAG_APPEND)
    flags |= O_APPEND;
  if (fdflags & WASI_FDFLAG_DSYNC)
    flags |= O_DSYNC;
  if (fdflags & WASI_FDFLAG_SYNC)
    flags |= O_SYNC;
  if (fdflags & WASI_FDFLAG_RSYNC)
    flags |= O_RSYNC;

  char *text;
  if ((error = wasip1_read_path(wasi, path, path_len, &text)))
    return error;
  int host = wasip1_open_beneath(wasi, dir, text, flags, 0666, dirflags & WASI_LOOKUP_SYMLINK_FOLLOW, &error);
  free(text);
  if (host < 0)
    return error;
  struct stat st;
  if (fstat(host, &st) != 0) {
    error = wasip1_errno(errno);
    close(host);
    return error;
  }
  wasi_fd entry = {
      .host = host,
      .poll_host = -1,
      .filetype = wasip1_filetype(host, st.st_mode),
      .flags = (uint16_t)fdflags,
      .rights_inheriting = inheriting,
      .read_only = dir->read_only,
      .may_sigpipe = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode),
  };
  uint64_t base = requested;
  if (S_ISDIR(st.st_mode)) {
    entry.kind = WASI_FD_DIR;
    base &= WASI_RIGHTS_DIRECTORY_MASK;
    entry.flags &= ~(uint16_t)WASI_FDFLAG_APPEND;
  } else {
    entry.kind = WASI_FD_FILE;
    base &= ~(uint64_t)(WASI_RIGHT_FD_READDIR | WASI_RIGHT_SOCK_ACCEPT | WASI_RIGHT_SOCK_SHUTDOWN);
  }
  entry.rights_base = base;
  uint32_t new_fd;
  if ((error = wasip1_fd_insert(wasi, &entry, &new_fd))) {
    close(host);
    return error;
  }
  return wasip1_store_u32(wasi, result, new_fd);
}

uint32_t wasip1_path_readlink(void *env, uint32_t fd, uint32_t path, uint32_t path_len, uint32_t buf,
                              uint32_t buf_len, uint32_t bufused) {
  wasmc_wasi *wasi = env;
  wasi_errno error;
  wasi_fd *dir = wasi_dir(wasi, fd, WASI_RIGHT_PATH_READLINK, false, &error);
  if (dir == NULL)
    return error;
  if (wasi_mem(wasi, bufused, 4) == NULL)
    return WASI_EFAULT;
  wasi_resolved r;
  if ((error = wasi_lookup(wasi, dir, path, path_len, WASI_RESOLVE_SLASH_FOLLOWS, &r)))
    return error;
  char target[PATH_MAX];
  ssize_t n = readlinkat(r.dir, r.name, target, sizeof target);
  if (n < 0)
    error = wasip1_errno(errno);
  wasip1_resolved_release(&r);
  if (error)
    return error;
  /* As wasmtime: an absolute target would show the guest a host path. */
  if (n > 0 && target[0] == '/')
    return WASI_ESCAPE;
  uint32_t len = (uint64_t)n < buf_len ? (uint32_t)n : buf_len;
  uint8_t *out = wasi_mem(wasi, buf, len);
  if (out == NULL)
    return WASI_EFAULT;
  memcpy(out, target, len);
  return wasip1_store_u32(wasi, bufused, len);
}

/* unlinkat-style removals: path_remove_directory, path_unlink_file. */
static uint32_t wasi_remove(wasmc_wasi *wasi, uint32_t fd, uint32_t path, uint32_t path_len, uint64_t right,
                            int at_flags) {
  wasi_errno error;
  wasi_fd *dir = wasi_dir(wasi, fd, right, true, &error);
  if (dir == NULL)
    return error;
  wasi_resolved r;
  if ((error = wasi_lookup(wasi, dir, path, path_len, 0, &r)))
    return error;
  if (unlinkat(r.dir, wasip1_resolved_name_slashed(&r), at_flags) != 0)
    error = wasip1_errno(errno);
  wasip1_resolved_release(&r);
  return error;
}

uint32_t wasip1_path_remove_directory(void *env, uint32_t fd, uint32_t path, uint32_t path_len) {
  return wasi_remove(env, fd, path, path_len, WASI_RIGHT_PATH_REMOVE_DIRECTORY, AT_REMOVEDIR);
}

uint32_t wasip1_path_unlink_file(void *env, uint32_t fd, uint32_t path, uint32_t path_len) {
  return wasi_remove(env, fd, path, path_len, WASI_RIGHT_PATH_UNLINK_FILE, 0);
}

uint32_t wasip1_path_rename(void *env, uint32_t fd, uint32_t old_path, uint32_t old_path_len, uint32_t new_fd,
                            uint32_t new_path, uint32_t new_path_len) {
  wasi_errno error;
  wasi_fd *old_dir = wasi_dir(env, fd, WASI_RIGHT_PATH_RENAME_SOURCE, true, &error);
  if (old_dir == NULL)
    return error;
  wasi_fd *new_dir = wasi_dir(env, new_fd, WASI_RIGHT_PATH_RENAME_TARGET, true, &error);
  if (new_dir == NULL)
    return error;
  wasi_resolved from, to;
  if ((error = wasi_lookup(env, old_dir, old_path, old_path_len, 0, &from)))
    return error;
  if ((error = wasi_lookup(env, new_dir, new_path, new_path_len, 0, &to))) {
    wasip1_resolved_release(&from);
    return error;
  }
  if (renameat(from.dir, wasip1_resolved_name_slashed(&from), to.dir, wasip1_resolved_name_slashed(&to)) != 0)
    error = wasip1_errno(errno);
  wasip1_resolved_release(&from);
  wasip1_resolved_release(&to);
  return error;
}

uint32_t wasip1_path_symlink(void *env, uint32_t old_path, uint32_t old_path_len, uint32_t fd,
                             uint32_t new_path, uint32_t new_path_len) {
  wasmc_wasi *wasi = env;
  wasi_errno error;
  wasi_fd *dir = wasi_dir(wasi, fd, WASI_RIGHT_PATH_SYMLINK, true, &error);
  if (dir == NULL)
    return error;
  char *target;
  if ((error = wasip1_read_path(wasi, old_path, old_path_len, &target)))
    return error;
  /* As wasmtime: absolute targets are refused. Relative ones may point
   * anywhere; resolution never follows them out of the sandbox. */
  if (target[0] == '/') {
    free(target);
    return WASI_ESCAPE;
  }
  wasi_resolved r;
  if ((error = wasi_lookup(wasi, dir, new_path, new_path_len, 0, &r)) == 0) {
    if (symlinkat(target, r.dir, wasip1_resolved_name_slashed(&r)) != 0)
      error = wasip1_errno(errno);
    wasip1_resolved_release(&r);
  }
  free(target);
  return error;
}
