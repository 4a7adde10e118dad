/* A minimal WASI preview1 host for wasm2c output: see wasi_preview1.h.
 * Only standard input, output and error exist; every guest pointer is
 * checked against the memory size before use (WASI's EFAULT otherwise). */
#define _GNU_SOURCE
#include "wasi_preview1.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The errno and filetype values of wasi/api.h (preview1). */
enum {
    WASI_SUCCESS = 0,
    WASI_EBADF = 8,
    WASI_EFAULT = 21,
    WASI_EINVAL = 28,
    WASI_EIO = 29,
    WASI_ESPIPE = 70,
};
enum {
    WASI_FILETYPE_UNKNOWN = 0,
    WASI_FILETYPE_CHARACTER_DEVICE = 2,
    WASI_FILETYPE_DIRECTORY = 3,
    WASI_FILETYPE_REGULAR_FILE = 4,
    WASI_FILETYPE_SOCKET_STREAM = 6,
};

typedef struct w2c_wasi__snapshot__preview1 wasi_t;

void wasi_preview1_init(wasi_t *wasi, int argc, char **argv) {
    wasi->memory = NULL;
    wasi->argc = argc;
    wasi->argv = argv;
}

/* A host pointer to `size` guest bytes at `address`, or NULL if any lies outside memory. */
static uint8_t *guest(wasi_t *wasi, uint64_t address, uint64_t size) {
    if (address + size > wasi->memory->size) return NULL;
    return wasi->memory->data + address;
}

static int store_u32(wasi_t *wasi, uint32_t address, uint32_t value) {
    uint8_t *at = guest(wasi, address, 4);
    if (!at) return 0;
    memcpy(at, &value, 4); /* wasm is little-endian, as is every host this runs on */
    return 1;
}

static int store_u64(wasi_t *wasi, uint32_t address, uint64_t value) {
    uint8_t *at = guest(wasi, address, 8);
    if (!at) return 0;
    memcpy(at, &value, 8);
    return 1;
}

static uint32_t from_errno(int error) {
    switch (error) {
    case EBADF: return WASI_EBADF;
    case EINVAL: return WASI_EINVAL;
    case ESPIPE: return WASI_ESPIPE;
    default: return WASI_EIO;
    }
}

static int is_standard_stream(uint32_t fd) { return fd <= 2; }

uint32_t w2c_wasi__snapshot__preview1_args_sizes_get(wasi_t *wasi, uint32_t argc_at, uint32_t size_at) {
    uint32_t size = 0;
    for (int i = 0; i < wasi->argc; i++) size += (uint32_t)strlen(wasi->argv[i]) + 1;
    if (!store_u32(wasi, argc_at, (uint32_t)wasi->argc) || !store_u32(wasi, size_at, size)) return WASI_EFAULT;
    return WASI_SUCCESS;
}

uint32_t w2c_wasi__snapshot__preview1_args_get(wasi_t *wasi, uint32_t argv_at, uint32_t buffer_at) {
    for (int i = 0; i < wasi->argc; i++) {
        uint32_t length = (uint32_t)strlen(wasi->argv[i]) + 1;
        uint8_t *to = guest(wasi, buffer_at, length);
        if (!to || !store_u32(wasi, argv_at + 4 * (uint32_t)i, buffer_at)) return WASI_EFAULT;
        memcpy(to, wasi->argv[i], length);
        buffer_at += length;
    }
    return WASI_SUCCESS;
}

/* The guest sees an empty environment, as under `wasmtime run` without --env. */
uint32_t w2c_wasi__snapshot__preview1_environ_sizes_get(wasi_t *wasi, uint32_t count_at, uint32_t size_at) {
    if (!store_u32(wasi, count_at, 0) || !store_u32(wasi, size_at, 0)) return WASI_EFAULT;
    return WASI_SUCCESS;
}

uint32_t w2c_wasi__snapshot__preview1_environ_get(wasi_t *wasi, uint32_t environ_at, uint32_t buffer_at) {
    (void)wasi, (void)environ_at, (void)buffer_at;
    return WASI_SUCCESS;
}

uint32_t w2c_wasi__snapshot__preview1_clock_time_get(wasi_t *wasi, uint32_t id, uint64_t precision, uint32_t time_at) {
    (void)precision;
    static const clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID};
    if (id >= sizeof clocks / sizeof clocks[0]) return WASI_EINVAL;
    struct timespec now;
    if (clock_gettime(clocks[id], &now) != 0) return from_errno(errno);
    if (!store_u64(wasi, time_at, (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec)) return WASI_EFAULT;
    return WASI_SUCCESS;
}

