/*
 * Context creation and import resolution, arguments and environment,
 * clocks, randomness, process control, descriptor status, pre-opens,
 * renumber/close, and guest pointers (bounds, unbound and moved memory).
 */
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "wasi_test.h"

static const char *const all_functions[] = {
    "args_get",
    "args_sizes_get",
    "environ_get",
    "environ_sizes_get",
    "clock_res_get",
    "clock_time_get",
    "fd_advise",
    "fd_allocate",
    "fd_close",
    "fd_datasync",
    "fd_fdstat_get",
    "fd_fdstat_set_flags",
    "fd_fdstat_set_rights",
    "fd_filestat_get",
    "fd_filestat_set_size",
    "fd_filestat_set_times",
    "fd_pread",
    "fd_prestat_get",
    "fd_prestat_dir_name",
    "fd_pwrite",
    "fd_read",
    "fd_readdir",
    "fd_renumber",
    "fd_seek",
    "fd_sync",
    "fd_tell",
    "fd_write",
    "path_create_directory",
    "path_filestat_get",
    "path_filestat_set_times",
    "path_link",
    "path_open",
    "path_readlink",
    "path_remove_directory",
    "path_rename",
    "path_symlink",
    "path_unlink_file",
    "poll_oneoff",
    "proc_exit",
    "proc_raise",
    "sched_yield",
    "random_get",
    "sock_accept",
    "sock_recv",
    "sock_send",
    "sock_shutdown",
};

void test_resolve(void) {
  fixture *fx = fixture_create((fixture_options){0});
  CHECK_EQ(sizeof all_functions / sizeof all_functions[0], 46);
  for (size_t i = 0; i < sizeof all_functions / sizeof all_functions[0]; i++) {
    const char *type = wasmc_wasi_func_type(all_functions[i]);
    wasmc_extern ext;
    CHECK(type != NULL);
    CHECK(wasmc_wasi_resolve(fx->wasi, all_functions[i], type, &ext));
    CHECK_EQ(ext.kind, WASMC_EXTERN_FUNC);
    CHECK(ext.as.func->env == fx->wasi);
    CHECK(ext.as.func->code != NULL);
    CHECK_STR(ext.as.func->type, type);
  }
  wasmc_extern ext;
  CHECK_STR(wasmc_wasi_func_type("fd_write"), "iiii>i");
  CHECK_STR(wasmc_wasi_func_type("proc_exit"), "i>");
  CHECK_STR(wasmc_wasi_func_type("path_open"), "iiiiijjii>i");
  CHECK(!wasmc_wasi_resolve(fx->wasi, "fd_write", "iii>i", &ext));
  CHECK(!wasmc_wasi_resolve(fx->wasi, "fd_seek", "iiii>i", &ext));
  CHECK(!wasmc_wasi_resolve(fx->wasi, "no_such_function", "i>i", &ext));
  CHECK(wasmc_wasi_func_type("no_such_function") == NULL);
  fixture_destroy(fx);
}

void test_create_errors(void) {
  char error[256] = "";
  wasmc_wasi_config config;
  wasmc_wasi_config_init(&config);
  CHECK_EQ(config.stdin_fd, 0);
  CHECK_EQ(config.stdout_fd, 1);
  CHECK_EQ(config.stderr_fd, 2);
  wasmc_wasi_preopen missing = {"/nonexistent/wasi-test", "/x", false};
  config.preopen_count = 1;
  config.preopens = &missing;
  CHECK(wasmc_wasi_create(&config, error, sizeof error) == NULL);
  CHECK(strstr(error, "/nonexistent/wasi-test") != NULL);

  /* A socket that isn't listening is refused. */
  int sock = socket(AF_INET, SOCK_STREAM, 0);
  config.preopen_count = 0;
  config.socket_count = 1;
  config.listen_sockets = &sock;
  error[0] = '\0';
  CHECK(wasmc_wasi_create(&config, error, sizeof error) == NULL);
  CHECK(strstr(error, "listening") != NULL);
  close(sock);

  CHECK_EQ(wasmc_wasi_listen_tcp("no-port", error, sizeof error), -1);
  CHECK_EQ(wasmc_wasi_listen_tcp("[::1", error, sizeof error), -1);

  /* Closed stdio keeps the numbering: the pre-open is still fd 3. */
  fixture *fx = fixture_create((fixture_options){0});
  wasmc_wasi_preopen sandbox = {fx->sandbox, "/s", false};
  wasmc_wasi_config_init(&config);
  config.stdin_fd = config.stdout_fd = config.stderr_fd = -1;
  config.preopen_count = 1;
  config.preopens = &sandbox;
  wasmc_wasi *wasi = wasmc_wasi_create(&config, error, sizeof error);
  CHECK(wasi != NULL);
  wasmc_wasi *saved = fx->wasi;
  fx->wasi = wasi;
  wasmc_wasi_bind_memory(wasi, &fx->memory);
  CHECK_EQ(fd_fdstat_get(0, A_OUT), E_BADF);
  CHECK_EQ(fd_write(1, A_IOV, 0, A_OUT), E_BADF);
  CHECK_EQ(fd_prestat_get(3, A_OUT), 0);
  fx->wasi = saved;
  wasmc_wasi_destroy(wasi);
  fixture_destroy(fx);
}

