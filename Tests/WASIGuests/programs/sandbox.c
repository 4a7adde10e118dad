/*
 * Sandbox escapes: every way out of the pre-opened directories this
 * program knows is tried and must be refused (the errno name is printed;
 * success prints ALLOWED FAIL). Out of /sandbox: `..`, absolute paths,
 * symlinks pointing out directly, through intermediate components, through
 * chains and from a subdirectory, creation through dangling symlinks, hard
 * links and renames in either direction, `..` above a subdirectory
 * descriptor. Into /ro (read-only): every mutation, directly, through a
 * descriptor opened from it, and by moving or hard-linking its files out.
 * run.sh also checks afterwards that outside/ and ro/ are byte-for-byte
 * unchanged.
 *
 * Fixture (made by run.sh): sandbox/{hello.txt, sub/{a.txt,b.txt}},
 * ro/{data.txt, rdir/inner.txt}, outside/{secret, odir/}, and in sandbox/
 * the symlinks link_up -> ../outside/secret, link_updir -> ../outside,
 * link_abs -> <abs>/outside/secret, link_abs_dir -> <abs>/outside,
 * link_root -> /, link_chain -> link_updir, sub/link_upup ->
 * ../../outside/secret, link_dangling_out -> ../outside/newfile, link_ro ->
 * ../ro/data.txt, link_inside -> sub/../hello.txt.
 *
 * run: --dir $SANDBOX::/sandbox --dir-ro $RO::/ro --
 * exit: 0
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "guest.h"

static int sandbox, ro;

/* Try to open `path` for reading; a success is closed again and reported as a breach. */
static void open_refused(const char *key, int dir, const char *path, int follow) {
  __wasi_fd_t fd;
  int error = __wasi_path_open(dir, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, path, 0,
                               __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_FILESTAT_GET, 0, 0, &fd);
  refused(key, error);
  if (error == 0)
    MUST(__wasi_fd_close(fd));
}

static void stat_refused(const char *key, int dir, const char *path, int follow) {
  __wasi_filestat_t st;
  refused(key, __wasi_path_filestat_get(dir, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, path, &st));
}

static void create_refused(const char *key, int dir, const char *path, __wasi_oflags_t oflags) {
  __wasi_fd_t fd;
  int error = __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags,
                               __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd);
  refused(key, error);
  if (error == 0)
    MUST(__wasi_fd_close(fd));
}

static void reading_out(void) {
  open_refused("open ../outside/secret", sandbox, "../outside/secret", 1);
  open_refused("open ..", sandbox, "..", 1);
  open_refused("open ./../outside/secret", sandbox, "./../outside/secret", 1);
  open_refused("open sub/../../outside/secret", sandbox, "sub/../../outside/secret", 1);
  open_refused("open sub/../..", sandbox, "sub/../..", 1);
  open_refused("open ../sandbox/hello.txt (out and back in)", sandbox, "../sandbox/hello.txt", 1);
  open_refused("open absolute /etc/passwd", sandbox, "/etc/passwd", 1);
  open_refused("open absolute /sandbox/hello.txt", sandbox, "/sandbox/hello.txt", 1);
  open_refused("open absolute / ", sandbox, "/", 1);
  open_refused("open link_up (symlink out)", sandbox, "link_up", 1);
  open_refused("open link_abs (absolute symlink)", sandbox, "link_abs", 1);
  open_refused("open link_updir/secret (intermediate symlink)", sandbox, "link_updir/secret", 1);
  open_refused("open link_updir/secret nofollow", sandbox, "link_updir/secret", 0);
  open_refused("open link_abs_dir/secret (intermediate absolute)", sandbox, "link_abs_dir/secret", 1);
  open_refused("open link_root/etc/passwd", sandbox, "link_root/etc/passwd", 1);
  open_refused("open link_chain/secret (chain of symlinks)", sandbox, "link_chain/secret", 1);
  open_refused("open sub/link_upup (symlink out from a subdirectory)", sandbox, "sub/link_upup", 1);
  open_refused("open link_ro (symlink into the other pre-open)", sandbox, "link_ro", 1);
  open_refused("open link_updir/../sandbox/hello.txt", sandbox, "link_updir/../sandbox/hello.txt", 1);

  /* Symlinks that stay inside are fine: the sandbox is not just refusing all symlinks. */
  __wasi_fd_t fd;
  int error = open_at(sandbox, "link_inside", 1, 0, 0, &fd);
  expect("open link_inside (stays inside)", error, 0);
  if (error == 0)
    MUST(__wasi_fd_close(fd));

  /* A subdirectory descriptor is its own capability: no `..` above it. */
  __wasi_fd_t sub;
  MUST(open_dir(sandbox, "sub", &sub));
  open_refused("open ../hello.txt from the sub fd", sub, "../hello.txt", 1);
  open_refused("open .. from the sub fd", sub, "..", 1);
  open_refused("open a.txt/../../hello.txt from the sub fd", sub, "a.txt/../../hello.txt", 1);
  MUST(__wasi_fd_close(sub));

  stat_refused("stat ../outside/secret", sandbox, "../outside/secret", 0);
  stat_refused("stat link_up follow", sandbox, "link_up", 1);
  stat_refused("stat link_updir/secret", sandbox, "link_updir/secret", 0);
  stat_refused("stat link_abs follow", sandbox, "link_abs", 1);
  stat_refused("stat /etc", sandbox, "/etc", 0);
  char buf[64];
  __wasi_size_t used;
  refused("readlink ../outside/x",
          __wasi_path_readlink(sandbox, "link_updir/../x", (uint8_t *)buf, sizeof buf, &used));
}

