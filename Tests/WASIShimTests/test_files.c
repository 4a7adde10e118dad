/*
 * Files and directories inside the sandbox: reading and writing, stdio,
 * stat and times, advice/allocation/sync, flags and rights, fd_readdir and
 * the path_* operations with their ordinary errors.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_test.h"

void test_file_io(void) {
  fixture *fx = fixture_create((fixture_options){0});
  u32 fd;
  CHECK_EQ(open_at(FD_SANDBOX, "new.txt", FOLLOW, O_CREAT_, R_FD_READ | R_FD_WRITE | R_FD_SEEK | R_FD_TELL, 0,
                   &fd),
           0);
  /* Two iovecs gathered into one write. */
  iov(0, A_BUF, put(A_BUF, "hello "));
  iov(1, A_BUF + 100, put(A_BUF + 100, "there"));
  CHECK_EQ(fd_write(fd, A_IOV, 2, A_OUT), 0);
  CHECK_EQ(rd32(A_OUT), 11);
  CHECK_STR(read_host_file(fx_path("sandbox/new.txt")), "hello there");
  CHECK_EQ(fd_tell(fd, A_OUT), 0);
  CHECK_EQ(rd64(A_OUT), 11);
  CHECK_EQ(fd_seek(fd, 6, 0, A_OUT), 0);
  CHECK_EQ(rd64(A_OUT), 6);
  char text[64];
  CHECK_EQ(read_str(fd, text, sizeof text), 0);
  CHECK_STR(text, "there");
  CHECK_EQ(read_str(fd, text, sizeof text), 0); /* end of file */
  CHECK_STR(text, "");
  CHECK_EQ(fd_seek(fd, -5, 2, A_OUT), 0);
  CHECK_EQ(rd64(A_OUT), 6);
  CHECK_EQ(fd_seek(fd, -2, 1, A_OUT), 0);
  CHECK_EQ(rd64(A_OUT), 4);
  CHECK_EQ(fd_seek(fd, -1, 0, A_OUT), E_INVAL);
  CHECK_EQ(fd_seek(fd, -100, 1, A_OUT), E_INVAL);
  CHECK_EQ(fd_seek(fd, 0, 3, A_OUT), E_INVAL);
  CHECK_EQ(fd_seek(fd, 0, 0, A_BAD), E_FAULT);
  CHECK_EQ(fd_tell(fd, A_BAD), E_FAULT);

  /* pread/pwrite leave the position alone. */
  CHECK_EQ(fd_seek(fd, 1, 0, A_OUT), 0);
  iov(0, A_BUF, 4);
  CHECK_EQ(fd_pread(fd, A_IOV, 1, 6, A_OUT), 0);
  CHECK_EQ(rd32(A_OUT), 4);
  CHECK(memcmp(mem(A_BUF), "ther", 4) == 0);
  iov(0, A_BUF, put(A_BUF, "HE"));
  CHECK_EQ(fd_pwrite(fd, A_IOV, 1, 0, A_OUT), 0);
  CHECK_EQ(rd32(A_OUT), 2);
  CHECK_EQ(fd_tell(fd, A_OUT), 0);
  CHECK_EQ(rd64(A_OUT), 1);
  CHECK_STR(read_host_file(fx_path("sandbox/new.txt")), "HEllo there");
  CHECK_EQ(fd_pread(fd, A_IOV, 1, (u64)1 << 63, A_OUT), E_INVAL);

  /* Zero iovecs and empty buffers are fine. */
  CHECK_EQ(fd_write(fd, A_IOV, 0, A_OUT), 0);
  CHECK_EQ(rd32(A_OUT), 0);
  iov(0, A_BUF, 0);
  CHECK_EQ(fd_read(fd, A_IOV, 1, A_OUT), 0);
  CHECK_EQ(rd32(A_OUT), 0);

  /* Bad pointers: the iovec array, a buffer, the result. */
  CHECK_EQ(fd_write(fd, A_BAD, 1, A_OUT), E_FAULT);
  CHECK_EQ(fd_write(fd, A_IOV, 0x20000000, A_OUT), E_FAULT);
  iov(0, GUEST_MEMORY_SIZE - 4, 5);
  CHECK_EQ(fd_write(fd, A_IOV, 1, A_OUT), E_FAULT);
  CHECK_EQ(fd_read(fd, A_IOV, 1, A_OUT), E_FAULT);
  iov(0, 0xfffffff0, 0x20);
  CHECK_EQ(fd_pwrite(fd, A_IOV, 1, 0, A_OUT), E_FAULT);
  CHECK_EQ(fd_pread(fd, A_IOV, 1, 0, A_OUT), E_FAULT);
  iov(0, A_BUF, 4);
  CHECK_EQ(fd_read(fd, A_IOV, 1, A_BAD), E_FAULT);
  CHECK_EQ(fd_write(fd, A_IOV, 1, 0xfffffffd), E_FAULT);
  CHECK_STR(read_host_file(fx_path("sandbox/new.txt")), "HEllo there");

  /* Wrong kinds. */
  CHECK_EQ(fd_read(FD_SANDBOX, A_IOV, 1, A_OUT), E_BADF);
  CHECK_EQ(fd_write(FD_SANDBOX, A_IOV, 1, A_OUT), E_BADF);
  CHECK_EQ(fd_seek(FD_SANDBOX, 0, 0, A_OUT), E_BADF);
  CHECK_EQ(fd_pread(FD_SANDBOX, A_IOV, 1, 0, A_OUT), E_BADF);
  CHECK_EQ(fd_read(42, A_IOV, 1, A_OUT), E_BADF);
  CHECK_EQ(fd_write(42, A_IOV, 1, A_OUT), E_BADF);

  /* Opened read-only: writes are EBADF (as wasmtime and POSIX). */
  u32 ro_fd;
  CHECK_EQ(open_at(FD_SANDBOX, "f", FOLLOW, 0, R_FD_READ, 0, &ro_fd), 0);
  CHECK_EQ(write_str(ro_fd, "x"), E_BADF);
  CHECK_EQ(fd_pwrite(ro_fd, A_IOV, 1, 0, A_OUT), E_BADF);
  u32 wo_fd;
  CHECK_EQ(open_at(FD_SANDBOX, "f", FOLLOW, 0, R_FD_WRITE, 0, &wo_fd), 0);
  CHECK_EQ(read_str(wo_fd, text, sizeof text), E_BADF);

  /* Append mode. */
  u32 app;
  CHECK_EQ(open_at(FD_SANDBOX, "f", FOLLOW, 0, R_FD_WRITE | R_FD_SEEK, FD_APPEND_, &app), 0);
  CHECK_EQ(write_str(app, "!"), 0);
  iov(0, A_BUF, put(A_BUF, "?"));
  CHECK_EQ(fd_pwrite(app, A_IOV, 1, 0, A_OUT), 0); /* Linux: appends */
  CHECK_STR(read_host_file(fx_path("sandbox/f")), "hello world!?");
  fixture_destroy(fx);
}

