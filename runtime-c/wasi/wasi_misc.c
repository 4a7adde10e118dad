/*
 * Arguments, environment, clocks, randomness and process control.
 */
#include <errno.h>
#include <sched.h>
#include <sys/random.h>
#include <time.h>

#include "wasi_internal.h"

/*
 * Write `count` pointers and the packed strings they point to: the layout of
 * both args_get and environ_get. Nothing is written unless all of it fits.
 */
static wasi_errno wasi_write_string_list(wasmc_wasi *wasi, const char *strings, uint32_t count, uint32_t size,
                                         uint32_t pointers, uint32_t buf) {
  uint8_t *pointer_area = wasi_mem(wasi, pointers, (uint64_t)count * 4);
  uint8_t *buf_area = wasi_mem(wasi, buf, size);
  if (pointer_area == NULL || buf_area == NULL)
    return WASI_EFAULT;
  memcpy(buf_area, strings, size);
  uint32_t offset = 0;
  for (uint32_t i = 0; i < count; i++) {
    wasi_store32(pointer_area + i * 4, buf + offset);
    offset += (uint32_t)strlen(strings + offset) + 1;
  }
  return WASI_ESUCCESS;
}

static wasi_errno wasi_write_sizes(wasmc_wasi *wasi, uint32_t count_addr, uint32_t size_addr, uint32_t count,
                                   uint32_t size) {
  if (wasi_mem(wasi, count_addr, 4) == NULL || wasi_mem(wasi, size_addr, 4) == NULL)
    return WASI_EFAULT;
  wasip1_store_u32(wasi, count_addr, count);
  wasip1_store_u32(wasi, size_addr, size);
  return WASI_ESUCCESS;
}

uint32_t wasip1_args_get(void *env, uint32_t argv, uint32_t argv_buf) {
  wasmc_wasi *wasi = env;
  return wasi_write_string_list(wasi, wasi->args, wasi->args_count, wasi->args_size, argv, argv_buf);
}

uint32_t wasip1_args_sizes_get(void *env, uint32_t argc, uint32_t size) {
  wasmc_wasi *wasi = env;
  return wasi_write_sizes(wasi, argc, size, wasi->args_count, wasi->args_size);
}

uint32_t wasip1_environ_get(void *env, uint32_t environ, uint32_t buf) {
  wasmc_wasi *wasi = env;
  return wasi_write_string_list(wasi, wasi->environ, wasi->environ_count, wasi->environ_size, environ, buf);
}

uint32_t wasip1_environ_sizes_get(void *env, uint32_t count, uint32_t size) {
  wasmc_wasi *wasi = env;
  return wasi_write_sizes(wasi, count, size, wasi->environ_count, wasi->environ_size);
}

/* The host clock for a WASI clock id; false for an unknown id. */
static bool wasi_host_clock(uint32_t id, clockid_t *out) {
  switch (id) {
  case WASI_CLOCK_REALTIME: *out = CLOCK_REALTIME; return true;
  case WASI_CLOCK_MONOTONIC: *out = CLOCK_MONOTONIC; return true;
  case WASI_CLOCK_PROCESS_CPUTIME: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
  case WASI_CLOCK_THREAD_CPUTIME: *out = CLOCK_THREAD_CPUTIME_ID; return true;
  default: return false;
  }
}

static uint64_t wasi_timespec_ns(const struct timespec *ts) {
  return (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
}

uint32_t wasip1_clock_res_get(void *env, uint32_t id, uint32_t result) {
  wasmc_wasi *wasi = env;
  clockid_t clock;
  if (!wasi_host_clock(id, &clock))
    return WASI_EINVAL;
  struct timespec ts;
  if (clock_getres(clock, &ts) != 0)
    return wasip1_errno(errno);
  uint64_t ns = wasi_timespec_ns(&ts);
  return wasip1_store_u64(wasi, result, ns ? ns : 1);
}

uint32_t wasip1_clock_time_get(void *env, uint32_t id, uint64_t precision, uint32_t result) {
  wasmc_wasi *wasi = env;
  (void)precision; /* the host clocks are as precise as they get */
  clockid_t clock;
  if (!wasi_host_clock(id, &clock))
    return WASI_EINVAL;
  if (wasi_mem(wasi, result, 8) == NULL)
    return WASI_EFAULT;
  struct timespec ts;
  if (clock_gettime(clock, &ts) != 0)
    return wasip1_errno(errno);
  if (ts.tv_sec < 0)
    return WASI_EOVERFLOW;
  return wasip1_store_u64(wasi, result, wasi_timespec_ns(&ts));
}

uint32_t wasip1_random_get(void *env, uint32_t buf, uint32_t len) {
  wasmc_wasi *wasi = env;
  uint8_t *p = wasi_mem(wasi, buf, len);
  if (p == NULL)
    return WASI_EFAULT;
  while (len > 0) {
    ssize_t n = getrandom(p, len, 0);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return wasip1_errno(errno);
    }
    p += n;
    len -= (uint32_t)n;
  }
  return WASI_ESUCCESS;
}

void wasip1_proc_exit(void *env, uint32_t code) {
  (void)env;
  wasmc_trap_exit((int)code);
}

uint32_t wasip1_proc_raise(void *env, uint32_t signal) {
  (void)env;
  (void)signal;
  /* As wasmtime: a guest cannot signal its host process. */
  return WASI_ENOTSUP;
}

uint32_t wasip1_sched_yield(void *env) {
  (void)env;
  sched_yield();
  return WASI_ESUCCESS;
}
