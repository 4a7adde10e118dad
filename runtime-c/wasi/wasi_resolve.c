/*
 * Resolving guest paths beneath a directory descriptor: the sandbox.
 *
 * A guest path never reaches the kernel as a whole (except through openat2
 * with RESOLVE_BENEATH, which enforces the same rule in the kernel). It is
 * walked one component at a time from the directory's host fd:
 *   - every directory on the way is opened with O_PATH|O_NOFOLLOW and kept
 *     on a stack, so `..` pops back to the fd we came from and can never go
 *     above the start (no lexical guess, no race with renames);
 *   - a symlink is read with readlinkat and its target spliced into the
 *     rest of the path; an absolute target is an escape;
 *   - the last component is returned as (directory fd, name) and the
 *     operation uses a *at() call that does not follow it, so a symlink
 *     swapped in after the check is never followed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wasi_internal.h"

/* Symlinks followed in one resolution before ELOOP (Linux uses 40). */
#define WASI_MAX_SYMLINKS 40

/* Is [s, s+len) well-formed UTF-8? (wasmtime requires paths to be.) */
static bool wasi_utf8_valid(const uint8_t *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    uint8_t c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t n;
    uint32_t cp, min;
    if ((c & 0xe0) == 0xc0) {
      n = 2, cp = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      n = 3, cp = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      n = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (len - i < n)
      return false;
    for (size_t k = 1; k < n; k++) {
      if ((s[i + k] & 0xc0) != 0x80)
        return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n;
  }
  return true;
}

wasi_errno wasip1_read_path(wasmc_wasi *wasi, uint32_t addr, uint32_t len, char **out) {
  const uint8_t *p = wasi_mem(wasi, addr, len);
  if (p == NULL)
    return WASI_EFAULT;
  if (len >= PATH_MAX)
    return WASI_ENAMETOOLONG;
  if (memchr(p, 0, len) != NULL)
    return WASI_EINVAL;
  if (!wasi_utf8_valid(p, len))
    return WASI_EILSEQ;
  char *path = malloc((size_t)len + 1);
  if (path == NULL)
    return WASI_ENOMEM;
  memcpy(path, p, len);
  path[len] = '\0';
  *out = path;
  return WASI_ESUCCESS;
}

/* The directories walked so far; fds[0] is the start and is not owned. */
typedef struct wasi_dir_stack {
  int *fds;
  uint32_t depth; /* index of the current directory */
  uint32_t capacity;
} wasi_dir_stack;

static bool wasi_dir_stack_push(wasi_dir_stack *stack, int fd) {
  if (stack->depth + 1 >= stack->capacity) {
    uint32_t capacity = stack->capacity * 2;
    int *fds = realloc(stack->fds, capacity * sizeof *fds);
    if (fds == NULL)
      return false;
    stack->fds = fds;
    stack->capacity = capacity;
  }
  stack->fds[++stack->depth] = fd;
  return true;
}

/* Close every owned directory except (when keep_top) the current one. */
static void wasi_dir_stack_free(wasi_dir_stack *stack, bool keep_top) {
  uint32_t last = keep_top ? stack->depth : stack->depth + 1;
  for (uint32_t i = 1; i < last; i++)
    close(stack->fds[i]);
  free(stack->fds);
}

/* "target/rest": the remaining path after splicing in a symlink target. */
static char *wasi_splice(const char *target, bool slash, const char *rest) {
  size_t target_len = strlen(target), rest_len = strlen(rest);
  char *next = malloc(target_len + 1 + rest_len + 1);
  if (next == NULL)
    return NULL;
  memcpy(next, target, target_len);
  size_t at = target_len;
  if (slash)
    next[at++] = '/';
  memcpy(next + at, rest, rest_len + 1);
  return next;
}

wasi_errno wasip1_resolve(wasmc_wasi *wasi, const wasi_fd *base, const char *path, unsigned flags,
                          wasi_resolved *out) {
  (void)wasi;
  out->dir = -1;
  out->dir_owned = false;
  out->trailing_slash = false;
  out->name[0] = '\0';
  if (path[0] == '\0')
    return WASI_ENOENT;
  if (path[0] == '/')
    return WASI_ESCAPE;

  wasi_dir_stack stack = {malloc(16 * sizeof(int)), 0, 16};
  char *work = strdup(path);
  char *target = malloc(PATH_MAX);
  wasi_errno error = WASI_ESUCCESS;
  if (stack.fds == NULL || work == NULL || target == NULL) {
    error = WASI_ENOMEM;
    goto done;
  }
  stack.fds[0] = base->host;
  unsigned links = 0;
  const char *p = work;
  for (;;) {
    while (*p == '/')
      p++;
    if (*p == '\0') { /* the path names the current directory itself */
      strcpy(out->name, ".");
      break;
    }
    const char *end = strchr(p, '/');
    if (end == NULL)
      end = p + strlen(p);
    size_t len = (size_t)(end - p);
    const char *rest = end;
    while (*rest == '/')
      rest++;
    bool last = *rest == '\0';
    bool slash_after = *end == '/';
    int top = stack.fds[stack.depth];

    if (len == 1 && p[0] == '.') {
      p = rest;
      continue;
    }
    if (len == 2 && p[0] == '.' && p[1] == '.') {
      if (stack.depth == 0) {
        error = WASI_ESCAPE;
        goto done;
      }
      close(top);
      stack.depth--;
      p = rest;
      continue;
    }
    if (len > NAME_MAX) {
      error = WASI_ENAMETOOLONG;
      goto done;
    }
    char name[NAME_MAX + 1];
    memcpy(name, p, len);
    name[len] = '\0';
    bool follow =
        !last || (flags & WASI_RESOLVE_FOLLOW) || (slash_after && (flags & WASI_RESOLVE_SLASH_FOLLOWS));
    if (!follow) {
      memcpy(out->name, name, len + 1);
      out->trailing_slash = slash_after;
      break;
    }

    ssize_t n = readlinkat(top, name, target, PATH_MAX);
    if (n >= 0) {
      if (++links > WASI_MAX_SYMLINKS) {
        error = WASI_ELOOP;
        goto done;
      }
      if (n >= PATH_MAX) {
        error = WASI_ENAMETOOLONG;
        goto done;
      }
      target[n] = '\0';
      if (n == 0) {
        error = WASI_ENOENT;
        goto done;
      }
      if (target[0] == '/') {
        error = WASI_ESCAPE;
        goto done;
      }
      char *next = wasi_splice(target, slash_after, rest);
      if (next == NULL) {
        error = WASI_ENOMEM;
        goto done;
      }
      if (strlen(next) >= 2 * PATH_MAX) {
        free(next);
        error = WASI_ENAMETOOLONG;
        goto done;
      }
      free(work);
      work = next;
      p = work;
      continue;
    }
    if (last) {
      /* Not a symlink (EINVAL) or not there yet (ENOENT, e.g. O_CREAT):
       * either way the operation itself reports on it. */
      memcpy(out->name, name, len + 1);
      out->trailing_slash = slash_after;
      break;
    }
    if (errno != EINVAL) {
      error = wasip1_errno(errno);
      goto done;
    }
    int fd = openat(top, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      error = wasip1_errno(errno); /* ENOTDIR; ELOOP if swapped to a link */
      goto done;
    }
    if (!wasi_dir_stack_push(&stack, fd)) {
      close(fd);
      error = WASI_ENOMEM;
      goto done;
    }
    p = rest;
  }
  out->dir = stack.fds[stack.depth];
  out->dir_owned = stack.depth > 0;

done:
  if (stack.fds != NULL)
    wasi_dir_stack_free(&stack, error == WASI_ESUCCESS);
  free(work);
  free(target);
  return error;
}

void wasip1_resolved_release(wasi_resolved *resolved) {
  if (resolved->dir_owned && resolved->dir >= 0)
    close(resolved->dir);
  resolved->dir = -1;
  resolved->dir_owned = false;
}

const char *wasip1_resolved_name_slashed(wasi_resolved *resolved) {
  size_t len = strlen(resolved->name);
  if (resolved->trailing_slash && strcmp(resolved->name, ".") != 0 && resolved->name[len - 1] != '/') {
    resolved->name[len] = '/';
    resolved->name[len + 1] = '\0';
  }
  return resolved->name;
}

/* openat2 beneath `dir`; -1 with errno, ENOSYS when the kernel lacks it. */
static int wasi_openat2_beneath(int dir, const char *path, int flags, mode_t mode) {
#ifdef SYS_openat2
  struct open_how how = {
      .flags = (uint64_t)flags,
      .mode = (flags & O_CREAT) ? mode : 0,
      .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
  };
  return (int)syscall(SYS_openat2, dir, path, &how, sizeof how);
#else
  (void)dir, (void)path, (void)flags, (void)mode;
  errno = ENOSYS;
  return -1;
#endif
}

int wasip1_open_beneath(wasmc_wasi *wasi, const wasi_fd *base, const char *path, int open_flags, mode_t mode,
                        bool follow, wasi_errno *error) {
  open_flags |= O_CLOEXEC;
  if (path[0] == '/') {
    *error = WASI_ESCAPE;
    return -1;
  }
  if (wasi->use_openat2 && path[0] != '\0') {
    int flags = open_flags | (follow ? 0 : O_NOFOLLOW);
    for (int attempt = 0; attempt < 4; attempt++) {
      int fd = wasi_openat2_beneath(base->host, path, flags, mode);
      if (fd >= 0)
        return fd;
      if (errno == EAGAIN || errno == EINTR)
        continue; /* a concurrent rename; the kernel asks to retry */
      if (errno == ENOSYS || errno == E2BIG) {
        wasi->use_openat2 = false;
        break;
      }
      *error = errno == EXDEV ? WASI_ESCAPE : wasip1_errno(errno);
      return -1;
    }
  }

  wasi_resolved resolved;
  unsigned flags = WASI_RESOLVE_SLASH_FOLLOWS | (follow ? WASI_RESOLVE_FOLLOW : 0);
  *error = wasip1_resolve(wasi, base, path, flags, &resolved);
  if (*error != WASI_ESUCCESS)
    return -1;
  if (resolved.trailing_slash)
    open_flags |= O_DIRECTORY;
  int fd;
  do {
    fd = openat(resolved.dir, resolved.name, open_flags | O_NOFOLLOW, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0)
    *error = wasip1_errno(errno);
  wasip1_resolved_release(&resolved);
  return fd;
}