void test_stdio(void) {
  fixture *fx = fixture_create((fixture_options){0});
  CHECK_EQ(write_str(1, "to stdout "), 0);
  CHECK_EQ(rd32(A_OUT), 10);
  CHECK_EQ(write_str(2, "to stderr"), 0);
  char buf[64] = {0};
  CHECK_EQ(read(fx->stdout_read, buf, sizeof buf - 1), 19);
  CHECK_STR(buf, "to stdout to stderr");
  CHECK_EQ(write(fx->stdin_write, "input", 5), 5);
  char text[64];
  CHECK_EQ(read_str(0, text, sizeof text), 0);
  CHECK_STR(text, "input");
  CHECK_EQ(write_str(0, "x"), E_BADF);
  CHECK_EQ(read_str(1, text, sizeof text), E_BADF);
  CHECK_EQ(fd_seek(0, 0, 0, A_OUT), E_SPIPE);
  CHECK_EQ(fd_tell(1, A_OUT), E_SPIPE);
  CHECK_EQ(fd_pread(0, A_IOV, 1, 0, A_OUT), E_SPIPE);
  CHECK_EQ(fd_pwrite(1, A_IOV, 1, 0, A_OUT), E_SPIPE);
  CHECK_EQ(fd_pread(1, A_IOV, 1, 0, A_OUT), E_BADF);
  CHECK_EQ(fd_pwrite(0, A_IOV, 1, 0, A_OUT), E_BADF);
  CHECK_EQ(fd_sync(1), E_BADF);
  CHECK_EQ(fd_filestat_get(1, A_OUT), 0);
  CHECK_EQ(rd64(A_OUT + 32), 0);
  CHECK_EQ(fd_filestat_set_times(1, 0, 0, 2), E_BADF);
  /* The reader went away: EPIPE, and the process survives SIGPIPE. */
  close(fx->stdout_read);
  fx->stdout_read = open("/dev/null", O_RDONLY);
  CHECK_EQ(write_str(1, "nobody listens"), E_PIPE);
  CHECK_EQ(fd_close(0), 0);
  CHECK_EQ(read_str(0, text, sizeof text), E_BADF);
  fixture_destroy(fx);
}

