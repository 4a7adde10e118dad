/*
 * The sandbox: every way out of a pre-opened directory (absolute paths,
 * `..`, symlinks to outside directly or through intermediate components,
 * symlinks swapped in while resolving, hard links and renames across the
 * boundary) answers EPERM as under wasmtime, and nothing outside changes.
 * Read-only pre-opens refuse every mutation.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_test.h"

/* Paths that lead out of /sandbox when followed. */
static const char *const escapes[] = {
    "/etc/passwd",
    "/",
    "..",
    "../outside/secret",
    "d/../../outside/secret",
    "./d/./../..",
    "link_abs",
    "link_up",
    "link_updir/secret",
    "link_dotdot/outside/secret",
    "link_dotdot",
    "link_dir/../link_up",
    "d/../link_updir/./secret",
};

static void check_escapes(u32 dirfd) {
  u32 fd;
  for (size_t i = 0; i < sizeof escapes / sizeof escapes[0]; i++) {
    const char *path = escapes[i];
    u32 error = open_at(dirfd, path, FOLLOW, 0, R_FD_READ, 0, &fd);
    CHECK_MSG(error == E_PERM, "open(\"%s\") is %u, expected EPERM", path, error);
    error = path_filestat_get(dirfd, FOLLOW, P1(path), A_OUT);
    CHECK_MSG(error == E_PERM, "stat(\"%s\") is %u, expected EPERM", path, error);
  }
  /* Not following the last symlink keeps it inside: it is just a link. */
  CHECK_EQ(open_at(dirfd, "link_abs", NOFOLLOW, 0, R_FD_READ, 0, &fd), E_LOOP);
  CHECK_EQ(open_at(dirfd, "link_up", NOFOLLOW, 0, R_FD_READ, 0, &fd), E_LOOP);
  CHECK_EQ(path_filestat_get(dirfd, NOFOLLOW, P1("link_abs"), A_OUT), 0);
  CHECK_EQ(mem(A_OUT)[16], 7);
  /* ... but through an intermediate component it is always followed. */
  CHECK_EQ(open_at(dirfd, "link_updir/secret", NOFOLLOW, 0, R_FD_READ, 0, &fd), E_PERM);
  /* Creating through a dangling symlink to outside. */
  CHECK_EQ(open_at(dirfd, "link_dangling_out", FOLLOW, O_CREAT_, R_ALL, 0, &fd), E_PERM);
  CHECK_EQ(open_at(dirfd, "../outside/created", FOLLOW, O_CREAT_, R_ALL, 0, &fd), E_PERM);
  CHECK_EQ(open_at(dirfd, "link_updir/created", NOFOLLOW, O_CREAT_, R_ALL, 0, &fd), E_PERM);
  CHECK_STR(read_host_file(fx_path("outside/newfile")), "<missing>");
  CHECK_STR(read_host_file(fx_path("outside/created")), "<missing>");
  CHECK_STR(read_host_file(fx_path("outside/secret")), "secret");
}

