/*
 * Sockets: accepting on pre-opened listening sockets, receiving, sending,
 * shutting down, and the host-side helper that opens a listening socket.
 *
 * Host sockets are always O_NONBLOCK. A guest socket without NONBLOCK
 * blocks by waiting on the context's loop and retrying, so a connection
 * another instance accepted first just means waiting for the next one.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wasi_internal.h"

/* A socket entry; ENOTSOCK for any other kind. */
static wasi_fd *wasi_socket(wasmc_wasi *wasi, uint32_t fd, uint64_t right, wasi_errno *error) {
  wasi_fd *entry = wasip1_fd(wasi, fd);
  if (entry == NULL) {
    *error = WASI_EBADF;
    return NULL;
  }
  if (entry->kind != WASI_FD_SOCKET && entry->kind != WASI_FD_LISTENER) {
    *error = WASI_ENOTSOCK;
    return NULL;
  }
  if ((*error = wasip1_need(entry, right)))
    return NULL;
  return entry;
}

uint32_t wasip1_sock_accept(void *env, uint32_t fd, uint32_t flags, uint32_t result) {
  wasmc_wasi *wasi = env;
  if (flags & ~(uint32_t)WASI_FDFLAG_NONBLOCK)
    return WASI_EINVAL;
  wasi_errno error;
  wasi_fd *listener = wasi_socket(wasi, fd, 0, &error);
  if (listener == NULL)
    return error;
  if (listener->kind != WASI_FD_LISTENER)
    return WASI_EINVAL; /* what accept() says of a connected socket */
  if ((error = wasip1_need(listener, WASI_RIGHT_SOCK_ACCEPT)))
    return error;
  /* Checked first: a connection once accepted must not be lost. */
  if (wasi_mem(wasi, result, 4) == NULL)
    return WASI_EFAULT;
  int host;
  for (;;) {
    host = accept4(listener->host, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (host >= 0)
      break;
    if (errno == EINTR || errno == ECONNABORTED)
      continue;
    if ((errno != EAGAIN && errno != EWOULDBLOCK) || (listener->flags & WASI_FDFLAG_NONBLOCK))
      return wasip1_errno(errno);
    if ((error = wasip1_wait_fd(wasi, wasi_poll_fd(listener), UV_READABLE)))
      return error;
  }
  wasi_fd entry = {
      .kind = WASI_FD_SOCKET,
      .host = host,
      .poll_host = -1,
      .filetype = WASI_FILETYPE_SOCKET_STREAM,
      .flags = (uint16_t)flags,
      .rights_base = listener->rights_inheriting,
      .rights_inheriting = listener->rights_inheriting,
      .may_sigpipe = true,
  };
  uint32_t new_fd;
  if ((error = wasip1_fd_insert(wasi, &entry, &new_fd))) {
    close(host);
    return error;
  }
  return wasip1_store_u32(wasi, result, new_fd);
}

uint32_t wasip1_sock_recv(void *env, uint32_t fd, uint32_t ri_data, uint32_t ri_data_len, uint32_t ri_flags,
                          uint32_t ro_datalen, uint32_t ro_flags) {
  wasmc_wasi *wasi = env;
  if (ri_flags & ~(uint32_t)(WASI_RIFLAG_RECV_PEEK | WASI_RIFLAG_RECV_WAITALL))
    return WASI_EINVAL;
  wasi_errno error;
  wasi_fd *entry = wasi_socket(wasi, fd, WASI_RIGHT_FD_READ, &error);
  if (entry == NULL)
    return error;
  if (wasi_mem(wasi, ro_datalen, 4) == NULL || wasi_mem(wasi, ro_flags, 2) == NULL)
    return WASI_EFAULT;
  struct iovec iov[WASI_MAX_IOVS];
  int count;
  if ((error = wasip1_iovecs(wasi, ri_data, ri_data_len, iov, &count)))
    return error;
  int msg_flags = (ri_flags & WASI_RIFLAG_RECV_PEEK) ? MSG_PEEK : 0;
  bool wait_all = (ri_flags & WASI_RIFLAG_RECV_WAITALL) && !(ri_flags & WASI_RIFLAG_RECV_PEEK) &&
                  !(entry->flags & WASI_FDFLAG_NONBLOCK);
  size_t total = 0;
  struct iovec *next = iov;
  for (;;) {
    size_t n;
    error = wasip1_stream_read(wasi, entry, next, count, msg_flags, &n);
    if (error) {
      if (total == 0)
        return error;
      break; /* report what arrived; the error comes next call */
    }
    total += n;
    if (!wait_all || n == 0)
      break;
    /* RECV_WAITALL: go on until every buffer is full or the peer is done. */
    while (count > 0 && n >= next->iov_len)
      n -= next->iov_len, next++, count--;
    if (count == 0)
      break;
    next->iov_base = (uint8_t *)next->iov_base + n;
    next->iov_len -= n;
  }
  wasip1_store_u32(wasi, ro_datalen, (uint32_t)total);
  wasi_store16(wasi_mem(wasi, ro_flags, 2), 0); /* streams never truncate */
  return WASI_ESUCCESS;
}

uint32_t wasip1_sock_send(void *env, uint32_t fd, uint32_t si_data, uint32_t si_data_len, uint32_t si_flags,
                          uint32_t so_datalen) {
  wasmc_wasi *wasi = env;
  (void)si_flags; /* preview1 defines no send flags */
  wasi_errno error;
  wasi_fd *entry = wasi_socket(wasi, fd, WASI_RIGHT_FD_WRITE, &error);
  if (entry == NULL)
    return error;
  if (wasi_mem(wasi, so_datalen, 4) == NULL)
    return WASI_EFAULT;
  struct iovec iov[WASI_MAX_IOVS];
  int count;
  if ((error = wasip1_iovecs(wasi, si_data, si_data_len, iov, &count)))
    return error;
  size_t n;
  if ((error = wasip1_stream_write(wasi, entry, iov, count, &n)))
    return error;
  return wasip1_store_u32(wasi, so_datalen, (uint32_t)n);
}

uint32_t wasip1_sock_shutdown(void *env, uint32_t fd, uint32_t how) {
  int host_how;
  switch (how) {
  case WASI_SDFLAG_RD: host_how = SHUT_RD; break;
  case WASI_SDFLAG_WR: host_how = SHUT_WR; break;
  case WASI_SDFLAG_RD | WASI_SDFLAG_WR: host_how = SHUT_RDWR; break;
  default: return WASI_EINVAL;
  }
  wasi_errno error;
  wasi_fd *entry = wasi_socket(env, fd, WASI_RIGHT_SOCK_SHUTDOWN, &error);
  if (entry == NULL)
    return error;
  return shutdown(entry->host, host_how) == 0 ? WASI_ESUCCESS : wasip1_errno(errno);
}

int wasmc_wasi_listen_tcp(const char *addr_port, char *error, size_t error_size) {
  char host[256];
  const char *port;
  if (error == NULL)
    error_size = 0;
  if (addr_port[0] == '[') { /* "[::1]:8080" */
    const char *close_bracket = strchr(addr_port, ']');
    if (close_bracket == NULL || close_bracket[1] != ':' ||
        (size_t)(close_bracket - addr_port - 1) >= sizeof host) {
      snprintf(error, error_size, "bad address '%s': want [host]:port", addr_port);
      return -1;
    }
    memcpy(host, addr_port + 1, (size_t)(close_bracket - addr_port - 1));
    host[close_bracket - addr_port - 1] = '\0';
    port = close_bracket + 2;
  } else { /* "127.0.0.1:8080", "localhost:0", ":8080" */
    const char *colon = strrchr(addr_port, ':');
    if (colon == NULL || (size_t)(colon - addr_port) >= sizeof host) {
      snprintf(error, error_size, "bad address '%s': want host:port", addr_port);
      return -1;
    }
    memcpy(host, addr_port, (size_t)(colon - addr_port));
    host[colon - addr_port] = '\0';
    port = colon + 1;
  }
  /*
   * Numeric addresses and "localhost" are resolved without the system's name
   * service: a static binary cannot load glibc's NSS modules, and a device may
   * have no /etc/nsswitch.conf. Other names go to getaddrinfo, and a failure
   * says what to do instead.
   */
  const char *node = host[0] ? host : NULL;
  if (node != NULL && strcasecmp(node, "localhost") == 0)
    node = "127.0.0.1";
  struct addrinfo hints = {
      .ai_family = AF_UNSPEC,
      .ai_socktype = SOCK_STREAM,
      .ai_flags = AI_PASSIVE | AI_NUMERICSERV | AI_NUMERICHOST,
  };
  struct addrinfo *addresses;
  int result = getaddrinfo(node, port, &hints, &addresses);
  if (result == EAI_NONAME && node != NULL) {
    hints.ai_flags &= ~AI_NUMERICHOST;
    result = getaddrinfo(node, port, &hints, &addresses);
  }
  if (result != 0) {
    snprintf(error, error_size,
             "cannot resolve '%s': %s (numeric addresses and localhost need no "
             "name service; a static binary cannot use NSS for other names)",
             addr_port, gai_strerror(result));
    return -1;
  }
  int fd = -1, last_errno = 0;
  for (struct addrinfo *a = addresses; a != NULL && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      last_errno = errno;
      continue;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
      last_errno = errno;
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(addresses);
  if (fd < 0)
    snprintf(error, error_size, "cannot listen on '%s': %s", addr_port, strerror(last_errno));
  return fd;
}