void test_filestat(void) {
  fixture *fx = fixture_create((fixture_options){0});
  u32 fd;
  CHECK_EQ(open_at(FD_SANDBOX, "f", FOLLOW, 0, R_ALL, 0, &fd), 0);
  struct stat st;
  stat(fx_path("sandbox/f"), &st);
  CHECK_EQ(fd_filestat_get(fd, A_OUT), 0);
  CHECK_EQ(rd64(A_OUT), st.st_dev);
  CHECK_EQ(rd64(A_OUT + 8), st.st_ino);
  CHECK_EQ(mem(A_OUT)[16], 4);
  CHECK_EQ(rd64(A_OUT + 24), 1);
  CHECK_EQ(rd64(A_OUT + 32), 11);
  CHECK_EQ(rd64(A_OUT + 48), (u64)st.st_mtim.tv_sec * 1000000000u + (u64)st.st_mtim.tv_nsec);
  CHECK_EQ(fd_filestat_get(FD_SANDBOX, A_OUT), 0);
  CHECK_EQ(mem(A_OUT)[16], 3);
  CHECK_EQ(fd_filestat_get(fd, A_BAD), E_FAULT);
  CHECK_EQ(fd_filestat_get(123, A_OUT), E_BADF);

  CHECK_EQ(fd_filestat_set_size(fd, 5), 0);
  CHECK_STR(read_host_file(fx_path("sandbox/f")), "hello");
  CHECK_EQ(fd_filestat_set_size(fd, 1000), 0);
  stat(fx_path("sandbox/f"), &st);
  CHECK_EQ(st.st_size, 1000);
  CHECK_EQ(fd_filestat_set_size(FD_SANDBOX, 0), E_BADF);
  u32 ro_fd;
  /* The right without write access: the host file is read-only. */
  CHECK_EQ(open_at(FD_SANDBOX, "f", FOLLOW, 0, R_FD_READ | R_FD_FILESTAT_SET_SIZE, 0, &ro_fd), 0);
  CHECK_EQ(fd_filestat_set_size(ro_fd, 0), E_INVAL); /* as wasmtime */
  /* A right dropped with fd_fdstat_set_rights is enforced. */
  u32 limited;
  CHECK_EQ(open_at(FD_SANDBOX, "f", FOLLOW, 0, R_ALL, 0, &limited), 0);
  CHECK_EQ(fd_fdstat_set_rights(limited, R_FD_READ | R_FD_WRITE, 0), 0);
  CHECK_EQ(fd_filestat_set_size(limited, 0), E_NOTCAPABLE);
  CHECK_EQ(fd_filestat_get(limited, A_OUT), E_NOTCAPABLE);
  CHECK_EQ(fd_filestat_set_times(limited, 0, 0, 2), E_NOTCAPABLE);

  /* Times: explicit, now, and the invalid combinations. */
  u64 t1 = 1000000000ull * 1600000000ull + 123456789;
  CHECK_EQ(fd_filestat_set_times(fd, t1, t1 + 1000, 1 | 4), 0);
  stat(fx_path("sandbox/f"), &st);
  CHECK_EQ(st.st_atim.tv_sec, 1600000000);
  CHECK_EQ(st.st_atim.tv_nsec, 123456789);
  CHECK_EQ(st.st_mtim.tv_nsec, 123457789);
  CHECK_EQ(fd_filestat_set_times(fd, 0, 0, 8), 0); /* mtime = now */
  stat(fx_path("sandbox/f"), &st);
  CHECK(st.st_mtim.tv_sec > 1600000000);
  CHECK_EQ(st.st_atim.tv_sec, 1600000000); /* untouched */
  CHECK_EQ(fd_filestat_set_times(fd, 0, 0, 1 | 2), E_INVAL);
  CHECK_EQ(fd_filestat_set_times(fd, 0, 0, 4 | 8), E_INVAL);
  CHECK_EQ(fd_filestat_set_times(fd, 0, 0, 16), E_INVAL);
  CHECK_EQ(fd_filestat_set_times(FD_SANDBOX, t1, t1, 1 | 4), 0);

  /* path_filestat_get follows symlinks only when asked. */
  CHECK_EQ(path_filestat_get(FD_SANDBOX, FOLLOW, P1("link_in"), A_OUT), 0);
  CHECK_EQ(mem(A_OUT)[16], 4);
  CHECK_EQ(rd64(A_OUT + 32), 1000);
  CHECK_EQ(path_filestat_get(FD_SANDBOX, NOFOLLOW, P1("link_in"), A_OUT), 0);
  CHECK_EQ(mem(A_OUT)[16], 7);
  CHECK_EQ(rd64(A_OUT + 32), 1);
  CHECK_EQ(path_filestat_get(FD_SANDBOX, FOLLOW, P1("link_dir/inner.txt"), A_OUT), 0);
  CHECK_EQ(rd64(A_OUT + 32), 5);
  CHECK_EQ(path_filestat_get(FD_SANDBOX, NOFOLLOW, P1("d/"), A_OUT), 0);
  CHECK_EQ(mem(A_OUT)[16], 3);
  CHECK_EQ(path_filestat_get(FD_SANDBOX, NOFOLLOW, P1("link_dir/"), A_OUT), 0);
  CHECK_EQ(mem(A_OUT)[16], 3); /* a trailing slash follows */
  CHECK_EQ(path_filestat_get(FD_SANDBOX, FOLLOW, P1("f/"), A_OUT), E_NOTDIR);
  CHECK_EQ(path_filestat_get(FD_SANDBOX, FOLLOW, P1("nope"), A_OUT), E_NOENT);
  CHECK_EQ(path_filestat_get(FD_SANDBOX, FOLLOW, P1("link_loop"), A_OUT), E_LOOP);
  CHECK_EQ(path_filestat_get(FD_SANDBOX, 2, P1("f"), A_OUT), E_INVAL);
  CHECK_EQ(path_filestat_get(FD_SANDBOX, FOLLOW, P1("f"), A_BAD), E_FAULT);
  CHECK_EQ(path_filestat_get(FD_SANDBOX, FOLLOW, A_BAD, 10, A_OUT), E_FAULT);
  CHECK_EQ(path_filestat_get(fd, FOLLOW, P1("f"), A_OUT), E_BADF);

  CHECK_EQ(path_filestat_set_times(FD_SANDBOX, NOFOLLOW, P1("link_in"), t1, t1, 1 | 4), 0);
  struct stat lst;
  lstat(fx_path("sandbox/link_in"), &lst);
  CHECK_EQ(lst.st_mtim.tv_sec, 1600000000);
  stat(fx_path("sandbox/f"), &st);
  CHECK(st.st_mtim.tv_sec != 1600000000); /* the target was left alone */
  CHECK_EQ(path_filestat_set_times(FD_SANDBOX, FOLLOW, P1("link_in"), t1, t1, 1 | 4), 0);
  stat(fx_path("sandbox/f"), &st);
  CHECK_EQ(st.st_mtim.tv_sec, 1600000000);
  CHECK_EQ(path_filestat_set_times(FD_SANDBOX, FOLLOW, P1("f"), 0, 0, 3), E_INVAL);
  CHECK_EQ(path_filestat_set_times(FD_SANDBOX, FOLLOW, P1("f/"), 0, 0, 2), E_NOTDIR);
  CHECK_EQ(path_filestat_set_times(FD_SANDBOX, FOLLOW, P1("zz"), 0, 0, 2), E_NOENT);
  fixture_destroy(fx);
}

