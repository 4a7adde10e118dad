/*
 * Error paths: each call is made to fail one way and the errno is printed.
 * Where POSIX and the WASI spec fix the answer it is checked here too
 * (expect); where runtimes may legitimately differ only the comparison with
 * the reference runtime judges it (show).
 *
 * run: --dir $SANDBOX::/sandbox --
 * exit: 0
 */
#include "guest.h"

static int sandbox;

static void bad_descriptors(void) {
  __wasi_fd_t fd;
  __wasi_filestat_t st;
  __wasi_fdstat_t fdstat;
  __wasi_filesize_t offset;
  char buf[8];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  __wasi_ciovec_t ciov = {(const uint8_t *)"x", 1};
  __wasi_size_t n;
  const __wasi_fd_t bad = 99;
  expect("EBADF fd_read", __wasi_fd_read(bad, &iov, 1, &n), __WASI_ERRNO_BADF);
  expect("EBADF fd_write", __wasi_fd_write(bad, &ciov, 1, &n), __WASI_ERRNO_BADF);
  expect("EBADF fd_pread", __wasi_fd_pread(bad, &iov, 1, 0, &n), __WASI_ERRNO_BADF);
  expect("EBADF fd_pwrite", __wasi_fd_pwrite(bad, &ciov, 1, 0, &n), __WASI_ERRNO_BADF);
  expect("EBADF fd_seek", __wasi_fd_seek(bad, 0, __WASI_WHENCE_SET, &offset), __WASI_ERRNO_BADF);
  expect("EBADF fd_tell", __wasi_fd_tell(bad, &offset), __WASI_ERRNO_BADF);
  expect("EBADF fd_close", __wasi_fd_close(bad), __WASI_ERRNO_BADF);
  expect("EBADF fd_sync", __wasi_fd_sync(bad), __WASI_ERRNO_BADF);
  expect("EBADF fd_datasync", __wasi_fd_datasync(bad), __WASI_ERRNO_BADF);
  expect("EBADF fd_advise", __wasi_fd_advise(bad, 0, 0, __WASI_ADVICE_NORMAL), __WASI_ERRNO_BADF);
  expect("EBADF fd_filestat_get", __wasi_fd_filestat_get(bad, &st), __WASI_ERRNO_BADF);
  expect("EBADF fd_filestat_set_size", __wasi_fd_filestat_set_size(bad, 0), __WASI_ERRNO_BADF);
  expect("EBADF fd_filestat_set_times", __wasi_fd_filestat_set_times(bad, 0, 0, __WASI_FSTFLAGS_MTIM_NOW),
         __WASI_ERRNO_BADF);
  expect("EBADF fd_fdstat_get", __wasi_fd_fdstat_get(bad, &fdstat), __WASI_ERRNO_BADF);
  expect("EBADF fd_fdstat_set_flags", __wasi_fd_fdstat_set_flags(bad, 0), __WASI_ERRNO_BADF);
  expect("EBADF fd_prestat_get", __wasi_fd_prestat_get(bad, &(__wasi_prestat_t){0}), __WASI_ERRNO_BADF);
  expect("EBADF fd_readdir", __wasi_fd_readdir(bad, (uint8_t *)buf, sizeof buf, 0, &n), __WASI_ERRNO_BADF);
  expect("EBADF fd_renumber", __wasi_fd_renumber(bad, 1), __WASI_ERRNO_BADF);
  expect("EBADF path_open", open_at(bad, "x", 0, 0, 0, &fd), __WASI_ERRNO_BADF);
  expect("EBADF path_create_directory", __wasi_path_create_directory(bad, "x"), __WASI_ERRNO_BADF);
  expect("EBADF path_filestat_get", __wasi_path_filestat_get(bad, 0, "x", &st), __WASI_ERRNO_BADF);
  expect("EBADF path_unlink_file", __wasi_path_unlink_file(bad, "x"), __WASI_ERRNO_BADF);
  expect("EBADF path_symlink", __wasi_path_symlink("x", bad, "y"), __WASI_ERRNO_BADF);
  expect("EBADF path_rename", __wasi_path_rename(sandbox, "hello.txt", bad, "y"), __WASI_ERRNO_BADF);
  expect("EBADF path_link", __wasi_path_link(sandbox, 0, "hello.txt", bad, "y"), __WASI_ERRNO_BADF);

  /* A descriptor that was valid and is now closed. */
  MUST(open_at(sandbox, "hello.txt", 0, 0, 0, &fd));
  MUST(__wasi_fd_close(fd));
  expect("EBADF read after close", __wasi_fd_read(fd, &iov, 1, &n), __WASI_ERRNO_BADF);
  /* A file is not a directory descriptor: path calls relative to it fail. */
  MUST(open_at(sandbox, "hello.txt", 0, 0, 0, &fd));
  expect("ENOTDIR path_open relative to a file fd", open_at(fd, "x", 0, 0, 0, &(__wasi_fd_t){0}),
         __WASI_ERRNO_NOTDIR);
  expect("EBADF fd_prestat_get on a file", __wasi_fd_prestat_get(fd, &(__wasi_prestat_t){0}),
         __WASI_ERRNO_BADF);
  show("fd_readdir on a file", __wasi_fd_readdir(fd, (uint8_t *)buf, sizeof buf, 0, &n));
  MUST(__wasi_fd_close(fd));
}