void test_unbound_memory(void) {
  fixture *fx = fixture_create((fixture_options){0});
  wasmc_wasi_bind_memory(fx->wasi, NULL);
  CHECK_EQ(args_sizes_get(A_OUT, A_OUT + 4), E_FAULT);
  CHECK_EQ(fd_fdstat_get(1, A_OUT), E_FAULT);
  CHECK_EQ(fd_close(3), 0); /* no pointer, still works */
  CHECK_EQ(fd_close(3), E_BADF);
  wasmc_wasi_bind_memory(fx->wasi, &fx->memory);
  CHECK_EQ(fd_fdstat_get(1, A_OUT), 0);
  fixture_destroy(fx);
}

void test_args_environ(void) {
  fixture *fx = fixture_create((fixture_options){0});
  CHECK_EQ(args_sizes_get(A_OUT, A_OUT + 4), 0);
  CHECK_EQ(rd32(A_OUT), 3);
  CHECK_EQ(rd32(A_OUT + 4), 10); /* "prog\0a b\0\0" */
  CHECK_EQ(args_get(A_OUT, A_BUF), 0);
  CHECK_STR((char *)mem(rd32(A_OUT)), "prog");
  CHECK_STR((char *)mem(rd32(A_OUT + 4)), "a b");
  CHECK_STR((char *)mem(rd32(A_OUT + 8)), "");
  CHECK_EQ(rd32(A_OUT + 4), A_BUF + 5);

  CHECK_EQ(environ_sizes_get(A_OUT, A_OUT + 4), 0);
  CHECK_EQ(rd32(A_OUT), 2);
  CHECK_EQ(rd32(A_OUT + 4), 11); /* "K=V\0EMPTY=\0" */
  CHECK_EQ(environ_get(A_OUT, A_BUF), 0);
  CHECK_STR((char *)mem(rd32(A_OUT)), "K=V");
  CHECK_STR((char *)mem(rd32(A_OUT + 4)), "EMPTY=");

  /* Out of bounds: EFAULT, and nothing is written. */
  CHECK_EQ(args_sizes_get(A_BAD, A_OUT), E_FAULT);
  CHECK_EQ(args_sizes_get(A_OUT, 0xfffffffc), E_FAULT);
  memset(mem(A_BUF), 0x55, 16);
  CHECK_EQ(args_get(A_BUF, GUEST_MEMORY_SIZE - 4), E_FAULT);
  CHECK_EQ(mem(A_BUF)[0], 0x55);
  CHECK_EQ(args_get(GUEST_MEMORY_SIZE - 8, A_BUF), E_FAULT);
  CHECK_EQ(environ_get(A_OUT, 0xffffffff), E_FAULT);
  CHECK_EQ(environ_sizes_get(A_BAD, A_OUT), E_FAULT);
  fixture_destroy(fx);
}

void test_clocks(void) {
  fixture *fx = fixture_create((fixture_options){0});
  for (u32 id = 0; id < 4; id++) {
    CHECK_EQ(clock_res_get(id, A_OUT), 0);
    CHECK(rd64(A_OUT) >= 1);
    CHECK_EQ(clock_time_get(id, 1, A_OUT), 0);
  }
  CHECK_EQ(clock_time_get(0, 0, A_OUT), 0);
  u64 real = rd64(A_OUT);
  CHECK(real / 1000000000u >= (u64)time(NULL) - 2 && real / 1000000000u <= (u64)time(NULL) + 2);
  CHECK_EQ(clock_time_get(1, 0, A_OUT), 0);
  u64 first = rd64(A_OUT);
  usleep(2000);
  CHECK_EQ(clock_time_get(1, 0, A_OUT), 0);
  CHECK(rd64(A_OUT) >= first + 2000000);
  /* CPU time moves when the thread works. */
  CHECK_EQ(clock_time_get(3, 0, A_OUT), 0);
  u64 cpu = rd64(A_OUT);
  volatile u64 spin = 0;
  for (int i = 0; i < 5000000; i++)
    spin += (u64)i;
  CHECK_EQ(clock_time_get(3, 0, A_OUT), 0);
  CHECK(rd64(A_OUT) > cpu);
  CHECK_EQ(clock_time_get(2, 0, A_OUT), 0);
  CHECK(rd64(A_OUT) > 0);

  CHECK_EQ(clock_res_get(4, A_OUT), E_INVAL);
  CHECK_EQ(clock_time_get(99, 0, A_OUT), E_INVAL);
  CHECK_EQ(clock_time_get(1, 0, A_BAD), E_FAULT);
  CHECK_EQ(clock_res_get(1, A_BAD), E_FAULT);
  fixture_destroy(fx);
}