void test_advise_allocate_sync(void) {
  fixture *fx = fixture_create((fixture_options){0});
  u32 fd;
  CHECK_EQ(open_at(FD_SANDBOX, "f", FOLLOW, 0, R_ALL, 0, &fd), 0);
  for (u32 advice = 0; advice <= 5; advice++)
    CHECK_EQ(fd_advise(fd, 0, 100, advice), 0);
  CHECK_EQ(fd_advise(fd, 0, 0, 6), E_INVAL);
  CHECK_EQ(fd_advise(FD_SANDBOX, 0, 0, 0), E_BADF);
  CHECK_EQ(fd_advise(1, 0, 0, 0), E_BADF);
  CHECK_EQ(fd_allocate(fd, 0, 4096), 0);
  struct stat st;
  stat(fx_path("sandbox/f"), &st);
  CHECK_EQ(st.st_size, 4096);
  CHECK_EQ(fd_allocate(fd, (u64)1 << 63, 1), 22 /* EFBIG */);
  CHECK_EQ(fd_allocate(FD_SANDBOX, 0, 1), E_BADF);
  u32 ro_fd;
  CHECK_EQ(open_at(FD_SANDBOX, "f", FOLLOW, 0, R_FD_READ | R_FD_ALLOCATE, 0, &ro_fd), 0);
  CHECK_EQ(fd_allocate(ro_fd, 0, 1), E_BADF); /* not open for writing */
  CHECK_EQ(fd_sync(fd), 0);
  CHECK_EQ(fd_datasync(fd), 0);
  /* Rights dropped with fd_fdstat_set_rights are enforced. */
  CHECK_EQ(fd_fdstat_set_rights(fd, R_FD_READ, 0), 0);
  CHECK_EQ(fd_allocate(fd, 0, 1), E_NOTCAPABLE);
  CHECK_EQ(fd_advise(fd, 0, 0, 0), E_NOTCAPABLE);
  CHECK_EQ(fd_sync(fd), E_NOTCAPABLE);
  CHECK_EQ(fd_sync(FD_SANDBOX), E_BADF); /* as wasmtime */
  CHECK_EQ(fd_datasync(0), E_BADF);
  CHECK_EQ(fd_sync(99), E_BADF);
  fixture_destroy(fx);
}

void test_set_flags(void) {
  fixture *fx = fixture_create((fixture_options){0});
  u32 fd;
  CHECK_EQ(open_at(FD_SANDBOX, "f", FOLLOW, 0, R_ALL, 0, &fd), 0);
  CHECK_EQ(fd_fdstat_set_flags(fd, FD_APPEND_), 0);
  CHECK_EQ(write_str(fd, "+"), 0);
  CHECK_STR(read_host_file(fx_path("sandbox/f")), "hello world+");
  CHECK_EQ(fd_fdstat_get(fd, A_OUT), 0);
  CHECK_EQ(rd16(A_OUT + 2), FD_APPEND_);
  CHECK_EQ(fd_fdstat_set_flags(fd, FD_NONBLOCK_), 0);
  CHECK_EQ(fd_seek(fd, 0, 0, A_OUT), 0);
  CHECK_EQ(write_str(fd, "H"), 0);
  CHECK_STR(read_host_file(fx_path("sandbox/f")), "Hello world+");
  CHECK_EQ(fd_fdstat_get(fd, A_OUT), 0);
  CHECK_EQ(rd16(A_OUT + 2), FD_NONBLOCK_);
  CHECK_EQ(fd_fdstat_set_flags(fd, FD_DSYNC_), E_INVAL);
  CHECK_EQ(fd_fdstat_set_flags(fd, 0x40), E_INVAL);
  CHECK_EQ(fd_fdstat_set_flags(FD_SANDBOX, 0), E_BADF);
  CHECK_EQ(fd_fdstat_set_flags(1, FD_NONBLOCK_), E_BADF);
  CHECK_EQ(fd_fdstat_set_flags(99, 0), E_BADF);
  fixture_destroy(fx);
}

