/*
 * Files: path_open (create, exclusive, truncate, append), read/write with
 * several iovecs, pread/pwrite, seek/tell, allocate, set_size, sync,
 * datasync, advise, filestat get and set_times (by fd and by path), fdstat
 * and set_flags, set_rights, renumber, readdir, close; and the same through
 * wasi-libc's stdio and POSIX calls.
 *
 * run: --dir $SANDBOX::/sandbox --dir-ro $RO::/ro --
 * exit: 0
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"

static int sandbox;

/* Read from the current offset; prints "key: ENAME" or "key: [text]". */
static void read_show(const char *key, __wasi_fd_t fd, size_t max) {
  char buf[256];
  if (max >= sizeof buf)
    max = sizeof buf - 1;
  __wasi_iovec_t iov = {(uint8_t *)buf, max};
  __wasi_size_t n = 0;
  int error = __wasi_fd_read(fd, &iov, 1, &n);
  if (error) {
    show(key, error);
    return;
  }
  say(key, "[%.*s] (%u bytes)", (int)n, buf, (unsigned)n);
}

static void tell_show(const char *key, __wasi_fd_t fd) {
  __wasi_filesize_t offset = 0;
  int error = __wasi_fd_tell(fd, &offset);
  if (error)
    show(key, error);
  else
    say(key, "%llu", (unsigned long long)offset);
}

static void seek_show(const char *key, __wasi_fd_t fd, __wasi_filedelta_t delta, __wasi_whence_t whence) {
  __wasi_filesize_t offset = 0;
  int error = __wasi_fd_seek(fd, delta, whence, &offset);
  if (error)
    show(key, error);
  else
    say(key, "%llu", (unsigned long long)offset);
}

static __wasi_filestat_t stat_fd(__wasi_fd_t fd) {
  __wasi_filestat_t st;
  memset(&st, 0, sizeof st);
  if (__wasi_fd_filestat_get(fd, &st) != 0)
    st.filetype = 0xff;
  return st;
}

/* The whole content of a sandbox file, read through a fresh descriptor. */
static void content_show(const char *key, const char *path) {
  __wasi_fd_t fd;
  int error = open_at(sandbox, path, 1, 0, 0, &fd);
  if (error) {
    show(key, error);
    return;
  }
  char buf[256];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  __wasi_size_t n = 0;
  error = __wasi_fd_pread(fd, &iov, 1, 0, &n);
  MUST(__wasi_fd_close(fd));
  if (error) {
    show(key, error);
    return;
  }
  /* Show NUL bytes as '0' so zero-filled extensions are visible. */
  for (size_t i = 0; i < n; i++)
    if (buf[i] == '\0')
      buf[i] = '0';
  say(key, "[%.*s] (%u bytes)", (int)n, buf, (unsigned)n);
}

