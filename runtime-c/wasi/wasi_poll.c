/*
 * poll_oneoff and the blocking waits of sockets and streams, on the
 * context's own libuv loop (uv_poll for descriptors, uv_timer for clocks).
 * Each context has its own loop, so a guest blocked here holds nothing
 * another instance could need.
 *
 * As wasmtime: no subscriptions is EINVAL; an unknown descriptor, a
 * directory or a descriptor polled the wrong way (reading stdout) fails the
 * whole call with EBADF; only realtime and monotonic clocks can be waited on.
 * Regular files are always ready.
 *
 * Sockets keep their libuv registration between calls (a server polling
 * thousands of connections would otherwise add and remove every one with
 * epoll_ctl on each call): a wasi_registration stays started while each call
 * asks for it, changes its events only when the call asks for others, and is
 * stopped when a call does not ask for it, before a blocking wait, and when
 * the descriptor is closed. Host sockets are O_NONBLOCK already, so a
 * registration changes no descriptor flags. Other descriptors are registered
 * for the one call.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wasi_internal.h"

/* More subscriptions than descriptors a context can have is an error. */
#define WASI_MAX_SUBSCRIPTIONS (2 * WASI_MAX_FDS)

/* A socket's registration, kept between calls (see above). */
typedef struct wasi_registration {
  uv_poll_t handle;
  int events;          /* what the handle is started for, 0 when stopped */
  int ready;           /* events seen since the current call began */
  int status;          /* a libuv error, or 0 */
  uint32_t generation; /* the last call that used it */
  int call_index;      /* its watch in that call */
  uint32_t slot;       /* index in wasi->registrations while started */
} wasi_registration;

/* One uv_poll handle per host descriptor polled in a call (or its registration). */
typedef struct wasi_watch {
  uv_poll_t handle;
  int fd;
  int wanted;      /* UV_READABLE | UV_WRITABLE | UV_DISCONNECT */
  int ready;       /* events seen */
  int status;      /* a libuv error for this descriptor, or 0 */
  int saved_flags; /* host status flags before uv_poll_init set O_NONBLOCK */
  bool started;
  wasi_fd *entry; /* a socket: its registration is used instead of handle */
} wasi_watch;

static void wasi_registration_cb(uv_poll_t *handle, int status, int events) {
  wasi_registration *r = handle->data;
  if (status == UV_EBADF)
    r->ready |= r->events; /* POLLERR: ready, the next I/O reports it */
  else if (status < 0)
    r->status = status;
  else
    r->ready |= events;
}

static void wasi_registration_free(uv_handle_t *handle) { free(handle->data); }

static void wasi_registration_stop(wasmc_wasi *wasi, wasi_registration *r) {
  if (r->events == 0)
    return;
  uv_poll_stop(&r->handle);
  r->events = 0;
  wasi_registration *last = wasi->registrations[--wasi->registration_count];
  wasi->registrations[r->slot] = last;
  last->slot = r->slot;
}

/* Stop every registration (before a blocking wait, which polls on its own). */
static void wasi_registrations_stop_all(wasmc_wasi *wasi) {
  while (wasi->registration_count > 0)
    wasi_registration_stop(wasi, wasi->registrations[0]);
}

void wasip1_poll_forget(wasmc_wasi *wasi, wasi_fd *entry) {
  wasi_registration *r = entry->registration;
  if (r == NULL)
    return;
  wasi_registration_stop(wasi, r); /* out of epoll before the fd is closed */
  uv_close((uv_handle_t *)&r->handle, wasi_registration_free);
  entry->registration = NULL;
}