void test_rights(void) {
  fixture *fx = fixture_create((fixture_options){0});
  u32 fd;
  CHECK_EQ(open_at(FD_SANDBOX, "f", FOLLOW, 0, R_ALL, 0, &fd), 0);
  CHECK_EQ(fd_fdstat_get(fd, A_OUT), 0);
  u64 rights = rd64(A_OUT + 8);
  CHECK(rights & R_FD_READ);
  CHECK(!(rights & (1ull << 29))); /* nothing beyond what the dir hands down */
  /* Rights only shrink. */
  CHECK_EQ(fd_fdstat_set_rights(fd, rights & ~(R_FD_SEEK | R_FD_READ), 0), 0);
  CHECK_EQ(fd_seek(fd, 1, 0, A_OUT), E_NOTCAPABLE);
  CHECK_EQ(fd_tell(fd, A_OUT), 0);
  CHECK_EQ(fd_seek(fd, 0, 1, A_OUT), 0); /* FD_TELL is enough for this */
  char text[16];
  CHECK_EQ(read_str(fd, text, sizeof text), E_BADF);
  CHECK_EQ(fd_fdstat_set_rights(fd, rights, 0), E_NOTCAPABLE);
  CHECK_EQ(fd_fdstat_get(fd, A_OUT), 0);
  CHECK_EQ(rd64(A_OUT + 8), rights & ~(R_FD_SEEK | R_FD_READ));
  CHECK_EQ(fd_fdstat_set_rights(fd, 0, 1), E_NOTCAPABLE);
  CHECK_EQ(fd_fdstat_set_rights(77, 0, 0), E_BADF);
  /* A directory that lost PATH_OPEN can't open; one whose inheriting
   * rights lost FD_WRITE hands out read-only files. */
  u32 dir;
  CHECK_EQ(open_at(FD_SANDBOX, "d", FOLLOW, O_DIRECTORY_, R_ALL & ~R_FD_WRITE, 0, &dir), 0);
  CHECK_EQ(fd_fdstat_get(dir, A_OUT), 0);
  CHECK_EQ(mem(A_OUT)[0], 3);
  CHECK(!(rd64(A_OUT + 8) & (R_FD_SEEK | R_FD_WRITE)));
  u64 inheriting = rd64(A_OUT + 16);
  CHECK_EQ(fd_fdstat_set_rights(dir, rd64(A_OUT + 8), inheriting & ~R_FD_WRITE), 0);
  u32 inner;
  CHECK_EQ(open_at(dir, "inner.txt", FOLLOW, 0, R_ALL, 0, &inner), 0);
  CHECK_EQ(write_str(inner, "x"), E_BADF);
  CHECK_STR(read_host_file(fx_path("sandbox/d/inner.txt")), "inner");
  CHECK_EQ(fd_fdstat_set_rights(dir, R_FD_READDIR, 0), 0);
  CHECK_EQ(open_at(dir, "inner.txt", FOLLOW, 0, R_ALL, 0, &inner), E_NOTCAPABLE);
  CHECK_EQ(path_create_directory(dir, P1("x")), E_NOTCAPABLE);
  CHECK_EQ(path_unlink_file(dir, P1("inner.txt")), E_NOTCAPABLE);
  CHECK_EQ(fd_readdir(dir, A_BUF, 100, 0, A_OUT), 0);
  CHECK_EQ(fd_fdstat_set_rights(dir, 0, 0), 0);
  CHECK_EQ(fd_readdir(dir, A_BUF, 100, 0, A_OUT), E_NOTCAPABLE);
  fixture_destroy(fx);
}

/* An fd gets the requested rights that apply to its file type, whatever the
 * oflags: O_CREAT or O_TRUNC used to grant every file right on top. */
void test_open_rights(void) {
  fixture *fx = fixture_create((fixture_options){0});
  const u64 fd_filestat_get = 1ull << 21, path_link_source = 1ull << 11, path_link_target = 1ull << 12,
            path_unlink_file = 1ull << 26;
  const u64 requested =
      R_FD_READ | fd_filestat_get | R_PATH_OPEN | path_link_source | path_link_target | path_unlink_file;
  const u32 oflags[] = {0, O_CREAT_, O_TRUNC_, O_CREAT_ | O_TRUNC_};
  for (size_t i = 0; i < sizeof oflags / sizeof oflags[0]; i++) {
    u32 fd;
    CHECK_EQ(open_at(FD_SANDBOX, "f", FOLLOW, oflags[i], requested, 0, &fd), 0);
    CHECK_EQ(fd_fdstat_get(fd, A_OUT), 0);
    CHECK_EQ(rd64(A_OUT + 8), requested);
    CHECK_EQ(fd_seek(fd, 1, 0, A_OUT), E_NOTCAPABLE);
    CHECK_EQ(fd_close(fd), 0);
  }
  /* A new file too; a directory drops what does not apply to directories. */
  u32 fd;
  CHECK_EQ(open_at(FD_SANDBOX, "new", FOLLOW, O_CREAT_ | O_EXCL_, R_FD_WRITE | R_FD_TELL, 0, &fd), 0);
  CHECK_EQ(fd_fdstat_get(fd, A_OUT), 0);
  CHECK_EQ(rd64(A_OUT + 8), R_FD_WRITE | R_FD_TELL);
  CHECK_EQ(write_str(fd, "made"), 0);
  CHECK_STR(read_host_file(fx_path("sandbox/new")), "made");
  CHECK_EQ(open_at(FD_SANDBOX, "d", FOLLOW, O_DIRECTORY_, R_FD_READDIR | R_FD_SEEK | R_PATH_OPEN, 0, &fd), 0);
  CHECK_EQ(fd_fdstat_get(fd, A_OUT), 0);
  CHECK_EQ(rd64(A_OUT + 8), R_FD_READDIR | R_PATH_OPEN);
  fixture_destroy(fx);
}

/* Names listed by fd_readdir, read the way wasi-libc does: a small buffer,
 * resuming from the d_next of the last complete entry. */
static int list_dir(u32 fd, u32 buf_len, char names[][64], uint8_t types[]) {
  u64 cookie = 0;
  int count = 0;
  for (;;) {
    CHECK_EQ(fd_readdir(fd, A_BUF, buf_len, cookie, A_OUT), 0);
    u32 used = rd32(A_OUT), at = 0;
    int before = count;
    while (at + 24 <= used) {
      u32 namlen = rd32(A_BUF + at + 16);
      if (at + 24 + namlen > used)
        break; /* truncated: fetch it again from its cookie */
      memcpy(names[count], mem(A_BUF + at + 24), namlen);
      names[count][namlen] = '\0';
      types[count] = mem(A_BUF + at + 20)[0];
      cookie = rd64(A_BUF + at);
      count++;
      at += 24 + namlen;
    }
    if (used < buf_len || count > 60)
      return count;
    if (count == before)
      buf_len *= 2; /* not even one entry fits: grow, as wasi-libc does */
  }
}

