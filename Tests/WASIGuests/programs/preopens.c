/*
 * Pre-opened directories: listed in flag order from fd 3 with their guest
 * names; a --dir without ::GUEST keeps the host path as its name; the same
 * host directory granted twice, read-write and read-only, is writable
 * through one and refuses writes through the other while both see the same
 * files; wasi-libc picks the longest matching pre-open for a path.
 *
 * run: --dir $SANDBOX::/data --dir-ro $SANDBOX::/data-ro --dir $OUTSIDE --dir-ro $SANDBOX/sub::/data/sub -- $OUTSIDE
 * exit: 0
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "guest.h"

int main(int argc, char **argv) {
  const char *unnamed_host_path = argc > 1 ? argv[1] : "";
  int count = 0, last = 2;
  for (__wasi_fd_t fd = 3; fd < 16; fd++) {
    __wasi_prestat_t prestat;
    if (__wasi_fd_prestat_get(fd, &prestat) != 0)
      break;
    char name[512] = {0};
    size_t len = prestat.u.dir.pr_name_len;
    if (len >= sizeof name)
      len = sizeof name - 1;
    MUST(__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, len));
    char key[32];
    snprintf(key, sizeof key, "pre-open %d", ++count);
    if (strcmp(name, unnamed_host_path) == 0)
      say(key, "(the host path, as given) %s", fd == (__wasi_fd_t)(last + 1) ? "next fd" : "FAIL (fd gap)");
    else
      say(key, "%s %s", name, fd == (__wasi_fd_t)(last + 1) ? "next fd" : "FAIL (fd gap)");
    last = fd;
  }
  say("pre-opens", "%d", count);
  expect("fd_prestat_get after the last", __wasi_fd_prestat_get(last + 1, &(__wasi_prestat_t){0}),
         __WASI_ERRNO_BADF);
  char small[2];
  expect("fd_prestat_dir_name into a short buffer", __wasi_fd_prestat_dir_name(3, (uint8_t *)small, 2),
         __WASI_ERRNO_NAMETOOLONG);

  /* One host directory, two grants. */
  int rw = preopen_fd("/data"), ro = preopen_fd("/data-ro");
  __wasi_fd_t fd;
  expect("create via the read-write grant", open_at(rw, "shared.txt", 0, __WASI_OFLAGS_CREAT, 0, &fd), 0);
  MUST(write_text(fd, "written via /data\n"));
  MUST(__wasi_fd_close(fd));
  refused("create via the read-only grant", open_at(ro, "other.txt", 0, __WASI_OFLAGS_CREAT, 0, &fd));
  refused("write via the read-only grant", open_at(ro, "shared.txt", 0, 0, 0, &fd));
  expect("read via the read-only grant",
         __wasi_path_open(ro, 0, "shared.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd), 0);
  char text[64];
  MUST(read_text(fd, text, sizeof text));
  say("the read-only grant sees the new file", "[%s]", strtok(text, "\n"));
  MUST(__wasi_fd_close(fd));

  /* Longest prefix: /data/sub is its own read-only grant, /data is not. */
  errno = 0;
  int posix = open("/data/sub/a.txt", O_WRONLY);
  refused("open(\"/data/sub/a.txt\", O_WRONLY) uses the /data/sub grant", posix >= 0 ? 0 : errno);
  if (posix >= 0)
    close(posix);
  expect("the same file through the /data fd", open_at(rw, "sub/a.txt", 0, 0, 0, &fd), 0);
  MUST(__wasi_fd_close(fd));
  errno = 0;
  posix = open("/data/hello.txt", O_RDONLY);
  say("open(\"/data/hello.txt\") through libc", "%s", posix >= 0 ? "ok" : errname(errno));
  if (posix >= 0)
    close(posix);
  return 0;
}