/* Mutations and queries through every other path function. */
static void check_escapes_other_ops(void) {
  const char *outs[] = {"../x", "/tmp/x", "link_updir/x", "link_dotdot/x"};
  for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) {
    CHECK_EQ(path_create_directory(FD_SANDBOX, P1(outs[i])), E_PERM);
    CHECK_EQ(path_unlink_file(FD_SANDBOX, P1(outs[i])), E_PERM);
    CHECK_EQ(path_remove_directory(FD_SANDBOX, P1(outs[i])), E_PERM);
    CHECK_EQ(path_symlink(P1("f"), FD_SANDBOX, P2(outs[i])), E_PERM);
    CHECK_EQ(path_link(FD_SANDBOX, 0, P1("f"), FD_SANDBOX, P2(outs[i])), E_PERM);
    CHECK_EQ(path_rename(FD_SANDBOX, P1("f"), FD_SANDBOX, P2(outs[i])), E_PERM);
    CHECK_EQ(path_readlink(FD_SANDBOX, P1(outs[i]), A_BUF, 100, A_OUT), E_PERM);
    CHECK_EQ(path_filestat_set_times(FD_SANDBOX, FOLLOW, P1(outs[i]), 0, 0, 2), E_PERM);
  }
  CHECK_EQ(path_unlink_file(FD_SANDBOX, P1("link_updir/secret")), E_PERM);
  CHECK_EQ(path_rename(FD_SANDBOX, P1("link_updir/secret"), FD_SANDBOX, P2("stolen")), E_PERM);
  /* Hard links out, or of files outside in. */
  CHECK_EQ(path_link(FD_SANDBOX, 0, P1("../outside/secret"), FD_SANDBOX, P2("hard")), E_PERM);
  CHECK_EQ(path_link(FD_SANDBOX, 0, P1("link_updir/secret"), FD_SANDBOX, P2("hard")), E_PERM);
  CHECK_EQ(path_link(FD_SANDBOX, FOLLOW, P1("link_up"), FD_SANDBOX, P2("hard")), E_INVAL);
  /* Times through a symlink to outside. */
  CHECK_EQ(path_filestat_set_times(FD_SANDBOX, FOLLOW, P1("link_up"), 0, 0, 2), E_PERM);
  CHECK_EQ(path_filestat_set_times(FD_SANDBOX, FOLLOW, P1("link_abs"), 0, 0, 2), E_PERM);
  /* As wasmtime: absolute symlink targets are neither read nor made. */
  CHECK_EQ(path_readlink(FD_SANDBOX, P1("link_abs"), A_BUF, 100, A_OUT), E_PERM);
  CHECK_EQ(path_symlink(P1("/etc/passwd"), FD_SANDBOX, P2("abs2")), E_PERM);
  /* Relative targets may point anywhere; following them is what's checked. */
  CHECK_EQ(path_symlink(P1("../outside/secret"), FD_SANDBOX, P2("up2")), 0);
  CHECK_EQ(open_at(FD_SANDBOX, "up2", FOLLOW, 0, R_FD_READ, 0, NULL), E_PERM);
  /* Removing or renaming the link itself is fine and leaves the target. */
  CHECK_EQ(path_rename(FD_SANDBOX, P1("link_up"), FD_SANDBOX, P2("renamed")), 0);
  CHECK_EQ(path_unlink_file(FD_SANDBOX, P1("renamed")), 0);
  CHECK_EQ(path_unlink_file(FD_SANDBOX, P1("link_abs")), 0);
  CHECK_STR(read_host_file(fx_path("outside/secret")), "secret");
  struct stat st;
  CHECK_EQ(stat(fx_path("outside/x"), &st), -1);
  CHECK_EQ(stat(fx_path("x"), &st), -1);

  /* An opened subdirectory is a root of its own: `..` can't leave it. */
  u32 d;
  CHECK_EQ(open_at(FD_SANDBOX, "d", FOLLOW, O_DIRECTORY_, R_ALL & ~R_FD_WRITE, 0, &d), 0);
  CHECK_EQ(open_at(d, "inner.txt", FOLLOW, 0, R_FD_READ, 0, NULL), 0);
  CHECK_EQ(open_at(d, "../f", FOLLOW, 0, R_FD_READ, 0, NULL), E_PERM);
  CHECK_EQ(open_at(d, "..", FOLLOW, 0, R_FD_READ, 0, NULL), E_PERM);
  CHECK_EQ(path_create_directory(d, P1("../escaped")), E_PERM);
  CHECK_EQ(open_at(d, "./x/../inner.txt", FOLLOW, 0, R_FD_READ, 0, NULL), E_NOENT);
}

void test_escapes_openat2(void) {
  fixture *fx = fixture_create((fixture_options){0});
  check_escapes(FD_SANDBOX);
  check_escapes_other_ops();
  fixture_destroy(fx);
}

