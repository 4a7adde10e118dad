/*
 * The WASI context: creation from a config (stdio, pre-opened directories
 * and sockets), the guest descriptor table, import resolution, and the small
 * helpers every preview1 function shares (errno mapping, guest stores,
 * iovecs).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_internal.h"

/* ------------------------------------------------------------------------ */
/* The function table                                                       */
/* ------------------------------------------------------------------------ */

static void wasi_wakeup_cb(uv_async_t *handle);

typedef struct wasi_func_desc {
  const char *name;
  const char *type;
  wasmc_code code;
} wasi_func_desc;

#define WASI_FUNC(name, type) \
  { #name, type, (wasmc_code)wasip1_##name }

/* Every wasi_snapshot_preview1 function, with its canonical signature. */
static const wasi_func_desc wasi_funcs[WASI_FUNC_COUNT] = {
    WASI_FUNC(args_get, "ii>i"),
    WASI_FUNC(args_sizes_get, "ii>i"),
    WASI_FUNC(environ_get, "ii>i"),
    WASI_FUNC(environ_sizes_get, "ii>i"),
    WASI_FUNC(clock_res_get, "ii>i"),
    WASI_FUNC(clock_time_get, "iji>i"),
    WASI_FUNC(fd_advise, "ijji>i"),
    WASI_FUNC(fd_allocate, "ijj>i"),
    WASI_FUNC(fd_close, "i>i"),
    WASI_FUNC(fd_datasync, "i>i"),
    WASI_FUNC(fd_fdstat_get, "ii>i"),
    WASI_FUNC(fd_fdstat_set_flags, "ii>i"),
    WASI_FUNC(fd_fdstat_set_rights, "ijj>i"),
    WASI_FUNC(fd_filestat_get, "ii>i"),
    WASI_FUNC(fd_filestat_set_size, "ij>i"),
    WASI_FUNC(fd_filestat_set_times, "ijji>i"),
    WASI_FUNC(fd_pread, "iiiji>i"),
    WASI_FUNC(fd_prestat_get, "ii>i"),
    WASI_FUNC(fd_prestat_dir_name, "iii>i"),
    WASI_FUNC(fd_pwrite, "iiiji>i"),
    WASI_FUNC(fd_read, "iiii>i"),
    WASI_FUNC(fd_readdir, "iiiji>i"),
    WASI_FUNC(fd_renumber, "ii>i"),
    WASI_FUNC(fd_seek, "ijii>i"),
    WASI_FUNC(fd_sync, "i>i"),
    WASI_FUNC(fd_tell, "ii>i"),
    WASI_FUNC(fd_write, "iiii>i"),
    WASI_FUNC(path_create_directory, "iii>i"),
    WASI_FUNC(path_filestat_get, "iiiii>i"),
    WASI_FUNC(path_filestat_set_times, "iiiijji>i"),
    WASI_FUNC(path_link, "iiiiiii>i"),
    WASI_FUNC(path_open, "iiiiijjii>i"),
    WASI_FUNC(path_readlink, "iiiiii>i"),
    WASI_FUNC(path_remove_directory, "iii>i"),
    WASI_FUNC(path_rename, "iiiiii>i"),
    WASI_FUNC(path_symlink, "iiiii>i"),
    WASI_FUNC(path_unlink_file, "iii>i"),
    WASI_FUNC(poll_oneoff, "iiii>i"),
    WASI_FUNC(proc_exit, "i>"),
    WASI_FUNC(proc_raise, "i>i"),
    WASI_FUNC(sched_yield, ">i"),
    WASI_FUNC(random_get, "ii>i"),
    WASI_FUNC(sock_accept, "iii>i"),
    WASI_FUNC(sock_recv, "iiiiii>i"),
    WASI_FUNC(sock_send, "iiiii>i"),
    WASI_FUNC(sock_shutdown, "ii>i"),
};

static int wasi_func_index(const char *name) {
  for (int i = 0; i < WASI_FUNC_COUNT; i++)
    if (strcmp(wasi_funcs[i].name, name) == 0)
      return i;
  return -1;
}

const char *wasmc_wasi_func_type(const char *name) {
  int i = wasi_func_index(name);
  return i < 0 ? NULL : wasi_funcs[i].type;
}

bool wasmc_wasi_resolve(wasmc_wasi *wasi, const char *name, const char *func_type, wasmc_extern *out) {
  int i = wasi_func_index(name);
  if (i < 0 || func_type == NULL || !wasmc_func_type_equal(wasi_funcs[i].type, func_type))
    return false;
  out->kind = WASMC_EXTERN_FUNC;
  out->as.func = &wasi->funcs[i];
  return true;
}

void wasmc_wasi_bind_memory(wasmc_wasi *wasi, wasmc_memory *memory) { wasi->memory = memory; }

/* ------------------------------------------------------------------------ */
/* Descriptor table                                                         */
/* ------------------------------------------------------------------------ */

wasi_fd *wasip1_fd(wasmc_wasi *wasi, uint32_t fd) { return fd < wasi->fd_capacity ? wasi->fds[fd] : NULL; }

/* Put a copy of `entry` in `slot`, growing the table; the slot must be free. */
static wasi_errno wasi_fd_place(wasmc_wasi *wasi, uint32_t slot, const wasi_fd *entry) {
  if (slot >= WASI_MAX_FDS)
    return WASI_EMFILE;
  if (slot >= wasi->fd_capacity) {
    uint32_t capacity = wasi->fd_capacity ? wasi->fd_capacity : 16;
    while (capacity <= slot)
      capacity *= 2;
    if (capacity > WASI_MAX_FDS)
      capacity = WASI_MAX_FDS;
    wasi_fd **fds = realloc(wasi->fds, capacity * sizeof *fds);
    if (fds == NULL)
      return WASI_ENOMEM;
    memset(fds + wasi->fd_capacity, 0, (capacity - wasi->fd_capacity) * sizeof *fds);
    wasi->fds = fds;
    wasi->fd_capacity = capacity;
  }
  wasi_fd *copy = malloc(sizeof *copy);
  if (copy == NULL)
    return WASI_ENOMEM;
  *copy = *entry;
  copy->registration = NULL;
  wasi->fds[slot] = copy;
  return WASI_ESUCCESS;
}

wasi_errno wasip1_fd_insert(wasmc_wasi *wasi, const wasi_fd *entry, uint32_t *fd) {
  uint32_t slot = 0;
  while (slot < wasi->fd_capacity && wasi->fds[slot] != NULL)
    slot++;
  wasi_errno error = wasi_fd_place(wasi, slot, entry);
  if (error == WASI_ESUCCESS)
    *fd = slot;
  return error;
}

static void wasi_fd_release(wasi_fd *entry) {
  if (entry->dir_stream != NULL)
    closedir(entry->dir_stream);
  if (entry->host >= 0)
    close(entry->host);
  if (entry->poll_host >= 0)
    close(entry->poll_host);
  free(entry->preopen_name);
  free(entry);
}

void wasip1_fd_remove(wasmc_wasi *wasi, uint32_t fd) {
  wasi_fd *entry = wasip1_fd(wasi, fd);
  if (entry == NULL)
    return;
  wasi->fds[fd] = NULL;
  wasip1_poll_forget(wasi, entry);
  wasi_fd_release(entry);
}

/* ------------------------------------------------------------------------ */
/* Shared helpers                                                           */
/* ------------------------------------------------------------------------ */

wasi_errno wasip1_errno(int host_errno) {
  switch (host_errno) {
  case 0: return WASI_ESUCCESS;
  case E2BIG: return WASI_E2BIG;
  case EACCES: return WASI_EACCES;
  case EADDRINUSE: return WASI_EADDRINUSE;
  case EADDRNOTAVAIL: return WASI_EADDRNOTAVAIL;
  case EAFNOSUPPORT: return WASI_EAFNOSUPPORT;
  case EAGAIN: return WASI_EAGAIN;
  case EALREADY: return WASI_EALREADY;
  case EBADF: return WASI_EBADF;
  case EBADMSG: return WASI_EBADMSG;
  case EBUSY: return WASI_EBUSY;
  case ECANCELED: return WASI_ECANCELED;
  case ECHILD: return WASI_ECHILD;
  case ECONNABORTED: return WASI_ECONNABORTED;
  case ECONNREFUSED: return WASI_ECONNREFUSED;
  case ECONNRESET: return WASI_ECONNRESET;
  case EDEADLK: return WASI_EDEADLK;
  case EDESTADDRREQ: return WASI_EDESTADDRREQ;
  case EDOM: return WASI_EDOM;
  case EDQUOT: return WASI_EDQUOT;
  case EEXIST: return WASI_EEXIST;
  case EFAULT: return WASI_EFAULT;
  case EFBIG: return WASI_EFBIG;
  case EHOSTUNREACH: return WASI_EHOSTUNREACH;
  case EIDRM: return WASI_EIDRM;
  case EILSEQ: return WASI_EILSEQ;
  case EINPROGRESS: return WASI_EINPROGRESS;
  case EINTR: return WASI_EINTR;
  case EINVAL: return WASI_EINVAL;
  case EIO: return WASI_EIO;
  case EISCONN: return WASI_EISCONN;
  case EISDIR: return WASI_EISDIR;
  case ELOOP: return WASI_ELOOP;
  case EMFILE: return WASI_EMFILE;
  case EMLINK: return WASI_EMLINK;
  case EMSGSIZE: return WASI_EMSGSIZE;
  case EMULTIHOP: return WASI_EMULTIHOP;
  case ENAMETOOLONG: return WASI_ENAMETOOLONG;
  case ENETDOWN: return WASI_ENETDOWN;
  case ENETRESET: return WASI_ENETRESET;
  case ENETUNREACH: return WASI_ENETUNREACH;
  case ENFILE: return WASI_ENFILE;
  case ENOBUFS: return WASI_ENOBUFS;
  case ENODEV: return WASI_ENODEV;
  case ENOENT: return WASI_ENOENT;
  case ENOEXEC: return WASI_ENOEXEC;
  case ENOLCK: return WASI_ENOLCK;
  case ENOLINK: return WASI_ENOLINK;
  case ENOMEM: return WASI_ENOMEM;
  case ENOMSG: return WASI_ENOMSG;
  case ENOPROTOOPT: return WASI_ENOPROTOOPT;
  case ENOSPC: return WASI_ENOSPC;
  case ENOSYS: return WASI_ENOSYS;
  case ENOTCONN: return WASI_ENOTCONN;
  case ENOTDIR: return WASI_ENOTDIR;
  case ENOTEMPTY: return WASI_ENOTEMPTY;
  case ENOTRECOVERABLE: return WASI_ENOTRECOVERABLE;
  case ENOTSOCK: return WASI_ENOTSOCK;
  case EOPNOTSUPP: return WASI_ENOTSUP;
  case ENOTTY: return WASI_ENOTTY;
  case ENXIO: return WASI_ENXIO;
  case EOVERFLOW: return WASI_EOVERFLOW;
  case EOWNERDEAD: return WASI_EOWNERDEAD;
  case EPERM: return WASI_EPERM;
  case EPIPE: return WASI_EPIPE;
  case EPROTO: return WASI_EPROTO;
  case EPROTONOSUPPORT: return WASI_EPROTONOSUPPORT;
  case EPROTOTYPE: return WASI_EPROTOTYPE;
  case ERANGE: return WASI_ERANGE;
  case EROFS: return WASI_EROFS;
  case ESPIPE: return WASI_ESPIPE;
  case ESRCH: return WASI_ESRCH;
  case ESTALE: return WASI_ESTALE;
  case ETIMEDOUT: return WASI_ETIMEDOUT;
  case ETXTBSY: return WASI_ETXTBSY;
  case EXDEV: return WASI_EXDEV;
  default: return WASI_EIO;
  }
}

uint8_t wasip1_filetype(int host_fd, mode_t mode) {
  switch (mode & S_IFMT) {
  case S_IFREG: return WASI_FILETYPE_REGULAR_FILE;
  case S_IFDIR: return WASI_FILETYPE_DIRECTORY;
  case S_IFLNK: return WASI_FILETYPE_SYMBOLIC_LINK;
  case S_IFCHR: return WASI_FILETYPE_CHARACTER_DEVICE;
  case S_IFBLK: return WASI_FILETYPE_BLOCK_DEVICE;
  case S_IFSOCK: {
    int type = SOCK_STREAM;
    socklen_t len = sizeof type;
    if (host_fd >= 0)
      getsockopt(host_fd, SOL_SOCKET, SO_TYPE, &type, &len);
    return type == SOCK_DGRAM ? WASI_FILETYPE_SOCKET_DGRAM : WASI_FILETYPE_SOCKET_STREAM;
  }
  default: return WASI_FILETYPE_UNKNOWN; /* FIFOs: preview1 has no code */
  }
}

wasi_errno wasip1_store_u32(wasmc_wasi *wasi, uint32_t addr, uint32_t value) {
  uint8_t *p = wasi_mem(wasi, addr, 4);
  if (p == NULL)
    return WASI_EFAULT;
  wasi_store32(p, value);
  return WASI_ESUCCESS;
}

wasi_errno wasip1_store_u64(wasmc_wasi *wasi, uint32_t addr, uint64_t value) {
  uint8_t *p = wasi_mem(wasi, addr, 8);
  if (p == NULL)
    return WASI_EFAULT;
  wasi_store64(p, value);
  return WASI_ESUCCESS;
}

wasi_errno wasip1_iovecs(wasmc_wasi *wasi, uint32_t iovs, uint32_t iovs_len, struct iovec *out,
                         int *out_count) {
  const uint8_t *array = wasi_mem(wasi, iovs, (uint64_t)iovs_len * WASI_IOVEC_SIZE);
  if (array == NULL)
    return WASI_EFAULT;
  uint32_t count = iovs_len < WASI_MAX_IOVS ? iovs_len : WASI_MAX_IOVS;
  uint64_t total = 0;
  int n = 0;
  for (uint32_t i = 0; i < count; i++) {
    uint32_t buf = wasi_load32(array + i * WASI_IOVEC_SIZE);
    uint32_t len = wasi_load32(array + i * WASI_IOVEC_SIZE + 4);
    uint8_t *host = wasi_mem(wasi, buf, len);
    if (host == NULL)
      return WASI_EFAULT;
    if (total + len > UINT32_MAX)
      len = (uint32_t)(UINT32_MAX - total);
    total += len;
    out[n].iov_base = host;
    out[n].iov_len = len;
    n++;
  }
  *out_count = n;
  return WASI_ESUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Creation and destruction                                                 */
/* ------------------------------------------------------------------------ */

void wasmc_wasi_config_init(wasmc_wasi_config *config) {
  memset(config, 0, sizeof *config);
  config->stdin_fd = 0;
  config->stdout_fd = 1;
  config->stderr_fd = 2;
}

static void wasi_fail(char *error, size_t error_size, const char *format, ...) {
  if (error == NULL || error_size == 0)
    return;
  va_list args;
  va_start(args, format);
  vsnprintf(error, error_size, format, args);
  va_end(args);
}

/* Copy strings back to back, NUL-terminated; false if too big or no memory. */
static bool wasi_pack_strings(int count, const char *const *strings, char **out, uint32_t *out_count,
                              uint32_t *out_size) {
  uint64_t size = 0;
  for (int i = 0; i < count; i++)
    size += strlen(strings[i]) + 1;
  if (count < 0 || size > UINT32_MAX)
    return false;
  char *buf = malloc(size ? size : 1);
  if (buf == NULL)
    return false;
  char *p = buf;
  for (int i = 0; i < count; i++) {
    size_t len = strlen(strings[i]) + 1;
    memcpy(p, strings[i], len);
    p += len;
  }
  *out = buf;
  *out_count = (uint32_t)count;
  *out_size = (uint32_t)size;
  return true;
}

/*
 * A second open file description of a stdio stream, for polling only.
 * uv_poll sets O_NONBLOCK, and on the shared description that would leak
 * into the host's terminal or pipe (and into other instances); on a private
 * one it doesn't matter. -1 (poll the stream itself, restoring its flags)
 * when the stream can't be reopened, e.g. a socket.
 */
static int wasi_private_poll_fd(int host_fd, wasi_fd_kind kind) {
  struct stat st;
  if (fstat(host_fd, &st) != 0 || !(S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)))
    return -1;
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", host_fd);
  int mode = kind == WASI_FD_STDIN ? O_RDONLY : O_WRONLY;
  /* O_NONBLOCK: opening a FIFO's write side must not wait for a reader. */
  return open(path, mode | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
}

static bool wasi_add_stdio(wasmc_wasi *wasi, int host_fd, wasi_fd_kind kind, uint32_t expected_fd,
                           char *error, size_t error_size) {
  if (host_fd < 0)
    return true; /* the slot stays closed; the numbering doesn't shift */
  int dup_fd = fcntl(host_fd, F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0) {
    wasi_fail(error, error_size, "wasi: stdio fd %d: %s", host_fd, strerror(errno));
    return false;
  }
  struct stat st;
  bool may_sigpipe = fstat(dup_fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
  uint64_t rights = kind == WASI_FD_STDIN ? WASI_RIGHT_FD_READ : WASI_RIGHT_FD_WRITE;
  wasi_fd entry = {
      .kind = kind,
      .host = dup_fd,
      /* As wasmtime: a terminal is a character device, anything else unknown. */
      .filetype = isatty(dup_fd) ? WASI_FILETYPE_CHARACTER_DEVICE : WASI_FILETYPE_UNKNOWN,
      .rights_base = rights,
      .rights_inheriting = rights,
      .may_sigpipe = may_sigpipe,
      .poll_host = wasi_private_poll_fd(dup_fd, kind),
  };
  if (wasi_fd_place(wasi, expected_fd, &entry) != WASI_ESUCCESS) {
    if (entry.poll_host >= 0)
      close(entry.poll_host);
    close(dup_fd);
    wasi_fail(error, error_size, "wasi: out of memory");
    return false;
  }
  return true;
}

static bool wasi_add_preopen(wasmc_wasi *wasi, uint32_t slot, const wasmc_wasi_preopen *p, char *error,
                             size_t error_size) {
  if (p->host_path == NULL || p->guest_path == NULL) {
    wasi_fail(error, error_size, "wasi: pre-open without a path");
    return false;
  }
  int dir = open(p->host_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) {
    wasi_fail(error, error_size, "wasi: cannot open directory %s: %s", p->host_path, strerror(errno));
    return false;
  }
  wasi_fd entry = {
      .kind = WASI_FD_DIR,
      .host = dir,
      .poll_host = -1,
      .filetype = WASI_FILETYPE_DIRECTORY,
      .rights_base = WASI_RIGHTS_PREOPEN_BASE,
      .rights_inheriting = WASI_RIGHTS_PREOPEN_INHERITING,
      .read_only = p->read_only,
      .preopen_name = strdup(p->guest_path),
  };
  if (entry.preopen_name == NULL || wasi_fd_place(wasi, slot, &entry) != WASI_ESUCCESS) {
    free(entry.preopen_name);
    close(dir);
    wasi_fail(error, error_size, "wasi: out of memory");
    return false;
  }
  return true;
}

static bool wasi_add_listener(wasmc_wasi *wasi, uint32_t slot, int host_fd, char *error, size_t error_size) {
  int listening = 0;
  socklen_t len = sizeof listening;
  if (getsockopt(host_fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) {
    wasi_fail(error, error_size, "wasi: fd %d is not a listening socket", host_fd);
    return false;
  }
  int dup_fd = fcntl(host_fd, F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0) {
    wasi_fail(error, error_size, "wasi: socket fd %d: %s", host_fd, strerror(errno));
    return false;
  }
  /* Blocking accepts wait on the context's loop, never in accept() itself:
   * another instance sharing the socket may take the connection first. */
  fcntl(dup_fd, F_SETFL, fcntl(dup_fd, F_GETFL) | O_NONBLOCK);
  struct stat st;
  fstat(dup_fd, &st);
  wasi_fd entry = {
      .kind = WASI_FD_LISTENER,
      .host = dup_fd,
      .poll_host = -1,
      .filetype = wasip1_filetype(dup_fd, st.st_mode),
      .rights_base = WASI_RIGHTS_SOCKET | WASI_RIGHT_SOCK_ACCEPT,
      .rights_inheriting = WASI_RIGHTS_SOCKET,
      .may_sigpipe = true,
  };
  if (wasi_fd_place(wasi, slot, &entry) != WASI_ESUCCESS) {
    close(dup_fd);
    wasi_fail(error, error_size, "wasi: out of memory");
    return false;
  }
  return true;
}

wasmc_wasi *wasmc_wasi_create(const wasmc_wasi_config *config, char *error, size_t error_size) {
  wasmc_wasi *wasi = calloc(1, sizeof *wasi);
  if (wasi == NULL) {
    wasi_fail(error, error_size, "wasi: out of memory");
    return NULL;
  }
  for (int i = 0; i < WASI_FUNC_COUNT; i++)
    wasi->funcs[i] = (wasmc_func){.type = wasi_funcs[i].type, .code = wasi_funcs[i].code, .env = wasi, .tail_code = NULL};
  /* A test hook: exercise the component-by-component resolver. */
  const char *no_openat2 = getenv("WASMC_WASI_NO_OPENAT2");
  wasi->use_openat2 = no_openat2 == NULL || no_openat2[0] == '\0';
  if (uv_loop_init(&wasi->loop) != 0) {
    free(wasi);
    wasi_fail(error, error_size, "wasi: cannot create an event loop");
    return NULL;
  }
  uv_async_init(&wasi->loop, &wasi->wakeup, wasi_wakeup_cb);
  wasi->wakeup.data = wasi;
  /* The wake-up must not keep the loop alive on its own. */
  uv_unref((uv_handle_t *)&wasi->wakeup);

  bool ok = true;
  if (!wasi_pack_strings(config->argc, config->argv, &wasi->args, &wasi->args_count, &wasi->args_size) ||
      !wasi_pack_strings(config->envc, config->envp, &wasi->environ, &wasi->environ_count,
                         &wasi->environ_size)) {
    wasi_fail(error, error_size, "wasi: arguments or environment too large");
    ok = false;
  }
  ok = ok && wasi_add_stdio(wasi, config->stdin_fd, WASI_FD_STDIN, 0, error, error_size) &&
       wasi_add_stdio(wasi, config->stdout_fd, WASI_FD_STDOUT, 1, error, error_size) &&
       wasi_add_stdio(wasi, config->stderr_fd, WASI_FD_STDOUT, 2, error, error_size);
  uint32_t slot = 3;
  for (int i = 0; ok && i < config->preopen_count; i++)
    ok = wasi_add_preopen(wasi, slot++, &config->preopens[i], error, error_size);
  for (int i = 0; ok && i < config->socket_count; i++)
    ok = wasi_add_listener(wasi, slot++, config->listen_sockets[i], error, error_size);
  if (!ok) {
    wasmc_wasi_destroy(wasi);
    return NULL;
  }
  return wasi;
}

static void wasi_wakeup_cb(uv_async_t *handle) { ((wasmc_wasi *)handle->data)->woken = true; }

void wasmc_wasi_set_poll_hook(wasmc_wasi *wasi, wasmc_wasi_poll_hook hook, void *data) {
  wasi->poll_hook = hook;
  wasi->poll_hook_data = data;
}

void wasmc_wasi_wake(wasmc_wasi *wasi) { uv_async_send(&wasi->wakeup); }

int wasi_run_poll_hook(wasmc_wasi *wasi) {
  if (wasi->poll_hook == NULL)
    return 0;
  wasi->woken = false;
  return wasi->poll_hook(wasi->poll_hook_data);
}

void wasmc_wasi_destroy(wasmc_wasi *wasi) {
  if (wasi == NULL)
    return;
  for (uint32_t fd = 0; fd < wasi->fd_capacity; fd++)
    wasip1_fd_remove(wasi, fd);
  free(wasi->fds);
  free(wasi->registrations);
  free(wasi->args);
  free(wasi->environ);
  /* Every handle is closed by the call that opened it; drain callbacks. */
  uv_close((uv_handle_t *)&wasi->wakeup, NULL);
  uv_run(&wasi->loop, UV_RUN_DEFAULT);
  uv_loop_close(&wasi->loop);
  free(wasi);
}
