/*
 * Directories and names: path_create_directory, path_remove_directory,
 * path_rename (files, directories, replacing), path_link, path_symlink,
 * path_readlink (whole and truncated), path_unlink_file, path_filestat_get
 * with and without following symlinks, readdir after each change; then the
 * same through wasi-libc's POSIX calls.
 *
 * run: --dir $SANDBOX::/sandbox --
 * exit: 0
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"

static int sandbox;

static void stat_show(const char *key, const char *path, int follow) {
  __wasi_filestat_t st;
  int error = __wasi_path_filestat_get(sandbox, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, path, &st);
  if (error)
    show(key, error);
  else if (st.filetype ==
           __WASI_FILETYPE_DIRECTORY) /* a directory's size and links depend on the file system */
    say(key, "dir");
  else
    say(key, "%s size %llu nlink %llu", filetype_name(st.filetype), (unsigned long long)st.size,
        (unsigned long long)st.nlink);
}

static void list_show(const char *key, const char *path) {
  __wasi_fd_t dir;
  int error = open_dir(sandbox, path, &dir);
  if (error) {
    show(key, error);
    return;
  }
  list_dir(key, dir, 256);
  MUST(__wasi_fd_close(dir));
}

static void readlink_show(const char *key, const char *path, size_t size) {
  char buf[64];
  __wasi_size_t used = 0;
  memset(buf, '#', sizeof buf);
  int error = __wasi_path_readlink(sandbox, path, (uint8_t *)buf, size, &used);
  if (error)
    show(key, error);
  else
    say(key, "[%.*s] (%u bytes)%s", (int)used, buf, (unsigned)used,
        buf[size < sizeof buf ? size : 0] == '#' || size >= sizeof buf ? ""
                                                                       : " FAIL (wrote past the buffer)");
}

static void create_file(const char *path, const char *text) {
  __wasi_fd_t fd;
  MUST(open_at(sandbox, path, 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, 0, &fd));
  MUST(write_text(fd, text));
  MUST(__wasi_fd_close(fd));
}

static void make_and_remove(void) {
  expect("mkdir d1", __wasi_path_create_directory(sandbox, "d1"), 0);
  stat_show("stat d1", "d1", 0);
  expect("mkdir d1/d2", __wasi_path_create_directory(sandbox, "d1/d2"), 0);
  expect("mkdir d1/d2/d3", __wasi_path_create_directory(sandbox, "d1/d2/d3"), 0);
  create_file("d1/f1", "one\n");
  list_show("readdir d1", "d1");
  expect("rmdir d1/d2/d3", __wasi_path_remove_directory(sandbox, "d1/d2/d3"), 0);
  stat_show("stat d1/d2/d3 after rmdir", "d1/d2/d3", 0);
  expect("mkdir with missing parent", __wasi_path_create_directory(sandbox, "nope/child"),
         __WASI_ERRNO_NOENT);
}

static void renames(void) {
  create_file("r1", "rename me\n");
  expect("rename r1 -> d1/r2", __wasi_path_rename(sandbox, "r1", sandbox, "d1/r2"), 0);
  stat_show("stat r1 after rename", "r1", 0);
  stat_show("stat d1/r2 after rename", "d1/r2", 0);
  create_file("victim", "old\n");
  expect("rename d1/r2 over victim", __wasi_path_rename(sandbox, "d1/r2", sandbox, "victim"), 0);
  stat_show("stat victim after replace", "victim", 0);
  expect("rename dir d1/d2 -> d4", __wasi_path_rename(sandbox, "d1/d2", sandbox, "d4"), 0);
  list_show("readdir d1 after renames", "d1");
  expect("mkdir e1", __wasi_path_create_directory(sandbox, "e1"), 0);
  expect("rename d4 over empty dir e1", __wasi_path_rename(sandbox, "d4", sandbox, "e1"), 0);
  stat_show("stat e1 after replace", "e1", 0);
  expect("rename file to itself", __wasi_path_rename(sandbox, "victim", sandbox, "victim"), 0);

  /* Renaming through two different directory descriptors. */
  __wasi_fd_t d1;
  MUST(open_dir(sandbox, "d1", &d1));
  expect("rename victim -> d1 fd/moved", __wasi_path_rename(sandbox, "victim", d1, "moved"), 0);
  stat_show("stat d1/moved", "d1/moved", 0);
  MUST(__wasi_fd_close(d1));
}