static int find_name(char names[][64], int count, const char *name) {
  for (int i = 0; i < count; i++)
    if (strcmp(names[i], name) == 0)
      return i;
  return -1;
}

void test_readdir(void) {
  fixture *fx = fixture_create((fixture_options){0});
  for (int i = 0; i < 40; i++) {
    char name[64];
    snprintf(name, sizeof name, "sandbox/d/file_with_a_long_name_%02d", i);
    write_host_file(fx_path(name), "");
  }
  char names[64][64];
  uint8_t types[64];
  u32 d;
  CHECK_EQ(open_at(FD_SANDBOX, "d", FOLLOW, O_DIRECTORY_, R_FD_READDIR, 0, &d), 0);
  for (u32 buf_len = 40; buf_len <= 4096; buf_len *= 3) {
    int count = list_dir(d, buf_len, names, types);
    CHECK_EQ(count, 43);
    CHECK_STR(names[0], ".");
    CHECK_STR(names[1], "..");
    CHECK(find_name(names, count, "inner.txt") >= 2);
    CHECK(find_name(names, count, "file_with_a_long_name_39") >= 2);
  }
  int count = list_dir(FD_SANDBOX, 4096, names, types);
  CHECK_EQ(types[find_name(names, count, "f")], 4);
  CHECK_EQ(types[find_name(names, count, "d")], 3);
  CHECK_EQ(types[find_name(names, count, "link_in")], 7);
  CHECK_EQ(types[0], 3);

  /* Cookies are positions: d_next of entry k is k + 1. */
  CHECK_EQ(fd_readdir(FD_SANDBOX, A_BUF, 4096, 0, A_OUT), 0);
  CHECK_EQ(rd64(A_BUF), 1);
  CHECK_EQ(rd32(A_BUF + 16), 1);
  CHECK_EQ(rd64(A_BUF + 25), 2);
  CHECK_EQ(rd64(A_BUF + 25 + 26), 3);
  /* A full buffer answers buf_len, the last entry cut short. */
  CHECK_EQ(fd_readdir(FD_SANDBOX, A_BUF, 30, 0, A_OUT), 0);
  CHECK_EQ(rd32(A_OUT), 30);
  CHECK_EQ(fd_readdir(FD_SANDBOX, A_BUF, 4096, 1000, A_OUT), 0);
  CHECK_EQ(rd32(A_OUT), 0);
  CHECK_EQ(fd_readdir(FD_SANDBOX, A_BUF, 0, 0, A_OUT), 0);
  CHECK_EQ(rd32(A_OUT), 0);
  /* Entries added later show up when reading from the start again. */
  write_host_file(fx_path("sandbox/later"), "");
  count = list_dir(FD_SANDBOX, 4096, names, types);
  CHECK(find_name(names, count, "later") >= 0);

  u32 fd;
  CHECK_EQ(open_at(FD_SANDBOX, "f", FOLLOW, 0, R_ALL, 0, &fd), 0);
  CHECK_EQ(fd_readdir(fd, A_BUF, 100, 0, A_OUT), E_BADF);
  CHECK_EQ(fd_readdir(1, A_BUF, 100, 0, A_OUT), E_BADF);
  CHECK_EQ(fd_readdir(FD_SANDBOX, GUEST_MEMORY_SIZE - 10, 100, 0, A_OUT), E_FAULT);
  CHECK_EQ(fd_readdir(FD_SANDBOX, A_BUF, 100, 0, A_BAD), E_FAULT);
  fixture_destroy(fx);
}