static void writing_out(void) {
  create_refused("create ../outside/new", sandbox, "../outside/new", __WASI_OFLAGS_CREAT);
  create_refused("create through link_dangling_out", sandbox, "link_dangling_out", __WASI_OFLAGS_CREAT);
  create_refused("create link_updir/new", sandbox, "link_updir/new", __WASI_OFLAGS_CREAT);
  create_refused("truncate through link_up", sandbox, "link_up", __WASI_OFLAGS_TRUNC);
  create_refused("truncate through link_abs", sandbox, "link_abs", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC);
  create_refused("create absolute /tmp/wasi-guest-escape", sandbox, "/tmp/wasi-guest-escape",
                 __WASI_OFLAGS_CREAT);
  refused("mkdir ../outside/newdir", __wasi_path_create_directory(sandbox, "../outside/newdir"));
  refused("mkdir link_updir/newdir", __wasi_path_create_directory(sandbox, "link_updir/newdir"));
  refused("rmdir ../outside/odir", __wasi_path_remove_directory(sandbox, "../outside/odir"));
  refused("rmdir link_updir/odir", __wasi_path_remove_directory(sandbox, "link_updir/odir"));
  refused("unlink ../outside/secret", __wasi_path_unlink_file(sandbox, "../outside/secret"));
  refused("unlink link_updir/secret", __wasi_path_unlink_file(sandbox, "link_updir/secret"));
  refused("set_times link_up follow",
          __wasi_path_filestat_set_times(sandbox, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link_up", 0, 0,
                                         __WASI_FSTFLAGS_MTIM_NOW));
  refused("set_times ../outside/secret",
          __wasi_path_filestat_set_times(sandbox, 0, "../outside/secret", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));

  /* Hard links and renames across the boundary, both directions. */
  refused("link ../outside/secret -> stolen",
          __wasi_path_link(sandbox, 0, "../outside/secret", sandbox, "stolen"));
  refused("link link_up (followed) -> stolen",
          __wasi_path_link(sandbox, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link_up", sandbox, "stolen"));
  refused("link link_updir/secret -> stolen",
          __wasi_path_link(sandbox, 0, "link_updir/secret", sandbox, "stolen"));
  refused("link hello.txt -> ../outside/hl",
          __wasi_path_link(sandbox, 0, "hello.txt", sandbox, "../outside/hl"));
  refused("link hello.txt -> link_updir/hl",
          __wasi_path_link(sandbox, 0, "hello.txt", sandbox, "link_updir/hl"));
  refused("rename hello.txt -> ../outside/moved",
          __wasi_path_rename(sandbox, "hello.txt", sandbox, "../outside/moved"));
  refused("rename ../outside/secret -> stolen",
          __wasi_path_rename(sandbox, "../outside/secret", sandbox, "stolen"));
  refused("rename link_updir/secret -> stolen",
          __wasi_path_rename(sandbox, "link_updir/secret", sandbox, "stolen"));
  refused("rename sub -> ../outside/sub", __wasi_path_rename(sandbox, "sub", sandbox, "../outside/sub"));
  refused("symlink at ../escape", __wasi_path_symlink("hello.txt", sandbox, "../escape"));
  refused("symlink at link_updir/escape", __wasi_path_symlink("hello.txt", sandbox, "link_updir/escape"));

  /*
   * A symlink's target is only text, so making one that points out may or
   * may not be allowed; following it never is.
   */
  show("symlink mine -> ../outside/secret", __wasi_path_symlink("../outside/secret", sandbox, "mine"));
  open_refused("open mine", sandbox, "mine", 1);
  create_refused("truncate through mine", sandbox, "mine", __WASI_OFLAGS_TRUNC);
  show("symlink mine_abs -> /etc/passwd", __wasi_path_symlink("/etc/passwd", sandbox, "mine_abs"));
  open_refused("open mine_abs", sandbox, "mine_abs", 1);
  /* Replace a directory component by a symlink out after the fact. */
  MUST(__wasi_path_create_directory(sandbox, "swap"));
  MUST(__wasi_path_remove_directory(sandbox, "swap"));
  show("symlink swap -> ../outside", __wasi_path_symlink("../outside", sandbox, "swap"));
  open_refused("open swap/secret", sandbox, "swap/secret", 1);
  create_refused("create swap/planted", sandbox, "swap/planted", __WASI_OFLAGS_CREAT);
}

static void read_only(void) {
  __wasi_fd_t fd;
  int error = __wasi_path_open(ro, 0, "data.txt", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_FILESTAT_GET, 0,
                               0, &fd);
  expect("[ro] open data.txt for reading", error, 0);
  char text[64];
  MUST(read_text(fd, text, sizeof text));
  say("[ro] data.txt reads", "[%s]", strtok(text, "\n"));
  refused("[ro] fd_write on the read-only fd", write_text(fd, "x"));
  refused("[ro] fd_filestat_set_size", __wasi_fd_filestat_set_size(fd, 0));
  refused("[ro] fd_filestat_set_times", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  refused("[ro] fd_allocate", __wasi_fd_allocate(fd, 0, 4096));
  MUST(__wasi_fd_close(fd));

  create_refused("[ro] open data.txt for writing", ro, "data.txt", 0);
  create_refused("[ro] create new.txt", ro, "new.txt", __WASI_OFLAGS_CREAT);
  create_refused("[ro] create|excl new.txt", ro, "new.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL);
  create_refused("[ro] truncate data.txt", ro, "data.txt", __WASI_OFLAGS_TRUNC);
  refused("[ro] open data.txt with the append flag",
          __wasi_path_open(ro, 0, "data.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, __WASI_FDFLAGS_APPEND, &fd));
  refused("[ro] mkdir", __wasi_path_create_directory(ro, "newdir"));
  refused("[ro] rmdir rdir/.. child", __wasi_path_remove_directory(ro, "rdir"));
  refused("[ro] unlink data.txt", __wasi_path_unlink_file(ro, "data.txt"));
  refused("[ro] rename data.txt -> data2.txt", __wasi_path_rename(ro, "data.txt", ro, "data2.txt"));
  refused("[ro] symlink", __wasi_path_symlink("data.txt", ro, "sym"));
  refused("[ro] link data.txt -> copy", __wasi_path_link(ro, 0, "data.txt", ro, "copy"));
  refused("[ro] path_filestat_set_times",
          __wasi_path_filestat_set_times(ro, 0, "data.txt", 0, 0,
                                         __WASI_FSTFLAGS_MTIM_NOW | __WASI_FSTFLAGS_ATIM_NOW));
  refused("[ro] fd_filestat_set_times on the pre-open",
          __wasi_fd_filestat_set_times(ro, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));

  /* Moving or hard-linking a read-only file out would make it writable. */
  refused("[ro] rename data.txt out to /sandbox", __wasi_path_rename(ro, "data.txt", sandbox, "taken.txt"));
  refused("[ro] rename /sandbox/hello.txt in", __wasi_path_rename(sandbox, "hello.txt", ro, "hello.txt"));
  error = __wasi_path_link(ro, 0, "data.txt", sandbox, "ro_link.txt");
  refused("[ro] hard link data.txt out to /sandbox", error);
  if (error == 0) {
    /* The breach is already reported; show whether it lets the guest write. */
    show("[ro] write through the hard link", open_at(sandbox, "ro_link.txt", 0, __WASI_OFLAGS_TRUNC, 0, &fd));
  }
  refused("[ro] hard link /sandbox/hello.txt in", __wasi_path_link(sandbox, 0, "hello.txt", ro, "hello.txt"));

  /* A directory opened from the read-only pre-open is read-only too. */
  __wasi_fd_t rdir;
  expect("[ro] open rdir", open_dir(ro, "rdir", &rdir), 0);
  create_refused("[ro] create in rdir via its fd", rdir, "new.txt", __WASI_OFLAGS_CREAT);
  refused("[ro] unlink rdir/inner.txt via its fd", __wasi_path_unlink_file(rdir, "inner.txt"));
  refused("[ro] mkdir in rdir via its fd", __wasi_path_create_directory(rdir, "x"));
  open_refused("[ro] open .. from rdir fd", rdir, "..", 1);
  MUST(__wasi_fd_close(rdir));

  /* Renumbering a read-only descriptor onto a writable one does not make it writable. */
  __wasi_fd_t ro_file, rw_file;
  MUST(__wasi_path_open(ro, 0, "data.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &ro_file));
  MUST(open_at(sandbox, "hello.txt", 0, 0, 0, &rw_file));
  MUST(__wasi_fd_renumber(ro_file, rw_file));
  refused("[ro] write after renumbering onto a writable fd", write_text(rw_file, "x"));
  MUST(__wasi_fd_close(rw_file));

  /* Through wasi-libc, as an ordinary program would try. */
  errno = 0;
  FILE *file = fopen("/ro/data.txt", "w");
  refused("[ro] fopen /ro/data.txt w", file ? 0 : errno);
  if (file)
    fclose(file);
  errno = 0;
  int posix = open("/ro/new.txt", O_CREAT | O_WRONLY, 0644);
  refused("[ro] open(2) O_CREAT", posix >= 0 ? 0 : errno);
  if (posix >= 0)
    close(posix);
}

int main(void) {
  sandbox = preopen_fd("/sandbox");
  ro = preopen_fd("/ro");
  say("pre-opened /sandbox and /ro", "%s", sandbox >= 0 && ro >= 0 ? "yes" : "no FAIL");
  reading_out();
  writing_out();
  read_only();
  return 0;
}