/* Reads or writes the guest's iovec array (pairs of u32 address, u32 length). */
static uint32_t transfer(wasi_t *wasi, uint32_t fd, uint32_t iovs, uint32_t count, uint32_t done_at, int writing) {
    if (!is_standard_stream(fd)) return WASI_EBADF;
    uint32_t total = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint8_t *entry = guest(wasi, (uint64_t)iovs + 8 * (uint64_t)i, 8);
        if (!entry) return WASI_EFAULT;
        uint32_t address, length;
        memcpy(&address, entry, 4);
        memcpy(&length, entry + 4, 4);
        uint8_t *buffer = guest(wasi, address, length);
        if (!buffer) return WASI_EFAULT;
        uint32_t moved = 0;
        while (moved < length) {
            ssize_t n = writing ? write((int)fd, buffer + moved, length - moved) : read((int)fd, buffer + moved, length - moved);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return from_errno(errno);
            if (n == 0) break; /* end of input */
            moved += (uint32_t)n;
        }
        total += moved;
        if (moved < length) break;
    }
    return store_u32(wasi, done_at, total) ? WASI_SUCCESS : WASI_EFAULT;
}

uint32_t w2c_wasi__snapshot__preview1_fd_write(wasi_t *wasi, uint32_t fd, uint32_t iovs, uint32_t count, uint32_t written_at) {
    return transfer(wasi, fd, iovs, count, written_at, 1);
}

uint32_t w2c_wasi__snapshot__preview1_fd_read(wasi_t *wasi, uint32_t fd, uint32_t iovs, uint32_t count, uint32_t read_at) {
    return transfer(wasi, fd, iovs, count, read_at, 0);
}

uint32_t w2c_wasi__snapshot__preview1_fd_seek(wasi_t *wasi, uint32_t fd, uint64_t offset, uint32_t whence, uint32_t result_at) {
    if (!is_standard_stream(fd)) return WASI_EBADF;
    if (whence > 2) return WASI_EINVAL; /* WASI's set, cur, end are SEEK_SET, SEEK_CUR, SEEK_END */
    off_t position = lseek((int)fd, (off_t)offset, (int)whence);
    if (position < 0) return from_errno(errno);
    return store_u64(wasi, result_at, (uint64_t)position) ? WASI_SUCCESS : WASI_EFAULT;
}

/* The standard streams belong to the host: closing them is accepted and ignored. */
uint32_t w2c_wasi__snapshot__preview1_fd_close(wasi_t *wasi, uint32_t fd) {
    (void)wasi;
    return is_standard_stream(fd) ? WASI_SUCCESS : WASI_EBADF;
}

/* struct fdstat: u8 filetype, u16 flags at 2, u64 base rights at 8, u64 inheriting rights at 16. */
uint32_t w2c_wasi__snapshot__preview1_fd_fdstat_get(wasi_t *wasi, uint32_t fd, uint32_t stat_at) {
    if (!is_standard_stream(fd)) return WASI_EBADF;
    struct stat status;
    if (fstat((int)fd, &status) != 0) return from_errno(errno);
    uint8_t type = S_ISCHR(status.st_mode)    ? WASI_FILETYPE_CHARACTER_DEVICE
                   : S_ISREG(status.st_mode)  ? WASI_FILETYPE_REGULAR_FILE
                   : S_ISDIR(status.st_mode)  ? WASI_FILETYPE_DIRECTORY
                   : S_ISSOCK(status.st_mode) ? WASI_FILETYPE_SOCKET_STREAM
                                              : WASI_FILETYPE_UNKNOWN;
    uint8_t *at = guest(wasi, stat_at, 24);
    if (!at) return WASI_EFAULT;
    memset(at, 0, 24);
    at[0] = type;
    uint64_t all_rights = ~(uint64_t)0;
    memcpy(at + 8, &all_rights, 8);
    memcpy(at + 16, &all_rights, 8);
    return WASI_SUCCESS;
}

void w2c_wasi__snapshot__preview1_proc_exit(wasi_t *wasi, uint32_t code) {
    (void)wasi;
    exit((int)code);
}