static void basic_io(void) {
  __wasi_fd_t fd;
  expect("open new.txt creat|excl",
         open_at(sandbox, "new.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, &fd), 0);
  __wasi_filestat_t st = stat_fd(fd);
  say("new.txt filetype and size", "%s %llu", filetype_name(st.filetype), (unsigned long long)st.size);

  /* Three iovecs in one write, one empty. */
  __wasi_ciovec_t parts[3] = {
      {(const uint8_t *)"0123", 4}, {(const uint8_t *)"", 0}, {(const uint8_t *)"456789", 6}};
  size_t total = 0;
  expect("fd_write 3 iovecs", write_all(fd, parts, 3, &total), 0);
  say("fd_write 3 iovecs wrote", "%zu", total);
  __wasi_size_t n = 0;
  tell_show("fd_tell after write", fd);
  seek_show("fd_seek set 2", fd, 2, __WASI_WHENCE_SET);
  read_show("fd_read 3", fd, 3);
  seek_show("fd_seek cur -1", fd, -1, __WASI_WHENCE_CUR);
  seek_show("fd_seek end -3", fd, -3, __WASI_WHENCE_END);
  read_show("fd_read to end", fd, 100);
  read_show("fd_read at eof", fd, 100);
  seek_show("fd_seek past end", fd, 5, __WASI_WHENCE_END);
  tell_show("fd_tell past end", fd);
  expect("fd_seek before start", __wasi_fd_seek(fd, -100, __WASI_WHENCE_SET, &(__wasi_filesize_t){0}),
         __WASI_ERRNO_INVAL);

  /* Scatter read into two buffers; a runtime may fill only the first. */
  seek_show("fd_seek set 0", fd, 0, __WASI_WHENCE_SET);
  char a[4] = {0}, b[5] = {0};
  __wasi_iovec_t into[2] = {{(uint8_t *)a, 3}, {(uint8_t *)b, 4}};
  expect("fd_read 2 iovecs", __wasi_fd_read(fd, into, 2, &n), 0);
  if (n < 7) {
    __wasi_iovec_t rest = {(uint8_t *)b + (n > 3 ? n - 3 : 0), 4 - (n > 3 ? n - 3 : 0)};
    __wasi_size_t more = 0;
    if (n < 3) {
      say("fd_read 2 iovecs", "FAIL (short read of %u bytes into the first iovec)", (unsigned)n);
    } else {
      MUST(__wasi_fd_read(fd, &rest, 1, &more));
      n += more;
    }
  }
  say("fd_read 2 iovecs got", "[%s][%s] (%u bytes)", a, b, (unsigned)n);

  /* pwrite/pread leave the offset alone. */
  seek_show("fd_seek set 1", fd, 1, __WASI_WHENCE_SET);
  __wasi_ciovec_t ab = {(const uint8_t *)"AB", 2};
  expect("fd_pwrite AB at 3", __wasi_fd_pwrite(fd, &ab, 1, 3, &n), 0);
  say("fd_pwrite nwritten", "%u", (unsigned)n);
  char p[8] = {0};
  __wasi_iovec_t piov = {(uint8_t *)p, 5};
  expect("fd_pread 5 at 2", __wasi_fd_pread(fd, &piov, 1, 2, &n), 0);
  say("fd_pread got", "[%s] (%u bytes)", p, (unsigned)n);
  expect("fd_pread past end", __wasi_fd_pread(fd, &piov, 1, 1000, &n), 0);
  say("fd_pread past end nread", "%u", (unsigned)n);
  tell_show("fd_tell after pread/pwrite", fd);
  content_show("new.txt content", "new.txt");

  /* Size changes. */
  expect("fd_filestat_set_size 4", __wasi_fd_filestat_set_size(fd, 4), 0);
  say("size after shrink", "%llu", (unsigned long long)stat_fd(fd).size);
  expect("fd_filestat_set_size 8", __wasi_fd_filestat_set_size(fd, 8), 0);
  content_show("content after grow", "new.txt");
  /* Within the current size, so the file is the same whatever allocate does. */
  show("fd_allocate 0+8", __wasi_fd_allocate(fd, 0, 8));
  say("size after allocate", "%llu", (unsigned long long)stat_fd(fd).size);

  expect("fd_sync", __wasi_fd_sync(fd), 0);
  expect("fd_datasync", __wasi_fd_datasync(fd), 0);
  static const char *const advice_names[] = {"normal",   "sequential", "random",
                                             "willneed", "dontneed",   "noreuse"};
  for (int advice = 0; advice < 6; advice++) {
    char key[40];
    snprintf(key, sizeof key, "fd_advise %s", advice_names[advice]);
    expect(key, __wasi_fd_advise(fd, 0, 8, advice), 0);
  }

  __wasi_fdstat_t fdstat;
  expect("fd_fdstat_get", __wasi_fd_fdstat_get(fd, &fdstat), 0);
  say("fdstat filetype and flags", "%s %u", filetype_name(fdstat.fs_filetype), (unsigned)fdstat.fs_flags);
  expect("fd_close", __wasi_fd_close(fd), 0);
  expect("fd_close again", __wasi_fd_close(fd), __WASI_ERRNO_BADF);
  expect("open new.txt creat|excl again",
         open_at(sandbox, "new.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, &fd),
         __WASI_ERRNO_EXIST);
}

static void flags_and_truncate(void) {
  __wasi_fd_t fd;
  expect("open hello.txt append", open_at(sandbox, "hello.txt", 0, 0, __WASI_FDFLAGS_APPEND, &fd), 0);
  __wasi_fdstat_t fdstat;
  MUST(__wasi_fd_fdstat_get(fd, &fdstat));
  say("fdstat flags with append", "%s", fdstat.fs_flags & __WASI_FDFLAGS_APPEND ? "append" : "none");
  seek_show("seek 0 before append write", fd, 0, __WASI_WHENCE_SET);
  expect("append write", write_text(fd, "+tail"), 0);
  content_show("hello.txt after append", "hello.txt");
  expect("fd_fdstat_set_flags none", __wasi_fd_fdstat_set_flags(fd, 0), 0);
  MUST(__wasi_fd_fdstat_get(fd, &fdstat));
  say("fdstat flags cleared", "%s", fdstat.fs_flags & __WASI_FDFLAGS_APPEND ? "append" : "none");
  seek_show("seek 0 before plain write", fd, 0, __WASI_WHENCE_SET);
  expect("plain write", write_text(fd, "J"), 0);
  content_show("hello.txt after plain write", "hello.txt");
  expect("fd_fdstat_set_flags append", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND), 0);
  expect("write after set append", write_text(fd, "!"), 0);
  content_show("hello.txt after set append", "hello.txt");
  MUST(__wasi_fd_close(fd));

  expect("open hello.txt trunc", open_at(sandbox, "hello.txt", 0, __WASI_OFLAGS_TRUNC, 0, &fd), 0);
  say("size after trunc", "%llu", (unsigned long long)stat_fd(fd).size);
  expect("write after trunc", write_text(fd, "fresh"), 0);
  MUST(__wasi_fd_close(fd));
  content_show("hello.txt after trunc", "hello.txt");
}

static void times(void) {
  __wasi_fd_t fd;
  open_at(sandbox, "sub/a.txt", 0, 0, 0, &fd);
  const __wasi_timestamp_t atim = 1000000000ull * 1000000000ull + 123456789; /* 2001-09-09 */
  const __wasi_timestamp_t mtim = 1500000000ull * 1000000000ull + 987654321; /* 2017-07-14 */
  expect("fd_filestat_set_times atim+mtim",
         __wasi_fd_filestat_set_times(fd, atim, mtim, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), 0);
  __wasi_filestat_t st = stat_fd(fd);
  check("atim set exactly", st.atim == atim, "atim differs");
  check("mtim set exactly", st.mtim == mtim, "mtim differs");
  expect("fd_filestat_set_times mtim only",
         __wasi_fd_filestat_set_times(fd, 0, mtim + 1000, __WASI_FSTFLAGS_MTIM), 0);
  st = stat_fd(fd);
  check("atim kept when only mtim set", st.atim == atim, "atim changed");
  check("mtim updated", st.mtim == mtim + 1000, "mtim differs");
  expect("fd_filestat_set_times mtim now", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW),
         0);
  __wasi_timestamp_t now = 0;
  MUST(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now));
  st = stat_fd(fd);
  long long age = (long long)(now / 1000000000ull) - (long long)(st.mtim / 1000000000ull);
  check("mtim now is within 10 s of realtime", age >= -10 && age <= 10, "mtim far from now");
  expect("fd_filestat_set_times atim and atim_now",
         __wasi_fd_filestat_set_times(fd, atim, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
         __WASI_ERRNO_INVAL);
  MUST(__wasi_fd_close(fd));

  expect("path_filestat_set_times",
         __wasi_path_filestat_set_times(sandbox, 0, "sub/b.txt", atim, mtim,
                                        __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM),
         0);
  expect("path_filestat_get sub/b.txt", __wasi_path_filestat_get(sandbox, 0, "sub/b.txt", &st), 0);
  check("path atim/mtim set exactly", st.atim == atim && st.mtim == mtim, "times differ");
  say("sub/b.txt filetype size nlink", "%s %llu %llu", filetype_name(st.filetype),
      (unsigned long long)st.size, (unsigned long long)st.nlink);
}

static void rights_and_renumber(void) {
  __wasi_fd_t fd, other;
  open_at(sandbox, "sub/a.txt", 0, 0, 0, &fd);
  open_at(sandbox, "sub/b.txt", 0, 0, 0, &other);
  __wasi_filestat_t a_stat = stat_fd(fd);
  expect("fd_renumber a onto b", __wasi_fd_renumber(fd, other), 0);
  __wasi_filestat_t moved = stat_fd(other);
  check("renumbered fd is a.txt", moved.ino == a_stat.ino && moved.dev == a_stat.dev, "other file");
  expect("old fd closed after renumber", __wasi_fd_fdstat_get(fd, &(__wasi_fdstat_t){0}), __WASI_ERRNO_BADF);
  read_show("read through renumbered fd", other, 100);
  expect("fd_renumber from closed fd", __wasi_fd_renumber(fd, other), __WASI_ERRNO_BADF);
  expect("fd_renumber onto closed fd", __wasi_fd_renumber(other, 200), __WASI_ERRNO_BADF);
  MUST(__wasi_fd_close(other));

  /* Rights: the rights must be tracked, but runtimes may refuse to drop them. */
  expect("open rights.txt creat", open_at(sandbox, "rights.txt", 0, __WASI_OFLAGS_CREAT, 0, &fd), 0);
  __wasi_fdstat_t fdstat;
  MUST(__wasi_fd_fdstat_get(fd, &fdstat));
  check("fdstat has read and write rights",
        (fdstat.fs_rights_base & (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE)) ==
            (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE),
        "missing read/write rights");
  show("fd_fdstat_set_rights drop write",
       __wasi_fd_fdstat_set_rights(fd, fdstat.fs_rights_base & ~__WASI_RIGHTS_FD_WRITE,
                                   fdstat.fs_rights_inheriting));
  show("write after dropping write right", write_text(fd, "x"));
  show("fd_fdstat_set_rights regain write",
       __wasi_fd_fdstat_set_rights(fd, fdstat.fs_rights_base, fdstat.fs_rights_inheriting));
  MUST(__wasi_fd_close(fd));

  /* Open read-only by rights: writing is refused either way. */
  __wasi_fd_t ro;
  expect(
      "open sub/a.txt read right only",
      __wasi_path_open(sandbox, 0, "sub/a.txt", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0, 0, &ro),
      0);
  expect("write to read-only fd", write_text(ro, "x"), __WASI_ERRNO_BADF);
  read_show("read from read-only fd", ro, 100);
  MUST(__wasi_fd_close(ro));
  expect("open sub/a.txt write right only",
         __wasi_path_open(sandbox, 0, "sub/a.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &ro), 0);
  char buf[8];
  expect("read from write-only fd", read_text(ro, buf, sizeof buf), __WASI_ERRNO_BADF);
  MUST(__wasi_fd_close(ro));
}

static void directories_by_fd(void) {
  __wasi_fd_t dir;
  expect("open sub directory", open_dir(sandbox, "sub", &dir), 0);
  __wasi_filestat_t st = stat_fd(dir);
  say("sub filetype", "%s", filetype_name(st.filetype));
  list_dir("readdir sub (4 KiB buffer)", dir, 4096);
  list_dir("readdir sub (40-byte buffer)", dir, 40);
  __wasi_fd_t file;
  expect("open a.txt relative to sub fd", open_at(dir, "a.txt", 0, 0, 0, &file), 0);
  read_show("a.txt via sub fd", file, 100);
  MUST(__wasi_fd_close(file));
  expect("fd_read on directory", read_text(dir, (char[8]){0}, 8), __WASI_ERRNO_BADF);
  MUST(__wasi_fd_close(dir));
  list_dir("readdir /sandbox", sandbox, 4096);
}

static void through_libc(void) {
  FILE *file = fopen("/sandbox/libc.txt", "w+");
  check("fopen w+", file != NULL, "fopen failed");
  if (!file)
    return;
  fprintf(file, "line one\nline %d\n", 2);
  say("ftell", "%ld", ftell(file));
  rewind(file);
  char line[64];
  say("fgets", "[%s]", fgets(line, sizeof line, file) ? strtok(line, "\n") : "(null)");
  fseek(file, -7, SEEK_END);
  say("fgets after fseek end -7", "[%s]", fgets(line, sizeof line, file) ? strtok(line, "\n") : "(null)");
  say("fclose", "%d", fclose(file));

  struct stat st;
  say("stat libc.txt", "%d size %lld regular %d", stat("/sandbox/libc.txt", &st), (long long)st.st_size,
      S_ISREG(st.st_mode));
  int fd = open("/sandbox/libc.txt", O_RDWR | O_APPEND);
  say("open O_APPEND", "%s", fd >= 0 ? "ok" : errname(errno));
  say("write", "%zd", write(fd, "3\n", 2));
  say("lseek end", "%lld", (long long)lseek(fd, 0, SEEK_END));
  say("pread", "%zd", pread(fd, line, 4, 5));
  say("ftruncate 4", "%d", ftruncate(fd, 4));
  say("fstat size", "%d %lld", fstat(fd, &st), (long long)st.st_size);
  say("fsync", "%d", fsync(fd));
  say("close", "%d", close(fd));
  errno = 0;
  say("open missing", "%d %s", open("/sandbox/missing", O_RDONLY), errname(errno));

  DIR *d = opendir("/sandbox/sub");
  int entries = 0;
  for (struct dirent *e; d && (e = readdir(d));)
    entries++;
  if (d)
    closedir(d);
  say("opendir/readdir sub entries", "%d", entries);

  /* The read-only pre-open reads fine. */
  file = fopen("/ro/data.txt", "r");
  say("fopen /ro/data.txt r", "[%s]", file && fgets(line, sizeof line, file) ? strtok(line, "\n") : "(null)");
  if (file)
    fclose(file);
}

/* Many descriptors at once: the table grows, each one stays distinct, all close. */
static void many_descriptors(void) {
  enum { COUNT = 300 };
  static __wasi_fd_t fds[COUNT];
  int opened = 0, distinct = 1, readable = 0, closed = 0;
  for (int i = 0; i < COUNT; i++) {
    if (open_at(sandbox, i % 2 ? "sub/a.txt" : "sub/b.txt", 0, 0, 0, &fds[i]) != 0)
      break;
    opened++;
  }
  for (int i = 0; i < opened; i++)
    for (int j = 0; j < i; j++)
      distinct &= fds[i] != fds[j];
  for (int i = 0; i < opened; i++) {
    char text[8];
    readable += read_text(fds[i], text, sizeof text) == 0 && strcmp(text, i % 2 ? "a\n" : "bb\n") == 0;
  }
  for (int i = 0; i < opened; i++)
    closed += __wasi_fd_close(fds[i]) == 0;
  say("open 300 descriptors", "%d opened, %s, %d read their own file, %d closed", opened,
      distinct ? "all distinct" : "FAIL (duplicates)", readable, closed);
}

static void stdio_descriptors(void) {
  expect("write stdout via fd_write", write_text(1, "stdout via fd_write: ok\n"), 0);
  expect("fd_fdstat_get stdin", __wasi_fd_fdstat_get(0, &(__wasi_fdstat_t){0}), 0);
  expect("fd_fdstat_get stdout", __wasi_fd_fdstat_get(1, &(__wasi_fdstat_t){0}), 0);
  expect("fd_fdstat_get stderr", __wasi_fd_fdstat_get(2, &(__wasi_fdstat_t){0}), 0);
  __wasi_prestat_t prestat;
  expect("fd_prestat_get stdout", __wasi_fd_prestat_get(1, &prestat), __WASI_ERRNO_BADF);
  expect("fd_prestat_get /sandbox", __wasi_fd_prestat_get(sandbox, &prestat), 0);
  say("/sandbox prestat name length", "%u", (unsigned)prestat.u.dir.pr_name_len);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0); /* keep stdout ordered with the raw fd_write */
  sandbox = preopen_fd("/sandbox");
  say("pre-opened /sandbox and /ro", "%s", sandbox >= 0 && preopen_fd("/ro") >= 0 ? "yes" : "no FAIL");
  basic_io();
  flags_and_truncate();
  times();
  rights_and_renumber();
  directories_by_fd();
  through_libc();
  many_descriptors();
  stdio_descriptors();
  return 0;
}