static void missing_and_existing(void) {
  __wasi_fd_t fd;
  __wasi_filestat_t st;
  expect("ENOENT open missing", open_at(sandbox, "missing", 0, 0, 0, &fd), __WASI_ERRNO_NOENT);
  expect("ENOENT open in missing dir", open_at(sandbox, "nodir/x", 0, __WASI_OFLAGS_CREAT, 0, &fd),
         __WASI_ERRNO_NOENT);
  expect("ENOENT stat missing", __wasi_path_filestat_get(sandbox, 0, "missing", &st), __WASI_ERRNO_NOENT);
  expect("ENOENT unlink missing", __wasi_path_unlink_file(sandbox, "missing"), __WASI_ERRNO_NOENT);
  expect("ENOENT rmdir missing", __wasi_path_remove_directory(sandbox, "missing"), __WASI_ERRNO_NOENT);
  expect("ENOENT rename missing", __wasi_path_rename(sandbox, "missing", sandbox, "x"), __WASI_ERRNO_NOENT);
  expect("ENOENT link missing", __wasi_path_link(sandbox, 0, "missing", sandbox, "x"), __WASI_ERRNO_NOENT);
  expect("ENOENT readlink missing",
         __wasi_path_readlink(sandbox, "missing", (uint8_t[8]){0}, 8, &(__wasi_size_t){0}),
         __WASI_ERRNO_NOENT);
  expect("ENOENT set_times missing",
         __wasi_path_filestat_set_times(sandbox, 0, "missing", 0, 0, __WASI_FSTFLAGS_MTIM_NOW),
         __WASI_ERRNO_NOENT);
  expect("ENOENT open empty path", open_at(sandbox, "", 0, 0, 0, &fd), __WASI_ERRNO_NOENT);

  expect("EEXIST creat|excl existing",
         open_at(sandbox, "hello.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, &fd),
         __WASI_ERRNO_EXIST);
  expect("EEXIST creat|excl existing dir",
         open_at(sandbox, "sub", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, &fd), __WASI_ERRNO_EXIST);
  expect("EEXIST mkdir existing", __wasi_path_create_directory(sandbox, "sub"), __WASI_ERRNO_EXIST);
  expect("EEXIST mkdir over file", __wasi_path_create_directory(sandbox, "hello.txt"), __WASI_ERRNO_EXIST);
  expect("EEXIST symlink over file", __wasi_path_symlink("x", sandbox, "hello.txt"), __WASI_ERRNO_EXIST);
  expect("EEXIST link over file", __wasi_path_link(sandbox, 0, "sub/a.txt", sandbox, "hello.txt"),
         __WASI_ERRNO_EXIST);
}

static void wrong_kind(void) {
  __wasi_fd_t fd;
  expect("ENOTDIR open file/x", open_at(sandbox, "hello.txt/x", 0, 0, 0, &fd), __WASI_ERRNO_NOTDIR);
  expect("ENOTDIR open file with O_DIRECTORY", open_dir(sandbox, "hello.txt", &fd), __WASI_ERRNO_NOTDIR);
  expect("ENOTDIR rmdir a file", __wasi_path_remove_directory(sandbox, "hello.txt"), __WASI_ERRNO_NOTDIR);
  expect("ENOTDIR mkdir under a file", __wasi_path_create_directory(sandbox, "hello.txt/d"),
         __WASI_ERRNO_NOTDIR);
  expect("ENOTDIR rename dir over file", __wasi_path_rename(sandbox, "sub", sandbox, "hello.txt"),
         __WASI_ERRNO_NOTDIR);

  expect("EISDIR open dir for writing", open_at(sandbox, "sub", 0, 0, 0, &fd), __WASI_ERRNO_ISDIR);
  expect("EISDIR rename file over dir", __wasi_path_rename(sandbox, "hello.txt", sandbox, "sub"),
         __WASI_ERRNO_ISDIR);
  show("unlink a directory", __wasi_path_unlink_file(sandbox, "sub"));
  show("link a directory", __wasi_path_link(sandbox, 0, "sub", sandbox, "sublink"));

  expect("ENOTEMPTY rmdir non-empty", __wasi_path_remove_directory(sandbox, "sub"), __WASI_ERRNO_NOTEMPTY);
  MUST(__wasi_path_create_directory(sandbox, "full"));
  MUST(__wasi_path_create_directory(sandbox, "full/child"));
  show("rename dir over non-empty dir", __wasi_path_rename(sandbox, "sub", sandbox, "full"));
  show("rename dir into itself", __wasi_path_rename(sandbox, "full", sandbox, "full/child/x"));
  show("rmdir .", __wasi_path_remove_directory(sandbox, "."));

  MUST(__wasi_path_symlink("loop", sandbox, "loop"));
  expect("ELOOP open symlink loop", open_at(sandbox, "loop", 1, 0, 0, &fd), __WASI_ERRNO_LOOP);
  expect("ELOOP open symlink nofollow", open_at(sandbox, "loop", 0, 0, 0, &fd), __WASI_ERRNO_LOOP);
  expect("EINVAL readlink a file",
         __wasi_path_readlink(sandbox, "hello.txt", (uint8_t[8]){0}, 8, &(__wasi_size_t){0}),
         __WASI_ERRNO_INVAL);
}

static void bad_arguments(void) {
  __wasi_fd_t fd;
  MUST(open_at(sandbox, "hello.txt", 0, 0, 0, &fd));
  __wasi_filesize_t offset;
  expect("EINVAL seek before start", __wasi_fd_seek(fd, -1, __WASI_WHENCE_SET, &offset), __WASI_ERRNO_INVAL);
  expect("EINVAL seek cur to negative", __wasi_fd_seek(fd, -100, __WASI_WHENCE_CUR, &offset),
         __WASI_ERRNO_INVAL);
  expect("EINVAL set_times atim and atim_now",
         __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
         __WASI_ERRNO_INVAL);
  expect("EINVAL set_times mtim and mtim_now",
         __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW),
         __WASI_ERRNO_INVAL);
  show("set_size huge", __wasi_fd_filestat_set_size(fd, 1ull << 62));
  MUST(__wasi_fd_close(fd));
  show("fd_seek on a directory", __wasi_fd_seek(sandbox, 0, __WASI_WHENCE_CUR, &offset));
  show("fd_write on a directory", write_text(sandbox, "x"));
  show("fd_filestat_set_size on a directory", __wasi_fd_filestat_set_size(sandbox, 0));
}

int main(void) {
  sandbox = preopen_fd("/sandbox");
  say("pre-opened /sandbox", "%s", sandbox >= 0 ? "yes" : "no FAIL");
  bad_descriptors();
  missing_and_existing();
  wrong_kind();
  bad_arguments();
  return 0;
}