/* Start (or keep) the entry's registration for `events`. 0 or a libuv error. */
static int wasi_registration_start(wasmc_wasi *wasi, wasi_fd *entry, int events) {
  wasi_registration *r = entry->registration;
  if (r == NULL) {
    r = calloc(1, sizeof *r);
    if (r == NULL)
      return UV_ENOMEM;
    int result = uv_poll_init(&wasi->loop, &r->handle, wasi_poll_fd(entry));
    if (result != 0) {
      free(r);
      return result;
    }
    r->handle.data = r;
    entry->registration = r;
  }
  r->ready = 0;
  r->status = 0;
  if (r->events == events)
    return 0;
  if (r->events == 0) {
    if (wasi->registration_count == wasi->registration_capacity) {
      uint32_t capacity = wasi->registration_capacity ? wasi->registration_capacity * 2 : 64;
      wasi_registration **grown = realloc(wasi->registrations, capacity * sizeof *grown);
      if (grown == NULL)
        return UV_ENOMEM;
      wasi->registrations = grown;
      wasi->registration_capacity = capacity;
    }
    r->slot = wasi->registration_count;
    wasi->registrations[wasi->registration_count++] = r;
  }
  r->events = events;
  return uv_poll_start(&r->handle, events, wasi_registration_cb);
}

/* What a watch has seen, from its registration when it has one. */
static int wasi_watch_ready(const wasi_watch *w) {
  return w->entry != NULL ? w->entry->registration->ready : w->ready;
}
static int wasi_watch_status(const wasi_watch *w) {
  return w->entry != NULL ? w->entry->registration->status : w->status;
}

static void wasi_watch_cb(uv_poll_t *handle, int status, int events) {
  wasi_watch *watch = handle->data;
  if (status == UV_EBADF)
    /* libuv's word for POLLERR (a connection reset by the peer, say): the
       descriptor is ready, and the next read or write reports the error. */
    watch->ready |= watch->wanted;
  else if (status < 0)
    watch->status = status;
  else
    watch->ready |= events;
}

/* Start watching; UV_EPERM means the descriptor can't be polled (a file). */
static int wasi_watch_start(uv_loop_t *loop, wasi_watch *watch) {
  watch->saved_flags = fcntl(watch->fd, F_GETFL);
  int result = uv_poll_init(loop, &watch->handle, watch->fd);
  if (result != 0) {
    if (watch->saved_flags >= 0)
      fcntl(watch->fd, F_SETFL, watch->saved_flags);
    return result;
  }
  watch->handle.data = watch;
  watch->started = true;
  return uv_poll_start(&watch->handle, watch->wanted, wasi_watch_cb);
}

/* Close every started handle, let libuv finish, and restore flags. */
static void wasi_watches_close(uv_loop_t *loop, wasi_watch *watches, uint32_t count, uv_timer_t *timer) {
  for (uint32_t i = 0; i < count; i++)
    if (watches[i].started)
      uv_close((uv_handle_t *)&watches[i].handle, NULL);
  if (timer != NULL)
    uv_close((uv_handle_t *)timer, NULL);
  /* One turn runs the close callbacks (socket registrations stay active, so
     the loop would never run dry). */
  uv_run(loop, UV_RUN_NOWAIT);
  for (uint32_t i = 0; i < count; i++)
    if (watches[i].started && watches[i].saved_flags >= 0)
      fcntl(watches[i].fd, F_SETFL, watches[i].saved_flags);
}