void test_escapes_walker(void) {
  fixture *fx = fixture_create((fixture_options){.no_openat2 = true});
  check_escapes(FD_SANDBOX);
  check_escapes_other_ops();
  /* The walker gives the same answers as the kernel for ordinary paths. */
  u32 fd;
  CHECK_EQ(open_at(FD_SANDBOX, "link_dir/inner.txt", NOFOLLOW, 0, R_FD_READ, 0, &fd), 0);
  CHECK_EQ(open_at(FD_SANDBOX, "link_dir/../d//inner.txt", FOLLOW, 0, R_FD_READ, 0, &fd), 0);
  CHECK_EQ(open_at(FD_SANDBOX, "f/", FOLLOW, 0, R_FD_READ, 0, &fd), E_NOTDIR);
  CHECK_EQ(open_at(FD_SANDBOX, "link_dir/", NOFOLLOW, 0, R_FD_READ, 0, &fd), 0);
  CHECK_EQ(open_at(FD_SANDBOX, "link_loop", FOLLOW, 0, R_FD_READ, 0, &fd), E_LOOP);
  CHECK_EQ(open_at(FD_SANDBOX, "link_dangling_in", FOLLOW, O_CREAT_, R_ALL, 0, &fd), 0);
  CHECK_STR(read_host_file(fx_path("sandbox/made_by_link")), "");
  fixture_destroy(fx);
}

/*
 * A host process swaps sandbox/race between a real directory and a symlink
 * to outside/ as fast as it can, while the guest opens race/secret over and
 * over. The guest may see ENOENT, EPERM, ELOOP..., never the secret.
 */
static atomic_bool race_done;

static void *race_swapper(void *arg) {
  const char *dir = arg;
  char race[700], tmp[720], target[700], secret[760];
  snprintf(race, sizeof race, "%s/sandbox/race", dir);
  snprintf(tmp, sizeof tmp, "%s.tmp", race);
  snprintf(target, sizeof target, "%s/outside", dir);
  while (!atomic_load(&race_done)) {
    symlink(target, tmp);
    rename(tmp, race); /* race -> outside */
    unlink(race);
    mkdir(tmp, 0755);
    snprintf(secret, sizeof secret, "%s/secret", tmp);
    write_host_file(secret, "in");
    rename(tmp, race); /* race is a directory holding a 2-byte "secret" */
    snprintf(secret, sizeof secret, "%s/secret", race);
    unlink(secret);
    rmdir(race);
  }
  return NULL;
}

static void race_once(bool no_openat2) {
  fixture *fx = fixture_create((fixture_options){.no_openat2 = no_openat2});
  atomic_store(&race_done, false);
  pthread_t thread;
  pthread_create(&thread, NULL, race_swapper, fx->dir);
  int leaked = 0;
  u64 until = now_ns() + 400000000u;
  while (now_ns() < until) {
    u32 fd;
    if (open_at(FD_SANDBOX, "race/secret", FOLLOW, 0, R_FD_READ, 0, &fd) == 0) {
      char text[32];
      read_str(fd, text, sizeof text);
      leaked += strcmp(text, "secret") == 0;
      fd_close(fd);
    }
    if (path_filestat_get(FD_SANDBOX, FOLLOW, P1("race/secret"), A_OUT) == 0)
      leaked += rd64(A_OUT + 32) == 6; /* the real secret is 6 bytes */
    path_unlink_file(FD_SANDBOX, P1("race/secret"));
  }
  atomic_store(&race_done, true);
  pthread_join(thread, NULL);
  CHECK_EQ(leaked, 0);
  CHECK_STR(read_host_file(fx_path("outside/secret")), "secret");
  fixture_destroy(fx);
}

void test_escape_race(void) {
  race_once(false);
  race_once(true);
}