void test_path_ops(void) {
  fixture *fx = fixture_create((fixture_options){0});
  CHECK_EQ(path_create_directory(FD_SANDBOX, P1("nd")), 0);
  CHECK_EQ(path_create_directory(FD_SANDBOX, P1("nd")), E_EXIST);
  CHECK_EQ(path_create_directory(FD_SANDBOX, P1("nd/sub/")), 0);
  CHECK_EQ(path_create_directory(FD_SANDBOX, P1("f")), E_EXIST);
  CHECK_EQ(path_create_directory(FD_SANDBOX, P1(".")), E_EXIST);
  CHECK_EQ(path_create_directory(FD_SANDBOX, P1("no/such")), E_NOENT);
  CHECK_EQ(path_create_directory(FD_SANDBOX, P1("f/x")), E_NOTDIR);
  CHECK_EQ(path_create_directory(FD_SANDBOX, P1("")), E_NOENT);
  CHECK_EQ(path_remove_directory(FD_SANDBOX, P1("nd")), E_NOTEMPTY);
  CHECK_EQ(path_remove_directory(FD_SANDBOX, P1("nd/sub")), 0);
  CHECK_EQ(path_remove_directory(FD_SANDBOX, P1("nd/")), 0);
  CHECK_EQ(path_remove_directory(FD_SANDBOX, P1("f")), E_NOTDIR);
  CHECK_EQ(path_remove_directory(FD_SANDBOX, P1(".")), E_INVAL);
  CHECK_EQ(path_remove_directory(FD_SANDBOX, P1("d/..")), E_INVAL);
  CHECK_EQ(path_unlink_file(FD_SANDBOX, P1("d")), E_ISDIR);
  CHECK_EQ(path_unlink_file(FD_SANDBOX, P1("f/")), E_NOTDIR);
  CHECK_EQ(path_unlink_file(FD_SANDBOX, P1(".")), E_ISDIR);
  CHECK_EQ(path_unlink_file(FD_SANDBOX, P1("nope")), E_NOENT);

  /* Symlinks: made and read back; readlink truncates to the buffer. */
  CHECK_EQ(path_symlink(P1("d/inner.txt"), FD_SANDBOX, P2("sl")), 0);
  CHECK_EQ(path_readlink(FD_SANDBOX, P1("sl"), A_BUF, 100, A_OUT), 0);
  CHECK_EQ(rd32(A_OUT), 11);
  CHECK(memcmp(mem(A_BUF), "d/inner.txt", 11) == 0);
  CHECK_EQ(path_readlink(FD_SANDBOX, P1("sl"), A_BUF, 3, A_OUT), 0);
  CHECK_EQ(rd32(A_OUT), 3);
  CHECK_EQ(path_readlink(FD_SANDBOX, P1("link_up"), A_BUF, 100, A_OUT), 0);
  CHECK(memcmp(mem(A_BUF), "../outside/secret", 17) == 0);
  CHECK_EQ(path_readlink(FD_SANDBOX, P1("f"), A_BUF, 100, A_OUT), E_INVAL);
  CHECK_EQ(path_readlink(FD_SANDBOX, P1("sl"), A_BUF, 100, A_BAD), E_FAULT);
  CHECK_EQ(path_readlink(FD_SANDBOX, P1("sl"), GUEST_MEMORY_SIZE - 4, 100, A_OUT), E_FAULT);
  CHECK_EQ(path_symlink(P1("x"), FD_SANDBOX, P2("f")), E_EXIST);
  CHECK_EQ(path_symlink(P1("x"), FD_SANDBOX, A_BAD, 10), E_FAULT);
  CHECK_EQ(path_unlink_file(FD_SANDBOX, P1("sl")), 0);
  CHECK_STR(read_host_file(fx_path("sandbox/d/inner.txt")), "inner");

  /* Hard links share the file. */
  CHECK_EQ(path_link(FD_SANDBOX, 0, P1("f"), FD_SANDBOX, P2("d/hard")), 0);
  CHECK_EQ(path_filestat_get(FD_SANDBOX, 0, P1("f"), A_OUT), 0);
  CHECK_EQ(rd64(A_OUT + 24), 2);
  CHECK_EQ(path_link(FD_SANDBOX, 0, P1("f"), FD_SANDBOX, P2("d/hard")), E_EXIST);
  CHECK_EQ(path_link(FD_SANDBOX, 0, P1("nope"), FD_SANDBOX, P2("x")), E_NOENT);
  CHECK_EQ(path_link(FD_SANDBOX, FOLLOW, P1("link_in"), FD_SANDBOX, P2("x")), E_INVAL); /* as wasmtime */
  CHECK_EQ(path_link(FD_SANDBOX, 0, P1("link_in"), FD_SANDBOX, P2("x")), 0);
  CHECK_EQ(path_filestat_get(FD_SANDBOX, 0, P1("x"), A_OUT), 0);
  CHECK_EQ(mem(A_OUT)[16], 7); /* a link to the symlink itself */

  /* Renames, also across directory descriptors. */
  u32 d;
  CHECK_EQ(open_at(FD_SANDBOX, "d", FOLLOW, O_DIRECTORY_, R_ALL & ~R_FD_WRITE, 0, &d), 0);
  CHECK_EQ(path_rename(FD_SANDBOX, P1("f"), d, P2("moved")), 0);
  CHECK_STR(read_host_file(fx_path("sandbox/d/moved")), "hello world");
  CHECK_EQ(path_rename(d, P1("moved"), FD_SANDBOX, P2("f")), 0);
  CHECK_EQ(path_rename(FD_SANDBOX, P1("d"), FD_SANDBOX, P2("d2")), 0);
  CHECK_EQ(path_rename(FD_SANDBOX, P1("d2"), FD_SANDBOX, P2("d")), 0);
  CHECK_EQ(path_rename(FD_SANDBOX, P1("f"), FD_SANDBOX, P2("g/")), E_NOTDIR);
  CHECK_EQ(path_rename(FD_SANDBOX, P1("d"), FD_SANDBOX, P2("f")), E_NOTDIR);
  CHECK_EQ(path_rename(FD_SANDBOX, P1("."), FD_SANDBOX, P2("zz")), E_BUSY);
  CHECK_EQ(path_rename(FD_SANDBOX, P1("nope"), FD_SANDBOX, P2("zz")), E_NOENT);
  CHECK_EQ(path_rename(FD_SANDBOX, P1("f"), 1, P2("zz")), E_BADF);
  CHECK_EQ(path_rename(1, P1("f"), FD_SANDBOX, P2("zz")), E_BADF);

  /* Paths: not UTF-8, embedded NUL, too long. */
  memcpy(mem(A_PATH), "\xff\xfe", 2);
  CHECK_EQ(path_create_directory(FD_SANDBOX, A_PATH, 2), E_ILSEQ);
  memcpy(mem(A_PATH), "a\0b", 3);
  CHECK_EQ(path_create_directory(FD_SANDBOX, A_PATH, 3), E_INVAL);
  memset(mem(A_BUF), 'a', 5000);
  CHECK_EQ(path_create_directory(FD_SANDBOX, A_BUF, 5000), E_NAMETOOLONG);
  CHECK_EQ(path_create_directory(FD_SANDBOX, A_BUF, 300), E_NAMETOOLONG);
  CHECK_EQ(path_create_directory(FD_SANDBOX, P1("d/caf\xc3\xa9")), 0);
  CHECK_EQ(path_create_directory(2, P1("x")), E_BADF);
  CHECK_EQ(path_create_directory(FD_SANDBOX, GUEST_MEMORY_SIZE - 1, 2), E_FAULT);
  fixture_destroy(fx);
}