static uint64_t wasi_now(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

wasi_errno wasip1_wait_fd(wasmc_wasi *wasi, int host_fd, int uv_events) {
  wasi_registrations_stop_all(wasi); /* one handle per descriptor, and no stray wake-ups */
  wasi_watch watch = {.fd = host_fd, .wanted = uv_events};
  int result = wasi_watch_start(&wasi->loop, &watch);
  wasi_errno error = WASI_ESUCCESS;
  if (result == UV_EPERM) {
    /* Not pollable (a regular file): it is always ready. */
  } else if (result != 0) {
    error = wasip1_errno(-result);
  } else {
    while (watch.ready == 0 && watch.status == 0)
      uv_run(&wasi->loop, UV_RUN_ONCE);
    if (watch.status < 0)
      error = wasip1_errno(-watch.status);
  }
  wasi_watches_close(&wasi->loop, &watch, 1, NULL);
  return error;
}

/* One subscription, decoded. */
typedef struct wasi_sub {
  uint64_t userdata;
  uint8_t type;      /* WASI_EVENTTYPE_* */
  uint64_t deadline; /* clocks: CLOCK_MONOTONIC ns */
  wasi_fd *entry;    /* descriptors */
  int watch;         /* index into the watches, or -1 when always ready */
} wasi_sub;

static wasi_errno wasi_decode_clock(const uint8_t *sub, uint64_t now, uint64_t *deadline) {
  uint32_t id = wasi_load32(sub + 16);
  uint64_t timeout = wasi_load64(sub + 24);
  uint16_t flags = wasi_load16(sub + 40);
  if (flags & ~(uint16_t)WASI_SUBCLOCK_ABSTIME)
    return WASI_EINVAL;
  bool absolute = flags & WASI_SUBCLOCK_ABSTIME;
  if (id == WASI_CLOCK_REALTIME && absolute) {
    uint64_t real = wasi_now(CLOCK_REALTIME);
    timeout = timeout > real ? timeout - real : 0;
    absolute = false;
  } else if (id != WASI_CLOCK_MONOTONIC && id != WASI_CLOCK_REALTIME) {
    return WASI_EINVAL;
  }
  if (absolute)
    *deadline = timeout;
  else
    *deadline = timeout > UINT64_MAX - now ? UINT64_MAX : now + timeout;
  return WASI_ESUCCESS;
}

/* The watch for `fd` wanting `event`, added to the list if new. A socket's
 * is found through its registration; others by a scan (they are few). */
static int wasi_watch_for(wasmc_wasi *wasi, wasi_watch *watches, uint32_t *count, wasi_fd *entry, int fd,
                          int event) {
  bool socket = entry->kind == WASI_FD_SOCKET || entry->kind == WASI_FD_LISTENER;
  wasi_registration *r = socket ? entry->registration : NULL;
  if (r != NULL && r->generation == wasi->poll_generation) {
    watches[r->call_index].wanted |= event;
    return r->call_index;
  }
  if (socket) {
    watches[*count] = (wasi_watch){.fd = fd, .wanted = event, .entry = entry};
    if (r != NULL) {
      r->generation = wasi->poll_generation;
      r->call_index = (int)*count;
    }
    return (int)(*count)++;
  }
  for (uint32_t i = 0; i < *count; i++) {
    if (watches[i].fd == fd) {
      watches[i].wanted |= event;
      return (int)i;
    }
  }
  watches[*count] = (wasi_watch){.fd = fd, .wanted = event};
  return (int)(*count)++;
}

static wasi_errno wasi_decode_fd(wasmc_wasi *wasi, const uint8_t *sub, wasi_sub *out, wasi_watch *watches,
                                 uint32_t *watch_count) {
  wasi_fd *entry = wasip1_fd(wasi, wasi_load32(sub + 16));
  if (entry == NULL)
    return WASI_EBADF;
  bool read = out->type == WASI_EVENTTYPE_FD_READ;
  switch (entry->kind) {
  case WASI_FD_STDIN:
    if (!read)
      return WASI_EBADF;
    break;
  case WASI_FD_STDOUT:
    if (read)
      return WASI_EBADF;
    break;
  case WASI_FD_FILE:
  case WASI_FD_SOCKET:
  case WASI_FD_LISTENER: break;
  default: return WASI_EBADF;
  }
  out->entry = entry;
  out->watch = -1;
  if (entry->filetype != WASI_FILETYPE_REGULAR_FILE)
    out->watch = wasi_watch_for(wasi, watches, watch_count, entry, wasi_poll_fd(entry),
                                read ? UV_READABLE | UV_DISCONNECT : UV_WRITABLE);
  return WASI_ESUCCESS;
}

/* Fill the event for a ready descriptor subscription. */
static void wasi_fd_event(const wasi_sub *sub, const wasi_watch *watch, uint8_t *event) {
  uint64_t nbytes = 1;
  uint16_t flags = 0;
  int host = sub->entry->host;
  if (watch != NULL && wasi_watch_status(watch) < 0) {
    wasi_store16(event + 8, wasip1_errno(-wasi_watch_status(watch)));
    return;
  }
  if (sub->type == WASI_EVENTTYPE_FD_READ) {
    int available;
    struct stat st;
    if (watch == NULL) {
      /* A regular file: what is left after the current position. */
      off_t position = lseek(host, 0, SEEK_CUR);
      nbytes = fstat(host, &st) == 0 && position >= 0 && st.st_size > position
                   ? (uint64_t)(st.st_size - position)
                   : 0;
    } else if (sub->entry->kind != WASI_FD_LISTENER && ioctl(host, FIONREAD, &available) == 0) {
      nbytes = (uint64_t)available;
    }
    if (watch != NULL && (wasi_watch_ready(watch) & UV_DISCONNECT))
      flags |= WASI_EVENT_FD_READWRITE_HANGUP;
  }
  wasi_store64(event + 16, nbytes);
  wasi_store16(event + 24, flags);
}

static bool wasi_sub_ready(const wasi_sub *sub, const wasi_watch *watches, uint64_t now) {
  if (sub->type == WASI_EVENTTYPE_CLOCK)
    return now >= sub->deadline;
  if (sub->watch < 0)
    return true;
  const wasi_watch *watch = &watches[sub->watch];
  int want = sub->type == WASI_EVENTTYPE_FD_READ ? UV_READABLE | UV_DISCONNECT : UV_WRITABLE;
  return wasi_watch_status(watch) < 0 || (wasi_watch_ready(watch) & want) != 0;
}

/* A one-shot timer only has to wake the loop up. */
static void wasi_timer_cb(uv_timer_t *timer) { (void)timer; }

/*
 * Wait on the loop until a descriptor is ready or `deadline` passes (0), or
 * the host's poll hook delivers something (>0) or asks to stop (<0).
 */
static int wasi_poll_wait(wasmc_wasi *wasi, const wasi_sub *subs, uint32_t count, wasi_watch *watches,
                          uint64_t deadline, uv_timer_t *timer) {
  for (;;) {
    if (wasi->woken) {
      int hook = wasi_run_poll_hook(wasi);
      if (hook != 0)
        return hook;
    }
    uint64_t now = wasi_now(CLOCK_MONOTONIC);
    for (uint32_t i = 0; i < count; i++)
      if (wasi_sub_ready(&subs[i], watches, now))
        return 0;
    if (deadline != UINT64_MAX) {
      uint64_t ms = (deadline - now + 999999) / 1000000;
      uv_update_time(&wasi->loop);
      uv_timer_start(timer, wasi_timer_cb, ms, 0);
    }
    uv_run(&wasi->loop, UV_RUN_ONCE);
  }
}

uint32_t wasip1_poll_oneoff(void *env, uint32_t in, uint32_t out, uint32_t nsubscriptions, uint32_t nevents) {
  wasmc_wasi *wasi = env;
  if (nsubscriptions == 0)
    return WASI_EINVAL; /* waiting forever on nothing is not allowed */
  const uint8_t *in_mem = wasi_mem(wasi, in, (uint64_t)nsubscriptions * WASI_SUBSCRIPTION_SIZE);
  if (in_mem == NULL || wasi_mem(wasi, out, (uint64_t)nsubscriptions * WASI_EVENT_SIZE) == NULL ||
      wasi_mem(wasi, nevents, 4) == NULL)
    return WASI_EFAULT;
  /* The host state per subscription is allocated: keep a guest from asking
   * for gigabytes (POSIX poll answers EINVAL past its limit too). */
  if (nsubscriptions > WASI_MAX_SUBSCRIPTIONS)
    return WASI_EINVAL;
  wasi_sub *subs = calloc(nsubscriptions, sizeof *subs);
  wasi_watch *watches = calloc(nsubscriptions, sizeof *watches);
  if (subs == NULL || watches == NULL) {
    free(subs);
    free(watches);
    return WASI_ENOMEM;
  }

  wasi_errno error = WASI_ESUCCESS;
  uint32_t watch_count = 0;
  uint64_t now = wasi_now(CLOCK_MONOTONIC), earliest = UINT64_MAX;
  if (++wasi->poll_generation == 0)
    wasi->poll_generation = 1; /* 0 marks a registration no call has used */
  bool immediate = false;
  for (uint32_t i = 0; i < nsubscriptions && !error; i++) {
    const uint8_t *sub = in_mem + (uint64_t)i * WASI_SUBSCRIPTION_SIZE;
    subs[i].userdata = wasi_load64(sub);
    subs[i].type = sub[8];
    if (subs[i].type == WASI_EVENTTYPE_CLOCK) {
      error = wasi_decode_clock(sub, now, &subs[i].deadline);
      if (subs[i].deadline < earliest)
        earliest = subs[i].deadline;
    } else if (subs[i].type == WASI_EVENTTYPE_FD_READ || subs[i].type == WASI_EVENTTYPE_FD_WRITE) {
      error = wasi_decode_fd(wasi, sub, &subs[i], watches, &watch_count);
      immediate |= subs[i].watch < 0;
    } else {
      error = WASI_EINVAL;
    }
  }

  /* The host may deliver (or stop the guest) before it waits at all. */
  int hook = error ? 0 : wasi_run_poll_hook(wasi);
  if (!error && hook != 0) {
    /* Report at once, as if the earliest clock had fired. */
  } else if (!error && watch_count == 0 && !immediate && wasi->poll_hook == NULL) {
    /* Only clocks: sleep precisely instead of on libuv's millisecond timer. */
    struct timespec until = {(time_t)(earliest / 1000000000u), (long)(earliest % 1000000000u)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR) {
    }
  } else if (!error) {
    uv_timer_t timer;
    uv_timer_init(&wasi->loop, &timer);
    for (uint32_t i = 0; i < watch_count; i++) {
      int result;
      if (watches[i].entry != NULL) {
        result = wasi_registration_start(wasi, watches[i].entry, watches[i].wanted);
        if (result != 0 && watches[i].entry->registration == NULL)
          watches[i].entry = NULL; /* could not even create it: report below */
        else if (result != 0) {
          watches[i].entry->registration->status = result;
          continue;
        } else {
          watches[i].entry->registration->generation = wasi->poll_generation;
          continue;
        }
      }
      result = wasi_watch_start(&wasi->loop, &watches[i]);
      if (result == UV_EPERM) {
        watches[i].ready = watches[i].wanted; /* not pollable: always ready */
      } else if (result != 0) {
        watches[i].status = result;
      }
    }
    if (immediate)
      uv_run(&wasi->loop, UV_RUN_NOWAIT); /* collect whatever else is ready */
    else
      hook = wasi_poll_wait(wasi, subs, nsubscriptions, watches, earliest, &timer);
    /* Registrations this call did not ask for stop now; the others stay. */
    for (uint32_t i = 0; i < wasi->registration_count;) {
      wasi_registration *r = wasi->registrations[i];
      if (r->generation != wasi->poll_generation)
        wasi_registration_stop(wasi, r); /* moves the last one into slot i */
      else
        i++;
    }
    wasi_watches_close(&wasi->loop, watches, watch_count, &timer);
  }

  if (!error) {
    uint8_t *events = wasi_mem(wasi, out, (uint64_t)nsubscriptions * WASI_EVENT_SIZE);
    uint32_t count = 0;
    now = wasi_now(CLOCK_MONOTONIC);
    if (hook > 0) {
      /* An early wake-up: the earliest clock subscription counts as fired. */
      uint32_t first = nsubscriptions;
      for (uint32_t i = 0; i < nsubscriptions; i++)
        if (subs[i].type == WASI_EVENTTYPE_CLOCK &&
            (first == nsubscriptions || subs[i].deadline < subs[first].deadline))
          first = i;
      if (first < nsubscriptions)
        subs[first].deadline = now;
    }
    for (uint32_t i = 0; i < nsubscriptions; i++) {
      if (!wasi_sub_ready(&subs[i], watches, now))
        continue;
      uint8_t *event = events + (uint64_t)count++ * WASI_EVENT_SIZE;
      memset(event, 0, WASI_EVENT_SIZE);
      wasi_store64(event, subs[i].userdata);
      event[10] = subs[i].type;
      if (subs[i].type != WASI_EVENTTYPE_CLOCK)
        wasi_fd_event(&subs[i], subs[i].watch < 0 ? NULL : &watches[subs[i].watch], event);
    }
    error = wasip1_store_u32(wasi, nevents, count);
  }
  free(subs);
  free(watches);
  /* Only now, with every handle closed and nothing allocated: the host said stop. */
  if (hook < 0)
    wasmc_trap_host("stopped by the host");
  return error;
}