static void links(void) {
  expect("link d1/f1 -> hard", __wasi_path_link(sandbox, 0, "d1/f1", sandbox, "hard"), 0);
  stat_show("stat hard", "hard", 0);
  __wasi_filestat_t a, b;
  MUST(__wasi_path_filestat_get(sandbox, 0, "d1/f1", &a));
  MUST(__wasi_path_filestat_get(sandbox, 0, "hard", &b));
  check("hard link shares the inode", a.ino == b.ino && a.dev == b.dev, "different inodes");
  expect("unlink d1/f1", __wasi_path_unlink_file(sandbox, "d1/f1"), 0);
  stat_show("stat hard after unlinking the original", "hard", 0);

  expect("symlink hard <- soft", __wasi_path_symlink("hard", sandbox, "soft"), 0);
  expect("symlink d1 <- softdir", __wasi_path_symlink("d1", sandbox, "softdir"), 0);
  expect("symlink missing <- dangling", __wasi_path_symlink("missing", sandbox, "dangling"), 0);
  expect("symlink with long target", __wasi_path_symlink("d1/../hard", sandbox, "dotted"), 0);
  stat_show("stat soft nofollow", "soft", 0);
  stat_show("stat soft follow", "soft", 1);
  stat_show("stat softdir follow", "softdir", 1);
  stat_show("stat softdir/moved through symlinked dir", "softdir/moved", 1);
  stat_show("stat dangling nofollow", "dangling", 0);
  stat_show("stat dangling follow", "dangling", 1);
  stat_show("stat dotted follow", "dotted", 1);
  readlink_show("readlink soft", "soft", 64);
  readlink_show("readlink dotted", "dotted", 64);
  readlink_show("readlink dotted into 4 bytes", "dotted", 4);
  readlink_show("readlink of a regular file", "hard", 64);
  readlink_show("readlink missing", "missing", 64);

  __wasi_fd_t fd;
  expect("open through soft", open_at(sandbox, "soft", 1, 0, 0, &fd), 0);
  char text[32];
  MUST(read_text(fd, text, sizeof text));
  say("read through soft", "[%s]", strtok(text, "\n"));
  MUST(__wasi_fd_close(fd));
  expect("open soft nofollow", open_at(sandbox, "soft", 0, 0, 0, &fd), __WASI_ERRNO_LOOP);
  expect("create through dangling symlink", open_at(sandbox, "dangling", 1, __WASI_OFLAGS_CREAT, 0, &fd), 0);
  MUST(__wasi_fd_close(fd));
  stat_show("stat missing after create through dangling", "missing", 0);

  expect("unlink soft", __wasi_path_unlink_file(sandbox, "soft"), 0);
  stat_show("stat hard after unlinking symlink", "hard", 0);
  expect("unlink softdir (a symlink to a dir)", __wasi_path_unlink_file(sandbox, "softdir"), 0);
  stat_show("stat d1 after unlinking its symlink", "d1", 0);
  list_show("readdir /sandbox", ".");
}

static void cleanup(void) {
  expect("unlink dangling", __wasi_path_unlink_file(sandbox, "dangling"), 0);
  expect("unlink missing", __wasi_path_unlink_file(sandbox, "missing"), 0);
  expect("unlink dotted", __wasi_path_unlink_file(sandbox, "dotted"), 0);
  expect("unlink hard", __wasi_path_unlink_file(sandbox, "hard"), 0);
  expect("unlink d1/moved", __wasi_path_unlink_file(sandbox, "d1/moved"), 0);
  expect("rmdir e1", __wasi_path_remove_directory(sandbox, "e1"), 0);
  expect("rmdir d1", __wasi_path_remove_directory(sandbox, "d1"), 0);
  list_show("readdir /sandbox after cleanup", ".");
}

static void through_libc(void) {
  say("mkdir", "%d", mkdir("/sandbox/p", 0755));
  int fd = open("/sandbox/p/file", O_CREAT | O_WRONLY, 0644);
  say("open O_CREAT", "%s", fd >= 0 ? "ok" : errname(errno));
  say("write", "%zd", write(fd, "posix\n", 6));
  close(fd);
  say("rename", "%d", rename("/sandbox/p/file", "/sandbox/p/renamed"));
  say("link", "%d", link("/sandbox/p/renamed", "/sandbox/p/linked"));
  say("symlink", "%d", symlink("renamed", "/sandbox/p/sym"));
  char target[32];
  ssize_t n = readlink("/sandbox/p/sym", target, sizeof target);
  say("readlink", "%zd [%.*s]", n, n > 0 ? (int)n : 0, target);
  struct stat st;
  say("lstat sym is a link", "%d %d", lstat("/sandbox/p/sym", &st), S_ISLNK(st.st_mode));
  say("stat sym is a file", "%d %d size %lld", stat("/sandbox/p/sym", &st), S_ISREG(st.st_mode),
      (long long)st.st_size);
  say("stat linked nlink", "%d %llu", stat("/sandbox/p/linked", &st), (unsigned long long)st.st_nlink);
  errno = 0;
  say("rmdir non-empty", "%d %s", rmdir("/sandbox/p"), errname(errno));
  DIR *d = opendir("/sandbox/p");
  int entries = 0;
  for (struct dirent *e; d && (e = readdir(d));)
    entries += e->d_name[0] != '.';
  if (d)
    closedir(d);
  say("readdir p entries (without dot entries)", "%d", entries);
  say("unlink x3", "%d %d %d", unlink("/sandbox/p/sym"), unlink("/sandbox/p/linked"),
      unlink("/sandbox/p/renamed"));
  say("rmdir", "%d", rmdir("/sandbox/p"));
  errno = 0;
  say("access removed dir", "%d %s", access("/sandbox/p", F_OK), errname(errno));
}

int main(void) {
  sandbox = preopen_fd("/sandbox");
  say("pre-opened /sandbox", "%s", sandbox >= 0 ? "yes" : "no FAIL");
  list_show("readdir /sandbox at start", ".");
  make_and_remove();
  renames();
  links();
  cleanup();
  through_libc();
  return 0;
}