void test_random(void) {
  fixture *fx = fixture_create((fixture_options){0});
  memset(mem(A_BUF), 0, 64);
  CHECK_EQ(random_get(A_BUF, 64), 0);
  int nonzero = 0;
  for (int i = 0; i < 64; i++)
    nonzero += mem(A_BUF)[i] != 0;
  CHECK(nonzero > 32);
  CHECK_EQ(random_get(A_BUF, 0), 0);
  CHECK_EQ(random_get(GUEST_MEMORY_SIZE - 10, 11), E_FAULT);
  CHECK_EQ(random_get(GUEST_MEMORY_SIZE - 10, 10), 0);
  CHECK_EQ(random_get(0xfffffff0, 32), E_FAULT);
  fixture_destroy(fx);
}

void test_proc(void) {
  fixture *fx = fixture_create((fixture_options){0});
  proc_exit_(0);
  proc_exit_(42);
  CHECK_EQ(proc_raise(2), E_NOTSUP);
  CHECK_EQ(sched_yield_(), 0);
  fixture_destroy(fx);
}

void test_fdstat(void) {
  fixture *fx = fixture_create((fixture_options){0});
  /* stdio: streams with only read or write rights (as wasmtime). */
  CHECK_EQ(fd_fdstat_get(0, A_OUT), 0);
  CHECK_EQ(mem(A_OUT)[0], 0); /* a pipe: unknown filetype */
  CHECK_EQ(rd64(A_OUT + 8), R_FD_READ);
  CHECK_EQ(fd_fdstat_get(1, A_OUT), 0);
  CHECK_EQ(rd64(A_OUT + 8), R_FD_WRITE);
  CHECK_EQ(fd_fdstat_get(2, A_OUT), 0);
  CHECK_EQ(rd64(A_OUT + 8), R_FD_WRITE);
  /* Pre-opened directories report wasmtime's rights. */
  CHECK_EQ(fd_fdstat_get(FD_SANDBOX, A_OUT), 0);
  CHECK_EQ(mem(A_OUT)[0], 3);
  CHECK_EQ(rd16(A_OUT + 2), 0);
  CHECK_EQ(rd64(A_OUT + 8), 0x7b7fe00);
  CHECK_EQ(rd64(A_OUT + 16), 0xff7ffff);
  CHECK_EQ(fd_fdstat_get(FD_RO, A_OUT), 0);
  CHECK_EQ(rd64(A_OUT + 8), 0x7b7fe00);
  /* A file: its rights follow how it was opened. */
  u32 fd;
  CHECK_EQ(open_at(FD_SANDBOX, "f", FOLLOW, 0, R_FD_READ | R_FD_SEEK, FD_APPEND_ | FD_NONBLOCK_, &fd), 0);
  CHECK_EQ(fd_fdstat_get(fd, A_OUT), 0);
  CHECK_EQ(mem(A_OUT)[0], 4);
  CHECK_EQ(rd16(A_OUT + 2), FD_APPEND_ | FD_NONBLOCK_);
  /* Exactly the rights asked for (wasmtime lists every right, enforcing
   * none). */
  CHECK_EQ(rd64(A_OUT + 8), R_FD_READ | R_FD_SEEK);
  CHECK_EQ(rd64(A_OUT + 16), 0xff7ffff); /* inheriting: what the dir hands */
  CHECK_EQ(fd_fdstat_get(99, A_OUT), E_BADF);
  CHECK_EQ(fd_fdstat_get(fd, A_BAD), E_FAULT);
  CHECK_EQ(fd_fdstat_get(fd, 0xffffffff), E_FAULT);
  fixture_destroy(fx);
}