void test_path_open_flags(void) {
  fixture *fx = fixture_create((fixture_options){0});
  u32 fd;
  CHECK_EQ(open_at(FD_SANDBOX, "f", FOLLOW, O_CREAT_ | O_EXCL_, R_ALL, 0, &fd), E_EXIST);
  CHECK_EQ(open_at(FD_SANDBOX, "g", FOLLOW, O_CREAT_ | O_EXCL_, R_ALL, 0, &fd), 0);
  CHECK_EQ(open_at(FD_SANDBOX, "f", FOLLOW, O_TRUNC_, R_FD_WRITE, 0, &fd), 0);
  CHECK_STR(read_host_file(fx_path("sandbox/f")), "");
  CHECK_EQ(open_at(FD_SANDBOX, "d", FOLLOW, O_DIRECTORY_, R_FD_READ, 0, &fd), 0);
  CHECK_EQ(open_at(FD_SANDBOX, "g", FOLLOW, O_DIRECTORY_, R_FD_READ, 0, &fd), E_NOTDIR);
  CHECK_EQ(open_at(FD_SANDBOX, "d", FOLLOW, O_DIRECTORY_ | O_CREAT_, R_FD_READ, 0, &fd), E_INVAL);
  CHECK_EQ(open_at(FD_SANDBOX, "d", FOLLOW, O_DIRECTORY_ | O_TRUNC_, R_FD_READ, 0, &fd), E_INVAL);
  CHECK_EQ(open_at(FD_SANDBOX, "d", FOLLOW, 0, R_FD_WRITE, 0, &fd), E_ISDIR);
  CHECK_EQ(open_at(FD_SANDBOX, "g/", FOLLOW, 0, R_FD_READ, 0, &fd), E_NOTDIR);
  CHECK_EQ(open_at(FD_SANDBOX, "nope", FOLLOW, 0, R_FD_READ, 0, &fd), E_NOENT);
  CHECK_EQ(open_at(FD_SANDBOX, "", FOLLOW, 0, R_FD_READ, 0, &fd), E_NOENT);
  CHECK_EQ(open_at(FD_SANDBOX, ".", FOLLOW, 0, R_FD_READ, 0, &fd), 0);
  CHECK_EQ(open_at(FD_SANDBOX, "d/..", FOLLOW, 0, R_FD_READ, 0, &fd), 0);
  CHECK_EQ(open_at(FD_SANDBOX, "link_in", FOLLOW, 0, R_FD_READ, 0, &fd), 0);
  CHECK_EQ(open_at(FD_SANDBOX, "link_in", NOFOLLOW, 0, R_FD_READ, 0, &fd), E_LOOP);
  CHECK_EQ(open_at(FD_SANDBOX, "link_loop", FOLLOW, 0, R_FD_READ, 0, &fd), E_LOOP);
  /* A dangling symlink inside the sandbox is created through. */
  CHECK_EQ(open_at(FD_SANDBOX, "link_dangling_in", FOLLOW, O_CREAT_, R_ALL, 0, &fd), 0);
  CHECK_STR(read_host_file(fx_path("sandbox/made_by_link")), "");
  /* Flag values outside the spec, and a file as the directory. */
  CHECK_EQ(path_open(FD_SANDBOX, 2, P1("f"), 0, R_ALL, R_ALL, 0, A_OUT), E_INVAL);
  CHECK_EQ(path_open(FD_SANDBOX, 0, P1("f"), 16, R_ALL, R_ALL, 0, A_OUT), E_INVAL);
  CHECK_EQ(path_open(FD_SANDBOX, 0, P1("f"), 0, R_ALL, R_ALL, 32, A_OUT), E_INVAL);
  CHECK_EQ(open_at(FD_SANDBOX, "f", FOLLOW, 0, R_ALL, 0, &fd), 0);
  CHECK_EQ(open_at(fd, "x", FOLLOW, 0, R_ALL, 0, NULL), E_NOTDIR);
  CHECK_EQ(open_at(1, "x", FOLLOW, 0, R_ALL, 0, NULL), E_BADF);
  CHECK_EQ(open_at(99, "x", FOLLOW, 0, R_ALL, 0, NULL), E_BADF);
  /* A bad result pointer opens nothing. */
  CHECK_EQ(path_open(FD_SANDBOX, 0, P1("new"), O_CREAT_, R_ALL, R_ALL, 0, A_BAD), E_FAULT);
  CHECK_STR(read_host_file(fx_path("sandbox/new")), "<missing>");
  CHECK_EQ(path_open(FD_SANDBOX, 0, A_BAD, 4, 0, R_ALL, R_ALL, 0, A_OUT), E_FAULT);
  fixture_destroy(fx);
}