void test_read_only(void) {
  fixture *fx = fixture_create((fixture_options){0});
  u32 fd;
  CHECK_EQ(open_at(FD_RO, "rf", FOLLOW, 0, R_FD_READ, 0, &fd), 0);
  char text[32];
  CHECK_EQ(read_str(fd, text, sizeof text), 0);
  CHECK_STR(text, "ro data");
  CHECK_EQ(fd_fdstat_get(fd, A_OUT), 0);
  CHECK(!(rd64(A_OUT + 8) & R_FD_WRITE));
  CHECK_EQ(write_str(fd, "x"), E_BADF);
  CHECK_EQ(fd_filestat_set_size(fd, 0), E_PERM);
  CHECK_EQ(fd_filestat_set_times(fd, 0, 0, 2), E_PERM);
  CHECK_EQ(fd_filestat_set_times(FD_RO, 0, 0, 2), E_PERM);
  CHECK_EQ(open_at(FD_RO, "rf", FOLLOW, 0, R_FD_READ | R_FD_WRITE, 0, &fd), E_PERM);
  CHECK_EQ(open_at(FD_RO, "new", FOLLOW, O_CREAT_, R_FD_READ, 0, &fd), E_PERM);
  CHECK_EQ(open_at(FD_RO, "rf", FOLLOW, O_TRUNC_, R_FD_READ, 0, &fd), E_PERM);
  CHECK_EQ(path_create_directory(FD_RO, P1("x")), E_PERM);
  CHECK_EQ(path_unlink_file(FD_RO, P1("rf")), E_PERM);
  CHECK_EQ(path_remove_directory(FD_RO, P1("rd")), E_PERM);
  CHECK_EQ(path_rename(FD_RO, P1("rf"), FD_RO, P2("rf2")), E_PERM);
  CHECK_EQ(path_rename(FD_RO, P1("rf"), FD_SANDBOX, P2("rf2")), E_PERM);
  CHECK_EQ(path_rename(FD_SANDBOX, P1("f"), FD_RO, P2("f")), E_PERM);
  CHECK_EQ(path_link(FD_RO, 0, P1("rf"), FD_RO, P2("rf2")), E_PERM);
  /* A hard link into a writable directory would make the file writable. */
  CHECK_EQ(path_link(FD_RO, 0, P1("rf"), FD_SANDBOX, P2("rf2")), E_PERM);
  CHECK_EQ(path_link(FD_SANDBOX, 0, P1("f"), FD_RO, P2("f")), E_PERM);
  CHECK_EQ(path_symlink(P1("rf"), FD_RO, P2("sl")), E_PERM);
  CHECK_EQ(path_filestat_set_times(FD_RO, FOLLOW, P1("rf"), 0, 0, 2), E_PERM);
  /* Reading is fine. */
  CHECK_EQ(path_filestat_get(FD_RO, FOLLOW, P1("rf"), A_OUT), 0);
  CHECK_EQ(rd64(A_OUT + 32), 7);
  CHECK_EQ(fd_readdir(FD_RO, A_BUF, 1000, 0, A_OUT), 0);
  /* A subdirectory opened from it is read-only too. */
  u32 rd;
  CHECK_EQ(open_at(FD_RO, "rd", FOLLOW, O_DIRECTORY_, R_ALL & ~R_FD_WRITE, 0, &rd), 0);
  CHECK_EQ(path_create_directory(rd, P1("x")), E_PERM);
  CHECK_EQ(open_at(rd, "new", FOLLOW, O_CREAT_, R_FD_READ, 0, &fd), E_PERM);
  u32 ro_file;
  CHECK_EQ(open_at(FD_RO, "rf", FOLLOW, 0, R_ALL & ~R_FD_WRITE, 0, &ro_file), 0);
  CHECK_EQ(fd_allocate(ro_file, 0, 100), E_PERM);
  /* Nothing changed on disk. */
  CHECK_STR(read_host_file(fx_path("ro/rf")), "ro data");
  struct stat st;
  CHECK_EQ(stat(fx_path("ro/x"), &st), -1);
  CHECK_EQ(stat(fx_path("ro/new"), &st), -1);
  CHECK_EQ(stat(fx_path("ro/rf2"), &st), -1);
  CHECK_EQ(stat(fx_path("sandbox/rf2"), &st), -1);
  fixture_destroy(fx);
}