void test_prestat(void) {
  fixture *fx = fixture_create((fixture_options){0});
  CHECK_EQ(fd_prestat_get(FD_SANDBOX, A_OUT), 0);
  CHECK_EQ(mem(A_OUT)[0], 0);
  CHECK_EQ(rd32(A_OUT + 4), 8);
  memset(mem(A_BUF), 'x', 16);
  CHECK_EQ(fd_prestat_dir_name(FD_SANDBOX, A_BUF, 8), 0);
  CHECK(memcmp(mem(A_BUF), "/sandboxx", 9) == 0); /* no NUL written */
  CHECK_EQ(fd_prestat_dir_name(FD_RO, A_BUF, 100), 0);
  CHECK(memcmp(mem(A_BUF), "/ro", 3) == 0);
  CHECK_EQ(fd_prestat_dir_name(FD_SANDBOX, A_BUF, 7), E_NAMETOOLONG);
  CHECK_EQ(fd_prestat_get(0, A_OUT), E_BADF);
  CHECK_EQ(fd_prestat_get(5, A_OUT), E_BADF); /* end of the pre-opens */
  CHECK_EQ(fd_prestat_dir_name(1, A_BUF, 100), E_NOTDIR);
  CHECK_EQ(fd_prestat_dir_name(50, A_BUF, 100), E_BADF);
  CHECK_EQ(fd_prestat_get(FD_SANDBOX, A_BAD), E_FAULT);
  CHECK_EQ(fd_prestat_dir_name(FD_SANDBOX, GUEST_MEMORY_SIZE - 4, 100), E_FAULT);
  u32 fd;
  CHECK_EQ(open_at(FD_SANDBOX, "d", FOLLOW, O_DIRECTORY_, R_FD_READDIR, 0, &fd), 0);
  CHECK_EQ(fd_prestat_get(fd, A_OUT), E_BADF); /* opened, not pre-opened */
  fixture_destroy(fx);
}

void test_renumber_close(void) {
  fixture *fx = fixture_create((fixture_options){0});
  u32 a, b;
  CHECK_EQ(open_at(FD_SANDBOX, "f", FOLLOW, 0, R_ALL, 0, &a), 0);
  CHECK_EQ(a, 5); /* after stdio and the two pre-opens */
  CHECK_EQ(open_at(FD_SANDBOX, "d/inner.txt", FOLLOW, 0, R_ALL, 0, &b), 0);
  CHECK_EQ(b, 6);
  CHECK_EQ(fd_renumber(b, a), 0); /* a now reads inner.txt; b is gone */
  char text[64];
  CHECK_EQ(read_str(a, text, sizeof text), 0);
  CHECK_STR(text, "inner");
  CHECK_EQ(fd_fdstat_get(b, A_OUT), E_BADF);
  CHECK_EQ(fd_renumber(a, a), 0);
  CHECK_EQ(fd_renumber(a, 77), E_BADF); /* as wasmtime: `to` must be open */
  CHECK_EQ(fd_renumber(77, a), E_BADF);
  /* A pre-open keeps its name when renumbered. */
  CHECK_EQ(fd_renumber(FD_SANDBOX, a), 0);
  CHECK_EQ(fd_prestat_get(a, A_OUT), 0);
  CHECK_EQ(fd_prestat_get(FD_SANDBOX, A_OUT), E_BADF);
  /* Lowest free number first. */
  u32 c;
  CHECK_EQ(open_at(a, "f", FOLLOW, 0, R_FD_READ, 0, &c), 0);
  CHECK_EQ(c, FD_SANDBOX);
  CHECK_EQ(fd_close(c), 0);
  CHECK_EQ(fd_close(c), E_BADF);
  CHECK_EQ(fd_close(0xffffffff), E_BADF);
  CHECK_EQ(fd_close(0), 0); /* stdio can be closed too */
  CHECK_EQ(fd_read(0, A_IOV, 0, A_OUT), E_BADF);
  fixture_destroy(fx);
}

void test_memory_moves(void) {
  fixture *fx = fixture_create((fixture_options){0});
  /* memory.grow may move the data: the host must re-read memory->data. */
  uint8_t *grown = calloc(1, 3 * WASMC_PAGE_SIZE);
  memcpy(grown, fx->memory.data, GUEST_MEMORY_SIZE);
  memset(fx->memory.data, 0xee, GUEST_MEMORY_SIZE);
  free(fx->memory.data);
  fx->memory.data = grown;
  fx->memory.size = 3 * WASMC_PAGE_SIZE;
  fx->memory.pages = 3;
  u32 high = 2 * WASMC_PAGE_SIZE + 100;
  CHECK_EQ(args_sizes_get(high, high + 4), 0);
  CHECK_EQ(rd32(high), 3);
  CHECK_EQ(random_get(3 * WASMC_PAGE_SIZE - 8, 8), 0);
  CHECK_EQ(random_get(3 * WASMC_PAGE_SIZE - 8, 9), E_FAULT);
  fixture_destroy(fx);
}
