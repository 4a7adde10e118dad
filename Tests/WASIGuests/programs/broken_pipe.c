/*
 * A reader that goes away: compare.py reads the first line of stdout and
 * closes the pipe. The next writes must fail with an errno (not kill the
 * process with SIGPIPE); the program reports on stderr, which is compared
 * too, and exits 3.
 *
 * run: --
 * exit: 3
 * stdout: close after 1 line
 * stderr: compare
 */
#include <stdlib.h>

#include "guest.h"

static void report(const char *key, const char *value) {
  fprintf(stderr, "%s: %s\n", key, value);
  fflush(stderr);
}

int main(void) {
  /* Keep writing lines; the pipe holds 64 KiB, so a few MiB must fail once the reader is gone. */
  static char line[64];
  int error = 0;
  long lines = 0;
  for (; lines < 1000000; lines++) {
    int n = snprintf(line, sizeof line, "line %ld\n", lines);
    __wasi_ciovec_t iov = {(const uint8_t *)line, (size_t)n};
    __wasi_size_t written = 0;
    if ((error = __wasi_fd_write(1, &iov, 1, &written)))
      break;
  }
  report("fd_write after the reader closed stdout", errname(error));
  report("process survived the closed pipe", "yes");
  __wasi_ciovec_t iov = {(const uint8_t *)"again\n", 6};
  __wasi_size_t written = 0;
  report("fd_write again", errname(__wasi_fd_write(1, &iov, 1, &written)));
  report("stderr still works", "yes");
  return 3;
}
